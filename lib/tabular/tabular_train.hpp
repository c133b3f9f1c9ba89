// What a training run of the tabular model sets up around the Trainer (gan/trainer.hpp):
// the whole training table in memory, its fitted transform (new runs) or the stored one
// (resumed runs), the game, and the step's data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "gan/gan.hpp"
#include "io/model_file.hpp"
#include "tabular/tabular_gan.hpp"

namespace gantool {

// The most modes a numeric column's mixture has, and the weight below which a mode is
// dropped (CTGAN's 10 and 0.005).
inline constexpr int kMaxModes = 10;
inline constexpr double kMinModeWeight = 0.005;

struct TabularSession {
  Gan gan;
  ModelMeta meta;  // meta.tabular: the transform
  Table table;     // the training rows
  std::unique_ptr<TabularData> data;  // points into meta.tabular and table: see ready_tabular_session
  int64_t stored_threads = 0;  // of the resumed run (0: none stored)
  bool resumed = false;
};

// True when `path` (FILE.h5) holds a typed table (/table).
bool holds_typed_table(const std::string& path);

// A new run: reads every row of the table `data` (Error naming it when it has none), fits the
// transform (its mixtures seeded by seed's stream 5), and makes the game of tabular_config.
TabularSession new_tabular_session(const std::string& data, const TabularShape& shape, const GanConfig& game,
                                   uint64_t seed);

// Continues the tabular model file `model` on `data` (else its stored path), which must hold
// the rows it was trained on (same columns, kinds, categories, row count, and no missing
// values where it had none). UsageError when it has done `steps` steps already (0: its own
// total; -1: not checked here, for a caller that resolves --epochs first).
TabularSession resume_tabular_session(const std::string& model, const std::string& data, int64_t steps);

// Sets up s.data for training, once s is where it stays (s.data points into it).
void ready_tabular_session(TabularSession& s);

// True when the model file `path` is a tabular model.
bool is_tabular_model(const std::string& path);

// The training steps of `epochs` passes over `rows` rows in batches of `batch` (CTGAN's
// count: max(1, rows / batch) steps per epoch).
int64_t epoch_steps(int64_t epochs, int64_t rows, int64_t batch);

// The fewest steps a tabular run takes when neither --steps nor --epochs is given: 300
// epochs of a table smaller than a batch are only 300 steps, which left penguins' columns
// far off (README, "Synthetic tables").
inline constexpr int64_t kMinTabularSteps = 5000;

}  // namespace gantool
