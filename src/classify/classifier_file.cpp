#include "classify/classifier_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "classify/posture_features.h"
#include "core/error.h"

namespace kplab::classify {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json floats(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

const json& field(const json& j, const std::string& key, const std::string& where, json::value_t type,
                  const char* expected) {
  if (!j.is_object() || !j.contains(key)) throw input_error(where, key, expected, "no such field");
  const json& v = j.at(key);
  const bool ok = type == json::value_t::number_float
                      ? v.is_number()
                      : v.type() == type || (type == json::value_t::number_integer && v.is_number_unsigned());
  if (!ok) throw input_error(where, key, expected, "a JSON " + std::string(v.type_name()));
  return v;
}

// `v` as a float vector of `n` values (n < 0: any length); `key` names it in errors.
torch::Tensor numbers(const json& v, const std::string& where, const std::string& key, int64_t n) {
  if (!v.is_array()) throw input_error(where, key, "an array of numbers", "a JSON " + std::string(v.type_name()));
  if (n >= 0 && static_cast<int64_t>(v.size()) != n) throw input_error(where, key, str(n, " numbers"), str(v.size()));
  std::vector<float> out;
  for (const auto& x : v) {
    if (!x.is_number()) throw input_error(where, key, "numbers", "a JSON " + std::string(x.type_name()));
    out.push_back(x.get<float>());
  }
  return torch::tensor(out, torch::kFloat32);
}

torch::Tensor vector_field(const json& j, const std::string& key, const std::string& where, int64_t n) {
  return numbers(field(j, key, where, json::value_t::array, "an array of numbers"), where, key, n);
}

LinearLayer layer_field(const json& l, const std::string& where, int64_t in, int64_t out) {
  const json& w = field(l, "weight", where, json::value_t::array, "an array of rows");
  if (static_cast<int64_t>(w.size()) != out) throw input_error(where, "weight", str(out, " rows"), str(w.size()));
  std::vector<torch::Tensor> rows;
  for (size_t r = 0; r < w.size(); ++r) rows.push_back(numbers(w[r], where, str("weight[", r, "]"), in));
  return {torch::stack(rows), vector_field(l, "bias", where, out)};
}

std::vector<std::string> strings_field(const json& j, const std::string& key, const std::string& where) {
  const json& v = field(j, key, where, json::value_t::array, "an array of names");
  std::vector<std::string> out;
  for (const auto& s : v) {
    if (!s.is_string()) throw input_error(where, key, "names (strings)", "a JSON " + std::string(s.type_name()));
    out.push_back(s.get<std::string>());
  }
  return out;
}

void read_model(const json& j, const std::string& where, SavedClassifier& c) {
  auto& m = c.model;
  m.kind = field(j, "kind", where, json::value_t::string, "logistic or mlp").get<std::string>();
  check_kind(m.kind, where, "kind");
  const int64_t f = static_cast<int64_t>(c.features.size());
  m.mean = vector_field(j, "mean", where, f);
  m.std = vector_field(j, "std", where, f);
  if (!(m.std > 0).all().item<bool>()) throw input_error(where, "std", "values > 0", "a value <= 0");
  const json& layers = field(j, "layers", where, json::value_t::array, "an array of {weight, bias}");
  const size_t want = m.kind == "mlp" ? 2 : 1;
  if (layers.size() != want) throw input_error(where, "layers", str(want, " for ", m.kind), str(layers.size()));
  m.hidden = 0;
  if (m.kind == "mlp") {
    m.hidden = field(j, "hidden", where, json::value_t::number_integer, "the hidden width").get<int>();
    if (m.hidden < 1) throw input_error(where, "hidden", "a width >= 1", str(m.hidden));
  }
  m.layers.clear();
  const int64_t first_out = m.kind == "mlp" ? m.hidden : 1;
  m.layers.push_back(layer_field(layers[0], where + ": layers[0]", f, first_out));
  if (m.kind == "mlp") m.layers.push_back(layer_field(layers[1], where + ": layers[1]", m.hidden, 1));
}

}  // namespace

json classifier_json(const SavedClassifier& c) {
  json layers = json::array();
  for (const auto& l : c.model.layers) {
    json rows = json::array();
    for (int64_t r = 0; r < l.weight.size(0); ++r) rows.push_back(floats(l.weight[r]));
    layers.push_back({{"weight", rows}, {"bias", floats(l.bias)}});
  }
  json j = {{"format", kClassifierFormat}, {"version", kClassifierVersion}, {"kind", c.model.kind}};
  if (c.model.kind == "mlp") j["hidden"] = c.model.hidden;
  j["schema"] = {{"name", c.schema.name}, {"joints", c.schema.joints}, {"text", c.schema.text}};
  j["classes"] = c.classes.names;
  j["positive"] = c.classes.positive_name();
  j["min_visibility"] = c.min_visibility;
  j["features"] = c.features;
  j["mean"] = floats(c.model.mean);
  j["std"] = floats(c.model.std);
  j["layers"] = layers;
  j["training"] = c.record;
  return j;
}

SavedClassifier parse_classifier_json(const json& j, const std::string& where) {
  const std::string format = field(j, "format", where, json::value_t::string, kClassifierFormat).get<std::string>();
  if (format != kClassifierFormat) throw input_error(where, "format", kClassifierFormat, "'" + format + "'");
  const int version = field(j, "version", where, json::value_t::number_integer, "a version number").get<int>();
  if (version != kClassifierVersion) throw input_error(where, "version", str(kClassifierVersion), str(version));
  SavedClassifier c;
  const json& s = field(j, "schema", where, json::value_t::object, "{name, joints, text}");
  c.schema =
      parse_schema(field(s, "text", where + ": schema", json::value_t::string, "the schema's YAML").get<std::string>(),
                   where + ": schema.text");
  if (strings_field(s, "joints", where + ": schema") != c.schema.joints)
    throw input_error(where, "schema.joints", "the joints of schema.text", "another list");
  c.classes.names = strings_field(j, "classes", where);
  if (c.classes.names.size() != 2 || c.classes.names[0] == c.classes.names[1])
    throw input_error(where, "classes", "two different class names", str(c.classes.names.size(), " names"));
  const std::string pos = field(j, "positive", where, json::value_t::string, "one of the classes").get<std::string>();
  if (pos != c.classes.names[0] && pos != c.classes.names[1])
    throw input_error(where, "positive", "one of the classes", "'" + pos + "'");
  c.classes.positive = pos == c.classes.names[0] ? 0 : 1;
  c.min_visibility = field(j, "min_visibility", where, json::value_t::number_float, "a number in [0, 1]").get<double>();
  if (!(c.min_visibility >= 0 && c.min_visibility <= 1))
    throw input_error(where, "min_visibility", "a number in [0, 1]", str(c.min_visibility));
  c.features = strings_field(j, "features", where);
  if (c.features.empty()) throw input_error(where, "features", "feature names", "an empty list");
  read_model(j, where, c);
  if (j.contains("training")) c.record = j.at("training");
  return c;
}

std::string classifier_json_path(const std::string& dir) {
  return fs::path(dir).extension() == ".json" ? dir : (fs::path(dir) / "classifier.json").string();
}

SavedClassifier load_classifier(const std::string& dir) {
  const std::string path = classifier_json_path(dir);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw input_error(path, "file", "a classifier folder written by kplab classify train", "no such file");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw input_error(path, "JSON", "a valid JSON document", one_line(e.what()));
  }
  SavedClassifier c = parse_classifier_json(j, path);
  const PostureFeatures features(c.schema, c.min_visibility);
  if (features.names() != c.features)
    throw input_error(path, "features",
                      str("the ", features.size(), " features this kplab computes for schema ", c.schema.name),
                      str(c.features.size(), " features that differ (retrain the classifier with this kplab)"));
  return c;
}

}  // namespace kplab::classify
