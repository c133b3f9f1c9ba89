// The conditional tabular GAN's training step and generation.
#include "tabular/tabular_gan.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "gan/losses.hpp"

namespace gantool {

namespace {

// Substreams of sample's --seed: the noise of row i (row-indexed), and per row i the stream
// of its conditional vector's draw and the stream of its decoding draws.
constexpr uint64_t kRowNoiseStream = 2;
constexpr uint64_t kRowConditionStreams = uint64_t{3} << 56, kRowDecodeStreams = uint64_t{4} << 56;

// Gumbel(0, 1) noise, −log(−log u), u uniform in (0, 1).
void fill_gumbel(Rng& rng, float* dst, int64_t n) {
  fill_uniform(rng, dst, n, 0.0f, 1.0f);
  for (int64_t i = 0; i < n; ++i) dst[i] = -std::log(-std::log(std::clamp(dst[i], 1e-10f, 1.0f - 1e-7f)));
}

// Draws the batch's conditions and their vectors, and G's input [z, cond].
void draw_generator_input(Gan& gan, TabularData& data) {
  const GanConfig& c = gan.config;
  const TabularTransform& t = *data.transform;
  const int64_t batch = c.batch, z_dim = c.z_dim();
  const bool conditional = !data.sampler.discrete.empty();
  for (int64_t i = 0; i < batch; ++i) {
    sample_noise(c.prior, gan.noise_rng, data.g_src.row(i), z_dim);
    data.conds[static_cast<size_t>(i)] = conditional ? draw_condition(data.sampler, gan.noise_rng) : Condition{};
    write_cond(t, data.sampler, data.conds[static_cast<size_t>(i)], data.cond.row(i));
    std::memcpy(data.g_src.row(i) + z_dim, data.cond.row(i), static_cast<size_t>(t.cond_dim) * sizeof(float));
  }
}

// G's rows of this iteration through the heads, into data.fake; the logits stay in G.
const Tensor& generate(Gan& gan, TabularData& data) {
  const GanConfig& c = gan.config;
  draw_generator_input(gan, data);
  const Tensor& logits = gan.g.forward(data.g_src.data(), c.batch, &gan.noise_rng);  // training: batch norm's batch statistics
  for (int64_t i = 0; i < c.batch; ++i)  // only the one-hots take noise
    for (const OutputBlock& b : data.blocks)
      if (b.softmax) fill_gumbel(gan.noise_rng, data.gumbel.row(i) + b.offset, b.width);
  heads_forward(data.blocks, logits.data(), data.gumbel.data(), data.fake.data(), c.batch, c.data_dim());
  return logits;
}

// Writes a data row (data_dim) and its conditional vector (cond_dim) into row `to` of D's input.
void put_row(TabularData& data, int64_t to, const float* row, const float* cond, int64_t data_dim, int64_t cond_dim) {
  float* dst = data.d_src.row(to);
  std::memcpy(dst, row, static_cast<size_t>(data_dim) * sizeof(float));
  std::memcpy(dst + data_dim, cond, static_cast<size_t>(cond_dim) * sizeof(float));
}

// One D update: fake rows with fresh conditions, real rows drawn to match a permutation of
// them (CTGAN's training-by-sampling), and the penalties.
void discriminator_update(Gan& gan, TabularData& data, StepStats& stats) {
  const GanConfig& c = gan.config;
  const TabularTransform& t = *data.transform;
  const int64_t batch = c.batch, dd = c.data_dim(), cd = c.cond_dim, n = batch / c.pack;
  const int64_t width = c.pack * (dd + cd);
  generate(gan, data);
  // Real rows: row i matches the condition of G's row perm[i].
  for (int64_t i = 0; i < batch; ++i) data.perm[static_cast<size_t>(i)] = i;
  shuffle(data.perm, gan.noise_rng);
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t j = data.perm[static_cast<size_t>(i)];
    const Condition& cond = data.conds[static_cast<size_t>(j)];
    const int64_t r = cond.column >= 0 ? draw_row(data.sampler, cond, gan.noise_rng)
                                       : static_cast<int64_t>(below(gan.noise_rng, static_cast<uint64_t>(data.table->rows)));
    float* dst = data.d_src.row(i);
    encode_row(t, *data.table, r, gan.noise_rng, dst);
    std::memcpy(dst + dd, data.cond.row(j), static_cast<size_t>(cd) * sizeof(float));
    put_row(data, batch + i, data.fake.row(i), data.cond.row(i), dd, cd);
  }
  const bool interpolates = c.loss == GanLoss::wgan_gp;
  if (interpolates) {  // x̂ = ε·x + (1 − ε)·G(z), one ε per input of D (Gulrajani et al., Algorithm 1)
    const float* real = data.d_src.row(0);
    const float* fake = data.d_src.row(batch);
    float* x_hat = data.d_src.row(2 * batch);
    for (int64_t p = 0; p < n; ++p) {
      const auto eps = static_cast<float>(uniform(gan.noise_rng));
      for (int64_t j = p * width; j < (p + 1) * width; ++j) x_hat[j] = eps * real[j] + (1.0f - eps) * fake[j];
    }
  }
  const Tensor& logits = gan.d.forward(data.d_src.data(), (interpolates ? 3 : 2) * n, &gan.noise_rng);
  float* diff = data.diff_logits.data();
  stats.loss_d = discriminator_loss(c.loss, logits.data(), n, logits.data() + n, n, diff, diff + n);
  const bool probability = outputs_probability(c.loss);
  stats.d_real = 0;
  stats.d_fake = 0;
  for (int64_t i = 0; i < n; ++i) {
    stats.d_real += (probability ? sigmoid(logits.data()[i]) : logits.data()[i]) / double(n);
    stats.d_fake += (probability ? sigmoid(logits.data()[n + i]) : logits.data()[n + i]) / double(n);
  }
  gan.d.backward(diff, /*param_grads=*/true, /*diff_src=*/nullptr, 0, 2 * n);
  stats.penalty = 0;
  if (interpolates) {
    const Tensor& u = gan.d.input_gradient(2 * n, n);
    stats.penalty += gradient_penalty(u.data(), n, width, c.gp_weight, data.diff_u.data());
    gan.d.add_input_gradient_backward(data.diff_u.data());
  }
  if (c.r1 > 0) {
    const Tensor& u = gan.d.input_gradient(0, n);
    stats.penalty += r1_penalty(u.data(), n, width, c.r1, data.diff_u.data());
    gan.d.add_input_gradient_backward(data.diff_u.data());
  }
  stats.loss_d += stats.penalty;
  const Param d = gan.d.params.param();
  optimizer_step(c.opt_d, gan.opt_state_d, {&d, 1});
  if (c.loss == GanLoss::wasserstein)
    for (float& v : gan.d.params.values) v = std::clamp(v, -c.clip, c.clip);
}

// One G update: the adversarial loss through D and the heads, plus the cross-entropy of
// each row's asked-for category (CTGAN's conditional loss: summed over rows, divided by the
// batch).
void generator_update(Gan& gan, TabularData& data, StepStats& stats) {
  const GanConfig& c = gan.config;
  const TabularTransform& t = *data.transform;
  const int64_t batch = c.batch, dd = c.data_dim(), cd = c.cond_dim, n = batch / c.pack;
  const Tensor& logits_g = generate(gan, data);
  for (int64_t i = 0; i < batch; ++i) put_row(data, i, data.fake.row(i), data.cond.row(i), dd, cd);
  const Tensor& logits_d = gan.d.forward(data.d_src.data(), n, &gan.noise_rng);
  stats.loss_g = generator_loss(c.loss, logits_d.data(), n, data.diff_logits.data());
  gan.d.backward(data.diff_logits.data(), /*param_grads=*/false, data.diff_src.data(), 0, n);
  // D's input rows are (batch, dd + cd) contiguously: take each row's data part.
  for (int64_t i = 0; i < batch; ++i)
    std::memcpy(data.diff_g.row(i), data.diff_src.data() + i * (dd + cd), static_cast<size_t>(dd) * sizeof(float));
  heads_backward(data.blocks, data.fake.data(), data.diff_g.data(), batch, dd);
  stats.loss_g += condition_loss(t, data.sampler, data.conds, logits_g.data(), batch, data.diff_g.data());
  gan.g.backward(data.diff_g.data(), /*param_grads=*/true, /*diff_src=*/nullptr);
  const Param g = gan.g.params.param();
  optimizer_step(c.opt_g, gan.opt_state_g, {&g, 1});
  if (c.ema <= 0) return;
  const double step = static_cast<double>(gan.opt_state_g.step);
  const auto beta = static_cast<float>(std::min(c.ema, (1 + step) / (10 + step)));
  float* avg = gan.g_ema.params.values.data();
  const float* now = gan.g.params.values.data();
  for (size_t i = 0; i < gan.g.params.values.size(); ++i) avg[i] = beta * avg[i] + (1 - beta) * now[i];
  gan.g_ema.state.values = gan.g.state.values;  // batch norm's running statistics: G's (no allocation: same size)
}

}  // namespace

