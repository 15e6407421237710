// Experiment files: `base:` chains merged key by key, `--set` overrides, then
// one validating pass that names the file each offending key came from.
//
// Origins: while merging and overriding we remember, per key path, which
// file (or which --set) last wrote it; an error about a key names that file,
// one about a missing key names the file given to load_experiment.

#include "train/experiment.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "core/error.h"
#include "train/experiment_paths.h"
#include "core/yaml_read.h"
#include "data/split.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- key paths and origins

// "phases[1].loss" -> "phases.1.loss" (the form origins are stored under).
std::string canonical_path(const std::string& where) {
  std::string out;
  for (char c : where) {
    if (c == '[') {
      out += '.';
    } else if (c != ']') {
      out += c;
    }
  }
  return out;
}

std::string join_key(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

// Which file each key path came from (canonical paths; "" is the root).
struct Origins {
  std::string top;                             // the file named by the caller
  std::map<std::string, std::string> by_path;  // longest matching prefix wins

  std::string file_for(const std::string& where) const {
    std::string p = canonical_path(where);
    while (true) {
      auto it = by_path.find(p);
      if (it != by_path.end()) return it->second;
      if (p.empty()) return top;
      auto dot = p.rfind('.');
      p = dot == std::string::npos ? "" : p.substr(0, dot);
    }
  }

  // `path` (canonical) and everything under it now come from `file`.
  void set(const std::string& path, const std::string& file) {
    for (auto it = by_path.begin(); it != by_path.end();) {
      const std::string& k = it->first;
      bool under = path.empty() || k == path || (k.size() > path.size() && k.compare(0, path.size(), path) == 0 &&
                                                 k[path.size()] == '.');
      it = under ? by_path.erase(it) : std::next(it);
    }
    by_path[path] = file;
  }
};

// ---------------------------------------------------------------- base chains

struct Document {
  YAML::Node root;
  Origins origins;
};

// Merges `child` into `base` (both mappings, `base` owned by us): mappings
// merge key by key, everything else replaces.
void merge_into(YAML::Node base, const YAML::Node& child, const std::string& prefix, const std::string& file,
                Origins& origins) {
  for (const auto& kv : child) {
    const std::string key = kv.first.Scalar();
    const std::string path = join_key(prefix, key);
    const YAML::Node& value = kv.second;
    const YAML::Node& cbase = base;
    const YAML::Node existing = cbase[key];
    if (existing && existing.IsMap() && value.IsMap()) {
      merge_into(base[key], value, path, file, origins);
    } else {
      base[key] = YAML::Clone(value);
      origins.set(path, file);
    }
  }
}

// Reads `path` and the chain of bases under it. `chain` holds the files that
// named this one (canonical paths, for the cycle check) and how they were written.
Document load_chain(const std::string& path, std::vector<std::pair<std::string, std::string>>& chain) {
  YAML::Node root = YAML::Clone(load_yaml_file(path));
  if (!root.IsMap()) throw input_error(path, "top level", "a mapping of experiment keys", describe_node(root));
  resolve_experiment_paths(root, path);  // relative to this file, before a child's values merge in

  const YAML::Node& croot = root;
  const YAML::Node base_node = croot["base"];
  if (!base_node) {
    Document d{root, Origins{path, {}}};
    d.origins.by_path[""] = path;
    return d;
  }
  if (!base_node.IsScalar() || base_node.Scalar().empty())
    throw input_error(path, "base", "the path of a base experiment file", describe_node(base_node));
  fs::path base_path = base_node.Scalar();
  if (base_path.is_relative()) base_path = fs::path(path).parent_path() / base_path;
  const std::string base_str = base_path.lexically_normal().string();
  std::error_code ec;  // not the throwing overload: a name too long must not escape as filesystem_error
  if (!fs::is_regular_file(base_str, ec))
    throw input_error(path, "base", "an existing YAML file", "'" + base_node.Scalar() + "' (no file " + base_str + ")");

  const std::string key = fs::weakly_canonical(base_str).string();
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i].first != key) continue;
    std::string cycle;
    for (size_t j = i; j < chain.size(); ++j) cycle += chain[j].second + " -> ";
    cycle += base_str;
    throw input_error(path, "base", "a chain of base files without a cycle", "the cycle " + cycle);
  }
  chain.emplace_back(key, base_str);
  Document d = load_chain(base_str, chain);
  chain.pop_back();

  root.remove("base");
  merge_into(d.root, root, "", path, d.origins);
  d.origins.top = path;
  return d;
}

