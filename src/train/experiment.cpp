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
#include "train/config_fields.h"
#include "train/config_reader.h"
#include "train/experiment_document.h"
#include "train/experiment_paths.h"
#include "core/yaml_read.h"
#include "data/split.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- validation

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
  AugmentOptions a;
  read_fields(r, m, "data.augmentation", augmentation_fields(), a);
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

template <typename S>
S read_section(const Reader& r, const YAML::Node& m, const std::string& where, const ConfigFields<S>& fields) {
  S s;
  read_fields(r, m, where, fields, s);
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
  if (m["loss"]) p.loss = read_section(r, m["loss"], join_key(w, "loss"), loss_fields());
  double weights = 0;
  for (const auto& [term, weight] : p.loss.weights) weights += weight;
  if (weights <= 0)
    r.fail(m["loss"], join_key(w, "loss"), "at least one loss weight > 0", "all weights 0");
  if (m["optimizer"]) p.optimizer = read_section(r, m["optimizer"], join_key(w, "optimizer"), optimizer_fields());
  if (m["schedule"]) p.schedule = read_section(r, m["schedule"], join_key(w, "schedule"), schedule_fields());
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
  write_fields(e.data.augmentation, augmentation_fields(), data["augmentation"]);

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
    write_fields(p.loss, loss_fields(), n["loss"]);
    write_fields(p.optimizer, optimizer_fields(), n["optimizer"]);
    write_fields(p.schedule, schedule_fields(), n["schedule"]);
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
    const Document doc = load_experiment_document(path, overrides);
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
