#include "predict/keypoints_csv.h"

#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/error.h"

namespace kplab {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string csv_number(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

KeypointsCsv::KeypointsCsv(StagedOutputs& staged, const std::string& target, const Schema& schema,
                           const std::vector<posture::AngleDef>& angles, const std::vector<posture::MeasureDef>& measures)
    : target_(target), out_(staged.add(target)) {
  out_ << "source,frame";
  for (const auto& j : schema.joints) out_ << ',' << j << "_x," << j << "_y," << j << "_v";
  for (const auto& a : angles) out_ << ',' << (a.kind == posture::AngleDef::Kind::Vertex ? a.name + "_angle" : a.name);
  for (const auto& m : measures) out_ << ',' << m.name;
  out_ << ",rula_sum,posture_flags,posture_notes,confidence,crop\n";
}

void KeypointsCsv::row(const std::string& source, int64_t frame, const Pose& p, const PersonAssessment& a) {
  out_ << csv_field(source) << ',' << frame;
  for (size_t j = 0; j < p.points.size(); ++j)
    out_ << ',' << csv_number(p.points[j].x, 2) << ',' << csv_number(p.points[j].y, 2) << ','
         << csv_number(p.visibility[j], 3);
  for (double v : a.angles) out_ << ',' << csv_number(v, 2);
  for (const auto& m : a.posture.values) out_ << ',' << csv_number(m.value, 3);
  out_ << ',' << (a.posture.rula.sum > 0 ? std::to_string(a.posture.rula.sum) : "");
  std::string flags, notes;
  for (const auto& f : a.flagged) flags += (flags.empty() ? "" : ";") + f;
  for (const auto& n : a.sentences) notes += (notes.empty() ? "" : "; ") + n;
  out_ << ',' << csv_field(flags) << ',' << csv_field(notes);
  out_ << ',' << csv_number(p.confidence(), 3) << ',' << p.crop << '\n';
}

void KeypointsCsv::close() {
  out_.close();
  if (!out_) throw Error(str(target_, ": writing failed: ", write_failure_reason(target_, 0)));
}

}  // namespace kplab
