#include "predict/person_assessment.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "posture/joint_angles.h"
#include "predict/keypoints_csv.h"

namespace kplab {

namespace {

std::string plain_ascii(std::string s) {
  for (size_t at; (at = s.find("\xC2\xB0")) != std::string::npos;) s.replace(at, 2, " deg");
  return s;
}

}  // namespace

PersonAssessment assess_person(const PredictSetup& s, const Pose& pose, double min_visibility) {
  PersonAssessment a;
  std::vector<posture::Point2> points;
  for (const auto& q : pose.points) points.push_back({q.x, q.y});
  a.angles = posture::compute_angles(s.angles, points, pose.visibility, min_visibility);
  a.posture = s.measurer.measure(points, pose.visibility, min_visibility);
  const auto& defs = s.measurer.defs();
  for (size_t i = 0; i < defs.size(); ++i) {
    if (!posture::flagged(defs[i], a.posture.values[i])) continue;
    a.flagged.push_back(defs[i].name);
    a.sentences.push_back(posture::explain(defs[i], a.posture.values[i]));
  }
  if (s.classifier) a.verdict = s.classifier->classify(points, pose.visibility);
  return a;
}

std::vector<std::string> assessment_lines(const PersonAssessment& a) {
  std::vector<std::string> lines;
  if (a.verdict)
    lines.push_back(str("verdict: ", a.verdict->label, " (P(", a.verdict->positive, ") ", csv_number(a.verdict->probability, 2), "): ",
                        a.verdict->top.empty() ? std::string("") : a.verdict->top.front().text));
  if (a.sentences.empty()) lines.push_back("posture: no measure past its threshold");
  lines.insert(lines.end(), a.sentences.begin(), a.sentences.end());
  return lines;
}

cv::Mat with_posture_panel(const cv::Mat& image, const PredictSetup& s, const std::vector<PersonAssessment>& people) {
  if (s.measurer.defs().empty() && !s.classifier) return image;
  std::vector<std::string> lines;
  for (size_t i = 0; i < people.size(); ++i)
    for (const std::string& line : assessment_lines(people[i]))
      lines.push_back(people.size() > 1 ? str("person ", i + 1, ": ", line) : line);
  if (people.empty()) lines.push_back("posture: nobody found");
  return with_text_panel(image, lines, kPanelLines);
}

cv::Mat with_text_panel(const cv::Mat& image, const std::vector<std::string>& lines, int max_lines) {
  // Drawn inside the picture, over a darkened band at its bottom: overlays
  // keep the input's size (and a video's frames their size).
  cv::Mat out = image.clone();
  const int n = std::min<int>(max_lines, static_cast<int>(lines.size()));
  if (n == 0) return out;
  const double scale = std::max(0.3, image.cols / 1000.0);
  const int line_h = static_cast<int>(std::lround(26 * scale)) + 3;
  const int top = std::max(0, image.rows - line_h * n - 6);
  cv::Mat band = out(cv::Rect(0, top, image.cols, image.rows - top));
  band.convertTo(band, -1, 0.35, 0);  // darkened, the picture still faintly behind the words
  for (int i = 0; i < n; ++i) {
    std::string text = plain_ascii(lines[i]);
    if (i == n - 1 && static_cast<int>(lines.size()) > n) text += " ...";
    // Long sentences are cut to the width rather than drawn past the edge.
    int baseline = 0;
    while (text.size() > 8 && cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width > image.cols - 8)
      text = text.substr(0, text.size() - 5) + "..";
    cv::putText(out, text, cv::Point(4, top + line_h * (i + 1)), cv::FONT_HERSHEY_SIMPLEX, scale,
                cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
  }
  return out;
}

}  // namespace kplab