// ---------------------------------------------------------------- overrides

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void apply_override(Document& doc, const std::string& top, const std::string& text) {
  const std::string source = top + " (--set " + text + ")";
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    throw input_error(source, "override", "KEY.PATH=VALUE (e.g. phases.0.epochs=3)", "no '='");
  const std::string key_path = text.substr(0, eq);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    auto dot = key_path.find('.', start);
    parts.push_back(key_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& p : parts)
    if (p.empty())
      throw input_error(source, "override", "KEY.PATH=VALUE with non-empty keys (e.g. phases.0.epochs=3)",
                        "'" + key_path + "'");

  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw input_error(source, key_path, "a YAML value", "'" + text.substr(eq + 1) + "' (" + e.msg + ")");
  }

  YAML::Node cur;
  cur.reset(doc.root);
  std::string here;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    const std::string parent = here.empty() ? "top level" : here;
    here = join_key(here, part);
    YAML::Node next;
    if (cur.IsSequence()) {
      if (!is_index(part)) throw input_error(source, here, str("a list index below ", cur.size()), "'" + part + "'");
      const size_t index = std::stoul(part);
      if (index >= cur.size())
        throw input_error(source, here, str("a list index below ", cur.size(), " (", parent, " has ", cur.size(),
                                            cur.size() == 1 ? " item)" : " items)"),
                          part);
      if (last) {
        cur[index] = value;
        break;
      }
      next.reset(cur[index]);
    } else if (cur.IsMap()) {
      if (last) {
        cur[part] = value;
        break;
      }
      const YAML::Node& ccur = cur;
      if (!ccur[part] || ccur[part].IsNull()) {
        cur[part] = YAML::Node(YAML::NodeType::Map);
        doc.origins.set(canonical_path(here), source);  // the override made this section
      }
      next.reset(cur[part]);
    } else if (cur.IsNull()) {
      // Only the root can get here (intermediate nulls are replaced by mappings above).
      throw input_error(source, parent, "a mapping", describe_node(cur));
    } else {
      throw input_error(source, parent, "a mapping or a list to set '" + part + "' in", describe_node(cur));
    }
    cur.reset(next);
  }
  doc.origins.set(canonical_path(key_path), source);
}

// ---------------------------------------------------------------- validation

std::string quoted(const YAML::Node& n) { return describe_node(n); }

class Reader {
 public:
  explicit Reader(Origins origins) : origins_(std::move(origins)) {}

  // The file to blame for `node` at `where`: its origin, or the top file when it is missing.
  std::string file(const std::string& where, const YAML::Node& node) const {
    return node ? origins_.file_for(where) : origins_.top;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& where, const std::string& expected,
                         const std::string& found) const {
    throw input_error(file(where, node), where.empty() ? "top level" : where, expected, found);
  }

  // A mapping holding only `allowed` keys. A null optional section reads as empty.
  bool mapping(const YAML::Node& m, const std::set<std::string>& allowed, const std::string& where,
               bool null_ok) const {
    if (null_ok && m && m.IsNull()) return false;
    if (!m || !m.IsMap()) fail(m, where, "a mapping", describe_node(m));
    for (const auto& kv : m) {
      const std::string key = kv.first.Scalar();
      if (!allowed.count(key)) check_known_keys(m, allowed, origins_.file_for(join_key(where, key)), where);
    }
    return true;
  }

  template <typename T>
  T scalar(const YAML::Node& n, const std::string& where, const std::string& expected) const {
    return yaml_as<T>(n, file(where, n), where, expected);
  }

  // Reads m[key] into `out` when present; `ok` checks the value, `expected` says what it should be.
  template <typename T>
  void optional(const YAML::Node& m, const char* key, const std::string& where, T& out, const std::string& expected,
                const std::function<bool(T)>& ok = nullptr) const {
    const YAML::Node n = m[key];
    if (!n) return;
    out = value<T>(n, join_key(where, key), expected, ok);
  }

