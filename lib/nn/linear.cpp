// The linear layer's oneDNN primitives: inner product forward (with fused post-ops),
// backward data and backward weights, one set per batch size.
#include "nn/linear.hpp"

#include <atomic>
#include <utility>
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

// A primitive with its prepared arguments, and the reorders that bring its inputs from
// gantool's plain buffers into the layouts it chose and its outputs back.
struct Run {
  dnnl::primitive primitive;
  std::vector<dnnl_exec_arg_t> args;
  dnnl::memory scratch;
  std::vector<std::pair<dnnl::primitive, std::vector<dnnl_exec_arg_t>>> before, after;
  void execute_all() const {
    for (const auto& r : before) execute(r.first, r.second);
    execute(primitive, args);
    for (const auto& r : after) execute(r.first, r.second);
  }
};

// Memory objects wrap gantool's buffers (plain layouts); their data handles are updated
// before each run. `inner` owns the buffers of other layouts, made once.
struct Linear::Primitives {
  dnnl::memory src, weights, bias, dst, diff_dst, diff_src, diff_weights, diff_bias;
  Run forward, backward_data, backward_weights;
  Run product;  // A(src) alone: made on first use (only double backpropagation needs it)
  std::vector<dnnl::memory> inner;

  // The argument `arg` of `run`: the user's memory when the primitive wants its layout,
  // else a buffer in the wanted layout with a reorder from it (input) or to it (output).
  void bind(Run& run, int arg, const dnnl::memory& user, const dnnl::memory::desc& want, bool input) {
    dnnl_memory_t m = user.get();
    if (want != user.get_desc()) {
      const dnnl::engine& eng = cpu_engine();
      inner.emplace_back(want, eng);
      const dnnl::memory& buffer = inner.back();
      m = buffer.get();
      const dnnl::memory& from = input ? user : buffer;
      const dnnl::memory& to = input ? buffer : user;
      auto& list = input ? run.before : run.after;
      list.push_back({dnnl::reorder(from, to), {{DNNL_ARG_FROM, from.get()}, {DNNL_ARG_TO, to.get()}}});
      ++g_primitives_created;
    }
    run.args.push_back({arg, m});
  }
  void make(Run& run, dnnl::primitive primitive, const dnnl::primitive_desc_base& pd) {
    run.primitive = std::move(primitive);
    run.scratch = dnnl::memory(pd.scratchpad_desc(), cpu_engine());
    run.args.push_back({DNNL_ARG_SCRATCHPAD, run.scratch.get()});
    ++g_primitives_created;
  }
};

Linear::Linear(int64_t in, int64_t out, Activation activation, float alpha)
    : activation(activation), alpha(alpha), in_(in), out_(out) {
  GANTOOL_ASSERT(in > 0 && out > 0);
}

Linear::Linear(const ConvShape& conv, Activation activation, float alpha)
    : activation(activation),
      alpha(alpha),
      in_(conv.in_c * conv.in_h * conv.in_w),
      out_(conv.out_c * conv.out_h * conv.out_w),
      is_conv_(true),
      conv_(conv) {
  GANTOOL_ASSERT(in_ > 0 && out_ > 0 && conv.kernel > 0 && conv.stride > 0);
}

Linear::~Linear() = default;
Linear::Linear(Linear&&) noexcept = default;
Linear& Linear::operator=(Linear&&) noexcept = default;

int64_t Linear::weights_size() const {
  return is_conv_ ? conv_.out_c * conv_.in_c * conv_.kernel * conv_.kernel : out_ * in_;
}

int64_t Linear::bias_size() const { return is_conv_ ? conv_.out_c : out_; }

namespace {

// A layer's post-ops: its activation fused into the forward primitive.
dnnl::primitive_attr forward_attr(Activation activation, float alpha) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::algorithm algo;
  float a;
  if (eltwise_for(activation, alpha, algo, a)) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, algo, a, 0.0f);
    attr.set_post_ops(ops);
  }
  return attr;
}

