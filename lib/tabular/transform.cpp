// The tabular transform: fitting, encoding, decoding, and training-by-sampling.
#include "tabular/transform.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace gantool {

namespace {

constexpr const char* kGranularityNames[] = {"none", "unit", "minute", "hour", "day", "month", "year"};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Hinnant's algorithms,
// "chrono-Compatible Low-Level Date Algorithms").
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The coarsest granularity every value of a datetime column has.
Granularity datetime_granularity(const ColumnValues& v) {
  bool minute = true, hour = true, day = true, month = true, year = true;
  for (size_t r = 0; r < v.ints.size(); ++r) {
    if (v.missing[r]) continue;
    const int64_t s = v.ints[r];
    minute = minute && s % 60 == 0;
    hour = hour && s % 3600 == 0;
    day = day && s % 86400 == 0;
    if (day && (month || year)) {
      int64_t y, m, d;
      civil_from_days(floor_div(s, 86400), y, m, d);
      month = month && d == 1;
      year = year && d == 1 && m == 1;
    } else {
      month = year = false;
    }
  }
  return year ? Granularity::year : month ? Granularity::month : day ? Granularity::day
         : hour ? Granularity::hour : minute ? Granularity::minute : Granularity::unit;
}

// x rounded to the nearest value of granularity g (a datetime's seconds for the datetime ones).
double round_to(double x, Granularity g) {
  switch (g) {
    case Granularity::none: return x;
    case Granularity::unit: return std::nearbyint(x);
    case Granularity::minute: return 60 * std::nearbyint(x / 60);
    case Granularity::hour: return 3600 * std::nearbyint(x / 3600);
    case Granularity::day: return 86400 * std::nearbyint(x / 86400);
    case Granularity::month:
    case Granularity::year: {
      int64_t y, m, d;
      civil_from_days(static_cast<int64_t>(std::floor(x / 86400)), y, m, d);
      const double here = 86400.0 * days_from_civil(y, g == Granularity::year ? 1 : m, 1);
      const double next = g == Granularity::year ? 86400.0 * days_from_civil(y + 1, 1, 1)
                                                 : 86400.0 * days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
      return x - here < next - x ? here : next;
    }
  }
  return x;
}

// Draws an index of a softmax over logits[0, n) (the Gumbel-max trick's distribution).
int64_t draw_softmax(const float* logits, int64_t n, Rng& rng) {
  float top = logits[0];
  for (int64_t i = 1; i < n; ++i) top = std::max(top, logits[i]);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(double(logits[i]) - top);
  double u = uniform(rng) * sum;
  for (int64_t i = 0; i < n; ++i) {
    u -= std::exp(double(logits[i]) - top);
    if (u < 0) return i;
  }
  return n - 1;
}

int64_t draw_cdf(const std::vector<double>& cdf, Rng& rng) {
  const double u = uniform(rng) * cdf.back();
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  return std::min<int64_t>(it - cdf.begin(), static_cast<int64_t>(cdf.size()) - 1);
}

int64_t category_count(const Column& col) { return static_cast<int64_t>(col.categories.size()) + (col.nullable ? 1 : 0); }

// x as an int64, saturated at the type's limits (2^63 itself is not an int64).
int64_t saturating_int64(double x) {
  if (!(x > -9223372036854775808.0)) return std::numeric_limits<int64_t>::min();
  if (x >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(x);
}

// The fewest decimals (0 to 6) that write each of the first 10,000 values exactly, or -1.
int64_t fixed_decimals(const std::vector<double>& values) {
  const size_t n = std::min<size_t>(values.size(), 10000);
  for (int64_t d = 0; d <= 6; ++d) {
    const double scale = std::pow(10.0, double(d));
    bool exact = true;
    for (size_t i = 0; i < n && exact; ++i) exact = std::nearbyint(values[i] * scale) / scale == values[i];
    if (exact) return d;
  }
  return -1;
}

// The values that hold at least kPointShare of `values` (at most kMaxPoints, the most
// frequent), in increasing order.
std::vector<double> frequent_values(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::vector<std::pair<size_t, double>> runs;  // (length, value)
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    if (double(j - i) >= kPointShare * double(values.size()) && j - i >= kMinPointRows) runs.push_back({j - i, values[i]});
    i = j;
  }
  // The most frequent first; among equally frequent values, the smaller (the same on every
  // machine).
  std::sort(runs.begin(), runs.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<double> points;
  for (size_t i = 0; i < runs.size() && i < kMaxPoints; ++i) points.push_back(runs[i].second);
  std::sort(points.begin(), points.end());
  return points;
}

// The index of x among points, or -1.
int64_t point_index(const std::vector<double>& points, double x) {
  const auto it = std::lower_bound(points.begin(), points.end(), x);
  return it != points.end() && *it == x ? it - points.begin() : -1;
}

}  // namespace

const char* granularity_name(Granularity g) { return kGranularityNames[static_cast<int>(g)]; }

bool parse_granularity(const std::string& name, Granularity& g) {
  for (int i = 0; i < 7; ++i)
    if (name == kGranularityNames[i]) {
      g = static_cast<Granularity>(i);
      return true;
    }
  return false;
}

std::vector<OutputBlock> output_blocks(const TabularTransform& t) {
  std::vector<OutputBlock> blocks;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const ColumnCode& code = t.columns[c];
    if (is_numeric(t.schema.columns[c].kind)) {
      blocks.push_back({code.offset, 1, false});
      blocks.push_back({code.offset + 1, code.width - 1, true});
      if (code.missing_offset >= 0) blocks.push_back({code.missing_offset, 2, true});
    } else {
      blocks.push_back({code.offset, code.width, true});
    }
  }
  return blocks;
}

