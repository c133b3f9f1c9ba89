// Element-wise activations: forward, and backward expressed through the forward output
// (so the forward can be fused into oneDNN's inner product and its input need not be kept).
#pragma once

#include <cstdint>
#include <string>

namespace gantool {

enum class Activation { identity, relu, leaky_relu, elu, tanh, sigmoid, softplus };

// "identity", "relu", "leaky_relu" (or "leaky-relu"), "elu", "tanh", "sigmoid", "softplus";
// parse throws UsageError naming `flag` and listing them.
Activation parse_activation(const std::string& name, const std::string& flag);
const char* activation_name(Activation act);

// The parameter α an activation uses when none is given: leaky_relu's negative slope 0.2,
// elu's α 1; 0 for the others (which ignore it).
float default_alpha(Activation act);

// dst[i] = f(src[i]) for i < n. In place (src == dst) is allowed.
void activation_forward(Activation act, float alpha, const float* src, float* dst, int64_t n);

// diff[i] *= f'(x_i), in place, with f'(x) written through y = f(x) = dst[i]:
// relu 1[y>0]; leaky_relu 1 or α; elu 1 or y+α; tanh 1−y²; sigmoid y(1−y); softplus 1−e^−y.
// Turns the gradient at an activation's output into the gradient at its input. Requires
// α ≥ 0 for leaky_relu (so that the sign of y is the sign of x).
void activation_backward(Activation act, float alpha, const float* dst, float* diff, int64_t n);

// True when f'' is not zero almost everywhere (elu, tanh, sigmoid, softplus): then a
// gradient of a gradient (double backpropagation) has a term through f''.
bool has_curvature(Activation act);

// diff[i] *= f''(x_i), in place, written through y = dst[i] like activation_backward:
// elu 0 or y+α; tanh −2y(1−y²); sigmoid y(1−y)(1−2y); softplus e^−y(1−e^−y); 0 for the
// piecewise-linear ones.
void activation_curvature(Activation act, float alpha, const float* dst, float* diff, int64_t n);

}  // namespace gantool
