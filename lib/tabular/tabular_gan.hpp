// The conditional tabular GAN (Xu et al. 2019, "Modeling Tabular Data using Conditional
// GAN", CTGAN): G reads noise and a conditional vector and writes one logit per value of an
// encoded row (tabular/transform.hpp), whose heads are tanh for each α and a Gumbel-softmax
// (τ = 0.2) for each one-hot while training; D judges packs of rows, each row with its
// conditional vector (PacGAN). Training-by-sampling draws the conditions and the real rows
// that match them, and G pays a cross-entropy for writing a category other than the one
// asked for (§4.3). The game, nets and optimizers are a Gan (gan/gan.hpp) with
// config.cond_dim set.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"
#include "data/table.hpp"
#include "gan/gan.hpp"
#include "nn/tiled.hpp"
#include "tabular/transform.hpp"

namespace gantool {

// The Gumbel-softmax temperature of the one-hot heads while training (CTGAN's τ).
inline constexpr float kGumbelTau = 0.2f;

// The heads of G's output while training: tanh for each α; for each one-hot,
// softmax((logits + g)/τ) with Gumbel noise g (Jang et al. 2017, "Categorical
// Reparameterization with Gumbel-Softmax"). src, gumbel, dst: (rows, data_dim).
void heads_forward(const std::vector<OutputBlock>& blocks, const float* src, const float* gumbel, float* dst,
                   int64_t rows, int64_t data_dim);
// diff (rows, data_dim), the gradient at the heads' output y (rows, data_dim), becomes the
// gradient at their input, in place: tanh (1 − y²); softmax with temperature τ:
// y ⊙ (diff − ⟨diff, y⟩)/τ.
void heads_backward(const std::vector<OutputBlock>& blocks, const float* y, float* diff, int64_t rows, int64_t data_dim);

// G's conditional loss (CTGAN §4.3): the cross-entropy of each row's asked-for category
// under the softmax of its column's logits (rows (rows, data_dim)), summed over the rows
// with a condition and divided by all rows; its gradient with respect to the logits is
// added to diff (rows, data_dim).
double condition_loss(const TabularTransform& t, const CondSampler& sampler, const std::vector<Condition>& conds,
                      const float* logits, int64_t rows, float* diff);

// The networks and game of a tabular model: G z_dim + cond_dim → g_hidden → data_dim
// logits, each hidden layer linear and ReLU, with g_residual as CTGAN's residual block
// (linear, batch norm, ReLU, its input appended); D pack·(data_dim + cond_dim) → d_hidden
// (leaky ReLU 0.2, each followed by dropout at d_dropout while training) → 1.
struct TabularShape {
  int64_t z_dim = 128;
  std::vector<int64_t> g_hidden = {256, 256};
  std::vector<int64_t> d_hidden = {256, 256};
  float d_dropout = 0.0f;
  bool g_residual = true;
};
GanConfig tabular_config(const TabularTransform& t, const TabularShape& shape, GanConfig game);

// What a training step needs besides the Gan: the training table, its transform and
// sampler, and the step's buffers (sized once).
struct TabularData {
  const TabularTransform* transform = nullptr;
  const Table* table = nullptr;
  CondSampler sampler;
  std::vector<OutputBlock> blocks;
  std::vector<Condition> conds;  // (batch): the conditions of G's rows
  std::vector<int64_t> perm;     // (batch): real row i has the condition of G's row perm[i]
  Tensor cond;       // (batch, cond_dim): the conditional vectors of G's rows
  Tensor g_src;      // (batch, z_dim + cond_dim): G's input
  Tensor gumbel;     // (batch, data_dim): the heads' Gumbel noise
  Tensor fake;       // (batch, data_dim): G's rows through the heads
  Tensor d_src;      // (3·batch, data_dim + cond_dim): real, fake and interpolated rows, each
                     //   with its conditional vector; `pack` rows make one input of D
  Tensor diff_logits;  // (2·batch/pack, 1)
  Tensor diff_u;       // (batch/pack, pack·(data_dim + cond_dim))
  Tensor diff_src;     // (batch/pack, pack·(data_dim + cond_dim)): D's gradient at its input
  Tensor diff_g;       // (batch, data_dim): the gradient at G's logits
};

// Sets up the data of a run of gan on table (whose transform is t; both must outlive it).
TabularData make_tabular_data(const Gan& gan, const TabularTransform& t, const Table& table);

// One iteration: config.d_steps D updates, then one G update, every random draw (conditions,
// real rows, modes, noise) from gan.noise_rng, so the same seed and thread count give the
// same bits, resumed or not.
StepStats tabular_step(Gan& gan, TabularData& data);

// The share of training rows that would meet every condition if the columns were
// independent: the product of each conditioned category's share.
double condition_share(const TabularTransform& t, const std::vector<ColumnCondition>& conditions);

// Conditions down to this estimated share are met by drawing rows as without conditions and
// keeping those that meet them (at most ~1/share attempts per row): the kept rows then follow
// the joint distribution G learned, conditioned exactly. Rarer ones put the rarest
// conditioned category into every row's conditional vector (CTGAN's way, §4.3), which G's
// cross-entropy makes cheap to meet but which follows the other columns less faithfully
// (measured in README, "Synthetic tables").
inline constexpr double kMinRejectionShare = 0.01;

// The condition whose category every conditional vector holds, or nullptr when the
// conditions are met by rejection alone (none given, or their share ≥ kMinRejectionShare).
const ColumnCondition* fixed_condition(const TabularTransform& t, const std::vector<ColumnCondition>& conditions);

// Rows [first, first + n) of G's synthetic table into `out` (resized to n rows), G's
// forward on tiles (nn/tiled.hpp; first a multiple of its tile): row i is drawn from
// (seed, i) alone, whatever the blocks and thread count. Each row's conditional vector is
// drawn with the training frequencies, or holds fixed_condition(t, conditions) when there
// is one. With conditions, attempt i is kept only when every condition holds; `out` then
// holds the kept rows of attempts [first, first + n) (fewer than n).
void generate_table(TiledForward& g, const GanConfig& c, const TabularTransform& t, uint64_t seed, int64_t first, int64_t n,
                    const std::vector<ColumnCondition>& conditions, Table& out);

}  // namespace gantool
