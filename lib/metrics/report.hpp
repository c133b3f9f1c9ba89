// gantool report: what a data engineer checks before handing a synthetic table on. Column
// shapes and pair trends (metrics/column_metrics.hpp), detection by a classifier, machine-
// learning efficacy (metrics/efficacy.hpp) and privacy (metrics/privacy.hpp), on typed tables
// in memory. README, "gantool report", gives each formula and its source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/table.hpp"
#include "metrics/column_metrics.hpp"
#include "metrics/efficacy.hpp"
#include "metrics/privacy.hpp"

namespace gantool {

struct ReportOptions {
  std::string target;               // ML efficacy's target column; empty: no efficacy section
  int64_t worst_pairs = 5;          // pair trends listed, lowest first
  int64_t detection_rows = 50000;   // detection: rows a side at most (a random subset above)
  int folds = 2;                    // detection: cross-fitting folds of eval-jsd's classifier
  int64_t efficacy_rows = 20000;    // efficacy: training and test rows at most
  int64_t privacy_rows = 2000;      // privacy: SYNTH and REAL rows whose DCR is searched, at most
  uint64_t seed = 1;
};

// Detection: a classifier telling REAL rows (label 1) from SYNTH rows (label 0).
struct Detection {
  double auc = 0.5;         // cross-validated ROC AUC; 0.5: indistinguishable
  double jsd_bound = 0;     // the classifier's JSD lower bound, nats
  int64_t rows = 0;         // rows a side used
  bool subsampled = false;  // fewer than the smaller table's rows
  std::string settings;     // the classifier's own description
};

// Everything the report shows.
struct Report {
  int64_t rows_real = 0, rows_synth = 0, rows_train = 0;
  std::vector<ColumnShape> shapes;   // one per column, in order
  double shapes_score = 1;           // their mean
  std::vector<PairTrend> pairs;      // every pair of columns (a, b), a < b
  double pairs_score = 1;            // their mean
  std::vector<int64_t> worst;        // indices into pairs, lowest score first
  Detection detection;
  bool has_efficacy = false;
  Efficacy efficacy;
  bool has_privacy = false;
  Privacy privacy;
};

// The columns of `other` (from file `other_file`) in the order of `reference`'s (from
// `reference_file`), its category codes mapped to reference's categories, followed by the
// categories reference lacks (appended, in other's order). Throws Error naming the column and
// both files when a column is in one table only, differs in kind, or (categorical) shares no
// category with reference's.
Table align_columns(const Table& reference, const std::string& reference_file, const Table& other,
                    const std::string& other_file);

// ROC AUC of scores with labels 1 (positives) and 0: the Mann–Whitney U of the positives over
// positives × negatives, ties counted one half (average ranks).
double roc_auc(const std::vector<double>& positives, const std::vector<double>& negatives);

// The detection section: eval-jsd's classifier (metrics/jsd.hpp) on the features of up to
// opt.detection_rows rows a side (features fitted on real).
Detection detect(const Table& real, const Table& synth, const ReportOptions& opt);

// The whole report. synth and train must already be aligned to real (align_columns); train
// may be null (no privacy section, no efficacy ceiling).
Report make_report(const Table& real, const Table& synth, const Table* train, const ReportOptions& opt);

}  // namespace gantool
