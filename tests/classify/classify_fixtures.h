// Side-view skeletons in posture_side's joint order, made to a recipe:
// good = upright trunk, head over the shoulders; bad = trunk leaning and head
// forward. Written as the tables `kplab classify` reads, in a test's folder.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "data/schema.h"
#include "posture/joint_angles.h"

namespace kplab::test {

// posture_side's joints (datasets/posture_side.yaml), in order.
const std::vector<std::string>& side_joints();

// Writes a posture_side schema file to `path` and returns it loaded.
Schema write_side_schema(const std::string& path);

struct Person {
  std::vector<posture::Point2> points;  // pixels
  std::vector<float> visibility;        // 1 near side, 0.5 far side
  std::string label;                    // "good" or "bad"
};

// One person standing at `origin` (ankle, pixels), `height` pixels tall,
// facing +x (or -x when `facing_left`), with random variation from `rng`.
Person make_person(bool bad, std::mt19937& rng, posture::Point2 origin = {300, 400}, double height = 300,
                   bool facing_left = false);

// `good` + `bad` people (random place, size and facing), shuffled.
std::vector<Person> make_people(int good, int bad, unsigned seed);

struct TableOptions {
  bool label_column = true;         // a `label` column
  bool folders = true;              // sources good/NAME.jpg, bad/NAME.jpg (else NAME.jpg)
  std::vector<std::string> joints;  // columns for these joints (default: side_joints())
  // truth.csv's layout: source,split,label,<truth values>,joints, row i in
  // splits[i % size]; empty: keypoints.csv's (source,frame,joints,label).
  std::vector<std::string> splits;
};

// Writes the people as a keypoints table (source, frame, JOINT_x/_y/_v, label)
// or in truth.csv's layout (TableOptions::splits).
// Sources are FOLDER/person_I.jpg.
void write_table(const std::string& path, const std::vector<Person>& people, const TableOptions& o = {});

}  // namespace kplab::test
