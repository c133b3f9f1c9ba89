// The linear layer's oneDNN primitives: inner product forward (with fused post-ops),
// backward data and backward weights, one set per batch size.
#include "nn/linear.hpp"

#include <atomic>
#include <vector>

#include "core/engine.hpp"
#include "core/error.hpp"

namespace gantool {

namespace {

std::atomic<int64_t> g_primitives_created{0};
thread_local int g_onednn_depth = 0;

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// The fused post-op for an activation, or false for identity (none needed).
bool eltwise_for(Activation act, float alpha, dnnl::algorithm& algo, float& a) {
  a = 0;
  switch (act) {
    case Activation::identity: return false;
    case Activation::relu: algo = dnnl::algorithm::eltwise_relu; return true;
    case Activation::leaky_relu: algo = dnnl::algorithm::eltwise_relu; a = alpha; return true;
    case Activation::elu: algo = dnnl::algorithm::eltwise_elu; a = alpha; return true;
    case Activation::tanh: algo = dnnl::algorithm::eltwise_tanh; return true;
    case Activation::sigmoid: algo = dnnl::algorithm::eltwise_logistic; return true;
    case Activation::softplus: algo = dnnl::algorithm::eltwise_soft_relu; return true;
  }
  return false;
}

// Runs a primitive with prepared arguments through the C API (the C++ execute() would
// build an argument vector on every call).
void execute(const dnnl::primitive& p, const std::vector<dnnl_exec_arg_t>& args) {
  ++g_onednn_depth;
  const dnnl_status_t status =
      dnnl_primitive_execute(p.get(), cpu_stream().get(), static_cast<int>(args.size()), args.data());
  --g_onednn_depth;
  GANTOOL_ASSERT(status == dnnl_success);
}

}  // namespace

int64_t primitives_created() { return g_primitives_created.load(); }
bool inside_onednn() { return g_onednn_depth > 0; }

// Memory objects wrap gantool's buffers; their data handles are updated before each run.
struct Linear::Primitives {
  dnnl::primitive forward, backward_data, backward_weights;
  dnnl::memory src, weights, bias, dst, diff_dst, diff_src, diff_weights, diff_bias;
  dnnl::memory scratch_forward, scratch_data, scratch_weights;
  std::vector<dnnl_exec_arg_t> forward_args, backward_data_args, backward_weights_args;
  // src · weightsᵀ alone: made on first use (only double backpropagation needs it).
  dnnl::primitive product;
  dnnl::memory scratch_product;
  std::vector<dnnl_exec_arg_t> product_args;
};

Linear::Linear(int64_t in, int64_t out, Activation activation, float alpha)
    : activation(activation), alpha(alpha), in_(in), out_(out) {
  GANTOOL_ASSERT(in > 0 && out > 0);
}

Linear::~Linear() = default;
Linear::Linear(Linear&&) noexcept = default;
Linear& Linear::operator=(Linear&&) noexcept = default;

Linear::Primitives& Linear::primitives(int64_t batch) {
  auto it = cache_.find(batch);
  if (it != cache_.end()) return *it->second;

  const dnnl::engine& eng = cpu_engine();
  const dnnl::memory::desc src_md({batch, in()}, dt::f32, tag::nc);
  const dnnl::memory::desc weights_md({out(), in()}, dt::f32, tag::oi);
  const dnnl::memory::desc bias_md({out()}, dt::f32, tag::x);
  const dnnl::memory::desc dst_md({batch, out()}, dt::f32, tag::nc);

  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::algorithm algo;
  float a;
  if (eltwise_for(activation, alpha, algo, a)) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, algo, a, 0.0f);
    attr.set_post_ops(ops);
  }
  const dnnl::inner_product_forward::primitive_desc forward_pd(
      {dnnl::prop_kind::forward_training, src_md, weights_md, bias_md, dst_md}, attr, eng);
  dnnl::primitive_attr plain;
  plain.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const dnnl::inner_product_backward_data::primitive_desc data_pd(
      {src_md, weights_md, dst_md}, plain, eng, forward_pd);
  const dnnl::inner_product_backward_weights::primitive_desc weights_pd(
      {src_md, weights_md, bias_md, dst_md}, plain, eng, forward_pd);
  // Plain layouts were asked for, so no reorders are ever needed.
  GANTOOL_ASSERT(forward_pd.weights_desc() == weights_md && data_pd.diff_src_desc() == src_md &&
                 weights_pd.diff_weights_desc() == weights_md);

  auto p = std::make_unique<Primitives>();
  p->forward = dnnl::inner_product_forward(forward_pd);
  p->backward_data = dnnl::inner_product_backward_data(data_pd);
  p->backward_weights = dnnl::inner_product_backward_weights(weights_pd);
  g_primitives_created += 3;
  p->src = dnnl::memory(src_md, eng, DNNL_MEMORY_NONE);
  p->dst = dnnl::memory(dst_md, eng, DNNL_MEMORY_NONE);
  p->diff_dst = dnnl::memory(dst_md, eng, DNNL_MEMORY_NONE);
  p->diff_src = dnnl::memory(src_md, eng, DNNL_MEMORY_NONE);
  p->weights = dnnl::memory(weights_md, eng, DNNL_MEMORY_NONE);
  p->bias = dnnl::memory(bias_md, eng, DNNL_MEMORY_NONE);
  p->diff_weights = dnnl::memory(weights_md, eng, DNNL_MEMORY_NONE);
  p->diff_bias = dnnl::memory(bias_md, eng, DNNL_MEMORY_NONE);
  p->scratch_forward = dnnl::memory(forward_pd.scratchpad_desc(), eng);
  p->scratch_data = dnnl::memory(data_pd.scratchpad_desc(), eng);
  p->scratch_weights = dnnl::memory(weights_pd.scratchpad_desc(), eng);
  p->forward_args = {{DNNL_ARG_SRC, p->src.get()},   {DNNL_ARG_WEIGHTS, p->weights.get()},
                     {DNNL_ARG_BIAS, p->bias.get()}, {DNNL_ARG_DST, p->dst.get()},
                     {DNNL_ARG_SCRATCHPAD, p->scratch_forward.get()}};
  p->backward_data_args = {{DNNL_ARG_DIFF_DST, p->diff_dst.get()},
                           {DNNL_ARG_WEIGHTS, p->weights.get()},
                           {DNNL_ARG_DIFF_SRC, p->diff_src.get()},
                           {DNNL_ARG_SCRATCHPAD, p->scratch_data.get()}};
  p->backward_weights_args = {{DNNL_ARG_SRC, p->src.get()},
                              {DNNL_ARG_DIFF_DST, p->diff_dst.get()},
                              {DNNL_ARG_DIFF_WEIGHTS, p->diff_weights.get()},
                              {DNNL_ARG_DIFF_BIAS, p->diff_bias.get()},
                              {DNNL_ARG_SCRATCHPAD, p->scratch_weights.get()}};
  return *cache_.emplace(batch, std::move(p)).first->second;
}