TabularTransform fit_transform(const Table& table, int max_modes, double min_weight, Rng& rng) {
  TabularTransform t;
  t.schema = table.schema;
  t.schema.normalization = Normalization{};
  std::vector<double> values;
  int64_t offset = 0;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    Column& col = t.schema.columns[c];
    const ColumnValues& v = table.columns[c];
    col.nullable = std::find(v.missing.begin(), v.missing.end(), 1) != v.missing.end();
    ColumnCode code;
    code.offset = offset;
    if (is_discrete(col.kind)) {
      code.width = category_count(col);
      code.cond_offset = t.cond_dim;
      t.cond_dim += code.width;
      code.counts.assign(static_cast<size_t>(code.width), 0);
      for (int64_t r = 0; r < table.rows; ++r) ++code.counts[static_cast<size_t>(category_index(table, static_cast<int64_t>(c), r))];
    } else {
      values.clear();
      for (int64_t r = 0; r < table.rows; ++r) {
        if (v.missing[r]) continue;
        const double x = number_at(table, static_cast<int64_t>(c), r);
        if (!std::isfinite(x))
          fail("column '{}' holds {} at row {}: the tabular model needs finite numbers; read such values as missing "
               "with 'gantool prepare --na-values' (e.g. --na-values NA,inf,-inf), or drop their rows with "
               "--drop-nonfinite (which also drops rows with missing values)", col.name, x, r + 1);
        values.push_back(x);
      }
      code.always_missing = values.empty();
      if (values.empty()) values.push_back(0);  // one mode, never decoded
      code.points = frequent_values(values);
      std::vector<double> rest;
      for (const double x : values)
        if (point_index(code.points, x) < 0) rest.push_back(x);
      const std::vector<double>& fit = rest.empty() ? values : rest;
      code.mixture = fit_mixture(fit.data(), static_cast<int64_t>(fit.size()), max_modes, min_weight, rng);
      const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      code.lo = *lo;
      code.hi = *hi;
      code.granularity = col.kind == ColumnKind::integer   ? Granularity::unit
                         : col.kind == ColumnKind::datetime ? datetime_granularity(v)
                                                            : Granularity::none;
      if (col.kind == ColumnKind::continuous) code.decimals = fixed_decimals(values);
      code.width = 1 + static_cast<int64_t>(code.points.size() + code.mixture.weights.size());
      if (col.nullable) code.missing_offset = offset + code.width;
    }
    offset += code.width + (code.missing_offset >= 0 ? 2 : 0);
    t.columns.push_back(std::move(code));
  }
  t.data_dim = offset;
  return t;
}

