// Model files: a trained (or training) GAN in HDF5 — configuration, weights per layer,
// optimizer states, random-generator and data-order state, the data's shape, columns and
// normalization, and the training history — everything `train --resume` needs to continue
// bit for bit, in names a person understands in h5dump or h5py. Layout: README.md, "File
// formats".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "data/schema.hpp"
#include "gan/gan.hpp"
#include "tabular/transform.hpp"

namespace gantool {

inline constexpr const char* kModelFormat = "gantool-model";
inline constexpr int64_t kModelFormatVersion = 2;
// Tabular models (/tabular) are written as version 3, so that a gantool that does not know
// them says a newer gantool wrote the file.
inline constexpr int64_t kTabularModelFormatVersion = 3;

// The columns of the /history table, one row per logged step.
const std::vector<std::string>& history_columns();

// The sampling generator's and the discriminator's parameters after one step (train
// --snapshot-every), for pictures of how training went (plot critic).
struct Snapshot {
  int64_t step = 0;
  std::vector<float> g, g_state;  // the sampling G's (the EMA when on) params.values and state.values
  std::vector<float> d;           // D's params.values
};

// The most snapshots a model keeps (train refuses a --snapshot-every that would keep more).
inline constexpr int64_t kMaxSnapshots = 10000;

// The snapshot of `gan` after `step`.
Snapshot snapshot(const Gan& gan, int64_t step);

// What a model file holds besides the Gan itself.
struct ModelMeta {
  int64_t format_version = kModelFormatVersion;  // of the file it was read from
  std::string version;      // gantool version that wrote it
  std::string command;      // the command line of the run that wrote it
  std::string config_text;  // every resolved option of that run, as a --config file (TOML)
  uint64_t seed = 0;
  int64_t steps_done = 0;   // completed iterations
  int64_t steps_total = 0;  // iterations asked for
  double seconds = 0;       // wall time spent training, over all runs
  int64_t epoch = 0, position = 0;  // the data batcher's state
  // The training data: where from, how many rows, and its schema: its columns, the
  // normalization that maps data units to what G produces (G's output is normalized data),
  // and its true distribution when it is synthetic (for evaluation).
  std::string data_source;
  int64_t data_rows = 0;
  Schema schema;
  std::vector<int64_t> image;  // {C, H, W} when the data was images (samples are written as such), else empty
  std::vector<double> history;  // row-major (logged steps × history_columns().size()); empty if none
  std::vector<Snapshot> snapshots;  // in step order
  int64_t snapshot_every = 0;       // the run's --snapshot-every (0: none), which a resume keeps
  // A tabular model's transform (tabular/transform.hpp), kept in /tabular; no columns for
  // the other models. Its schema is the table's; `schema` above then holds the same columns.
  TabularTransform tabular;
};

// Writes the model atomically (temporary file, then rename), with the thread count it was
// trained on (exact resumption needs the same). Throws Error naming `path` when it cannot be
// written ("... (disk full); ..."), leaving any previous file at `path` as it was.
void write_model(const std::string& path, const Gan& gan, const ModelMeta& meta, int64_t threads = 0);

// True when `path` is an HDF5 file marked as a gantool model.
bool is_model_file(const std::string& path);

// True when the model file `path` holds a tabular model's /tabular group.
bool model_has_tabular(const std::string& path);

// Reads a model written by write_model; throws Error naming the file and the dataset or
// attribute when it is not a model, has an unknown format version, or is damaged: every
// weight, bias and optimizer state must have exactly its configured shape, a float type and
// finite values; the configuration, step counts, data position, normalization and thread
// count must be possible. `threads`, when given, receives the stored thread count (0 if
// none, else 1 to 4096).
Gan read_model(const std::string& path, ModelMeta& meta, int64_t* threads = nullptr);

}  // namespace gantool