double condition_loss(const TabularTransform& t, const CondSampler& sampler, const std::vector<Condition>& conds,
                      const float* logits, int64_t rows, float* diff) {
  double ce = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const Condition& cond = conds[static_cast<size_t>(i)];
    if (cond.column < 0) continue;
    const ColumnCode& code = t.columns[static_cast<size_t>(sampler.discrete[static_cast<size_t>(cond.column)])];
    const float* x = logits + i * t.data_dim + code.offset;
    float* d = diff + i * t.data_dim + code.offset;
    float top = x[0];
    for (int64_t j = 1; j < code.width; ++j) top = std::max(top, x[j]);
    double sum = 0;
    for (int64_t j = 0; j < code.width; ++j) sum += std::exp(double(x[j]) - top);
    ce += std::log(sum) + top - x[cond.category];
    for (int64_t j = 0; j < code.width; ++j)
      d[j] += static_cast<float>((std::exp(double(x[j]) - top) / sum - (j == cond.category)) / double(rows));
  }
  return ce / double(rows);
}

void heads_forward(const std::vector<OutputBlock>& blocks, const float* src, const float* gumbel, float* dst,
                   int64_t rows, int64_t data_dim) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = src + r * data_dim;
    const float* g = gumbel + r * data_dim;
    float* y = dst + r * data_dim;
    for (const OutputBlock& b : blocks) {
      if (!b.softmax) {
        for (int64_t j = b.offset; j < b.offset + b.width; ++j) y[j] = std::tanh(x[j]);
        continue;
      }
      float top = -INFINITY;
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) top = std::max(top, (x[j] + g[j]) / kGumbelTau);
      float sum = 0;
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) sum += y[j] = std::exp((x[j] + g[j]) / kGumbelTau - top);
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) y[j] /= sum;
    }
  }
}

