// Where each row's good/bad label comes from: the table's `label` column,
// a separate source,label file joined by file name, or the folder each
// image sits in (good/, bad/). Labels are plain strings; a classifier has
// exactly two classes, sorted, and one of them is the "positive" one that
// precision, recall and the probability refer to.
#pragma once

#include <string>
#include <vector>

#include "classify/posture_table.h"

namespace kplab::classify {

struct LabelOptions {
  std::string file;           // --labels FILE.csv (source,label); "" = not used
  bool from_folders = false;  // --labels-from-folders
};

// How `o` labels rows, for messages: "the label column of T", "--labels F", "the folder names".
std::string label_origin(const LabelOptions& o, const std::string& table_path);

// Sets every row's label as `o` says (neither option: the table's label
// column). Throws kplab::Error naming the file and the first offending row:
// both options at once, no label column, an empty label, a duplicated file
// name in the labels file, a row whose file name it does not list, a source
// without a folder. Returns how many labels file entries matched no row
// (images where no person was found are normal, so that is not an error).
int attach_labels(PostureTable& table, const LabelOptions& o);

struct Classes {
  std::vector<std::string> names;  // two, sorted
  int positive = 1;                // index of "bad" when present, else 1
  const std::string& positive_name() const { return names.at(positive); }
  const std::string& negative_name() const { return names.at(1 - positive); }
};

// The two classes of the labelled rows; `origin` names the labels in errors
// (one class only, or more than two).
Classes classes_of(const PostureTable& table, const std::string& origin);

// 1 for the positive class, 0 for the other, per row. A label that is
// neither class throws naming the row (eval data against a saved model).
std::vector<float> targets(const PostureTable& table, const Classes& classes, const std::string& origin);

}  // namespace kplab::classify