  template <typename T>
  T required(const YAML::Node& m, const char* key, const std::string& where, const std::string& expected,
             const std::function<bool(T)>& ok = nullptr) const {
    return value<T>(m[key], join_key(where, key), expected, ok);
  }

  template <typename T>
  T value(const YAML::Node& n, const std::string& w, const std::string& expected,
          const std::function<bool(T)>& ok) const {
    if constexpr (std::is_unsigned_v<T>) {
      if (n && n.IsScalar() && !n.Scalar().empty() && n.Scalar()[0] == '-') fail(n, w, expected, quoted(n));
    }
    T v = scalar<T>(n, w, expected);
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(v)) fail(n, w, expected, quoted(n));
    }
    if (ok && !ok(v)) fail(n, w, expected, quoted(n));
    return v;
  }

  void choice(const YAML::Node& m, const char* key, const std::string& where, std::string& out,
              const std::vector<std::string>& options) const {
    std::string expected;
    for (size_t i = 0; i < options.size(); ++i)
      expected += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + options[i];
    optional<std::string>(m, key, where, out, expected, [&](const std::string& s) {
      return std::find(options.begin(), options.end(), s) != options.end();
    });
  }

  template <typename T>
  std::vector<T> list(const YAML::Node& n, const std::string& where, const std::string& expected_item,
                      const std::function<bool(T)>& ok = nullptr, bool allow_empty = false) const {
    if (!n || !n.IsSequence()) fail(n, where, "a list of " + expected_item, describe_node(n));
    if (!allow_empty && n.size() == 0) fail(n, where, "a non-empty list of " + expected_item, "an empty list");
    std::vector<T> out;
    for (size_t i = 0; i < n.size(); ++i) out.push_back(value<T>(n[i], str(where, "[", i, "]"), expected_item, ok));
    return out;
  }

 private:
  Origins origins_;
};

const std::function<bool(double)> positive = [](double v) { return v > 0; };
const std::function<bool(double)> non_negative = [](double v) { return v >= 0; };
const std::function<bool(double)> unit_interval = [](double v) { return v >= 0 && v <= 1; };
const std::function<bool(float)> non_negative_f = [](float v) { return v >= 0; };
const std::function<bool(float)> unit_interval_f = [](float v) { return v >= 0 && v <= 1; };
const std::function<bool(int64_t)> at_least_one = [](int64_t v) { return v >= 1; };

std::vector<int> read_splits(const Reader& r, const YAML::Node& data, const char* key, const std::vector<int>& def,
                             bool allow_empty) {
  const YAML::Node n = data[key];
  if (!n) return def;
  const std::string where = join_key("data", key);
  const std::string expected = "a split name (train, val, test or 0, 1, 2)";
  auto names = r.list<std::string>(n, where, expected, nullptr, allow_empty);
  std::vector<int> out;
  for (size_t i = 0; i < names.size(); ++i) {
    int id;
    try {
      id = parse_split_name(names[i]);
    } catch (const Error&) {
      r.fail(n[i], str(where, "[", i, "]"), expected, quoted(n[i]));
    }
    if (std::find(out.begin(), out.end(), id) != out.end())
      r.fail(n[i], str(where, "[", i, "]"), "each split once", "'" + names[i] + "' again");
    out.push_back(id);
  }
  return out;
}

