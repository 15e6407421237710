#include "classify/posture_labels.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/csv_table.h"
#include "core/error.h"

namespace kplab::classify {

namespace fs = std::filesystem;

namespace {

std::string file_name(const std::string& source) { return fs::path(source).filename().string(); }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  s.erase(0, std::min(s.size(), s.find_first_not_of(" \t")));
  return s;
}

// The labels file as file name -> label; duplicates and empty cells throw.
std::map<std::string, std::string> read_label_file(const std::string& path) {
  const CsvTable t = read_csv_table(path);
  const int src = t.require_column("source", "the image each label belongs to, joined by file name");
  const int lab = t.require_column("label", "the class of that image, e.g. good or bad");
  const std::map<std::string, size_t> by_name = rows_by_file_name(t, src);
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (trimmed(t.rows[r][lab]).empty()) throw input_error(t.where(r), "column 'label'", "a class name", "an empty cell");
  std::map<std::string, std::string> labels;
  for (const auto& [name, r] : by_name) labels[name] = trimmed(t.rows[r][lab]);
  return labels;
}

int labels_from_file(PostureTable& table, const std::string& path) {
  const auto labels = read_label_file(path);
  std::set<std::string> used;
  for (auto& row : table.rows) {
    const std::string name = file_name(row.source);
    const auto it = labels.find(name);
    if (it == labels.end())
      throw input_error(path, "source", str("a label for every row of ", table.path),
                        str("none for '", name, "' (", row.where, ")"));
    row.label = it->second;
    used.insert(name);
  }
  return static_cast<int>(labels.size() - used.size());
}

void labels_from_folders(PostureTable& table) {
  for (auto& row : table.rows) {
    row.label = fs::path(row.source).parent_path().filename().string();
    if (row.label.empty() || row.label == "." || row.label == "..")
      throw input_error(row.where, "source",
                        "a path inside a label folder (e.g. bad/img.jpg) for --labels-from-folders",
                        "'" + row.source + "'");
  }
}

}  // namespace

std::string label_origin(const LabelOptions& o, const std::string& table_path) {
  if (!o.file.empty()) return o.file;
  if (o.from_folders) return table_path + " (labels from folder names)";
  return table_path;
}

int attach_labels(PostureTable& table, const LabelOptions& o) {
  if (!o.file.empty() && o.from_folders)
    throw input_error("--labels", "labels", "one source of labels", "both --labels and --labels-from-folders");
  if (!o.file.empty()) return labels_from_file(table, o.file);
  if (o.from_folders) {
    labels_from_folders(table);
    return 0;
  }
  if (!table.has_label_column)
    throw input_error(table.path, "column 'label'", "a label column, or --labels FILE.csv, or --labels-from-folders",
                      "no label column");
  for (auto& row : table.rows) {
    row.label = trimmed(row.label);
    if (row.label.empty()) throw input_error(row.where, "column 'label'", "a class name", "an empty cell");
  }
  return 0;
}

Classes classes_of(const PostureTable& table, const std::string& origin) {
  std::map<std::string, int> count;
  for (const auto& row : table.rows) ++count[row.label];
  Classes c;
  std::string found;
  for (const auto& [name, n] : count) {
    c.names.push_back(name);
    found += str(found.empty() ? "" : ", ", "'", name, "' (", n, " rows)");
  }
  if (c.names.size() != 2)
    throw input_error(origin, "label", "exactly two classes (e.g. good and bad)",
                      str(c.names.size() == 1 ? "one class only: " : str(c.names.size(), " classes: "), found));
  const auto bad = std::find(c.names.begin(), c.names.end(), "bad");
  c.positive = bad == c.names.end() ? 1 : static_cast<int>(bad - c.names.begin());
  return c;
}

std::vector<float> targets(const PostureTable& table, const Classes& classes, const std::string& origin) {
  std::vector<float> y;
  for (const auto& row : table.rows) {
    if (row.label != classes.names[0] && row.label != classes.names[1])
      throw input_error(row.where, "label",
                        str("one of the model's classes '", classes.names[0], "', '", classes.names[1],
                            "' (labels from ", origin, ")"),
                        "'" + row.label + "'");
    y.push_back(row.label == classes.positive_name() ? 1.f : 0.f);
  }
  return y;
}

}  // namespace kplab::classify
