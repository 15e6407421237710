#include "train/experiment_paths.h"

#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>

#include "core/error.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

// Marks a path made absolute here from a relative one: written out again
// relative (an absolute path the user wrote stays absolute). Never emitted.
constexpr const char* kFromFileTag = "kplab-relative-to-file";

constexpr std::pair<const char*, const char*> kPathFields[] = {{"data", "cache"}, {"data", "schema"}, {"init", "from"}};

// Calls `f(value_node, "section.key")` for every path field present as a non-empty scalar.
template <typename F>
void for_each_path_field(YAML::Node doc, F&& f) {
  if (!doc.IsMap()) return;
  for (const auto& [section, key] : kPathFields) {
    const YAML::Node& cdoc = doc;
    if (!cdoc[section] || !cdoc[section].IsMap()) continue;
    YAML::Node s = doc[section];
    const YAML::Node& cs = s;
    if (!cs[key] || !cs[key].IsScalar() || cs[key].Scalar().empty()) continue;
    YAML::Node v = s[key];
    f(v, std::string(section) + "." + key);
  }
}

bool path_exists(const fs::path& p) {
  std::error_code ec;  // a name too long is "no such file" here; the readers say why
  return fs::exists(p, ec);
}

}  // namespace

void resolve_experiment_paths(YAML::Node doc, const std::string& file) {
  const fs::path folder = fs::path(file).parent_path();
  for_each_path_field(doc, [&](YAML::Node v, const std::string& field) {
    const fs::path written = v.Scalar();
    if (written.is_absolute() || folder.empty()) return;
    const fs::path beside = (folder / written).lexically_normal();
    if (path_exists(beside) || !path_exists(written)) {
      v = beside.string();
      v.SetTag(kFromFileTag);
      return;
    }
    static std::mutex m;
    static std::set<std::string> warned;
    std::lock_guard<std::mutex> lock(m);
    if (warned.insert(file + " " + field).second)
      std::cerr << "kplab: warning: " << file << ": " << field << " '" << written.string() << "' is not beside the file ("
                << beside.string() << "); reading it from the working directory, as experiments written before "
                << "paths followed their file. Write it relative to " << file << "\n";
  });
}

void relativize_experiment_paths(YAML::Node doc, const std::string& folder) {
  const fs::path base = fs::absolute(folder).lexically_normal();
  for_each_path_field(doc, [&](YAML::Node v, const std::string&) {
    const fs::path p = v.Scalar();
    const bool from_file = v.Tag() == kFromFileTag;
    v.SetTag("?");
    if (p.is_absolute() && !from_file) return;
    const fs::path target = fs::absolute(p).lexically_normal();
    const fs::path rel = target.lexically_relative(base);
    // Relative while the two share a folder below the root; a path that would
    // climb to the root (/tmp/run -> ../../work/data) is clearer absolute.
    size_t up = 0, depth = 0;
    for (const auto& part : rel) up += part == "..";
    for (const auto& part : base.relative_path()) depth += !part.empty();
    v = rel.empty() || up >= depth ? target.string() : rel.string();
  });
}

void untag_experiment_paths(YAML::Node doc) {
  for_each_path_field(doc, [](YAML::Node v, const std::string&) { v.SetTag("?"); });
}

std::string rebase_experiment_yaml(const std::string& yaml, const std::string& from_file, const std::string& to_folder) {
  YAML::Node doc;
  try {
    doc = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw input_error(from_file, "experiment", "YAML", e.msg);
  }
  resolve_experiment_paths(doc, from_file);
  relativize_experiment_paths(doc, to_folder);
  YAML::Emitter out;
  out << doc;
  return std::string(out.c_str()) + "\n";
}

}  // namespace kplab