AugmentOptions read_augmentation(const Reader& r, const YAML::Node& m) {
  const std::string w = "data.augmentation";
  AugmentOptions a;
  if (!r.mapping(m, {"warp", "rotate_deg", "scale_min", "scale_max", "translate", "flip_prob", "brightness",
                     "contrast", "saturation", "occlusion_prob", "occlusion_min", "occlusion_max"},
                 w, true))
    return a;
  std::string warp = "auto";
  r.choice(m, "warp", w, warp, {"auto", "torch", "opencv"});
  a.warp = warp == "torch" ? WarpBackend::Torch : warp == "opencv" ? WarpBackend::OpenCV : WarpBackend::Auto;
  r.optional<float>(m, "rotate_deg", w, a.rotate_deg, "an angle in degrees in [0, 180]",
                    [](float v) { return v >= 0 && v <= 180; });
  r.optional<float>(m, "scale_min", w, a.scale_min, "a zoom factor > 0", [](float v) { return v > 0; });
  r.optional<float>(m, "scale_max", w, a.scale_max, "a zoom factor > 0", [](float v) { return v > 0; });
  if (a.scale_min > a.scale_max) {
    const char* key = m["scale_max"] ? "scale_max" : "scale_min";
    r.fail(m[key], join_key(w, key), str("scale_min <= scale_max (scale_min ", a.scale_min, ")"),
           str("scale_max ", a.scale_max));
  }
  r.optional<float>(m, "translate", w, a.translate, "a fraction of the crop in [0, 1]", unit_interval_f);
  r.optional<float>(m, "flip_prob", w, a.flip_prob, "a probability in [0, 1]", unit_interval_f);
  r.optional<float>(m, "brightness", w, a.brightness, "a jitter strength in [0, 1]", unit_interval_f);
  r.optional<float>(m, "contrast", w, a.contrast, "a jitter strength in [0, 1]", unit_interval_f);
  r.optional<float>(m, "saturation", w, a.saturation, "a jitter strength in [0, 1]", unit_interval_f);
  r.optional<float>(m, "occlusion_prob", w, a.occlusion_prob, "a probability in [0, 1]", unit_interval_f);
  r.optional<float>(m, "occlusion_min", w, a.occlusion_min, "a fraction of the crop in [0, 1]", unit_interval_f);
  r.optional<float>(m, "occlusion_max", w, a.occlusion_max, "a fraction of the crop in [0, 1]", unit_interval_f);
  if (a.occlusion_min > a.occlusion_max) {
    const char* key = m["occlusion_max"] ? "occlusion_max" : "occlusion_min";
    r.fail(m[key], join_key(w, key), str("occlusion_min <= occlusion_max (occlusion_min ", a.occlusion_min, ")"),
           str("occlusion_max ", a.occlusion_max));
  }
  return a;
}

DataConfig read_data(const Reader& r, const YAML::Node& m) {
  const std::string w = "data";
  r.mapping(m, {"cache", "schema", "train_splits", "val_splits", "train_limit", "sigma", "workers", "augment",
                "augmentation"}, w, false);
  DataConfig d;
  const std::function<bool(std::string)> non_empty = [](const std::string& s) { return !s.empty(); };
  d.cache = r.required<std::string>(m, "cache", w, "the path of an HDF5 cache (kplab prepare)", non_empty);
  d.schema = r.required<std::string>(m, "schema", w, "the path of a schema file", non_empty);
  d.train_splits = read_splits(r, m, "train_splits", d.train_splits, false);
  d.val_splits = read_splits(r, m, "val_splits", d.val_splits, true);
  r.optional<int64_t>(m, "train_limit", w, d.train_limit, "a count of people >= 0 (0 = all)",
                      [](int64_t v) { return v >= 0; });
  r.optional<double>(m, "sigma", w, d.sigma, "a Gaussian sigma in heatmap cells > 0", positive);
  r.optional<int>(m, "workers", w, d.workers, "a thread count >= 0 (0 = all cores)", [](int v) { return v >= 0; });
  r.optional<bool>(m, "augment", w, d.augment, "true or false");
  if (m["augmentation"]) d.augmentation = read_augmentation(r, m["augmentation"]);
  return d;
}

LossConfig read_loss(const Reader& r, const YAML::Node& m, const std::string& w) {
  LossConfig l;
  if (!r.mapping(m, {"heatmap", "coords", "visibility", "mirrored", "heatmap_kind", "coord_kind"}, w, true)) return l;
  const std::string weight = "a loss weight >= 0";
  r.optional<double>(m, "heatmap", w, l.heatmap, weight, non_negative);
  r.optional<double>(m, "coords", w, l.coords, weight, non_negative);
  r.optional<double>(m, "visibility", w, l.visibility, weight, non_negative);
  r.optional<double>(m, "mirrored", w, l.mirrored, weight, non_negative);
  r.choice(m, "heatmap_kind", w, l.heatmap_kind, {"bce", "mse"});
  r.choice(m, "coord_kind", w, l.coord_kind, {"mse", "l1", "smooth_l1"});
  return l;
}

