// Machine-learning efficacy: a model trained on the synthetic rows and tested on the real
// ones, beside the same model trained on the training rows (the ceiling). Models: L2-
// regularized logistic regression (binary, or multinomial above two classes; scikit-learn's
// LogisticRegression(C=1) objective, solved by L-BFGS to a tight tolerance) for a discrete
// target, ridge regression (alpha = 1, fitted intercept; scikit-learn's Ridge) for a numeric
// one, on the features of the other columns (metrics/features.hpp, fitted on the test rows).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/table.hpp"
#include "metrics/linear_models.hpp"

namespace gantool {

struct Efficacy {
  std::string target;
  std::string metric;       // "macro F1" (boolean, categorical target) or "R²"
  std::string model;        // the model's description
  double synth = 0;         // trained on SYNTH, tested on REAL
  double train = 0;         // trained on TRAIN, tested on REAL (NaN without TRAIN)
  int64_t rows_synth = 0, rows_train = 0, rows_test = 0;  // rows with a target value
};

// Macro F1 over the labels that occur in truth or prediction (0 for a label never right).
double macro_f1(const std::vector<int64_t>& truth, const std::vector<int64_t>& predicted);

// Coefficient of determination 1 − SS_res / SS_tot (SS_tot = 0: 1 when exact, else 0).
double r_squared(const std::vector<double>& truth, const std::vector<double>& predicted);

// The efficacy section for column `target` (fit_train may be null). The three tables have
// the same columns, aligned to test's; rows missing the target are left out.
Efficacy ml_efficacy(const Table& test, const Table& fit_synth, const Table* fit_train, const std::string& target);

}  // namespace gantool
