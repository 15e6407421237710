// Keypoint schemas (datasets/*.yaml): the shipped files, the mappings between
// them, and one clear kplab::Error per malformed schema written on the fly.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "data/schema.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

using test::expect_error_with;
using test::TempDir;

std::string shipped(const std::string& name) { return std::string(KPLAB_SOURCE_DIR) + "/datasets/" + name; }

const std::vector<std::string> kLspJoints = {
    "right_ankle", "right_knee", "right_hip",      "left_hip",      "left_knee",  "left_ankle", "right_wrist",
    "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "neck",       "head_top"};

void expect_involution(const Schema& s) {
  auto perm = s.flip_permutation();
  ASSERT_EQ(static_cast<int>(perm.size()), s.num_joints());
  for (int i = 0; i < s.num_joints(); ++i) {
    ASSERT_GE(perm[i], 0);
    ASSERT_LT(perm[i], s.num_joints());
    EXPECT_EQ(perm[perm[i]], i) << s.name << ": flipping twice must give joint " << i << " back";
  }
}

// A small valid schema; tests append or replace lines to break it.
const char* kTinyHeader = "name: tiny\nkeypoints: [nose, left_eye, right_eye, left_ear, right_ear]\n";

std::string write_schema(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.file(name);
  test::write_file(path, text);
  return path;
}

// ---------------------------------------------------------------- shipped schemas

TEST(SchemaShipped, LspHas14JointsInDatasetOrder) {
  Schema s = load_schema(shipped("lsp.yaml"));
  EXPECT_EQ(s.name, "lsp");
  EXPECT_EQ(s.path, shipped("lsp.yaml"));
  EXPECT_EQ(s.num_joints(), 14);
  EXPECT_EQ(s.joints, kLspJoints);
  EXPECT_EQ(s.flip_pairs.size(), 6u);
  EXPECT_EQ(s.skeleton.size(), 14u);
}

TEST(SchemaShipped, CocoHas17AndMpiiHas16Joints) {
  Schema coco = load_schema(shipped("coco.yaml"));
  Schema mpii = load_schema(shipped("mpii.yaml"));
  EXPECT_EQ(coco.name, "coco");
  EXPECT_EQ(coco.num_joints(), 17);
  EXPECT_EQ(coco.joints.front(), "nose");
  EXPECT_EQ(coco.joints.back(), "right_ankle");
  EXPECT_EQ(mpii.name, "mpii");
  EXPECT_EQ(mpii.num_joints(), 16);
  EXPECT_EQ(mpii.joints[9], "head_top");
}

TEST(SchemaShipped, FlipPermutationsAreInvolutions) {
  for (const char* name : {"lsp.yaml", "coco.yaml", "mpii.yaml"}) {
    SCOPED_TRACE(name);
    expect_involution(load_schema(shipped(name)));
  }
}

TEST(SchemaShipped, LspFlipPermutationSwapsSidesAndKeepsTheMiddle) {
  // Hand-written: right_ankle(0) <-> left_ankle(5), knees 1<->4, hips 2<->3,
  // wrists 6<->11, elbows 7<->10, shoulders 8<->9, neck and head top stay.
  const std::vector<int64_t> expected = {5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6, 12, 13};
  EXPECT_EQ(load_schema(shipped("lsp.yaml")).flip_permutation(), expected);
}

TEST(SchemaShipped, CocoFlipPermutationKeepsTheNose) {
  auto perm = load_schema(shipped("coco.yaml")).flip_permutation();
  EXPECT_EQ(perm[0], 0);   // nose
  EXPECT_EQ(perm[1], 2);   // left_eye -> right_eye
  EXPECT_EQ(perm[15], 16); // left_ankle -> right_ankle
}

TEST(SchemaShipped, PckReferenceJoints) {
  Schema lsp = load_schema(shipped("lsp.yaml"));
  EXPECT_EQ(lsp.pck_torso, (std::array<int, 2>{9, 2}));    // left_shoulder, right_hip
  EXPECT_EQ(lsp.pck_head, (std::array<int, 2>{12, 13}));   // neck, head_top
  EXPECT_EQ(lsp.joints[lsp.pck_torso[0]], "left_shoulder");
  EXPECT_EQ(lsp.joints[lsp.pck_torso[1]], "right_hip");
  EXPECT_EQ(lsp.joints[lsp.pck_head[0]], "neck");
  EXPECT_EQ(lsp.joints[lsp.pck_head[1]], "head_top");

  Schema coco = load_schema(shipped("coco.yaml"));
  EXPECT_EQ(coco.pck_torso, (std::array<int, 2>{5, 12}));  // left_shoulder, right_hip
  EXPECT_EQ(coco.pck_head, (std::array<int, 2>{-1, -1}));   // COCO has no head top

  Schema mpii = load_schema(shipped("mpii.yaml"));
  EXPECT_EQ(mpii.pck_head, (std::array<int, 2>{8, 9}));     // upper_neck, head_top
}

TEST(SchemaShipped, IndexOf) {
  Schema lsp = load_schema(shipped("lsp.yaml"));
  EXPECT_EQ(lsp.index_of("right_ankle"), 0);
  EXPECT_EQ(lsp.index_of("head_top"), 13);
  EXPECT_EQ(lsp.index_of("nose"), -1);
}

// ---------------------------------------------------------------- mappings

TEST(SchemaMapping, CocoToLspDerivesNeckAndLeavesHeadTopAbsent) {
  Schema coco = load_schema(shipped("coco.yaml"));
  Schema lsp = load_schema(shipped("lsp.yaml"));
  auto m = schema_mapping(coco, lsp);
  // COCO indices: l/r shoulder 5/6, elbow 7/8, wrist 9/10, hip 11/12, knee 13/14, ankle 15/16.
  const std::vector<std::vector<int>> expected = {{16}, {14}, {12}, {11}, {13}, {15}, {10},
                                                  {8},  {6},  {5},  {7},  {9},  {5, 6}, {}};
  EXPECT_EQ(m, expected);
}

TEST(SchemaMapping, LspToCocoKeepsTheTwelveSharedJointsAndMasksTheFace) {
  Schema lsp = load_schema(shipped("lsp.yaml"));
  Schema coco = load_schema(shipped("coco.yaml"));
  auto m = schema_mapping(lsp, coco);
  // LSP indices: r/l ankle 0/5, knee 1/4, hip 2/3, wrist 6/11, elbow 7/10, shoulder 8/9.
  const std::vector<std::vector<int>> expected = {{}, {}, {}, {}, {}, {9}, {8}, {10}, {7},
                                                  {11}, {6}, {3}, {2}, {4}, {1}, {5}, {0}};
  EXPECT_EQ(m, expected);
}

TEST(SchemaMapping, MpiiToLspIsComplete) {
  Schema mpii = load_schema(shipped("mpii.yaml"));
  Schema lsp = load_schema(shipped("lsp.yaml"));
  auto m = schema_mapping(mpii, lsp);
  // MPII: legs 0-5 as LSP, upper_neck 8, head_top 9, arms 10-15.
  const std::vector<std::vector<int>> expected = {{0},  {1},  {2},  {3},  {4},  {5}, {10},
                                                  {11}, {12}, {13}, {14}, {15}, {8}, {9}};
  EXPECT_EQ(m, expected);
}

TEST(SchemaMapping, SameJointsNeedNoMapping) {
  Schema lsp = load_schema(shipped("lsp.yaml"));
  auto m = schema_mapping(lsp, lsp);
  ASSERT_EQ(m.size(), 14u);
  for (int j = 0; j < 14; ++j) EXPECT_EQ(m[j], std::vector<int>{j});
}

TEST(SchemaMapping, MissingMappingFailsNamingTheSourceFile) {
  Schema lsp = load_schema(shipped("lsp.yaml"));
  Schema mpii = load_schema(shipped("mpii.yaml"));
  expect_error_with([&] { schema_mapping(lsp, mpii); }, {shipped("lsp.yaml"), "mappings.mpii"});
}

TEST(SchemaMapping, MappingToAJointTheTargetLacksFails) {
  TempDir dir;
  std::string path = write_schema(dir, "src.yaml",
                                  std::string(kTinyHeader) +
                                      "mappings:\n  lsp:\n    neck: [left_ear, right_ear]\n    nose_tip: nose\n");
  Schema src = load_schema(path);
  Schema lsp = load_schema(shipped("lsp.yaml"));
  expect_error_with([&] { schema_mapping(src, lsp); }, {path, "mappings.lsp.nose_tip", "'nose_tip'"});
}

TEST(SchemaMapping, MappingWithoutAnEntryForATargetJointFails) {
  TempDir dir;
  std::string path = write_schema(dir, "src.yaml", std::string(kTinyHeader) + "mappings:\n  lsp:\n    neck: nose\n");
  Schema src = load_schema(path);
  Schema lsp = load_schema(shipped("lsp.yaml"));
  expect_error_with([&] { schema_mapping(src, lsp); }, {path, "mappings.lsp", "'right_ankle'"});
}

// ---------------------------------------------------------------- malformed schemas

TEST(SchemaInvalid, UnknownJointInFlipPairNamesFileIndexAndName) {
  TempDir dir;
  std::string path = write_schema(dir, "bad.yaml",
                                  std::string(kTinyHeader) +
                                      "flip_pairs:\n  - [left_eye, right_eye]\n  - [left_ear, rigth_ear]\n");
  expect_error_with([&] { load_schema(path); }, {path, "flip_pairs[1]", "'rigth_ear'"});
}

TEST(SchemaInvalid, DuplicateJointNamesFail) {
  TempDir dir;
  std::string path = write_schema(dir, "bad.yaml", "name: dup\nkeypoints: [a, b, c, b]\n");
  expect_error_with([&] { load_schema(path); }, {path, "keypoints[3]", "'b'"});
}

TEST(SchemaInvalid, UnknownTopLevelKeyFails) {
  TempDir dir;
  std::string path = write_schema(dir, "bad.yaml", std::string(kTinyHeader) + "flip_pair:\n  - [left_eye, right_eye]\n");
  expect_error_with([&] { load_schema(path); }, {path, "flip_pair", "unknown key"});
}

TEST(SchemaInvalid, JointInTwoFlipPairsFails) {
  TempDir dir;
  std::string path = write_schema(dir, "bad.yaml",
                                  std::string(kTinyHeader) +
                                      "flip_pairs:\n  - [left_eye, right_eye]\n  - [left_ear, left_eye]\n");
  expect_error_with([&] { load_schema(path); }, {path, "flip_pairs[1]", "'left_eye'"});
}

TEST(SchemaInvalid, FlipPairOfOneJointWithItselfFails) {
  TempDir dir;
  std::string path = write_schema(dir, "bad.yaml", std::string(kTinyHeader) + "flip_pairs:\n  - [nose, nose]\n");
  expect_error_with([&] { load_schema(path); }, {path, "flip_pairs[0]", "'nose'"});
}

TEST(SchemaInvalid, UnknownJointInSkeletonPckOrMappingFails) {
  TempDir dir;
  std::string skel = write_schema(dir, "skel.yaml", std::string(kTinyHeader) + "skeleton:\n  - [nose, chin]\n");
  expect_error_with([&] { load_schema(skel); }, {skel, "skeleton[0][1]", "'chin'"});
  std::string pck = write_schema(dir, "pck.yaml", std::string(kTinyHeader) + "pck:\n  head: [nose, crown]\n");
  expect_error_with([&] { load_schema(pck); }, {pck, "pck.head", "'crown'"});
  std::string pck_key = write_schema(dir, "pck_key.yaml", std::string(kTinyHeader) + "pck:\n  torsoo: [nose, left_eye]\n");
  expect_error_with([&] { load_schema(pck_key); }, {pck_key, "pck.torsoo", "unknown key"});
  std::string map = write_schema(dir, "map.yaml", std::string(kTinyHeader) + "mappings:\n  lsp:\n    neck: [left_ear, throat]\n");
  expect_error_with([&] { load_schema(map); }, {map, "mappings.lsp.neck[1]", "'throat'"});
}

TEST(SchemaInvalid, MissingKeypointsOrFileFails) {
  TempDir dir;
  std::string none = write_schema(dir, "none.yaml", "name: empty\n");
  expect_error_with([&] { load_schema(none); }, {none, "keypoints"});
  std::string empty = write_schema(dir, "empty.yaml", "name: empty\nkeypoints: []\n");
  expect_error_with([&] { load_schema(empty); }, {empty, "keypoints"});
  expect_error_with([&] { load_schema(dir.file("absent.yaml")); }, {dir.file("absent.yaml"), "no such file"});
}

TEST(SchemaInvalid, YamlSyntaxErrorNamesFileAndLine) {
  TempDir dir;
  std::string path = write_schema(dir, "syntax.yaml", "name: x\nkeypoints: [a, b\nflip_pairs: [\n");
  expect_error_with([&] { load_schema(path); }, {path, "YAML syntax error"});
}

}  // namespace
}  // namespace kplab