OptimizerConfig read_optimizer(const Reader& r, const YAML::Node& m, const std::string& w) {
  OptimizerConfig o;
  if (!r.mapping(m, {"type", "lr", "weight_decay", "momentum"}, w, true)) return o;
  r.choice(m, "type", w, o.type, {"adam", "adamw", "sgd"});
  r.optional<double>(m, "lr", w, o.lr, "a learning rate > 0", positive);
  r.optional<double>(m, "weight_decay", w, o.weight_decay, "a weight decay >= 0", non_negative);
  r.optional<double>(m, "momentum", w, o.momentum, "a momentum in [0, 1)", [](double v) { return v >= 0 && v < 1; });
  return o;
}

ScheduleConfig read_schedule(const Reader& r, const YAML::Node& m, const std::string& w) {
  ScheduleConfig s;
  if (!r.mapping(m, {"type", "warmup_steps", "step_size", "gamma", "min_lr_ratio"}, w, true)) return s;
  r.choice(m, "type", w, s.type, {"constant", "step", "cosine"});
  r.optional<int64_t>(m, "warmup_steps", w, s.warmup_steps, "a step count >= 0", [](int64_t v) { return v >= 0; });
  r.optional<int64_t>(m, "step_size", w, s.step_size, "a step count >= 1", at_least_one);
  r.optional<double>(m, "gamma", w, s.gamma, "a decay factor in (0, 1]", [](double v) { return v > 0 && v <= 1; });
  r.optional<double>(m, "min_lr_ratio", w, s.min_lr_ratio, "a fraction of the base lr in [0, 1]", unit_interval);
  return s;
}

bool valid_phase_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

PhaseConfig read_phase(const Reader& r, const YAML::Node& m, const std::string& w) {
  r.mapping(m, {"name", "epochs", "trainable", "batch_size", "loss", "optimizer", "schedule", "grad_clip"}, w, false);
  PhaseConfig p;
  p.name = r.required<std::string>(m, "name", w, "a phase name of letters, digits, '_', '-' or '.'",
                                   valid_phase_name);
  r.optional<int64_t>(m, "epochs", w, p.epochs, "an epoch count >= 1", at_least_one);
  p.trainable = r.list<std::string>(m["trainable"], join_key(w, "trainable"), "parameter-name patterns",
                                    [](const std::string& s) { return !s.empty(); });
  r.optional<int64_t>(m, "batch_size", w, p.batch_size, "a batch size >= 1", at_least_one);
  if (m["loss"]) p.loss = read_loss(r, m["loss"], join_key(w, "loss"));
  const LossConfig& l = p.loss;
  if (l.heatmap + l.coords + l.visibility + l.mirrored <= 0)
    r.fail(m["loss"], join_key(w, "loss"), "at least one loss weight > 0", "all weights 0");
  if (m["optimizer"]) p.optimizer = read_optimizer(r, m["optimizer"], join_key(w, "optimizer"));
  if (m["schedule"]) p.schedule = read_schedule(r, m["schedule"], join_key(w, "schedule"));
  r.optional<double>(m, "grad_clip", w, p.grad_clip, "a gradient-norm limit >= 0 (0 = off)", non_negative);
  return p;
}

EvalConfig read_eval(const Reader& r, const YAML::Node& m) {
  EvalConfig e;
  if (!r.mapping(m, {"alphas", "decoder"}, "eval", true)) return e;
  if (m["alphas"])
    e.alphas = r.list<double>(m["alphas"], "eval.alphas", "PCK thresholds in (0, 1]",
                              [](double v) { return v > 0 && v <= 1; });
  r.choice(m, "decoder", "eval", e.decoder, {"regression", "heatmap"});
  return e;
}