dnnl::primitive_attr plain_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// The layout asked for an activation of `channels` channels: oneDNN's choice (`any`), but
// plain NCHW under 16 channels, which a blocked layout (nChw16c) would pad to 16 — a
// 1-channel image's transposed convolution ran about 7× slower blocked than plain.
tag activation_tag(int64_t channels) { return channels < 16 ? tag::nchw : tag::any; }

// The descs of a convolution (or its transpose) of batch rows, with the layouts left to
// oneDNN (`any`) but the bias's and those of few channels.
struct ConvDescs {
  dnnl::memory::desc src, weights, bias, dst;
  dnnl::memory::dims strides, padding_l, padding_r;
  dnnl::algorithm algo;
  ConvDescs(const ConvShape& c, int64_t batch)
      : src({batch, c.in_c, c.in_h, c.in_w}, dt::f32, activation_tag(c.in_c)),
        weights({c.out_c, c.in_c, c.kernel, c.kernel}, dt::f32, tag::any),
        bias({c.out_c}, dt::f32, tag::x),
        dst({batch, c.out_c, c.out_h, c.out_w}, dt::f32, activation_tag(c.out_c)),
        strides{c.stride, c.stride},
        padding_l{c.padding, c.padding},
        algo(c.transposed ? dnnl::algorithm::deconvolution_direct : dnnl::algorithm::convolution_direct) {
    // Right/bottom padding so that the output size is exact (it differs from the left one
    // when the stride does not divide the span, or with a transposed output padding).
    const auto right = [&](int64_t in, int64_t out) {
      return c.transposed ? (in - 1) * c.stride + c.kernel - c.padding - out
                          : (out - 1) * c.stride + c.kernel - in - c.padding;
    };
    padding_r = {right(c.in_h, c.out_h), right(c.in_w, c.out_w)};
  }
};

template <typename Forward, typename Data, typename Weights>
void make_conv(Linear::Primitives& p, const ConvShape& c, int64_t batch, Activation activation, float alpha) {
  const dnnl::engine& eng = cpu_engine();
  const ConvDescs d(c, batch);
  const typename Forward::primitive_desc forward_pd(
      {dnnl::prop_kind::forward_training, d.algo, d.src, d.weights, d.bias, d.dst, d.strides, d.padding_l, d.padding_r},
      forward_attr(activation, alpha), eng);
  const typename Data::primitive_desc data_pd({d.algo, d.src, d.weights, d.dst, d.strides, d.padding_l, d.padding_r},
                                              plain_attr(), eng, forward_pd);
  const typename Weights::primitive_desc weights_pd(
      {d.algo, d.src, d.weights, d.bias, d.dst, d.strides, d.padding_l, d.padding_r}, plain_attr(), eng, forward_pd);
  p.make(p.forward, Forward(forward_pd), forward_pd);
  p.bind(p.forward, DNNL_ARG_SRC, p.src, forward_pd.src_desc(), true);
  p.bind(p.forward, DNNL_ARG_WEIGHTS, p.weights, forward_pd.weights_desc(), true);
  p.bind(p.forward, DNNL_ARG_BIAS, p.bias, forward_pd.bias_desc(), true);
  p.bind(p.forward, DNNL_ARG_DST, p.dst, forward_pd.dst_desc(), false);
  p.make(p.backward_data, Data(data_pd), data_pd);
  p.bind(p.backward_data, DNNL_ARG_DIFF_DST, p.diff_dst, data_pd.diff_dst_desc(), true);
  p.bind(p.backward_data, DNNL_ARG_WEIGHTS, p.weights, data_pd.weights_desc(), true);
  p.bind(p.backward_data, DNNL_ARG_DIFF_SRC, p.diff_src, data_pd.diff_src_desc(), false);
  p.make(p.backward_weights, Weights(weights_pd), weights_pd);
  p.bind(p.backward_weights, DNNL_ARG_SRC, p.src, weights_pd.src_desc(), true);
  p.bind(p.backward_weights, DNNL_ARG_DIFF_DST, p.diff_dst, weights_pd.diff_dst_desc(), true);
  p.bind(p.backward_weights, DNNL_ARG_DIFF_WEIGHTS, p.diff_weights, weights_pd.diff_weights_desc(), false);
  p.bind(p.backward_weights, DNNL_ARG_DIFF_BIAS, p.diff_bias, weights_pd.diff_bias_desc(), false);
}

