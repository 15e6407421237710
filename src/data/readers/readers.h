// Dataset readers: each parses one raw format into a RawDataset, validating
// what it reads. Errors name the file, the field, the expected and found values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/raw_dataset.h"

namespace kplab {

// LSP (joints.mat 3x14xN, flag 1 = occluded, images im%04d.jpg) and LSPET
// (joints.mat 14x3xN, flag 1 = annotated, images im%05d.jpg). `root` holds
// joints.mat and the images (directly or under images/).
RawDataset read_lsp(const std::string& root);

// YOLO-pose (Ultralytics layout): `root` is data.yaml or the folder holding
// it. `num_joints` is the schema's K, checked against kpt_shape; a flip_idx
// must equal `schema_flip` (the schema's flip permutation) when that is given.
// Split folders resolve as Ultralytics does, including Roboflow/Kaggle
// exports' "../train/images" beside data.yaml.
RawDataset read_yolo(const std::string& root, int num_joints, const std::vector<int64_t>& schema_flip = {},
                     const std::string& schema_name = "");

// COCO keypoints JSON: `root` is the .json file or a folder holding exactly
// one. Images are found beside the json or under `images_dir` when given.
RawDataset read_coco(const std::string& root, const std::string& images_dir);

// Procedurally drawn people in the LSP joint order, deterministic in (seed, index).
struct SyntheticOptions {
  int count = 1000;        // images, one person each
  uint64_t seed = 0;       // same seed, same images and labels
  int image_size = 256;    // square originals
};
RawDataset read_synthetic(const SyntheticOptions& options);

}  // namespace kplab