InitConfig read_init(const Reader& r, const YAML::Node& m) {
  InitConfig i;
  if (!r.mapping(m, {"from", "checkpoint", "load"}, "init", true)) return i;
  i.from = r.required<std::string>(m, "from", "init", "a zoo or run folder or a checkpoint file",
                                   [](const std::string& s) { return !s.empty(); });
  r.choice(m, "checkpoint", "init", i.checkpoint, {"best", "last"});
  if (m["load"]) i.load = r.list<std::string>(m["load"], "init.load", "parameter patterns (e.g. backbone)");
  return i;
}

Experiment read_experiment(const YAML::Node& doc, const Origins& origins) {
  Reader r(origins);
  r.mapping(doc, {"seed", "model", "data", "phases", "eval", "init"}, "", false);
  Experiment e;
  e.path = origins.top;
  r.optional<uint64_t>(doc, "seed", "", e.seed, "a seed >= 0");

  const YAML::Node model = doc["model"];
  r.mapping(model, {"name", "options"}, "model", false);
  e.model = r.required<std::string>(model, "name", "model", "a model name from the registry",
                                    [](const std::string& s) { return !s.empty(); });
  const YAML::Node options = model["options"];
  if (!options || options.IsNull()) {
    e.model_options = YAML::Node(YAML::NodeType::Map);
  } else if (!options.IsMap()) {
    r.fail(options, "model.options", "a mapping of builder options", describe_node(options));
  } else {
    e.model_options = YAML::Clone(options);
  }

  e.data = read_data(r, doc["data"]);

  const YAML::Node phases = doc["phases"];
  if (!phases || !phases.IsSequence()) r.fail(phases, "phases", "a list of training phases", describe_node(phases));
  if (phases.size() == 0) r.fail(phases, "phases", "at least one training phase", "an empty list");
  for (size_t i = 0; i < phases.size(); ++i) {
    const std::string w = str("phases[", i, "]");
    PhaseConfig p = read_phase(r, phases[i], w);
    for (size_t j = 0; j < e.phases.size(); ++j)
      if (e.phases[j].name == p.name)
        r.fail(phases[i]["name"], w + ".name", "a phase name not used before",
               str("'", p.name, "' (also phases[", j, "].name)"));
    e.phases.push_back(std::move(p));
  }

  if (doc["eval"]) e.eval = read_eval(r, doc["eval"]);
  if (doc["init"]) e.init = read_init(r, doc["init"]);
  e.effective = YAML::Clone(doc);
  return e;
}

// ---------------------------------------------------------------- back to YAML (experiments built in code)

// Shortest text that reads back as the same value.
template <typename T>
std::string number_text(T v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a float for readers
  return s;
}

const char* warp_name(WarpBackend w) {
  switch (w) {
    case WarpBackend::Torch: return "torch";
    case WarpBackend::OpenCV: return "opencv";
    case WarpBackend::Auto: break;
  }
  return "auto";
}

