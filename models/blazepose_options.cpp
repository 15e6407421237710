#include "models/blazepose_options.h"

#include <functional>
#include <set>
#include <stdexcept>

#include "core/yaml_read.h"

namespace kplab::models {

namespace {

// How an option of type T is read from YAML: the expected-value words of the
// error message, and a list or a scalar.
template <class T>
T read_value(const YAML::Node& n, const std::string& where, const std::string& key);
template <>
int64_t read_value<int64_t>(const YAML::Node& n, const std::string& where, const std::string& key) {
  return yaml_as<int64_t>(n, where, key, "an integer");
}
template <>
double read_value<double>(const YAML::Node& n, const std::string& where, const std::string& key) {
  return yaml_as<double>(n, where, key, "a number");
}
template <>
bool read_value<bool>(const YAML::Node& n, const std::string& where, const std::string& key) {
  return yaml_as<bool>(n, where, key, "true or false");
}
template <>
std::string read_value<std::string>(const YAML::Node& n, const std::string& where, const std::string& key) {
  return yaml_as<std::string>(n, where, key, "a string");
}
template <>
std::vector<int64_t> read_value<std::vector<int64_t>>(const YAML::Node& n, const std::string& where,
                                                      const std::string& key) {
  return yaml_list<int64_t>(n, where, key, "integers");
}

// Whether describe() writes an option that still has its default value.
enum class Described { always, when_changed };

// One option: its key in experiments and in describe(), how to set it from
// YAML and how to write it.
struct OptionRow {
  std::string key;
  std::function<void(BlazePoseOptions&, const YAML::Node&, const std::string& where, const std::string& key)> read;
  std::function<void(BlazePoseOptions& options, BlazePoseOptions& defaults, YAML::Node& out)> describe;
};

// `field` is the TORCH_ARG's mutable accessor, the one member pointer that
// both reads and writes; describe() therefore gets non-const options.
template <class T>
OptionRow option(const char* key, T& (BlazePoseOptions::*field)() noexcept, Described described = Described::always) {
  OptionRow row;
  row.key = key;
  row.read = [field](BlazePoseOptions& o, const YAML::Node& n, const std::string& where, const std::string& path) {
    (o.*field)() = read_value<T>(n, where, path);
  };
  row.describe = [field, key, described](BlazePoseOptions& o, BlazePoseOptions& defaults, YAML::Node& out) {
    if (described == Described::always || (o.*field)() != (defaults.*field)()) out[key] = (o.*field)();
  };
  return row;
}

// Every option once, in describe()'s order.
const std::vector<OptionRow>& option_table() {
  using O = BlazePoseOptions;
  static const std::vector<OptionRow> table = {
      option("num_keypoints", &O::num_keypoints),
      option("input_size", &O::input_size),
      option("heatmap_stride", &O::heatmap_stride),
      option("stem", &O::stem),
      option("widths", &O::widths),
      option("depths", &O::depths),
      option("decoder", &O::decoder),
      option("head", &O::head),
      option("regression_depths", &O::regression_depths),
      option("tail_depths", &O::tail_depths),
      option("upsample", &O::upsample),
      option("attention", &O::attention),
      option("vit_blocks", &O::vit_blocks),
      option("vit_shared", &O::vit_shared),
      option("vit_conv_embed", &O::vit_conv_embed),
      option("vit_patch", &O::vit_patch),
      option("vit_dim", &O::vit_dim),
      option("vit_heads", &O::vit_heads),
      option("vit_mlp", &O::vit_mlp),
      option("extra_stage", &O::extra_stage),
      // Written only when not the default: checkpoints saved before the option
      // existed describe the same architecture without it and must still load.
      option("regression_pool", &O::regression_pool, Described::when_changed),
      option("coords_from", &O::coords_from, Described::when_changed),
      option("coords_beta", &O::coords_beta, Described::when_changed),
  };
  return table;
}

const OptionRow& row_for(const std::string& key) {
  for (const OptionRow& row : option_table())
    if (row.key == key) return row;
  throw std::out_of_range("blazepose option " + key);  // unreachable after check_known_keys
}

}  // namespace

BlazePoseOptions apply_overrides(BlazePoseOptions o, const YAML::Node& overrides, const std::string& where) {
  if (!overrides || overrides.IsNull()) return o;
  std::set<std::string> known;
  for (const OptionRow& row : option_table()) known.insert(row.key);
  check_known_keys(overrides, known, where, "model.options");
  for (const auto& kv : overrides) {
    std::string key = kv.first.as<std::string>();
    row_for(key).read(o, kv.second, where, "model.options." + key);
  }
  return o;
}

YAML::Node describe_options(BlazePoseOptions options) {
  BlazePoseOptions defaults;
  YAML::Node out;
  for (const OptionRow& row : option_table()) row.describe(options, defaults, out);
  return out;
}

}  // namespace kplab::models
