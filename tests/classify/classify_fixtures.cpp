#include "classify/classify_fixtures.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "support/temp_dir.h"

namespace kplab::test {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Joint positions of a person facing +x, ankle at the origin, y up, in
// heights: trunk leaning `lean` degrees forward, head `head` heights forward.
std::vector<posture::Point2> skeleton(double lean, double head, double arm) {
  const double s = std::sin(lean * kPi / 180), c = std::cos(lean * kPi / 180);
  const posture::Point2 ankle{0, 0}, knee{0.01, 0.27}, hip{0, 0.52};
  const posture::Point2 shoulder{hip.x + 0.30 * s, hip.y + 0.30 * c};
  const posture::Point2 ear{shoulder.x + 0.02 + head, shoulder.y + 0.12 - head / 3};
  const posture::Point2 nose{ear.x + 0.07, ear.y - 0.01};
  const posture::Point2 elbow{shoulder.x + 0.02 + arm, shoulder.y - 0.17};
  const posture::Point2 wrist{elbow.x + 0.10, elbow.y - 0.05};
  // nose, ears, then left/right pairs; the far (right) side sits 0.01 behind.
  auto far = [](posture::Point2 p) { return posture::Point2{p.x - 0.01, p.y}; };
  return {nose,       ear, far(ear), shoulder, far(shoulder), elbow, far(elbow), wrist,
          far(wrist), hip, far(hip), knee,     far(knee),     ankle, far(ankle)};
}

}  // namespace

const std::vector<std::string>& side_joints() {
  static const std::vector<std::string> j = {"nose",           "left_ear",   "right_ear",   "left_shoulder",
                                             "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
                                             "right_wrist",    "left_hip",   "right_hip",   "left_knee",
                                             "right_knee",     "left_ankle", "right_ankle"};
  return j;
}

Schema write_side_schema(const std::string& path) {
  std::string text = "name: posture_side\nkeypoints: [";
  for (size_t i = 0; i < side_joints().size(); ++i) text += (i ? ", " : "") + side_joints()[i];
  text += "]\nflip_pairs:\n";
  for (const char* p : {"ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle"})
    text += std::string("  - [left_") + p + ", right_" + p + "]\n";
  text +=
      "skeleton:\n  - [left_shoulder, left_hip]\n  - [left_hip, left_knee]\npck:\n  torso: [left_shoulder, "
      "right_hip]\n";
  write_file(path, text);
  return load_schema(path);
}

Person make_person(bool bad, std::mt19937& rng, posture::Point2 origin, double height, bool facing_left) {
  std::uniform_real_distribution<double> u(0, 1);
  const double lean = bad ? 14 + 16 * u(rng) : -4 + 9 * u(rng);
  const double head = bad ? 0.05 + 0.05 * u(rng) : -0.01 + 0.03 * u(rng);
  const double arm = -0.03 + 0.08 * u(rng);
  std::normal_distribution<double> jitter(0, 0.004);
  Person p;
  p.label = bad ? "bad" : "good";
  for (const auto& q : skeleton(lean, head, arm)) {
    const double x = (q.x + jitter(rng)) * height, y = (q.y + jitter(rng)) * height;
    p.points.push_back({origin.x + (facing_left ? -x : x), origin.y - y});
  }
  for (size_t j = 0; j < p.points.size(); ++j)
    p.visibility.push_back(j == 0 || side_joints()[j].rfind("left_", 0) == 0 ? 1.f : 0.5f);
  return p;
}

std::vector<Person> make_people(int good, int bad, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Person> people;
  for (int i = 0; i < good + bad; ++i)
    people.push_back(
        make_person(i >= good, rng, {100 + 400 * u(rng), 300 + 200 * u(rng)}, 150 + 250 * u(rng), u(rng) < 0.5));
  std::shuffle(people.begin(), people.end(), rng);
  return people;
}

void write_table(const std::string& path, const std::vector<Person>& people, const TableOptions& o) {
  const std::vector<std::string>& joints = o.joints.empty() ? side_joints() : o.joints;
  const bool truth = !o.splits.empty();
  std::ofstream out(path);
  out << (truth ? "source,split,label,cva_deg,sitting" : "source,frame");
  for (const auto& j : joints) out << ',' << j << "_x," << j << "_y," << j << "_v";
  out << (o.label_column && !truth ? ",label\n" : "\n");
  for (size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    out << (o.folders ? p.label + "/" : "") << "person_" << i << ".jpg";
    out << (truth ? "," + o.splits[i % o.splits.size()] + "," + p.label + ",55.000000,0.000000" : ",0");
    for (size_t j = 0; j < joints.size(); ++j) {
      const size_t k = std::min(j, p.points.size() - 1);  // extra joints copy the last one
      out << ',' << p.points[k].x << ',' << p.points[k].y << ',' << p.visibility[k];
    }
    out << (o.label_column && !truth ? "," + p.label + "\n" : "\n");
  }
}

}  // namespace kplab::test
