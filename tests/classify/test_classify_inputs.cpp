// Bad input to kplab classify: one clear line naming the file and what is
// wrong, and nothing written (src/classify/posture_table.h, posture_labels.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "classify/classify_fixtures.h"
#include "classify/classify_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

struct Fixture {
  TempDir dir;
  ClassifyTrainOptions o;
  Fixture() {
    test::write_side_schema(dir.file("side.yaml"));
    test::write_table(dir.file("truth.csv"), test::make_people(10, 10, 9));
    o.keypoints = dir.file("truth.csv");
    o.schema = dir.file("side.yaml");
    o.out = dir.file("clf");
    o.json = dir.file("train.json");
    o.train.epochs = 10;
  }
  // Training fails with every part in its one line, and leaves neither the folder nor the JSON.
  void fails_with(std::initializer_list<std::string> parts) {
    const std::string msg = test::expect_error_with([&] { classify_train(o); }, parts);
    if (std::getenv("SHOW")) std::printf("[message] %s\n", msg.c_str());
    EXPECT_FALSE(fs::exists(o.out));
    EXPECT_FALSE(fs::exists(o.json));
    for (const auto& name : test::list_dir(dir.path())) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
  }
  // The table with line `line` (0 = header) replaced by `f(line)`.
  void edit_table(const std::function<std::string(const std::string&, int)>& f) {
    std::ifstream in(o.keypoints);
    std::string text, line;
    for (int n = 0; std::getline(in, line); ++n) text += f(line, n) + "\n";
    in.close();
    test::write_file(o.keypoints, text);
  }
};

TEST(ClassifyInputs, MissingFile) {
  Fixture f;
  f.o.keypoints = f.dir.file("nope.csv");
  f.fails_with({f.dir.file("nope.csv"), "no such file"});
}

TEST(ClassifyInputs, MissingColumnNamesTheColumnsItHas) {
  Fixture f;
  f.edit_table([](const std::string& l, int n) { return n ? l : l.substr(0, l.find(",label")) + ",klass"; });
  f.o.keypoints = f.dir.file("truth.csv");
  f.fails_with({f.dir.file("truth.csv"), "'label'", "--labels", "no label column"});
  Fixture g;
  g.edit_table([](std::string l, int n) { return n ? l : l.replace(l.find("nose_v"), 6, "nose_vis"); });
  g.fails_with({g.dir.file("truth.csv"), "column 'nose_v'", "the columns source, frame, nose_x, nose_y, nose_vis"});
}

TEST(ClassifyInputs, EmptyTableAndHeaderOnly) {
  Fixture f;
  test::write_file(f.o.keypoints, "");
  f.fails_with({f.o.keypoints, "an empty file"});
  f.edit_table([](const std::string& l, int) { return l; });
  test::write_file(f.o.keypoints, "source,frame,label\n");
  f.fails_with({f.o.keypoints, "only the header"});
}

TEST(ClassifyInputs, OneClassOnly) {
  Fixture f;
  test::write_table(f.o.keypoints, test::make_people(8, 0, 1));
  f.fails_with({f.o.keypoints, "exactly two classes", "one class only: 'good' (8 rows)"});
}

TEST(ClassifyInputs, NonNumberCell) {
  Fixture f;
  f.edit_table([](std::string l, int n) {
    return n == 3 ? "good/x.jpg,0,abc" + l.substr(l.find(',', l.find(',', l.find(',') + 1) + 1)) : l;
  });
  f.fails_with({f.o.keypoints + ":4", "column 'nose_x'", "a number", "'abc'"});
}

TEST(ClassifyInputs, VisibilityOutsideZeroOne) {
  Fixture f;
  f.edit_table([](std::string l, int n) {
    if (n != 2) return l;
    // nose_v is the fifth cell.
    size_t p = 0;
    for (int i = 0; i < 4; ++i) p = l.find(',', p) + 1;
    return l.substr(0, p) + "2" + l.substr(l.find(',', p));
  });
  f.fails_with({f.o.keypoints + ":3", "column 'nose_v'", "[0, 1]", "'2'"});
}

TEST(ClassifyInputs, JointsOfAnotherSchema) {
  Fixture f;
  auto joints = test::side_joints();
  joints.push_back("left_eye");
  test::TableOptions t;
  t.joints = joints;
  test::write_table(f.o.keypoints, test::make_people(10, 10, 2), t);
  f.fails_with({f.o.keypoints, "joints", "schema posture_side", "'left_eye'"});
}

TEST(ClassifyInputs, LabelsFileDuplicatesAndUnmatchedRows) {
  Fixture f;
  test::TableOptions t;
  t.label_column = false;
  const auto people = test::make_people(6, 6, 3);
  test::write_table(f.o.keypoints, people, t);
  f.o.labels.file = f.dir.file("labels.csv");
  std::string labels = "source,label\n";
  for (size_t i = 0; i < people.size(); ++i)
    labels += "/data/" + people[i].label + "/person_" + std::to_string(i) + ".jpg," + people[i].label + "\n";
  test::write_file(f.o.labels.file, labels + "other/person_3.jpg,good\n");
  f.fails_with({f.o.labels.file + ":14", "each file name once", "'person_3.jpg' again (first on line 5)"});
  test::write_file(f.o.labels.file, labels.substr(0, labels.rfind("/data/")));
  f.fails_with({f.o.labels.file, "none for 'person_11.jpg'", f.o.keypoints + ":13"});
  // Complete: it trains, joined by file name although the folders differ.
  test::write_file(f.o.labels.file, labels + "nobody.jpg,bad\n");
  const RunOutput r = classify_train(f.o);
  EXPECT_EQ(r.json["labels_unmatched"], 1);
  EXPECT_NE(r.text.find("1 entries of"), std::string::npos) << r.text;
}

TEST(ClassifyInputs, LabelsFromFolders) {
  Fixture f;
  test::TableOptions t;
  t.label_column = false;
  test::write_table(f.o.keypoints, test::make_people(6, 6, 3), t);
  f.o.labels.from_folders = true;
  const RunOutput r = classify_train(f.o);
  EXPECT_EQ(r.json["n_per_class"]["good"], 6);
  fs::remove_all(f.o.out);
  fs::remove(f.o.json);
  // A source outside any folder has no label to take.
  t.folders = false;
  test::write_table(f.o.keypoints, test::make_people(6, 6, 3), t);
  f.fails_with({f.o.keypoints + ":2", "label folder", "'person_0.jpg'"});
  f.o.labels.file = "x.csv";
  f.fails_with({"both --labels and --labels-from-folders"});
}

TEST(ClassifyInputs, TooFewRowsForTheFolds) {
  Fixture f;
  test::write_table(f.o.keypoints, test::make_people(10, 3, 1));
  f.fails_with({f.o.keypoints, "--folds", "3 of class 'bad'", "use --folds 3"});
}

TEST(ClassifyInputs, BadOptions) {
  Fixture f;
  f.o.train.kind = "svm";
  f.fails_with({"--model", "logistic or mlp", "'svm'"});
  f.o.train.kind = "logistic";
  f.o.min_visibility = 2;
  f.fails_with({"--min-visibility", "[0, 1]"});
}

}  // namespace
}  // namespace kplab::classify