void Linear::forward(const float* src, float* dst, int64_t batch, const float* weights, const float* bias) {
  Primitives& p = primitives(batch);
  // Every handle is set on every run: the parameters belong to the caller.
  p.src.set_data_handle(const_cast<float*>(src));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.bias.set_data_handle(const_cast<float*>(bias));
  p.dst.set_data_handle(dst);
  execute(p.forward, p.forward_args);
}

void Linear::backward(const float* src, const float* dst, float* diff_dst, float* diff_src, int64_t batch,
                      const float* weights, float* diff_weights, float* diff_bias) {
  GANTOOL_ASSERT((diff_weights == nullptr) == (diff_bias == nullptr));
  activation_backward(activation, alpha, dst, diff_dst, batch * out());
  if (diff_weights) weight_product(src, diff_dst, diff_weights, diff_bias, batch);
  if (diff_src) product_transposed(diff_dst, diff_src, batch, weights);
}

void Linear::product(const float* src, float* dst, int64_t batch, const float* weights) {
  Primitives& p = primitives(batch);
  if (!p.product) {  // made on first use: only double backpropagation needs it
    const dnnl::engine& eng = cpu_engine();
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const dnnl::inner_product_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, p.src.get_desc(), p.weights.get_desc(), p.dst.get_desc()}, attr, eng);
    GANTOOL_ASSERT(pd.weights_desc() == p.weights.get_desc());
    p.product = dnnl::inner_product_forward(pd);
    ++g_primitives_created;
    p.scratch_product = dnnl::memory(pd.scratchpad_desc(), eng);
    p.product_args = {{DNNL_ARG_SRC, p.src.get()},
                      {DNNL_ARG_WEIGHTS, p.weights.get()},
                      {DNNL_ARG_DST, p.dst.get()},
                      {DNNL_ARG_SCRATCHPAD, p.scratch_product.get()}};
  }
  p.src.set_data_handle(const_cast<float*>(src));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.dst.set_data_handle(dst);
  execute(p.product, p.product_args);
}

void Linear::product_transposed(const float* diff_dst, float* diff_src, int64_t batch, const float* weights) {
  Primitives& p = primitives(batch);
  p.diff_dst.set_data_handle(const_cast<float*>(diff_dst));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.diff_src.set_data_handle(diff_src);
  execute(p.backward_data, p.backward_data_args);
}

void Linear::weight_product(const float* src, const float* diff_dst, float* dw, float* db, int64_t batch) {
  Primitives& p = primitives(batch);
  p.src.set_data_handle(const_cast<float*>(src));
  p.diff_dst.set_data_handle(const_cast<float*>(diff_dst));
  p.diff_weights.set_data_handle(dw);
  p.diff_bias.set_data_handle(db);
  execute(p.backward_weights, p.backward_weights_args);
}

}  // namespace gantool