template <typename Forward>
void make_conv_product(Linear::Primitives& p, const ConvShape& c, int64_t batch) {
  const ConvDescs d(c, batch);
  const typename Forward::primitive_desc pd(
      {dnnl::prop_kind::forward_inference, d.algo, d.src, d.weights, d.dst, d.strides, d.padding_l, d.padding_r},
      plain_attr(), cpu_engine());
  p.make(p.product, Forward(pd), pd);
  p.bind(p.product, DNNL_ARG_SRC, p.src, pd.src_desc(), true);
  p.bind(p.product, DNNL_ARG_WEIGHTS, p.weights, pd.weights_desc(), true);
  p.bind(p.product, DNNL_ARG_DST, p.dst, pd.dst_desc(), false);
}

}  // namespace

Linear::Primitives& Linear::primitives(int64_t batch) {
  auto it = cache_.find(batch);
  if (it != cache_.end()) return *it->second;

  const dnnl::engine& eng = cpu_engine();
  auto p = std::make_unique<Primitives>();
  // gantool's buffers: plain layouts.
  const dnnl::memory::desc src_md = is_conv_ ? dnnl::memory::desc({batch, conv_.in_c, conv_.in_h, conv_.in_w}, dt::f32, tag::nchw)
                                             : dnnl::memory::desc({batch, in()}, dt::f32, tag::nc);
  const dnnl::memory::desc weights_md =
      is_conv_ ? dnnl::memory::desc({conv_.out_c, conv_.in_c, conv_.kernel, conv_.kernel}, dt::f32, tag::oihw)
               : dnnl::memory::desc({out(), in()}, dt::f32, tag::oi);
  const dnnl::memory::desc bias_md({bias_size()}, dt::f32, tag::x);
  const dnnl::memory::desc dst_md = is_conv_ ? dnnl::memory::desc({batch, conv_.out_c, conv_.out_h, conv_.out_w}, dt::f32, tag::nchw)
                                             : dnnl::memory::desc({batch, out()}, dt::f32, tag::nc);
  p->src = dnnl::memory(src_md, eng, DNNL_MEMORY_NONE);
  p->dst = dnnl::memory(dst_md, eng, DNNL_MEMORY_NONE);
  p->diff_dst = dnnl::memory(dst_md, eng, DNNL_MEMORY_NONE);
  p->diff_src = dnnl::memory(src_md, eng, DNNL_MEMORY_NONE);
  p->weights = dnnl::memory(weights_md, eng, DNNL_MEMORY_NONE);
  p->bias = dnnl::memory(bias_md, eng, DNNL_MEMORY_NONE);
  p->diff_weights = dnnl::memory(weights_md, eng, DNNL_MEMORY_NONE);
  p->diff_bias = dnnl::memory(bias_md, eng, DNNL_MEMORY_NONE);

  if (is_conv_ && conv_.transposed) {
    make_conv<dnnl::deconvolution_forward, dnnl::deconvolution_backward_data, dnnl::deconvolution_backward_weights>(
        *p, conv_, batch, activation, alpha);
  } else if (is_conv_) {
    make_conv<dnnl::convolution_forward, dnnl::convolution_backward_data, dnnl::convolution_backward_weights>(
        *p, conv_, batch, activation, alpha);
  } else {
    // Plain layouts asked for: an inner product needs no reorders.
    const dnnl::inner_product_forward::primitive_desc forward_pd(
        {dnnl::prop_kind::forward_training, src_md, weights_md, bias_md, dst_md}, forward_attr(activation, alpha), eng);
    const dnnl::inner_product_backward_data::primitive_desc data_pd({src_md, weights_md, dst_md}, plain_attr(), eng,
                                                                    forward_pd);
    const dnnl::inner_product_backward_weights::primitive_desc weights_pd({src_md, weights_md, bias_md, dst_md},
                                                                          plain_attr(), eng, forward_pd);
    GANTOOL_ASSERT(forward_pd.weights_desc() == weights_md && data_pd.diff_src_desc() == src_md &&
                   weights_pd.diff_weights_desc() == weights_md);
    p->make(p->forward, dnnl::inner_product_forward(forward_pd), forward_pd);
    p->forward.args.insert(p->forward.args.end(), {{DNNL_ARG_SRC, p->src.get()},
                                                   {DNNL_ARG_WEIGHTS, p->weights.get()},
                                                   {DNNL_ARG_BIAS, p->bias.get()},
                                                   {DNNL_ARG_DST, p->dst.get()}});
    p->make(p->backward_data, dnnl::inner_product_backward_data(data_pd), data_pd);
    p->backward_data.args.insert(p->backward_data.args.end(), {{DNNL_ARG_DIFF_DST, p->diff_dst.get()},
                                                               {DNNL_ARG_WEIGHTS, p->weights.get()},
                                                               {DNNL_ARG_DIFF_SRC, p->diff_src.get()}});
    p->make(p->backward_weights, dnnl::inner_product_backward_weights(weights_pd), weights_pd);
    p->backward_weights.args.insert(p->backward_weights.args.end(), {{DNNL_ARG_SRC, p->src.get()},
                                                                     {DNNL_ARG_DIFF_DST, p->diff_dst.get()},
                                                                     {DNNL_ARG_DIFF_WEIGHTS, p->diff_weights.get()},
                                                                     {DNNL_ARG_DIFF_BIAS, p->diff_bias.get()}});
  }
  return *cache_.emplace(batch, std::move(p)).first->second;
}

