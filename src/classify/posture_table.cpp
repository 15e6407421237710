#include "classify/posture_table.h"

#include <cmath>
#include <set>

#include "core/csv_table.h"
#include "core/error.h"

namespace kplab::classify {

namespace {

// Joints the header names (a complete x, y, v triple) that the schema lacks.
std::vector<std::string> extra_joints(const CsvTable& t, const Schema& schema) {
  const std::set<std::string> known(schema.joints.begin(), schema.joints.end());
  std::vector<std::string> extra;
  for (const auto& h : t.header) {
    if (h.size() < 3 || h.compare(h.size() - 2, 2, "_x") != 0) continue;
    const std::string joint = h.substr(0, h.size() - 2);
    if (!known.count(joint) && t.column(joint + "_y") >= 0 && t.column(joint + "_v") >= 0) extra.push_back(joint);
  }
  return extra;
}

struct JointColumns {
  int x, y, v;
};

std::vector<JointColumns> joint_columns(const CsvTable& t, const Schema& schema) {
  const std::string why = "schema " + schema.name + " (" + schema.path + ") has the joint";
  std::vector<JointColumns> cols;
  for (const auto& j : schema.joints)
    cols.push_back({t.require_column(j + "_x", why + " " + j), t.require_column(j + "_y", why + " " + j),
                    t.require_column(j + "_v", why + " " + j)});
  const auto extra = extra_joints(t, schema);
  if (!extra.empty())
    throw input_error(t.path, "joints", str("the ", schema.joints.size(), " joints of schema ", schema.name),
                      str(extra.size(), " more, first '", extra.front(), "' (columns ", extra.front(), "_x, _y, _v)"));
  return cols;
}

int64_t frame_of(const CsvTable& t, size_t r, int col) {
  if (col < 0) return 0;
  const double f = t.number(r, col);
  if (std::isnan(f)) return 0;
  if (f != std::floor(f) || f < 0)
    throw input_error(t.where(r), "column 'frame'", "a whole number >= 0", "'" + t.rows[r][col] + "'");
  return static_cast<int64_t>(f);
}

PersonRow read_row(const CsvTable& t, size_t r, const std::vector<JointColumns>& cols, int source, int frame,
                   int label) {
  PersonRow p;
  p.where = t.where(r);
  p.source = t.rows[r][source];
  if (p.source.empty()) throw input_error(p.where, "column 'source'", "the image or video's path", "an empty cell");
  p.frame = frame_of(t, r, frame);
  if (label >= 0) p.label = t.rows[r][label];
  for (const auto& c : cols) {
    p.points.push_back({t.number(r, c.x), t.number(r, c.y)});
    const double v = t.number(r, c.v);
    if (!std::isnan(v) && (v < 0 || v > 1))
      throw input_error(p.where, "column '" + t.header[c.v] + "'",
                        "a visibility in [0, 1] (a probability; truth.csv: 1 seen, 0.5 hidden, 0 unlabelled)",
                        "'" + t.rows[r][c.v] + "'");
    p.visibility.push_back(std::isnan(v) ? 0.f : static_cast<float>(v));
  }
  return p;
}

}  // namespace

PostureTable read_posture_table(const std::string& path, const Schema& schema, const std::string& split) {
  const CsvTable t = read_csv_table(path);
  const int source = t.require_column("source", "the image or video each person was found in");
  const auto cols = joint_columns(t, schema);
  const int frame = t.column("frame"), label = t.column("label");
  const int split_col = split.empty() ? -1 : t.require_column("split", "for --split " + split);
  PostureTable out;
  out.path = path;
  out.has_label_column = label >= 0;
  std::set<std::string> splits;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (split_col >= 0 && t.rows[r][split_col] != split) {
      splits.insert(t.rows[r][split_col]);
      continue;
    }
    out.rows.push_back(read_row(t, r, cols, source, frame, label));
  }
  if (out.rows.empty()) {
    std::string found;
    for (const auto& s : splits) found += (found.empty() ? "'" : ", '") + s + "'";
    throw input_error(path, "--split", "rows of split '" + split + "'", "none (its splits: " + found + ")");
  }
  return out;
}

}  // namespace kplab::classify
