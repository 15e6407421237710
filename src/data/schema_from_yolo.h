// A schema file drafted from a YOLO-pose data.yaml (`kplab schema-from-yolo`):
// the joints from `kpt_names` (a list, or Ultralytics' {class id: list}) or
// placeholders kp0..kp{K-1}, the flip pairs from `flip_idx`. What a data.yaml
// cannot say (the skeleton's bones, the joints PCK normalises by) is left
// for the user, marked TODO. The draft loads as a schema as it is.
#pragma once

#include <string>

namespace kplab {

// The draft's YAML text; `name` becomes the schema's name. Errors name the
// data.yaml and the field (kpt_shape, flip_idx not a symmetric permutation,
// kpt_names of another length).
std::string draft_schema_from_yolo(const std::string& data_yaml, const std::string& name);

}  // namespace kplab
