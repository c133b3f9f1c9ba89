// The training loop of a GAN (Goodfellow et al. 2014, Algorithm 1) over rows held in memory,
// and what a run sets up around it. The loop draws minibatches from the seeded batcher, runs
// gan_step, records history rows (and a JSON-lines log), reports progress to a callback,
// writes checkpoints, saves and returns when asked to stop, and stops on divergence. The
// setup: the normalization to train in, the checks of an exact resume, the thread count, and
// mode coverage on synthetic data. The same seed and thread count give the same bits.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/tensor.hpp"
#include "gan/gan.hpp"
#include "io/dataset_file.hpp"
#include "io/model_file.hpp"
#include "metrics/modes.hpp"

namespace gantool {

// How a run proceeds and where its outputs go.
struct TrainPolicy {
  int64_t steps = 20000;         // total steps, counting those done before a resume
  int64_t log_every = 500;       // steps between history rows (also at the last step)
  int64_t checkpoint_every = 0;  // steps between checkpoints (0: only at the end)
  int64_t snapshot_every = 0;    // steps between snapshots of G and D kept in the model (0: none)
  std::string model_path;        // where the model is written
  std::string log_path;          // one JSON object per history row ("": no log)
  bool append_log = false;       // continue the log of a resumed run rather than replace it
  int64_t saved_step = -1;       // the step of the model already at model_path (-1: none)
  std::string continue_command;  // how a person continues an unfinished run, for messages
};

// What the loop reports after each step.
struct TrainProgress {
  int64_t step = 0;        // steps done
  int64_t steps = 0;       // steps asked for
  int64_t first_step = 0;  // steps done when this run began
  double seconds = 0;      // wall time of this run so far
  StepStats stats;         // the step's figures
  bool logged = false;     // a history row was recorded at this step
};

// What the caller lends the loop; either may be empty.
struct TrainHooks {
  std::function<void(const TrainProgress&)> progress;  // after every step
  std::function<bool()> stop;  // asked after every step but the last: true saves and returns
};

enum class TrainEnd { finished, stopped };

// Training diverged: a loss or a parameter is not finite (the message says which, the
// step, what the model file keeps, and to lower the learning rate).
struct Diverged : Error {
  using Error::Error;
};

// Runs the loop over a Gan, its metadata (step counts, data order, history) and its training
// rows, all owned by the caller; owns the log file and the batch buffers.
class Trainer {
 public:
  // Sets up the loop for gan and meta at meta.steps_done, on rows (n, data_dim) already
  // normalized as meta.normalization says; records policy.steps in meta.steps_total; opens
  // policy.log_path (Error naming it on failure).
  Trainer(Gan& gan, ModelMeta& meta, const Tensor& rows, TrainPolicy policy);
  // The same for a game whose iteration draws its own data (the tabular model:
  // tabular/tabular_gan.hpp): `step` runs one iteration of gan.
  Trainer(Gan& gan, ModelMeta& meta, std::function<StepStats()> step, TrainPolicy policy);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains to policy.steps and writes the model; or, when hooks.stop says so, saves at the
  // current step and returns stopped. Throws Diverged (the model file keeps its last good
  // checkpoint), or Error when the model or the log cannot be written (after saving the model
  // if the log failed).
  TrainEnd run(const TrainHooks& hooks = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What a run trains: the game, its record, and the training data.
struct TrainSession {
  Gan gan;
  ModelMeta meta;
  std::unique_ptr<DatasetReader> reader;  // the training data's file
  Tensor rows;                 // (n, data_dim): its rows, read once (see ready_session)
  int64_t stored_threads = 0;  // the thread count of the resumed run (0: none stored)
  bool resumed = false;        // continues a model file
};

// Reads the model file `model` to continue it, and its training data: `data` (FILE.h5 or
// FILE.h5:/dataset), else the stored path (stored_data). Throws Error when they do not match
// (check_resume_data), UsageError when the model has done `steps` steps already (0: its own
// total, meta.steps_total; -1: not checked here, for a caller that resolves --epochs first).
TrainSession resume_session(const std::string& model, const std::string& data, int64_t steps);

// Opens the training data `data` of a new run; throws Error naming it when it has no rows.
std::unique_ptr<DatasetReader> open_training_data(const std::string& data);

// A new run on reader's data: reads its rows (Error naming a value that is not finite), makes
// the game from config and seed, and describes the data in meta (describe_data, with
// `normalize` as --normalize).
TrainSession new_session(std::unique_ptr<DatasetReader> reader, const std::string& data, const GanConfig& config,
                         uint64_t seed, const std::string& normalize);

// Sets both optimizers' linear learning-rate decay to end at `steps` (G's updates; D's are
// d_steps times as many) when `linear_decay`, or, on a resume, when the run decayed before.
void set_lr_decay(GanConfig& c, int64_t steps, bool resumed, bool linear_decay);

// Readies a session to train to `steps`: the learning rate decays linearly to 0 at `steps`
// when `linear_decay` (on a resume: when it decayed before), the rows are rewritten in
// meta.normalization, and meta records `command`.
void ready_session(TrainSession& s, int64_t steps, bool linear_decay, const std::string& command);

// True when every parameter of G and D is finite.
bool parameters_finite(const Gan& gan);

// The L2 norms of D's and G's gradients of the last step.
struct GradientNorms {
  double d = 0, g = 0;
};
GradientNorms gradient_norms(const Gan& gan);

// The train flags that fix what a model is: they cannot change on a resume.
const std::vector<const char*>& model_flags();

// The data the model file `model` (meta) was trained on, for a resume without --data: the
// stored path as it was given (relative to the current folder), else relative to the model
// file's folder, else an Error saying to pass --data.
DataRef stored_data(const ModelMeta& meta, const std::string& model);

// Checks that reader holds the data the model file `model` (meta, config) was trained on: the
// same number of columns, rows and the same column names, as an exact resume needs. Throws
// Error naming the data and the model.
void check_resume_data(const DatasetReader& reader, const ModelMeta& meta, const GanConfig& config,
                       const std::string& model);

// Records in meta the data of a new run: its source, columns and, for synthetic data, the
// true distribution and its modes; then the normalization to train in (see
// training_normalization) for rows (n, cols) as read from reader.
void describe_data(ModelMeta& meta, const DatasetReader& reader, const std::string& source, const std::string& normalize,
                   const Tensor& rows);

// The normalization a new run trains in, for rows (n, cols) stored in normalization `stored`:
// method "none" keeps `stored`, and so does "auto" when `stored` is not "none"; else
// "standard" (for auto) or "minmax" fitted on the rows in data units, or "pixels" (one map
// of 0..255 to [-1, 1], data/normalize.hpp), which "auto" picks for an `image` dataset.
// Throws UsageError naming --normalize for another method.
Normalization training_normalization(const std::string& method, const Normalization& stored, const Tensor& rows,
                                     const std::vector<std::string>& columns, bool image = false);

// The thread count of a run: `requested` (>0) or OMP_NUM_THREADS when set; else the count the
// resumed run used (stored > 0, as an exact continuation needs); else default_threads.
int training_threads(int requested, int64_t stored, const GanConfig& config);

// How well G (its average, when kept) covers the true modes of synthetic training data, from
// 10,000 samples in data units; nothing when meta records no modes.
std::optional<ModeStats> mode_coverage(Gan& gan, const ModelMeta& meta);

// n rows of the generator g (n, data_dim) in data units: noise from c's prior drawn from rng,
// G's output mapped back through `norm` (the training data's normalization).
Tensor generate_rows(Net& g, const GanConfig& c, const Normalization& norm, Rng& rng, int64_t n);

}  // namespace gantool
