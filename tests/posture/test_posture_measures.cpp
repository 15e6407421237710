// Posture measures: golden values on skeletons built by construction (a
// side view with set trunk and neck angles, both facings; a front view seen
// from the front and from the back), the view rule, side choice, n/a reasons,
// the schemas' measures (posture_side, LSP, COCO), RULA bands, explain()
// sentences, require() errors, and invariance to translation and scale.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "posture/posture_measures.h"
#include "posture/rula.h"
#include "support/expect_error.h"

namespace kplab::posture {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kRad = M_PI / 180.0;

const std::vector<std::string> kSide = {"nose",       "left_ear",    "right_ear",  "left_shoulder", "right_shoulder",
                                        "left_elbow", "right_elbow", "left_wrist", "right_wrist",   "left_hip",
                                        "right_hip",  "left_knee",   "right_knee", "left_ankle",    "right_ankle"};
const std::vector<std::string> kLsp = {"right_ankle", "right_knee",  "right_hip",   "left_hip",       "left_knee",
                                       "left_ankle",  "right_wrist", "right_elbow", "right_shoulder", "left_shoulder",
                                       "left_elbow",  "left_wrist",  "neck",        "head_top"};
const std::vector<std::string> kCoco = {"nose",          "left_eye",       "right_eye",  "left_ear",    "right_ear",
                                        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
                                        "right_wrist",   "left_hip",       "right_hip",  "left_knee",   "right_knee",
                                        "left_ankle",    "right_ankle"};

// One person in a schema: every joint at (0, 0) and unseen until set.
struct Person {
  std::vector<std::string> names;
  std::vector<Point2> p;
  std::vector<float> v;
  explicit Person(const std::vector<std::string>& n) : names(n), p(n.size()), v(n.size(), 0.f) {}
  int at(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    ADD_FAILURE() << "no joint " << name;
    return 0;
  }
  void set(const std::string& name, Point2 q, float vis) {
    p[at(name)] = q;
    v[at(name)] = vis;
  }
  Point2 get(const std::string& name) const { return p[at(name)]; }
  PostureReading read(double min_visibility = 0.3) const {
    return PostureMeasurer(names).measure(p, v, min_visibility);
  }
};

// A side view: trunk forward lean t from vertical, neck lean n relative to
// the trunk, upper arm flexed `arm` from the trunk line, elbow flexed `elbow`
// (degrees); f = +1 faces image right. The near side is seen at 0.9, the far
// side (a few pixels off) at 0.6, the nose at 0.95.
struct SideSpec {
  double t = 10, n = 15, arm = 10, elbow = 80;
  int f = 1;
  std::string near = "left";
  double L = 200, l = 80;
};

Person side_person(const SideSpec& s, const std::vector<std::string>& schema = kSide) {
  Person P(schema);
  const double f = s.f, t = s.t * kRad, n = s.n * kRad, a = s.arm * kRad, e = s.elbow * kRad;
  const Point2 hip{300, 500};
  const Point2 sh{hip.x + s.L * f * std::sin(t), hip.y - s.L * std::cos(t)};
  const Point2 ear{sh.x + s.l * f * std::sin(t + n), sh.y - s.l * std::cos(t + n)};
  const Point2 elbow{sh.x + 110 * f * std::sin(a - t), sh.y + 110 * std::cos(a - t)};
  const Point2 wrist{elbow.x + 100 * f * std::sin(a - t + e), elbow.y + 100 * std::cos(a - t + e)};
  const Point2 knee{hip.x + 10 * f, hip.y + 180}, ankle{knee.x, knee.y + 180};
  const std::string far = s.near == "left" ? "right" : "left";
  const std::vector<std::pair<const char*, Point2>> parts = {{"_ear", ear},     {"_shoulder", sh}, {"_elbow", elbow},
                                                             {"_wrist", wrist}, {"_hip", hip},     {"_knee", knee},
                                                             {"_ankle", ankle}};
  for (const auto& [part, q] : parts) {
    P.set(s.near + part, q, 0.9f);
    P.set(far + part, {q.x - 4 * f, q.y - 2}, 0.6f);
  }
  P.set("nose", {ear.x + 30 * f, ear.y + 10}, 0.95f);
  return P;
}

// A front view, facing the camera (the person's left at image right): left
// shoulder 20 px higher, right hip 10 px higher, left ear 10 px lower,
// shoulders 30 px to the person's left of the hips, left side longer.
Person front_person(const std::vector<std::string>& schema = kCoco) {
  Person P(schema);
  const std::vector<std::pair<const char*, Point2>> joints = {
      {"left_shoulder", {430, 190}}, {"right_shoulder", {230, 210}}, {"left_hip", {360, 500}},
      {"right_hip", {240, 490}},     {"left_elbow", {460, 320}},     {"right_elbow", {200, 330}},
      {"left_wrist", {470, 440}},    {"right_wrist", {190, 450}},    {"left_knee", {350, 700}},
      {"right_knee", {250, 700}},    {"left_ankle", {350, 900}},     {"right_ankle", {250, 900}}};
  for (const auto& [name, q] : joints) P.set(name, q, 0.9f);
  for (const auto& name : schema) {
    if (name == "left_ear") P.set(name, {360, 100}, 0.8f);
    if (name == "right_ear") P.set(name, {300, 90}, 0.8f);
    if (name == "nose") P.set(name, {330, 110}, 0.95f);
    if (name == "neck") P.set(name, {330, 150}, 0.9f);
    if (name == "head_top") P.set(name, {345, 60}, 0.9f);
  }
  return P;
}

// The same person seen from the back: the image mirrored left-right.
Person mirrored(Person P) {
  for (auto& q : P.p) q.x = 600 - q.x;
  return P;
}

const MeasureDef& def(const std::string& name) {
  for (const auto& d : PostureMeasurer::all())
    if (d.name == name) return d;
  ADD_FAILURE() << "no measure " << name;
  return PostureMeasurer::all().front();
}

// The reading's value of `name` (reading made with `schema`).
MeasureValue value(const PostureReading& r, const std::vector<std::string>& schema, const std::string& name) {
  const PostureMeasurer measurer(schema);
  const auto& defs = measurer.defs();
  for (size_t i = 0; i < defs.size(); ++i)
    if (defs[i].name == name) return r.values.at(i);
  ADD_FAILURE() << "schema cannot make " << name;
  return {};
}

std::vector<std::string> names_of(const std::vector<MeasureDef>& defs) {
  std::vector<std::string> out;
  for (const auto& d : defs) out.push_back(d.name);
  return out;
}

void expect_na(const MeasureValue& v, const std::string& why) {
  EXPECT_TRUE(std::isnan(v.value)) << why;
  EXPECT_EQ(v.confidence, 0);
  EXPECT_EQ(v.why_na, why);
  EXPECT_FALSE(v.available());
}

TEST(PostureMeasures, SideViewAnglesMatchTheConstruction) {
  for (int f : {1, -1})
    for (auto [t, n] :
         std::vector<std::pair<double, double>>{{0, 0}, {10, 15}, {30, 25}, {-8, 5}, {15, -10}, {5, 60}}) {
      SideSpec s;
      s.t = t;
      s.n = n;
      s.f = f;
      const PostureReading r = side_person(s).read();
      SCOPED_TRACE(testing::Message() << "f " << f << " t " << t << " n " << n);
      EXPECT_EQ(r.view, View::Side);
      EXPECT_NEAR(value(r, kSide, "cva_deg").value, 90 - (t + n), 1e-6);
      EXPECT_NEAR(value(r, kSide, "neck_flexion_deg").value, n, 1e-6);
      EXPECT_NEAR(value(r, kSide, "trunk_inclination_deg").value, t, 1e-6);
      EXPECT_NEAR(value(r, kSide, "forward_head").value, s.l * std::sin((t + n) * kRad) / s.L, 1e-9);
      for (const char* name : {"cva_deg", "forward_head", "neck_flexion_deg", "trunk_inclination_deg"}) {
        EXPECT_EQ(value(r, kSide, name).side, "left") << name;
        EXPECT_FLOAT_EQ(value(r, kSide, name).confidence, 0.9f) << name;
        EXPECT_EQ(value(r, kSide, name).why_na, "") << name;
      }
    }
}

TEST(PostureMeasures, ForwardHeadIsTheEarsLeadInTorsoLengths) {
  SideSpec s;
  s.t = 0;
  s.n = 30;
  s.l = 100;
  s.L = 200;  // lead = 100 sin 30 = 50 px over a 200 px torso
  for (int f : {1, -1}) {
    s.f = f;
    EXPECT_NEAR(value(side_person(s).read(), kSide, "forward_head").value, 0.25, 1e-12);
  }
  s.n = -30;  // ear behind the shoulder: negative
  EXPECT_NEAR(value(side_person(s).read(), kSide, "forward_head").value, -0.25, 1e-12);
}

TEST(PostureMeasures, SideWithTheBetterSeenEarShoulderHipIsUsed) {
  SideSpec s;
  s.near = "right";  // the right side is the clearer one (0.9 against 0.6)
  const PostureReading r = side_person(s).read();
  EXPECT_EQ(value(r, kSide, "cva_deg").side, "right");
  EXPECT_NEAR(value(r, kSide, "cva_deg").value, 90 - 25, 1e-6);
  // A tie goes to the left: the left side's joints sit 4 px off, so its values differ.
  Person tie = side_person(s);
  for (auto& v : tie.v) v = 0.9f;
  EXPECT_EQ(value(tie.read(), kSide, "cva_deg").side, "left");
  // One faint joint lowers its whole side: the right ear at 0.5 < the left side's 0.6.
  Person faint = side_person(s);
  faint.v[faint.at("right_ear")] = 0.5f;
  EXPECT_EQ(value(faint.read(), kSide, "trunk_inclination_deg").side, "left");
  // A schema naming only the left ear uses the left side, however well the right is seen.
  const std::vector<std::string> one_ear = {"nose",           "left_ear", "left_shoulder",
                                            "right_shoulder", "left_hip", "right_hip"};
  Person half(one_ear);
  const Person full = side_person(SideSpec{});
  for (const auto& name : one_ear) half.set(name, full.get(name), name.rfind("right", 0) == 0 ? 1.0f : 0.7f);
  EXPECT_EQ(value(half.read(), one_ear, "cva_deg").side, "left");
  EXPECT_NEAR(value(half.read(), one_ear, "cva_deg").value, 65, 1e-6);
}

TEST(PostureMeasures, MissingJointsGiveNaWithTheReason) {
  Person P = side_person(SideSpec{});
  for (const char* far : {"right_ear", "right_shoulder", "right_hip"}) P.v[P.at(far)] = 0;
  P.v[P.at("left_ear")] = 0.2f;  // below min_visibility 0.3
  PostureReading r = P.read();
  expect_na(value(r, kSide, "cva_deg"), "left_ear not seen");
  expect_na(value(r, kSide, "neck_flexion_deg"), "left_ear not seen");
  expect_na(value(r, kSide, "trunk_inclination_deg"), "facing unknown: left_ear not seen");

  P = side_person(SideSpec{});
  P.v[P.at("nose")] = 0.1f;
  r = P.read();
  for (const char* name : {"cva_deg", "forward_head", "neck_flexion_deg", "trunk_inclination_deg"})
    expect_na(value(r, kSide, name), "facing unknown: nose not seen");

  P = side_person(SideSpec{});  // a non-finite point counts as missing, whatever its visibility
  P.p[P.at("left_hip")].x = kNaN;
  P.p[P.at("right_hip")].y = std::numeric_limits<double>::infinity();
  r = P.read();
  expect_na(value(r, kSide, "trunk_inclination_deg"), "left_hip not seen");
  EXPECT_TRUE(value(r, kSide, "cva_deg").available());  // cva does not read the hip
  EXPECT_EQ(r.view, View::Unknown);                     // no hip: the view cannot be told
}

TEST(PostureMeasures, ViewFollowsTheShoulderSpread) {
  const PostureReading side = side_person(SideSpec{}).read();
  EXPECT_EQ(side.view, View::Side);
  EXPECT_NEAR(side.shoulder_spread, 4.0 / 200, 1e-9);
  expect_na(value(side, kSide, "shoulder_tilt_deg"), "side view: a front-view measure");
  expect_na(value(side, kSide, "side_length_asymmetry"), "side view: a front-view measure");

  const PostureReading front = front_person().read();
  EXPECT_EQ(front.view, View::Front);
  EXPECT_NEAR(front.shoulder_spread, 200 / std::hypot(30.0, 295.0), 1e-9);
  expect_na(value(front, kCoco, "cva_deg"), "front view: a side-view measure");
  expect_na(value(front, kCoco, "trunk_inclination_deg"), "front view: a side-view measure");

  // Between 0.35 and 0.6: unknown, and both planes are measured.
  Person half = front_person();
  half.set("left_shoulder", {330 + 0.45 * 295 / 2, 200}, 0.9f);
  half.set("right_shoulder", {330 - 0.45 * 295 / 2, 200}, 0.9f);
  const PostureReading mid = half.read();
  EXPECT_NEAR(mid.shoulder_spread, 0.45 * 295 / std::hypot(30.0, 295.0), 1e-9);
  EXPECT_EQ(mid.view, View::Unknown);
  EXPECT_TRUE(value(mid, kCoco, "shoulder_tilt_deg").available());
  EXPECT_TRUE(value(mid, kCoco, "cva_deg").available());

  Person no_shoulder = front_person();
  no_shoulder.v[no_shoulder.at("right_shoulder")] = 0;
  EXPECT_EQ(no_shoulder.read().view, View::Unknown);
  EXPECT_TRUE(std::isnan(no_shoulder.read().shoulder_spread));
  EXPECT_EQ(view_name(View::Side), "side");
  EXPECT_EQ(view_name(View::Front), "front");
  EXPECT_EQ(view_name(View::Unknown), "unknown");
}

TEST(PostureMeasures, FrontalMagnitudesNameThePersonsSideFromFrontAndBack) {
  for (bool back : {false, true}) {
    SCOPED_TRACE(back ? "seen from the back" : "seen from the front");
    const Person P = back ? mirrored(front_person()) : front_person();
    const PostureReading r = P.read();
    EXPECT_EQ(r.view, View::Front);
    const MeasureValue sh = value(r, kCoco, "shoulder_tilt_deg"), hip = value(r, kCoco, "hip_tilt_deg");
    EXPECT_NEAR(sh.value, std::atan2(20, 200) / kRad, 1e-9);
    EXPECT_EQ(sh.side, "left");  // the higher shoulder
    EXPECT_NEAR(hip.value, std::atan2(10, 120) / kRad, 1e-9);
    EXPECT_EQ(hip.side, "right");
    const MeasureValue head = value(r, kCoco, "head_tilt_deg");
    EXPECT_NEAR(head.value, std::atan2(10, 60) / kRad, 1e-9);
    EXPECT_EQ(head.side, "left");  // the lower ear: the head tilts to the left
    EXPECT_FLOAT_EQ(head.confidence, 0.8f);
    const MeasureValue lean = value(r, kCoco, "trunk_lean_deg");
    EXPECT_NEAR(lean.value, std::atan2(30, 295) / kRad, 1e-9);
    EXPECT_EQ(lean.side, "left");
    const double left = std::hypot(70, 310), right = std::hypot(10, 280);
    const MeasureValue asym = value(r, kCoco, "side_length_asymmetry");
    EXPECT_NEAR(asym.value, (left - right) / ((left + right) / 2), 1e-12);
    EXPECT_EQ(asym.side, "right");  // the shorter side
    EXPECT_FLOAT_EQ(asym.confidence, 0.9f);
  }
  // Level shoulders name no side.
  Person level = front_person();
  level.set("left_shoulder", {430, 200}, 0.9f);
  level.set("right_shoulder", {230, 200}, 0.9f);
  EXPECT_EQ(value(level.read(), kCoco, "shoulder_tilt_deg").value, 0);
  EXPECT_EQ(value(level.read(), kCoco, "shoulder_tilt_deg").side, "");
}

TEST(PostureMeasures, LspGivesFrontalMeasuresWithHeadTiltFromNeckAndHeadTop) {
  const PostureMeasurer lsp(kLsp);
  EXPECT_EQ(names_of(lsp.defs()), (std::vector<std::string>{"shoulder_tilt_deg", "hip_tilt_deg", "head_tilt_deg",
                                                            "trunk_lean_deg", "side_length_asymmetry"}));
  EXPECT_EQ(lsp.defs()[2].needs, (std::vector<std::string>{"neck", "head_top", "left_shoulder", "right_shoulder"}));
  EXPECT_NE(lsp.defs()[2].definition.find("head_top"), std::string::npos);
  for (bool back : {false, true}) {
    const Person P = back ? mirrored(front_person(kLsp)) : front_person(kLsp);
    const PostureReading r = P.read();
    const MeasureValue head = value(r, kLsp, "head_tilt_deg");
    EXPECT_NEAR(head.value, std::atan2(15, 90) / kRad, 1e-9);
    EXPECT_EQ(head.side, "left");
    EXPECT_NEAR(value(r, kLsp, "shoulder_tilt_deg").value, std::atan2(20, 200) / kRad, 1e-9);
    // No nose or ears: RULA's side-view items cannot be scored, the elbow can.
    EXPECT_EQ(r.rula.items[0].score, 0);
    EXPECT_EQ(r.rula.items[0].why, "n/a: needs a side view");
    EXPECT_EQ(r.rula.items[1].name, "lower_arm");
    EXPECT_GT(r.rula.items[1].score, 0);
  }
}

TEST(PostureMeasures, CocoAndPostureSideGiveAllInTheSameOrder) {
  const auto all = names_of(PostureMeasurer::all());
  ASSERT_EQ(all.size(), 9u);
  EXPECT_EQ(all[0], "cva_deg");
  EXPECT_EQ(all[3], "trunk_inclination_deg");
  EXPECT_EQ(names_of(PostureMeasurer(kCoco).defs()), all);
  EXPECT_EQ(names_of(PostureMeasurer(kSide).defs()), all);
  EXPECT_TRUE(PostureMeasurer({"a", "b"}).defs().empty());
  EXPECT_TRUE(PostureMeasurer({"a", "b"}).measure({{0, 0}, {1, 1}}, {1, 1}, 0.5).values.empty());
  // The same side-view person in COCO's joints reads the same.
  SideSpec s;
  s.f = -1;
  const Person side = side_person(s);
  Person coco(kCoco);
  for (const auto& name : kSide) coco.set(name, side.get(name), side.v[side.at(name)]);
  const PostureReading a = side.read(), b = coco.read();
  for (const auto& name : all) {
    const MeasureValue x = value(a, kSide, name), y = value(b, kCoco, name);
    if (x.available()) EXPECT_DOUBLE_EQ(x.value, y.value) << name;
    EXPECT_EQ(x.why_na, y.why_na) << name;
  }
  EXPECT_TRUE(value(a, kSide, "cva_deg").available());
}

TEST(PostureMeasures, ReadingIsUnchangedByTranslationAndScale) {
  std::vector<Person> people = {front_person(), mirrored(front_person()), front_person(kLsp)};
  for (auto [t, n, f] : std::vector<std::tuple<double, double, int>>{{10, 15, 1}, {35, -5, -1}, {-8, 25, 1}}) {
    SideSpec s;
    s.t = t;
    s.n = n;
    s.f = f;
    s.arm = 60;
    people.push_back(side_person(s));
  }
  for (const Person& P : people)
    for (auto [k, dx, dy] : std::vector<std::tuple<double, double, double>>{{0.37, -120, 45}, {3.1, 900, -300}}) {
      Person Q = P;
      for (auto& q : Q.p) q = {k * q.x + dx, k * q.y + dy};
      const PostureReading a = P.read(), b = Q.read();
      EXPECT_EQ(a.view, b.view);
      ASSERT_EQ(a.values.size(), b.values.size());
      for (size_t i = 0; i < a.values.size(); ++i) {
        if (std::isnan(a.values[i].value))
          EXPECT_TRUE(std::isnan(b.values[i].value));
        else
          EXPECT_NEAR(a.values[i].value, b.values[i].value, 1e-9);
        EXPECT_EQ(a.values[i].side, b.values[i].side);
        EXPECT_EQ(a.values[i].why_na, b.values[i].why_na);
      }
      for (size_t i = 0; i < a.rula.items.size(); ++i) EXPECT_EQ(a.rula.items[i].why, b.rula.items[i].why);
      EXPECT_EQ(a.rula.sum, b.rula.sum);
    }
}

TEST(Rula, BandsAtTheirBoundaries) {
  EXPECT_EQ(rula_upper_arm_score(-20.001), 2);
  EXPECT_EQ(rula_upper_arm_score(-20), 1);
  EXPECT_EQ(rula_upper_arm_score(0), 1);
  EXPECT_EQ(rula_upper_arm_score(20), 1);
  EXPECT_EQ(rula_upper_arm_score(20.001), 2);
  EXPECT_EQ(rula_upper_arm_score(45), 2);
  EXPECT_EQ(rula_upper_arm_score(45.001), 3);
  EXPECT_EQ(rula_upper_arm_score(90), 3);
  EXPECT_EQ(rula_upper_arm_score(90.001), 4);
  EXPECT_EQ(rula_lower_arm_score(59.999), 2);
  EXPECT_EQ(rula_lower_arm_score(60), 1);
  EXPECT_EQ(rula_lower_arm_score(100), 1);
  EXPECT_EQ(rula_lower_arm_score(100.001), 2);
  EXPECT_EQ(rula_lower_arm_score(0), 2);
  EXPECT_EQ(rula_neck_score(-0.001), 4);
  EXPECT_EQ(rula_neck_score(0), 1);
  EXPECT_EQ(rula_neck_score(10), 1);
  EXPECT_EQ(rula_neck_score(10.001), 2);
  EXPECT_EQ(rula_neck_score(20), 2);
  EXPECT_EQ(rula_neck_score(20.001), 3);
  EXPECT_EQ(rula_trunk_score(-5.001), 2);
  EXPECT_EQ(rula_trunk_score(-5), 1);
  EXPECT_EQ(rula_trunk_score(5), 1);
  EXPECT_EQ(rula_trunk_score(5.001), 2);
  EXPECT_EQ(rula_trunk_score(20), 2);
  EXPECT_EQ(rula_trunk_score(20.001), 3);
  EXPECT_EQ(rula_trunk_score(60), 3);
  EXPECT_EQ(rula_trunk_score(60.001), 4);
}

TEST(Rula, ItemsFromASideViewAndWhatIsNotComputed) {
  SideSpec s;
  s.t = 30;      // trunk 20..60: 3
  s.n = 25;      // neck over 20: 3
  s.arm = 50;    // upper arm 45..90: 3
  s.elbow = 80;  // 60..100: 1
  for (int f : {1, -1}) {
    s.f = f;
    const RulaScore r = side_person(s).read().rula;
    ASSERT_EQ(r.items.size(), 4u);
    EXPECT_EQ(r.items[0].name, "upper_arm");
    EXPECT_EQ(r.items[0].score, 3);
    EXPECT_EQ(r.items[0].why, "upper arm 50° forward of the trunk line: 45–90° flexion, score 3");
    EXPECT_EQ(r.items[1].score, 1);
    EXPECT_EQ(r.items[1].why, "elbow bent 80°: 60–100° band, score 1");
    EXPECT_EQ(r.items[2].score, 3);
    EXPECT_EQ(r.items[2].why, "neck bent 25° forward of the trunk line: over 20°, score 3");
    EXPECT_EQ(r.items[3].score, 3);
    EXPECT_EQ(r.items[3].why, "trunk leans 30° forward: 20–60° flexion, score 3");
    EXPECT_EQ(r.sum, 10);
    EXPECT_EQ(r.not_computed, rula_not_computed());
    EXPECT_GE(r.not_computed.size(), 8u);
  }
  s.f = 1;
  s.arm = -30;  // extension
  s.n = -5;
  s.t = 0;
  const RulaScore ext = side_person(s).read().rula;
  EXPECT_EQ(ext.items[0].why, "upper arm 30° behind the trunk line: extension past 20°, score 2");
  EXPECT_EQ(ext.items[2].why, "neck bent 5° back from the trunk line: extension, score 4");
  EXPECT_EQ(ext.items[3].why, "trunk leans 0° forward: upright (within ±5°, kplab's tolerance), score 1");
  s.arm = 190;  // raised overhead, past the vertical: flexion, not extension
  EXPECT_EQ(side_person(s).read().rula.items[0].score, 4);
}

TEST(Rula, FrontViewScoresOnlyTheLowerArm) {
  const RulaScore r = front_person().read().rula;
  for (int i : {0, 2, 3}) {
    EXPECT_EQ(r.items[i].score, 0);
    EXPECT_EQ(r.items[i].why, "n/a: needs a side view");
  }
  EXPECT_GT(r.items[1].score, 0);
  EXPECT_EQ(r.sum, r.items[1].score);
  Person P = side_person(SideSpec{});
  P.v[P.at("left_wrist")] = 0;
  EXPECT_EQ(P.read().rula.items[1].why, "n/a: left_wrist not seen");
}

MeasureValue val(double v, const std::string& side = "") {
  MeasureValue m;
  m.value = v;
  m.confidence = 0.9;
  m.side = side;
  return m;
}

TEST(PostureMeasures, ExplainSaysItInWordsWithRoundedNumbers) {
  EXPECT_EQ(explain(def("cva_deg"), val(36.2)),
            "head 14° further forward than the 50° threshold (craniovertebral angle 36°)");
  EXPECT_EQ(explain(def("cva_deg"), val(55.4)), "craniovertebral angle 55°, not below the 50° threshold");
  EXPECT_EQ(explain(def("trunk_inclination_deg"), val(31.4)), "trunk leans 31° forward, 11° past the 20° threshold");
  EXPECT_EQ(explain(def("trunk_inclination_deg"), val(20.3)), "trunk leans 20° forward, just past the 20° threshold");
  EXPECT_EQ(explain(def("trunk_inclination_deg"), val(-4.2)), "trunk leans 4° back, within the 20° threshold");
  EXPECT_EQ(explain(def("neck_flexion_deg"), val(8.2)), "neck flexion 8°, within the 20° threshold");
  EXPECT_EQ(explain(def("neck_flexion_deg"), val(27.6)),
            "neck bent 28° forward of the trunk line, 8° past the 20° threshold");
  EXPECT_EQ(explain(def("neck_flexion_deg"), val(-0.2)),
            "neck bent 0° back from the trunk line, within the 20° threshold");
  MeasureValue na;
  na.why_na = "left_ear not seen";
  EXPECT_EQ(explain(def("neck_flexion_deg"), na), "neck flexion: n/a (left_ear not seen)");
  EXPECT_EQ(explain(def("forward_head"), val(0.312)),
            "ear 0.31 torso lengths ahead of the shoulder, 0.06 past the 0.25 threshold");
  EXPECT_EQ(explain(def("forward_head"), val(-0.05)),
            "ear 0.05 torso lengths behind the shoulder, within the 0.25 threshold");
  EXPECT_EQ(explain(def("shoulder_tilt_deg"), val(7.2, "left")),
            "left shoulder 7° higher than the right, past the 5° threshold");
  EXPECT_EQ(explain(def("hip_tilt_deg"), val(2.4, "right")),
            "right hip 2° higher than the left, within the 5° threshold");
  EXPECT_EQ(explain(def("hip_tilt_deg"), val(0, "")), "hips level (0°), within the 5° threshold");
  EXPECT_EQ(explain(def("head_tilt_deg"), val(12, "left")), "head tilted 12° to the left, past the 10° threshold");
  EXPECT_EQ(explain(def("trunk_lean_deg"), val(3.7, "right")), "trunk leans 4° to the right, within the 10° threshold");
  EXPECT_EQ(explain(def("side_length_asymmetry"), val(0.123, "right")),
            "right side 12% shorter than the left, shoulder to hip, past the 10% threshold");
  EXPECT_TRUE(flagged(def("cva_deg"), val(49.9)));
  EXPECT_FALSE(flagged(def("cva_deg"), val(50)));
  EXPECT_FALSE(flagged(def("trunk_inclination_deg"), val(20)));
  EXPECT_FALSE(flagged(def("trunk_inclination_deg"), na));
}

TEST(PostureMeasures, RequireNamesWhereTheMeasureAndItsJoints) {
  EXPECT_NO_THROW(PostureMeasurer(kCoco).require(names_of(PostureMeasurer::all()), "x"));
  EXPECT_NO_THROW(PostureMeasurer(kLsp).require({"head_tilt_deg", "trunk_lean_deg"}, "x"));
  const PostureMeasurer lsp(kLsp);
  test::expect_error_with(
      [&] {
        lsp.require({"shoulder_tilt_deg", "cva_deg"}, "posture.yaml");
      },
      {"posture.yaml: posture measure cva_deg: expected a schema with joints nose, "
       "left_ear/right_ear, left_shoulder/right_shoulder, found a schema without nose, left_ear, "
       "right_ear"});
  test::expect_error_with(
      [&] { lsp.require({"slouch"}, "--measure"); },
      {"--measure: posture measure: expected one of cva_deg, forward_head", "side_length_asymmetry", "found 'slouch'"});
  const PostureMeasurer bare({"left_shoulder", "right_shoulder", "left_hip", "right_hip"});
  test::expect_error_with([&] { bare.require({"head_tilt_deg"}, "cfg"); },
                          {"cfg: posture measure head_tilt_deg", "left_ear, right_ear, or neck, head_top",
                           "found a schema without left_ear, right_ear, neck, head_top"});
  test::expect_error_with([&] { bare.measure({{0, 0}}, {1}, 0.5); },
                          {"posture measures: expected one point per joint of the schema (4), found 1"});
}

}  // namespace
}  // namespace kplab::posture