void heads_backward(const std::vector<OutputBlock>& blocks, const float* y, float* diff, int64_t rows, int64_t data_dim) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* yr = y + r * data_dim;
    float* d = diff + r * data_dim;
    for (const OutputBlock& b : blocks) {
      if (!b.softmax) {
        for (int64_t j = b.offset; j < b.offset + b.width; ++j) d[j] *= 1 - yr[j] * yr[j];
        continue;
      }
      float dot = 0;
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) dot += d[j] * yr[j];
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) d[j] = yr[j] * (d[j] - dot) / kGumbelTau;
    }
  }
}

GanConfig tabular_config(const TabularTransform& t, const TabularShape& shape, GanConfig game) {
  game.cond_dim = t.cond_dim;
  game.g = mlp_spec(shape.z_dim + t.cond_dim, {shape.g_hidden, Activation::relu, 0.0f, Activation::identity}, t.data_dim);
  game.d = mlp_spec(game.pack * (t.data_dim + t.cond_dim), {shape.d_hidden, Activation::leaky_relu, 0.2f, Activation::identity}, 1);
  for (size_t l = 0; l + 1 < game.d.layers.size(); ++l) game.d.layers[l].dropout = shape.d_dropout;
  for (size_t l = 0; l + 1 < game.g.layers.size(); ++l) game.g.layers[l].batch_norm = game.g.layers[l].concat = shape.g_residual;
  return game;
}

