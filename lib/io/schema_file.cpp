// Writing and reading Schemas in HDF5 groups.
#include "io/schema_file.hpp"

#include <cstring>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace gantool {

namespace {

bool is_self(const char* name) { return std::strcmp(name, ".") == 0; }

// The path of `name` under `group` for messages; "." is the group itself.
std::string path_of(hid_t group, const char* name) {
  std::string path = object_path(group, is_self(name) ? "" : name);
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The object `name` under `group` ("." : the group itself).
H5Id open_object(hid_t group, const char* name) {
  return H5Id(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
}

void write_normalization(hid_t g, const Normalization& norm, const char* method) {
  const auto cols = static_cast<int64_t>(norm.shift.size());
  write_attr(g, method, norm.method);
  write_attr(g, "formula", std::string("data = (x - shift) / scale"));
  write_doubles(g, "shift", norm.shift, cols);
  write_doubles(g, "scale", norm.scale, cols);
}

void write_distribution(hid_t g, const TrueDistribution& d) {
  write_attr(g, "distribution", d.name);
  for (const auto& [key, value] : d.params) write_attr(g, key, value);
  if (!d.modes.empty()) {
    std::vector<double> modes(d.modes.data(), d.modes.data() + d.modes.size());
    write_doubles(g, "modes", modes, d.modes.rows(), d.modes.cols());
    write_attr(g, "mode_std", d.mode_std);
  }
}

Normalization read_normalization(hid_t g, const char* method, const std::string& file) {
  Normalization norm;
  norm.method = read_string_attr(g, method).value_or("none");
  if (norm.method != "none" || h5_exists(g, "shift")) {
    int64_t rows = 0, cols = 0;
    norm.shift = read_doubles(g, "shift", rows, cols, file);
    norm.scale = read_doubles(g, "scale", rows, cols, file);
  }
  return norm;
}

// Reads the true distribution from g; with `params`, every other number attribute of g is a
// parameter (in a group of its own; not in the legacy layout of models).
TrueDistribution read_distribution(hid_t g, bool params, const std::string& file) {
  TrueDistribution d;
  d.name = read_string_attr(g, "distribution").value_or("");
  if (params)
    for (const auto& [key, text] : read_all_attrs(g)) {
      if (key == "distribution" || key == "mode_std") continue;
      if (auto v = read_number_attr(g, key)) d.params.emplace_back(key, *v);
    }
  d.mode_std = read_number_attr(g, "mode_std").value_or(0);
  if (h5_exists(g, "modes")) {
    int64_t k = 0, cols = 0;
    const std::vector<double> modes = read_doubles(g, "modes", k, cols, file);
    d.modes = Tensor(k, cols);
    for (int64_t i = 0; i < k * cols; ++i) d.modes.data()[i] = static_cast<float>(modes[static_cast<size_t>(i)]);
  }
  return d;
}

}  // namespace

void write_schema(hid_t group, const Schema& schema, const SchemaLayout& layout) {
  write_schema_columns(group, schema, layout);
  write_schema_description(group, schema, layout);
}

void write_schema_columns(hid_t group, const Schema& schema, const SchemaLayout& layout) {
  H5Id at = open_object(group, layout.columns_at);
  GANTOOL_ASSERT(at);
  write_attr(at.get(), "columns", column_names(schema));
  // A numeric matrix (and a model of one) says which of its columns are integers; a typed
  // table says each column's kind beside its values, and other kinds are not kept here.
  bool integers = false, matrix = true;
  for (const Column& c : schema.columns) {
    integers = integers || c.kind == ColumnKind::integer;
    matrix = matrix && (c.kind == ColumnKind::continuous || c.kind == ColumnKind::integer);
  }
  if (integers && matrix && std::strcmp(layout.columns_at, "table") != 0) {
    std::vector<std::string> kinds;
    for (const Column& c : schema.columns) kinds.push_back(column_kind_name(c.kind));
    write_attr(at.get(), "kinds", kinds);
  }
}

void write_schema_description(hid_t group, const Schema& schema, const SchemaLayout& layout) {
  if (schema.normalization.method != "none") {
    GANTOOL_ASSERT(schema.normalization.shift.size() == schema.columns.size());
    if (is_self(layout.normalization)) {
      write_normalization(group, schema.normalization, layout.method);
    } else {
      H5Id g = create_group(group, layout.normalization);
      write_normalization(g.get(), schema.normalization, layout.method);
    }
  }
  if (!schema.distribution.name.empty()) {
    H5Id g = create_group(group, layout.distribution);
    write_distribution(g.get(), schema.distribution);
  }
}

std::vector<std::string> read_column_names(hid_t at, int64_t cols) {
  auto names = read_strings_attr(at, "columns");
  if (names && static_cast<int64_t>(names->size()) == cols) return *names;
  return default_column_names(cols);
}

Schema read_schema(hid_t group, int64_t cols, const SchemaLayout& layout, const std::string& file) {
  Schema schema;
  {
    H5Id at = open_object(group, layout.columns_at);
    if (!at) fail("{}: {} is missing (damaged file, or not written by gantool)", file, path_of(group, layout.columns_at));
    const auto names = read_strings_attr(at.get(), "columns");
    const bool named = names && static_cast<int64_t>(names->size()) == cols;
    if (!named && layout.names_required)
      fail("{}: {} names {} columns for {} values (damaged model file, or not written by gantool)", file,
           path_of(group, layout.columns_at), names ? names->size() : 0, cols);
    schema = continuous_schema(named ? *names : default_column_names(cols));
    // Integer columns of a numeric matrix; any other kind there is damage.
    const auto kinds = read_strings_attr(at.get(), "kinds");
    if (kinds && static_cast<int64_t>(kinds->size()) == cols)
      for (size_t c = 0; c < kinds->size(); ++c) {
        ColumnKind& kind = schema.columns[c].kind;
        if (!parse_column_kind((*kinds)[c], kind) || (kind != ColumnKind::continuous && kind != ColumnKind::integer))
          fail("{}: {} attribute 'kinds' names '{}' for column {}; a numeric matrix holds continuous and integer "
               "columns only (damaged file, or not written by gantool)",
               file, path_of(group, layout.columns_at), (*kinds)[c], quote_for_message(schema.columns[c].name));
      }
  }
  SchemaWhere where{path_of(group, layout.normalization), path_of(group, layout.distribution)};
  if (is_self(layout.normalization)) {
    schema.normalization = read_normalization(group, layout.method, file);
  } else if (h5_exists(group, layout.normalization)) {
    H5Id g = open_group(group, layout.normalization, file);
    schema.normalization = read_normalization(g.get(), layout.method, file);
  }
  if (h5_exists(group, layout.distribution)) {
    H5Id g = open_group(group, layout.distribution, file);
    schema.distribution = read_distribution(g.get(), /*params=*/true, file);
  } else if (read_string_attr(group, "distribution")) {  // a model written before the group existed
    schema.distribution = read_distribution(group, /*params=*/false, file);
    where.distribution = path_of(group, ".");
  }
  check_schema(schema, file, where);
  return schema;
}

}  // namespace gantool
