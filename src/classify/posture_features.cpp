#include "classify/posture_features.h"

#include <cmath>

#include "core/error.h"

namespace kplab::classify {

using posture::Point2;

namespace {

std::vector<int> indices(const Schema& schema, std::initializer_list<const char*> names) {
  std::vector<int> out;
  for (const char* n : names)
    if (schema.index_of(n) >= 0) out.push_back(schema.index_of(n));
  return out;
}

}  // namespace

PostureFeatures::PostureFeatures(const Schema& schema, double min_visibility)
    : joints_(schema.joints), min_visibility_(min_visibility), measurer_(schema.joints) {
  shoulders_ = indices(schema, {"left_shoulder", "right_shoulder"});
  hips_ = indices(schema, {"left_hip", "right_hip"});
  ears_ = indices(schema, {"left_ear", "right_ear"});
  nose_ = schema.index_of("nose");
  if (shoulders_.empty() || hips_.empty())
    throw input_error(schema.path.empty() ? "schema " + schema.name : schema.path, "keypoints",
                      "a left_shoulder or right_shoulder and a left_hip or right_hip (features are measured in torso "
                      "lengths)",
                      str(schema.joints.size(), " joints without them"));
  if (!(min_visibility >= 0 && min_visibility <= 1))
    throw input_error("--min-visibility", "value", "a number in [0, 1]", str(min_visibility));
  for (const auto& j : joints_)
    for (const char* part : {"_x", "_y", "_seen"}) {
      names_.push_back(j + part);
      groups_.push_back(j);
    }
  for (const auto& d : measurer_.defs())
    for (const char* part : {"", "_available"}) {
      names_.push_back(d.name + part);
      groups_.push_back(d.name);
    }
}

bool PostureFeatures::seen(const std::vector<Point2>& p, const std::vector<float>& v, int j) const {
  // `!(v < t)` would let a NaN visibility through; this does not.
  return std::isfinite(p[j].x) && std::isfinite(p[j].y) && v[j] >= min_visibility_;
}

bool PostureFeatures::mean_seen(const std::vector<Point2>& p, const std::vector<float>& v, const std::vector<int>& idx,
                                Point2& out) const {
  int n = 0;
  out = {0, 0};
  for (int j : idx)
    if (seen(p, v, j)) {
      out.x += p[j].x;
      out.y += p[j].y;
      ++n;
    }
  if (n == 0) return false;
  out.x /= n;
  out.y /= n;
  return true;
}

double PostureFeatures::facing(const std::vector<Point2>& p, const std::vector<float>& v) const {
  Point2 ear;
  if (nose_ < 0 || !seen(p, v, nose_) || !mean_seen(p, v, ears_, ear)) return 1;
  return p[nose_].x < ear.x ? -1 : 1;  // a nose straight above the ears (a front view): unmirrored
}

std::vector<float> PostureFeatures::compute(const std::vector<Point2>& p, const std::vector<float>& v) const {
  KP_CHECK(p.size() == joints_.size() && v.size() == joints_.size(), "classifier features: expected ", joints_.size(),
           " joints, found ", p.size(), " points and ", v.size(), " visibilities");
  std::vector<float> f;
  f.reserve(names_.size());
  Point2 hip, shoulder;
  const bool torso_seen = mean_seen(p, v, hips_, hip) && mean_seen(p, v, shoulders_, shoulder);
  const double torso = torso_seen ? std::hypot(shoulder.x - hip.x, shoulder.y - hip.y) : 0;
  const bool placed = torso > 1e-6 && std::isfinite(torso);
  const double sign = placed ? facing(p, v) : 1;
  for (size_t j = 0; j < joints_.size(); ++j) {
    const bool use = placed && seen(p, v, static_cast<int>(j));
    f.push_back(use ? static_cast<float>(sign * (p[j].x - hip.x) / torso) : 0.f);
    f.push_back(use ? static_cast<float>((p[j].y - hip.y) / torso) : 0.f);
    f.push_back(use ? 1.f : 0.f);
  }
  const auto reading = measurer_.measure(p, v, min_visibility_);
  for (size_t m = 0; m < measurer_.defs().size(); ++m) {
    const bool ok = m < reading.values.size() && reading.values[m].available();
    f.push_back(ok ? static_cast<float>(reading.values[m].value) : 0.f);
    f.push_back(ok ? 1.f : 0.f);
  }
  return f;
}

torch::Tensor PostureFeatures::matrix(const std::vector<PersonRow>& rows) const {
  torch::Tensor x = torch::zeros({static_cast<int64_t>(rows.size()), size()}, torch::kFloat32);
  auto a = x.accessor<float, 2>();
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto f = compute(rows[r].points, rows[r].visibility);
    for (size_t i = 0; i < f.size(); ++i) a[static_cast<int64_t>(r)][static_cast<int64_t>(i)] = f[i];
  }
  return x;
}

}  // namespace kplab::classify
