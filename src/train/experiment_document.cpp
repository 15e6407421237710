// Experiment files as one merged document (train/experiment_document.h).
#include "train/experiment_document.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/yaml_read.h"
#include "train/experiment_paths.h"

namespace kplab {

namespace fs = std::filesystem;

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

std::string Origins::file_for(const std::string& where) const {
  std::string p = canonical_path(where);
  while (true) {
    auto it = by_path.find(p);
    if (it != by_path.end()) return it->second;
    if (p.empty()) return top;
    auto dot = p.rfind('.');
    p = dot == std::string::npos ? "" : p.substr(0, dot);
  }
}

void Origins::set(const std::string& path, const std::string& file) {
  for (auto it = by_path.begin(); it != by_path.end();) {
    const std::string& k = it->first;
    bool under = path.empty() || k == path || (k.size() > path.size() && k.compare(0, path.size(), path) == 0 &&
                                               k[path.size()] == '.');
    it = under ? by_path.erase(it) : std::next(it);
  }
  by_path[path] = file;
}

namespace {

// ---------------------------------------------------------------- base chains

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


}  // namespace

Document load_experiment_document(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<std::pair<std::string, std::string>> chain;
  chain.emplace_back(fs::weakly_canonical(path).string(), path);
  Document doc = load_chain(path, chain);
  for (const auto& o : overrides) apply_override(doc, path, o);
  return doc;
}

}  // namespace kplab