YAML::Node splits_node(const std::vector<int>& ids) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (int id : ids) n.push_back(std::string(split_name(id)));
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node document_from_fields(const Experiment& e) {
  YAML::Node doc(YAML::NodeType::Map);
  doc["seed"] = e.seed;
  doc["model"]["name"] = e.model;
  doc["model"]["options"] = e.model_options && e.model_options.IsMap() ? YAML::Clone(e.model_options)
                                                                       : YAML::Node(YAML::NodeType::Map);
  if (doc["model"]["options"].size() == 0) doc["model"]["options"].SetStyle(YAML::EmitterStyle::Flow);
  YAML::Node data = doc["data"];
  data["cache"] = e.data.cache;
  data["schema"] = e.data.schema;
  data["train_splits"] = splits_node(e.data.train_splits);
  data["val_splits"] = splits_node(e.data.val_splits);
  if (e.data.train_limit > 0) data["train_limit"] = e.data.train_limit;
  data["sigma"] = number_text(e.data.sigma);
  data["workers"] = e.data.workers;
  data["augment"] = e.data.augment;
  const AugmentOptions& a = e.data.augmentation;
  YAML::Node aug = data["augmentation"];
  aug["warp"] = warp_name(a.warp);
  const std::pair<const char*, float> floats[] = {
      {"rotate_deg", a.rotate_deg}, {"scale_min", a.scale_min},           {"scale_max", a.scale_max},
      {"translate", a.translate},   {"flip_prob", a.flip_prob},           {"brightness", a.brightness},
      {"contrast", a.contrast},     {"saturation", a.saturation},         {"occlusion_prob", a.occlusion_prob},
      {"occlusion_min", a.occlusion_min}, {"occlusion_max", a.occlusion_max}};
  for (const auto& [k, v] : floats) aug[k] = number_text(v);

  YAML::Node phases(YAML::NodeType::Sequence);
  for (const PhaseConfig& p : e.phases) {
    YAML::Node n(YAML::NodeType::Map);
    n["name"] = p.name;
    n["epochs"] = p.epochs;
    YAML::Node trainable(YAML::NodeType::Sequence);
    for (const auto& t : p.trainable) trainable.push_back(t);
    trainable.SetStyle(YAML::EmitterStyle::Flow);
    n["trainable"] = trainable;
    n["batch_size"] = p.batch_size;
    YAML::Node loss = n["loss"];
    loss["heatmap"] = number_text(p.loss.heatmap);
    loss["coords"] = number_text(p.loss.coords);
    loss["visibility"] = number_text(p.loss.visibility);
    loss["mirrored"] = number_text(p.loss.mirrored);
    loss["heatmap_kind"] = p.loss.heatmap_kind;
    loss["coord_kind"] = p.loss.coord_kind;
    YAML::Node opt = n["optimizer"];
    opt["type"] = p.optimizer.type;
    opt["lr"] = number_text(p.optimizer.lr);
    opt["weight_decay"] = number_text(p.optimizer.weight_decay);
    opt["momentum"] = number_text(p.optimizer.momentum);
    YAML::Node sched = n["schedule"];
    sched["type"] = p.schedule.type;
    sched["warmup_steps"] = p.schedule.warmup_steps;
    sched["step_size"] = p.schedule.step_size;
    sched["gamma"] = number_text(p.schedule.gamma);
    sched["min_lr_ratio"] = number_text(p.schedule.min_lr_ratio);
    n["grad_clip"] = number_text(p.grad_clip);
    phases.push_back(n);
  }
  doc["phases"] = phases;

  YAML::Node alphas(YAML::NodeType::Sequence);
  for (double v : e.eval.alphas) alphas.push_back(number_text(v));
  alphas.SetStyle(YAML::EmitterStyle::Flow);
  doc["eval"]["alphas"] = alphas;
  doc["eval"]["decoder"] = e.eval.decoder;
  if (!e.init.from.empty()) {
    doc["init"]["from"] = e.init.from;
    doc["init"]["checkpoint"] = e.init.checkpoint;
    YAML::Node load(YAML::NodeType::Sequence);
    for (const auto& p : e.init.load) load.push_back(p);
    load.SetStyle(YAML::EmitterStyle::Flow);
    doc["init"]["load"] = load;
  }
  return doc;
}

}  // namespace

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    std::vector<std::pair<std::string, std::string>> chain;
    chain.emplace_back(fs::weakly_canonical(path).string(), path);
    Document doc = load_chain(path, chain);
    for (const auto& o : overrides) apply_override(doc, path, o);
    return read_experiment(doc.root, doc.origins);
  } catch (const YAML::Exception& e) {  // e.g. a mapping used as a key
    throw Error(str(path, ": ", e.msg));
  }
}

Experiment parse_experiment(const YAML::Node& document, const std::string& where) {
  try {
    Origins origins{where, {}};
    return read_experiment(document, origins);
  } catch (const YAML::Exception& e) {
    throw Error(str(where, ": ", e.msg));
  }
}

std::string experiment_yaml(const Experiment& e, const std::string& folder) {
  YAML::Node doc = YAML::Clone(e.effective && !e.effective.IsNull() ? e.effective : document_from_fields(e));
  if (!folder.empty()) relativize_experiment_paths(doc, folder);
  else untag_experiment_paths(doc);
  YAML::Emitter out;
  out << doc;
  return std::string(out.c_str()) + "\n";
}

}  // namespace kplab
