#include "predict/keypoints_csv.h"

#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/error.h"

namespace kplab {

std::string csv_number(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

KeypointsCsv::KeypointsCsv(StagedOutputs& staged, const std::string& target, const Schema& schema,
                           const std::vector<posture::AngleDef>& angles, const std::vector<posture::MeasureDef>& measures,
                           bool verdicts)
    : verdicts_(verdicts), target_(target), out_(staged.add(target)) {
  out_ << "source,frame";
  for (const auto& j : schema.joints) out_ << ',' << j << "_x," << j << "_y," << j << "_v";
  for (const auto& a : angles) out_ << ',' << (a.kind == posture::AngleDef::Kind::Vertex ? a.name + "_angle" : a.name);
  for (const auto& m : measures) out_ << ',' << m.name;
  out_ << ",rula_sum,posture_flags,posture_notes,confidence,crop";
  out_ << (verdicts_ ? ",verdict,verdict_probability,verdict_reasons\n" : "\n");
}

void KeypointsCsv::row(const std::string& source, int64_t frame, const Pose& p, const PersonAssessment& a) {
  out_ << csv_cell(source) << ',' << frame;
  for (size_t j = 0; j < p.points.size(); ++j)
    out_ << ',' << csv_number(p.points[j].x, 2) << ',' << csv_number(p.points[j].y, 2) << ','
         << csv_number(p.visibility[j], 3);
  for (double v : a.angles) out_ << ',' << csv_number(v, 2);
  for (const auto& m : a.posture.values) out_ << ',' << csv_number(m.value, 3);
  out_ << ',' << (a.posture.rula.sum > 0 ? std::to_string(a.posture.rula.sum) : "");
  std::string flags, notes;
  for (const auto& f : a.flagged) flags += (flags.empty() ? "" : ";") + f;
  for (const auto& n : a.sentences) notes += (notes.empty() ? "" : "; ") + n;
  out_ << ',' << csv_cell(flags) << ',' << csv_cell(notes);
  out_ << ',' << csv_number(p.confidence(), 3) << ',' << p.crop;
  if (verdicts_ && a.verdict)
    out_ << ',' << csv_cell(a.verdict->label) << ',' << csv_number(a.verdict->probability, 4) << ','
         << csv_cell(a.verdict->explanation);
  out_ << '\n';
}

void KeypointsCsv::close() {
  out_.close();
  if (!out_) throw Error(str(target_, ": writing failed: ", write_failure_reason(target_, 0)));
}

}  // namespace kplab
