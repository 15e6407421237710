#include "data/truth_csv.h"

#include <cstdio>

#include "core/error.h"

namespace kplab {

namespace {

std::string number(double v, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

TruthCsv::TruthCsv(const Schema& schema, const std::vector<std::string>& class_names)
    : joints_(schema.joints), class_names_(class_names) {}

void TruthCsv::add(const std::string& image, const std::string& split, const RawPerson& p) {
  if (p.truth.empty()) return;
  std::vector<std::string> keys;
  for (const auto& kv : p.truth) keys.push_back(kv.first);  // std::map: sorted
  if (keys_.empty()) keys_ = keys;
  if (keys != keys_)
    throw input_error(image, "truth", "the same truth values for every person", "another set of names");
  const bool named = p.class_id >= 0 && p.class_id < static_cast<int>(class_names_.size());
  std::string row = image + "," + split + "," + (named ? class_names_[p.class_id] : std::to_string(p.class_id));
  for (const auto& kv : p.truth) row += "," + number(kv.second, "%.6f");
  for (size_t j = 0; j < joints_.size(); ++j) {
    if (j >= p.labeled.size() || !p.labeled[j]) {
      row += ",,,0";
      continue;
    }
    const double v = !p.occluded.empty() && p.occluded[j] ? 0.0 : 1.0;  // as the visibility loss's target
    row += "," + number(p.xy[2 * j], "%.3f") + "," + number(p.xy[2 * j + 1], "%.3f") + "," + number(v, "%g");
  }
  rows_.push_back(row + "\n");
}

std::string TruthCsv::text() const {
  std::string out = "source,split,label";
  for (const auto& k : keys_) out += "," + k;
  for (const auto& j : joints_) out += "," + j + "_x," + j + "_y," + j + "_v";
  out += "\n";
  for (const auto& r : rows_) out += r;
  return out;
}

}  // namespace kplab