void Linear::forward(const float* src, float* dst, int64_t batch, const float* weights, const float* bias) {
  Primitives& p = primitives(batch);
  // Every handle is set on every run: the parameters belong to the caller.
  p.src.set_data_handle(const_cast<float*>(src));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.bias.set_data_handle(const_cast<float*>(bias));
  p.dst.set_data_handle(dst);
  p.forward.execute_all();
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
  if (!p.product.primitive) {  // made on first use: only double backpropagation needs it
    if (is_conv_ && conv_.transposed) {
      make_conv_product<dnnl::deconvolution_forward>(p, conv_, batch);
    } else if (is_conv_) {
      make_conv_product<dnnl::convolution_forward>(p, conv_, batch);
    } else {
      const dnnl::inner_product_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, p.src.get_desc(), p.weights.get_desc(), p.dst.get_desc()}, plain_attr(),
          cpu_engine());
      GANTOOL_ASSERT(pd.weights_desc() == p.weights.get_desc());
      p.make(p.product, dnnl::inner_product_forward(pd), pd);
      p.product.args.insert(p.product.args.end(), {{DNNL_ARG_SRC, p.src.get()},
                                                   {DNNL_ARG_WEIGHTS, p.weights.get()},
                                                   {DNNL_ARG_DST, p.dst.get()}});
    }
  }
  p.src.set_data_handle(const_cast<float*>(src));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.dst.set_data_handle(dst);
  p.product.execute_all();
}

void Linear::product_transposed(const float* diff_dst, float* diff_src, int64_t batch, const float* weights) {
  Primitives& p = primitives(batch);
  p.diff_dst.set_data_handle(const_cast<float*>(diff_dst));
  p.weights.set_data_handle(const_cast<float*>(weights));
  p.diff_src.set_data_handle(diff_src);
  p.backward_data.execute_all();
}

void Linear::weight_product(const float* src, const float* diff_dst, float* dw, float* db, int64_t batch) {
  Primitives& p = primitives(batch);
  p.src.set_data_handle(const_cast<float*>(src));
  p.diff_dst.set_data_handle(const_cast<float*>(diff_dst));
  p.diff_weights.set_data_handle(dw);
  p.diff_bias.set_data_handle(db);
  p.backward_weights.execute_all();
}

}  // namespace gantool
