// Setting up training runs of the tabular model.
#include "tabular/tabular_train.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "gan/trainer.hpp"
#include "io/table_file.hpp"

namespace gantool {

namespace {

// The substream of the seed that the transform's mixture fits draw from (make_gan takes 0 and 1).
constexpr uint64_t kTransformStream = 5;

// Reads every row of the table file `data`.
Table read_table(const std::string& data) {
  TableReader reader(parse_data_ref(data));
  if (reader.rows() == 0) fail("{}: has no rows to train on", data);
  return reader.read_all();
}

// The table's schema as the model records it: its columns, no normalization (the transform
// replaces it).
Schema training_schema(const Table& table) {
  Schema schema = table.schema;
  schema.normalization = Normalization{};
  return schema;
}

}  // namespace

bool holds_typed_table(const std::string& path) { return is_table_file(parse_data_ref(path).path); }

bool is_tabular_model(const std::string& path) { return is_model_file(path) && model_has_tabular(path); }

int64_t epoch_steps(int64_t epochs, int64_t rows, int64_t batch) { return epochs * std::max<int64_t>(1, rows / batch); }

TabularSession new_tabular_session(const std::string& data, const TabularShape& shape, const GanConfig& game,
                                   uint64_t seed) {
  TabularSession s;
  s.table = read_table(data);
  Rng rng = make_rng(seed, kTransformStream);
  try {
    s.meta.tabular = fit_transform(s.table, kMaxModes, kMinModeWeight, rng);
  } catch (const Error& e) {
    fail("{}: {}", data, e.what());
  }
  s.gan = make_gan(tabular_config(s.meta.tabular, shape, game), seed);
  s.meta.seed = seed;
  s.meta.data_source = data;
  s.meta.data_rows = s.table.rows;
  s.meta.schema = training_schema(s.table);
  return s;
}

TabularSession resume_tabular_session(const std::string& model, const std::string& data, int64_t steps) {
  TabularSession s;
  s.gan = read_model(model, s.meta, &s.stored_threads);
  s.resumed = true;
  const std::string path = data.empty() ? stored_data(s.meta, model).path : data;
  s.table = read_table(path);
  const std::vector<std::string> names = column_names(s.table.schema), stored = column_names(s.meta.tabular.schema);
  if (s.table.rows != s.meta.data_rows || names != stored)
    fail("{}: holds {} rows of columns {}, but {} was trained on {} rows of {}; an exact resume needs the same data "
         "(pass it with --data)", path, s.table.rows, fmt::join(names, ","), model, s.meta.data_rows, fmt::join(stored, ","));
  for (size_t c = 0; c < names.size(); ++c) {
    const ColumnValues& v = s.table.columns[c];
    const bool missing = std::find(v.missing.begin(), v.missing.end(), 1) != v.missing.end();
    if (s.table.schema.columns[c].kind != s.meta.tabular.schema.columns[c].kind ||
        s.table.schema.columns[c].categories != s.meta.tabular.schema.columns[c].categories ||
        (missing && !s.meta.tabular.schema.columns[c].nullable))
      fail("{}: column '{}' differs in kind, categories or missing values from the data {} was trained on; an exact "
           "resume needs the same data", path, names[c], model);
  }
  if (steps >= 0 && s.meta.steps_done >= (steps > 0 ? steps : s.meta.steps_total))
    fail_usage("{} has already done {} steps; ask for more with --steps", model, s.meta.steps_done);
  return s;
}

void ready_tabular_session(TabularSession& s) {
  s.data = std::make_unique<TabularData>(make_tabular_data(s.gan, s.meta.tabular, s.table));
}

}  // namespace gantool
