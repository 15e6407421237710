// kplab schema-from-yolo: a schema drafted from a YOLO-pose data.yaml loads as
// it is, its flip pairs are flip_idx's (so the same dataset then passes the
// reader's flip_idx check), and bad data.yaml fields are named.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/schema.h"
#include "data/schema_from_yolo.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

using test::TempDir;

const char* kPostureYaml =
    "path: .\ntrain: images/train\nval: images/val\nkpt_shape: [5, 3]\nflip_idx: [1, 0, 2, 4, 3]\n"
    "names: {0: person}\nkpt_names:\n  0: [left_ear, right_ear, nose, left_hip, right_hip]\n";

TEST(SchemaFromYolo, NamesAndFlipPairsComeFromTheDataYamlAndTheDraftLoads) {
  TempDir dir;
  test::write_file(dir.file("data.yaml"), kPostureYaml);
  test::write_file(dir.file("posture.yaml"), draft_schema_from_yolo(dir.path().string(), "posture"));
  const Schema s = load_schema(dir.file("posture.yaml"));
  EXPECT_EQ(s.name, "posture");
  EXPECT_EQ(s.joints, (std::vector<std::string>{"left_ear", "right_ear", "nose", "left_hip", "right_hip"}));
  EXPECT_EQ(s.flip_permutation(), (std::vector<int64_t>{1, 0, 2, 4, 3}));
  EXPECT_TRUE(s.skeleton.empty());
  EXPECT_NE(test::slurp(dir.file("posture.yaml")).find("TODO"), std::string::npos);
}

TEST(SchemaFromYolo, WithoutNamesTheJointsArePlaceholders) {
  TempDir dir;
  test::write_file(dir.file("data.yaml"), "train: a\nval: b\nkpt_shape: [3, 2]\nnames: [person]\n");
  test::write_file(dir.file("s.yaml"), draft_schema_from_yolo(dir.file("data.yaml"), "three"));
  const Schema s = load_schema(dir.file("s.yaml"));
  EXPECT_EQ(s.joints, (std::vector<std::string>{"kp0", "kp1", "kp2"}));
  EXPECT_TRUE(s.flip_pairs.empty());
}

TEST(SchemaFromYolo, BadFieldsAreNamed) {
  TempDir dir;
  test::write_file(dir.file("data.yaml"), "kpt_shape: [3, 3]\nflip_idx: [1, 2, 0]\n");
  test::expect_error_with([&] { draft_schema_from_yolo(dir.file("data.yaml"), "x"); },
                          {dir.file("data.yaml"), "flip_idx[0]", "symmetric permutation"});
  test::write_file(dir.file("data.yaml"), "kpt_shape: [3, 3]\nkpt_names: [a, b]\n");
  test::expect_error_with([&] { draft_schema_from_yolo(dir.file("data.yaml"), "x"); },
                          {dir.file("data.yaml"), "kpt_names", "3 names", "found 2"});
  test::write_file(dir.file("data.yaml"), "names: [person]\n");
  test::expect_error_with([&] { draft_schema_from_yolo(dir.file("data.yaml"), "x"); }, {"kpt_shape", "[K, 2] or [K, 3]"});
}

TEST(SchemaFromYolo, TheVerbWritesTheDraftOnceAndRefusesToOverwrite) {
  TempDir dir;
  test::write_file(dir.file("posture/data.yaml"), kPostureYaml);
  const std::string out = dir.file("posture.yaml");
  test::CliResult r = test::run_kplab(dir, "schema-from-yolo " + test::quote(dir.file("posture")) + " --out " + test::quote(out));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(test::has(r.out, "schema posture, 5 joints, 2 flip pairs")) << r.out;
  EXPECT_EQ(load_schema(out).name, "posture");
  r = test::run_kplab(dir, "schema-from-yolo " + test::quote(dir.file("posture")) + " --out " + test::quote(out));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(test::has(r.err, "--force")) << r.err;
}

}  // namespace
}  // namespace kplab