int64_t category_index(const Table& table, int64_t c, int64_t r) {
  const ColumnValues& v = table.columns[static_cast<size_t>(c)];
  return v.missing[r] ? static_cast<int64_t>(table.schema.columns[static_cast<size_t>(c)].categories.size()) : v.ints[r];
}

void encode_row(const TabularTransform& t, const Table& table, int64_t r, Rng& rng, float* dst) {
  std::fill(dst, dst + t.data_dim, 0.0f);
  double post[64];
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const ColumnCode& code = t.columns[c];
    const ColumnValues& v = table.columns[c];
    if (code.cond_offset >= 0) {
      const int64_t k = v.missing[r] ? code.width - 1 : v.ints[r];
      dst[code.offset + k] = 1;
      continue;
    }
    const Mixture& m = code.mixture;
    const auto modes = static_cast<int64_t>(m.weights.size());
    const auto points = static_cast<int64_t>(code.points.size());
    if (v.missing[r]) {  // α 0 and the first point, else the heaviest mode: a fixed code G learns to pair with "missing"
      dst[code.offset + 1 + (points > 0 ? 0 : std::max_element(m.weights.begin(), m.weights.end()) - m.weights.begin())] = 1;
      dst[code.missing_offset + 1] = 1;
      continue;
    }
    const double x = number_at(table, static_cast<int64_t>(c), r);
    if (code.missing_offset >= 0) dst[code.missing_offset] = 1;
    if (const int64_t p = point_index(code.points, x); p >= 0) {  // α 0 and the point's entry
      dst[code.offset + 1 + p] = 1;
      continue;
    }
    mixture_posterior(m, x, post);
    double u = uniform(rng);
    int64_t k = modes - 1;
    for (int64_t i = 0; i < modes; ++i) {
      u -= post[i];
      if (u < 0) {
        k = i;
        break;
      }
    }
    const double alpha = (x - m.means[k]) / (4 * m.stds[k]);
    dst[code.offset] = static_cast<float>(std::clamp(alpha, -0.99, 0.99));
    dst[code.offset + 1 + points + k] = 1;
  }
}

void decode_row(const TabularTransform& t, const float* logits, Rng& rng, Table& table, int64_t r) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const ColumnCode& code = t.columns[c];
    const Column& col = t.schema.columns[c];
    ColumnValues& v = table.columns[c];
    if (code.cond_offset >= 0) {
      const int64_t k = draw_softmax(logits + code.offset, code.width, rng);
      const bool missing = col.nullable && k == code.width - 1;
      v.missing[r] = missing;
      v.ints[r] = missing ? -1 : k;
      continue;
    }
    const Mixture& m = code.mixture;
    const int64_t k = draw_softmax(logits + code.offset + 1, code.width - 1, rng);
    const bool missing =
        code.missing_offset >= 0 && (draw_softmax(logits + code.missing_offset, 2, rng) == 1 || code.always_missing);
    const double alpha = std::tanh(double(logits[code.offset]));
    const auto points = static_cast<int64_t>(code.points.size());
    double x = k < points ? code.points[static_cast<size_t>(k)]
                          : round_to(std::clamp(alpha * 4 * m.stds[k - points] + m.means[k - points], code.lo, code.hi),
                                     code.granularity);
    if (code.decimals >= 0 && k >= points) {
      const double scale = std::pow(10.0, double(code.decimals));
      x = std::clamp(std::nearbyint(x * scale) / scale, code.lo, code.hi);
    }
    v.missing[r] = missing;
    if (holds_reals(col.kind))
      v.reals[r] = missing ? 0 : x;
    else
      v.ints[r] = missing ? 0 : saturating_int64(std::clamp(x, code.lo, code.hi));
  }
}

