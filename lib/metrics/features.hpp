// Typed rows as numeric features, for the estimators and classifiers that need vectors
// (eval-jsd's classifier and k-NN, report's detection, efficacy and privacy metrics).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "data/table.hpp"

namespace gantool {

// How the columns of a table become features; fitted on reference rows (the real table),
// then applied unchanged to any table of the same columns.
//   numeric column (continuous, integer, datetime): one feature, (x − center) / spread with
//     the median and IQR/1.349 of the reference's present, finite values (quantiles linearly
//     interpolated, as numpy's default; the std when the IQR is 0, then 1); 0 when missing
//     (a real NaN or ±inf of a continuous column is not missing: it stays NaN or ±inf);
//   discrete column (boolean, categorical): one feature per category of the reference, 1 for
//     the row's category and 0 for the others (all 0 for a category the reference lacks, or
//     when missing), each scaled by `onehot_scale`; categories are matched by their text
//     (a boolean's by code: 0 false, 1 true, however each table spells them);
//   a column with a missing value in either table (by its mask): one more feature, 1 where
//     missing.
struct FeatureMap {
  struct Part {
    int64_t column = 0;   // in the table
    ColumnKind kind = ColumnKind::continuous;
    std::vector<std::string> categories;  // discrete columns: the reference's, one feature each
    int64_t first = 0;    // its first feature
    int64_t width = 0;    // its features (not counting the missing flag)
    double center = 0, spread = 1;  // numeric columns
    int64_t missing_feature = -1;   // the feature flagging a missing value, or -1
  };
  std::vector<Part> parts;          // one per column
  int64_t width = 0;                // features in all
  double onehot_scale = 1;
  std::vector<std::string> names;   // "age", "workclass=Private", "age missing", ...
};

// Fits the map to `reference` (and to `other`, only to see which columns have missing values).
FeatureMap fit_features(const Table& reference, const Table& other, double onehot_scale = 1);

// The features of every row of `table`, whose columns have the names and kinds of the
// reference's: (rows, map.width).
Tensor encode_features(const FeatureMap& map, const Table& table);

}  // namespace gantool
