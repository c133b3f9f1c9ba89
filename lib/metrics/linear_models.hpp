// Linear models for machine-learning efficacy, fitted deterministically (the same bits on any
// thread count): L2-regularized logistic regression (scikit-learn's LogisticRegression(C)
// objective; binary, or multinomial above two classes) by L-BFGS to a tight tolerance, and
// ridge regression (scikit-learn's Ridge(alpha)) in closed form.
#pragma once

#include <cstdint>
#include <vector>

namespace gantool {

// A linear model on d features: rows of weights then the intercept, one row per class
// scored (one for a binary or numeric target, one per class above two).
struct LinearModel {
  int64_t features = 0;
  std::vector<int64_t> classes;  // discrete target: the codes of the classes, sorted
  std::vector<double> weights;   // (scored rows, features + 1)
};

// Logistic regression minimizing Σ_i cross-entropy_i + ‖W‖²/(2C) (intercepts not penalized):
// x (n, d) row-major, y the class codes. One class only: a model that always predicts it.
LinearModel fit_logistic(const std::vector<double>& x, int64_t d, const std::vector<int64_t>& y, double c);

// The predicted class code of each row of x (n, d): the largest score (the first on ties;
// binary: the second class when the logit is > 0).
std::vector<int64_t> predict_classes(const LinearModel& model, const std::vector<double>& x);

// Ridge regression minimizing ‖y − Xw − b‖² + alpha ‖w‖² (x centered, Cholesky).
LinearModel fit_ridge(const std::vector<double>& x, int64_t d, const std::vector<double>& y, double alpha);

// The prediction of each row of x (n, d).
std::vector<double> predict_values(const LinearModel& model, const std::vector<double>& x);

}  // namespace gantool
