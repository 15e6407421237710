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

// Procedurally drawn people seen from the side, sitting or standing, in the
// joint order of datasets/posture_side.yaml; deterministic in (seed, index).
// Each person carries class_id (0 good, 1 bad; class_names {good, bad}) and
// truth: cva_deg, forward_head, neck_flexion_deg, trunk_inclination_deg (as
// src/posture measures them, from the near side's ear, shoulder and hip as
// labeled), sitting (0/1) and facing (+1 image right, -1 left). Bad iff
// cva_deg < 50, neck_flexion_deg > 20 or trunk_inclination_deg > 20; no value
// lies within 2 degrees of its threshold. See datasets/synthetic_side/README.md.
RawDataset read_synthetic_side(const SyntheticOptions& options);

}  // namespace kplab