CondSampler make_cond_sampler(const TabularTransform& t, const Table& table) {
  CondSampler s;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const ColumnCode& code = t.columns[c];
    if (code.cond_offset < 0) continue;
    s.discrete.push_back(static_cast<int64_t>(c));
    std::vector<int64_t> count(static_cast<size_t>(code.width), 0);
    for (int64_t r = 0; r < table.rows; ++r) ++count[static_cast<size_t>(category_index(table, static_cast<int64_t>(c), r))];
    std::vector<int64_t> start(count.size() + 1, 0);
    for (size_t k = 0; k < count.size(); ++k) start[k + 1] = start[k] + count[k];
    std::vector<int64_t> order(static_cast<size_t>(table.rows)), next(start.begin(), start.end() - 1);
    for (int64_t r = 0; r < table.rows; ++r)
      order[static_cast<size_t>(next[static_cast<size_t>(category_index(table, static_cast<int64_t>(c), r))]++)] = r;
    std::vector<double> log_cdf;
    double log_sum = 0;
    for (const int64_t n : count) {
      log_sum += std::log(double(n) + 1) * (n > 0);  // a category without training rows is never asked for
      log_cdf.push_back(log_sum);
    }
    s.order.push_back(std::move(order));
    s.start.push_back(std::move(start));
    s.log_cdf.push_back(std::move(log_cdf));
  }
  return s;
}

Condition draw_condition(const CondSampler& s, Rng& rng) {
  Condition cond;
  cond.column = static_cast<int64_t>(below(rng, s.discrete.size()));
  cond.category = draw_cdf(s.log_cdf[static_cast<size_t>(cond.column)], rng);
  return cond;
}

ColumnCondition draw_sampling_condition(const TabularTransform& t, Rng& rng) {
  const auto discrete = static_cast<uint64_t>(
      std::count_if(t.columns.begin(), t.columns.end(), [](const ColumnCode& code) { return code.cond_offset >= 0; }));
  if (discrete == 0) return {};
  auto j = static_cast<int64_t>(below(rng, discrete));  // the j-th discrete column
  size_t col = 0;
  while (t.columns[col].cond_offset < 0 || j-- > 0) ++col;
  const ColumnCode& code = t.columns[col];
  int64_t total = 0;
  for (const int64_t k : code.counts) total += k;
  auto u = static_cast<int64_t>(below(rng, static_cast<uint64_t>(std::max<int64_t>(total, 1))));
  int64_t k = 0;
  while (k + 1 < code.width && u >= code.counts[static_cast<size_t>(k)]) u -= code.counts[static_cast<size_t>(k++)];
  return {static_cast<int64_t>(col), k};
}

int64_t draw_row(const CondSampler& s, const Condition& cond, Rng& rng) {
  const auto j = static_cast<size_t>(cond.column);
  const int64_t first = s.start[j][static_cast<size_t>(cond.category)];
  const int64_t n = s.start[j][static_cast<size_t>(cond.category) + 1] - first;
  return s.order[j][static_cast<size_t>(first + static_cast<int64_t>(below(rng, static_cast<uint64_t>(n))))];
}

void write_cond(const TabularTransform& t, const CondSampler& s, const Condition& cond, float* dst) {
  std::fill(dst, dst + t.cond_dim, 0.0f);
  if (cond.column < 0) return;
  dst[t.columns[static_cast<size_t>(s.discrete[static_cast<size_t>(cond.column)])].cond_offset + cond.category] = 1;
}

}  // namespace gantool
