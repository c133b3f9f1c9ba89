// How a typed table becomes the vectors a tabular GAN's generator writes and its
// discriminator reads, and back (Xu et al. 2019, "Modeling Tabular Data using Conditional
// GAN", §4.2–4.3):
//   numeric columns (continuous, integer, datetime): mode-specific normalization, a scalar
//     α = (x − μ_k)/(4σ_k) (a tanh head) and a one-hot of the mode k, drawn from the
//     posterior of a Gaussian mixture fitted to the column (tabular/mixture.hpp);
//   discrete columns (categorical, boolean): a one-hot of the category (a softmax head), with
//     one more category "missing" when the column has missing values;
//   a numeric column with missing values: one more block [present, missing].
// The conditional vector (§4.3) holds one one-hot block per discrete column.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "data/table.hpp"
#include "tabular/mixture.hpp"

namespace gantool {

// The share of a numeric column's training rows a value needs to be coded as a point, and
// the most points a column has.
inline constexpr double kPointShare = 0.05;
inline constexpr size_t kMinPointRows = 10;  // and at least this many rows (a tiny table is not copied)
inline constexpr size_t kMaxPoints = 8;

// The step a decoded numeric value is rounded to: none (continuous), whole numbers
// (integers), or a datetime's whole seconds, minutes, hours, days, first days of months or
// first days of years: what every training value was.
enum class Granularity { none, unit, minute, hour, day, month, year };
const char* granularity_name(Granularity g);
bool parse_granularity(const std::string& name, Granularity& g);

// How one column is coded.
struct ColumnCode {
  int64_t offset = 0;  // its first value in a row of G's output
  int64_t width = 0;   // numeric: 1 + points + modes; discrete: categories (+ 1 when nullable)
  // Numeric: values that each hold at least kPointShare of the training rows (capital-gain's
  // 0, hours-per-week's 40), coded as one-hot entries of their own before the mixture's modes
  // and decoded exactly; a mixture mode would spread them (its std covers the tail too).
  std::vector<double> points;
  Mixture mixture;     // numeric: the modes of the other values
  double lo = 0, hi = 0;  // numeric: the training range; decoded values are clipped to it
  Granularity granularity = Granularity::none;
  // Continuous: the decimals every training value is written with (at most 6; -1: more), so
  // that decoded values are rounded to them ("39.1", not "39.0872...").
  int64_t decimals = -1;
  int64_t missing_offset = -1;  // numeric and nullable: the block [present, missing]
  bool always_missing = false;  // numeric: no training row has a value (decoded as missing)
  int64_t cond_offset = -1;     // discrete: its block in the conditional vector (width wide)
  std::vector<int64_t> counts;  // discrete: the training rows of each category (missing last)
};

// A fitted transform: the table's schema (names, kinds, categories with their training
// counts, datetime formats, nullable) and each column's code.
struct TabularTransform {
  Schema schema;
  std::vector<ColumnCode> columns;
  int64_t data_dim = 0;  // values per row of G's output
  int64_t cond_dim = 0;  // values per conditional vector
};

// A span of G's output with one activation: tanh (a numeric column's α) or softmax (a one-hot).
struct OutputBlock {
  int64_t offset = 0, width = 0;
  bool softmax = false;
};

// The blocks of G's output, in order; they cover it.
std::vector<OutputBlock> output_blocks(const TabularTransform& t);

// Fits the transform to the rows of `table` (at least one): mixtures of at most max_modes
// modes, modes below min_weight dropped (CTGAN: 10 and 0.005). Throws Error when a column
// cannot be modelled (every value missing is fine: it then stays missing).
TabularTransform fit_transform(const Table& table, int max_modes, double min_weight, Rng& rng);

// The category index of row r of discrete column c as the conditional vector sees it: the
// code, or the column's last index when missing.
int64_t category_index(const Table& table, int64_t c, int64_t r);

// Writes row r of table as an encoded row dst (data_dim): one-hots of 1, α in [−1, 1]; each
// numeric value's mode is drawn from its posterior with rng.
void encode_row(const TabularTransform& t, const Table& table, int64_t r, Rng& rng, float* dst);

// Decodes one row of G's raw output (data_dim logits, before the heads) into row r of
// table (sized by the caller): every one-hot drawn from the softmax of its logits with rng
// (as the Gumbel-max trick does), α = tanh; numeric values clipped to the training range
// and rounded to the column's granularity.
void decode_row(const TabularTransform& t, const float* logits, Rng& rng, Table& table, int64_t r);

// Training-by-sampling (§4.3): the rows of each category of each discrete column, and the
// distributions to draw conditions from.
struct CondSampler {
  std::vector<int64_t> discrete;  // the discrete columns, in order
  // Per discrete column: row indices grouped by category, and where each category's group
  // starts (categories + 1 entries).
  std::vector<std::vector<int64_t>> order, start;
  // Per discrete column: cumulative probabilities of its categories, ∝ log(count + 1).
  std::vector<std::vector<double>> log_cdf;
};
CondSampler make_cond_sampler(const TabularTransform& t, const Table& table);

// A condition drawn for one row: discrete column `column` (an index into sampler.discrete)
// at category `category`.
struct Condition {
  int64_t column = -1, category = -1;
};

// Draws a training condition: a discrete column uniformly, then a category with the
// log-frequency distribution.
Condition draw_condition(const CondSampler& s, Rng& rng);

// A real row holding the condition's category, uniformly among them.
int64_t draw_row(const CondSampler& s, const Condition& cond, Rng& rng);

// A condition for sampling: discrete column `column` (an index into the table's columns)
// holds category `category`.
struct ColumnCondition {
  int64_t column = -1, category = -1;
};

// The condition of a row sampled without one (CTGAN's original conditional vector): a
// discrete column of t uniformly, then a category with its training frequency
// (ColumnCode::counts); {-1, -1} when t has no discrete column. Allocates nothing.
ColumnCondition draw_sampling_condition(const TabularTransform& t, Rng& rng);

// Writes the conditional vector of cond into dst (cond_dim): zeros, a one at its category.
void write_cond(const TabularTransform& t, const CondSampler& s, const Condition& cond, float* dst);

}  // namespace gantool
