#include "ablation/ablation_spec.h"

#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/yaml_read.h"

namespace kplab {

namespace {

std::vector<std::string> string_list(const YAML::Node& n, const std::string& file, const std::string& where) {
  if (!n) return {};
  return yaml_list<std::string>(n, file, where, "an override KEY=VALUE");
}

bool safe_folder_name(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

}  // namespace

AblationSpec load_ablation(const std::string& path, const std::vector<std::string>& extra) {
  YAML::Node doc = load_yaml_file(path);
  if (!doc.IsMap()) throw input_error(path, "(top level)", "a map with name, base and variants", describe_node(doc));
  check_known_keys(doc, {"name", "base", "set", "eval", "bench", "variants"}, path, "");
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto relative = [&](const std::string& p) {
    return std::filesystem::path(p).is_absolute() ? p : (dir / p).lexically_normal().string();
  };

  AblationSpec s;
  s.path = path;
  s.name = doc["name"] ? yaml_as<std::string>(doc["name"], path, "name", "a name")
                       : std::filesystem::path(path).stem().string();
  const std::string base = doc["base"] ? relative(yaml_as<std::string>(doc["base"], path, "base", "an experiment file")) : "";
  std::vector<std::string> shared = string_list(doc["set"], path, "set");
  shared.insert(shared.end(), extra.begin(), extra.end());
  if (const YAML::Node e = doc["eval"]) {
    check_known_keys(e, {"split", "decoder"}, path, "eval");
    if (e["split"]) s.eval_split = yaml_as<std::string>(e["split"], path, "eval.split", "train, val or test");
    if (e["decoder"]) s.eval_decoder = yaml_as<std::string>(e["decoder"], path, "eval.decoder", "regression or heatmap");
    if (s.eval_decoder != "regression" && s.eval_decoder != "heatmap")
      throw input_error(path, "eval.decoder", "regression or heatmap", "'" + s.eval_decoder + "'");
  }
  if (const YAML::Node b = doc["bench"]) {
    check_known_keys(b, {"threads", "warmup", "repeats"}, path, "bench");
    if (b["threads"]) s.bench_threads = yaml_as<int>(b["threads"], path, "bench.threads", "an integer");
    if (b["warmup"]) s.bench_warmup = yaml_as<int>(b["warmup"], path, "bench.warmup", "an integer");
    if (b["repeats"]) s.bench_repeats = yaml_as<int>(b["repeats"], path, "bench.repeats", "an integer");
    if (s.bench_repeats < 1) throw input_error(path, "bench.repeats", "at least 1", std::to_string(s.bench_repeats));
  }
  const YAML::Node vs = doc["variants"];
  if (!vs || !vs.IsSequence() || vs.size() == 0)
    throw input_error(path, "variants", "a non-empty list of variants", describe_node(vs));
  std::set<std::string> seen;
  for (size_t i = 0; i < vs.size(); ++i) {
    const std::string where = "variants[" + std::to_string(i) + "]";
    const YAML::Node v = vs[i];
    if (!v.IsMap()) throw input_error(path, where, "a map with name (and set or experiment)", describe_node(v));
    check_known_keys(v, {"name", "set", "experiment"}, path, where);
    AblationVariant a;
    a.name = yaml_as<std::string>(v["name"], path, where + ".name", "a variant name");
    if (!safe_folder_name(a.name))
      throw input_error(path, where + ".name", "letters, digits, '_', '-' or '.' (it names a folder)", "'" + a.name + "'");
    if (!seen.insert(a.name).second) throw input_error(path, where + ".name", "a name not used before", "'" + a.name + "' again");
    if (v["experiment"])
      a.experiment = relative(yaml_as<std::string>(v["experiment"], path, where + ".experiment", "an experiment file"));
    else if (!base.empty())
      a.experiment = base;
    else
      throw input_error(path, where + ".experiment", "an experiment file (or a top-level base)", "neither");
    a.overrides = shared;
    for (const auto& o : string_list(v["set"], path, where + ".set")) a.overrides.push_back(o);
    s.variants.push_back(a);
  }
  return s;
}

void select_variants(AblationSpec& spec, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::set<std::string> wanted, known;
  std::string listed;
  for (const auto& v : spec.variants) {
    known.insert(v.name);
    listed += (listed.empty() ? "" : ", ") + v.name;
  }
  for (const auto& n : names) {
    if (!known.count(n)) throw input_error(spec.path, "variants", "a variant named " + n + " (--variants)", listed);
    wanted.insert(n);
  }
  std::vector<AblationVariant> kept;
  for (const auto& v : spec.variants)
    if (wanted.count(v.name)) kept.push_back(v);
  spec.variants = std::move(kept);
}

}  // namespace kplab