TabularData make_tabular_data(const Gan& gan, const TabularTransform& t, const Table& table) {
  const GanConfig& c = gan.config;
  if (c.cond_dim != t.cond_dim || c.data_dim() != t.data_dim)
    fail("the tabular model's networks ({} + {} values) do not fit its transform ({} + {})", c.data_dim(), c.cond_dim,
         t.data_dim, t.cond_dim);
  TabularData data;
  data.transform = &t;
  data.table = &table;
  data.sampler = make_cond_sampler(t, table);
  data.blocks = output_blocks(t);
  const int64_t batch = c.batch, dd = c.data_dim(), cd = c.cond_dim, n = batch / c.pack;
  data.conds.resize(static_cast<size_t>(batch));
  data.perm.resize(static_cast<size_t>(batch));
  data.cond = Tensor(batch, std::max<int64_t>(cd, 1));
  data.g_src = Tensor(batch, c.z_dim() + cd);
  data.gumbel = Tensor(batch, dd);
  data.fake = Tensor(batch, dd);
  data.d_src = Tensor(3 * batch, dd + cd);
  data.diff_logits = Tensor(2 * n, 1);
  data.diff_u = Tensor(n, c.pack * (dd + cd));
  data.diff_src = Tensor(n, c.pack * (dd + cd));
  data.diff_g = Tensor(batch, dd);
  return data;
}

StepStats tabular_step(Gan& gan, TabularData& data) {
  StepStats stats;
  for (int64_t k = 0; k < gan.config.d_steps; ++k) discriminator_update(gan, data, stats);
  generator_update(gan, data, stats);
  return stats;
}

double condition_share(const TabularTransform& t, const std::vector<ColumnCondition>& conditions) {
  double share = 1;
  for (const ColumnCondition& cc : conditions) {
    const std::vector<int64_t>& counts = t.columns[static_cast<size_t>(cc.column)].counts;
    int64_t total = 0;
    for (const int64_t k : counts) total += k;
    share *= double(counts[static_cast<size_t>(cc.category)]) / double(std::max<int64_t>(total, 1));
  }
  return share;
}

const ColumnCondition* fixed_condition(const TabularTransform& t, const std::vector<ColumnCondition>& conditions) {
  if (conditions.empty() || condition_share(t, conditions) >= kMinRejectionShare) return nullptr;
  const ColumnCondition* fixed = nullptr;  // the conditioned category with the fewest training rows
  for (const ColumnCondition& cc : conditions) {
    const ColumnCode& code = t.columns[static_cast<size_t>(cc.column)];
    if (!fixed || code.counts[static_cast<size_t>(cc.category)] <
                      t.columns[static_cast<size_t>(fixed->column)].counts[static_cast<size_t>(fixed->category)])
      fixed = &cc;
  }
  return fixed;
}

void generate_table(TiledForward& g, const GanConfig& c, const TabularTransform& t, uint64_t seed, int64_t first, int64_t n,
                    const std::vector<ColumnCondition>& conditions, Table& out) {
  const int64_t z_dim = c.z_dim(), cd = c.cond_dim;
  Tensor src(std::max<int64_t>(n, 1), z_dim + cd), z(std::max<int64_t>(n, 1), z_dim);
  sample_noise_rows(c.prior, make_rng(seed, kRowNoiseStream), first, n, z_dim, z.data());
  const ColumnCondition* fixed = fixed_condition(t, conditions);
  for (int64_t i = 0; i < n; ++i) {
    float* row = src.row(i);
    std::memcpy(row, z.row(i), static_cast<size_t>(z_dim) * sizeof(float));
    std::fill(row + z_dim, row + z_dim + cd, 0.0f);
    Rng rng{seed, kRowConditionStreams + static_cast<uint64_t>(first + i), 0};
    const ColumnCondition cond = fixed ? *fixed : draw_sampling_condition(t, rng);
    if (cond.column >= 0) row[z_dim + t.columns[static_cast<size_t>(cond.column)].cond_offset + cond.category] = 1;
  }
  Tensor logits(std::max<int64_t>(n, 1), t.data_dim);
  g.run(src.data(), n, logits.data());
  for (int64_t i = 0; i < n * t.data_dim; ++i)
    if (!std::isfinite(logits.data()[i])) fail("the generator produced a value that is not finite (damaged model?)");
  out = empty_table(t.schema);
  resize_rows(out, n);
  int64_t kept = 0;
  for (int64_t i = 0; i < n; ++i) {
    Rng rng{seed, kRowDecodeStreams + static_cast<uint64_t>(first + i), 0};
    decode_row(t, logits.row(i), rng, out, kept);
    bool ok = true;
    for (const ColumnCondition& cc : conditions) {
      const ColumnValues& v = out.columns[static_cast<size_t>(cc.column)];
      ok = ok && !v.missing[kept] && v.ints[kept] == cc.category;
    }
    kept += ok;
  }
  resize_rows(out, kept);
}

}  // namespace gantool
