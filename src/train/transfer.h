// Transfer learning: a new run starts from another model's weights
// (experiment key `init:`, train/experiment.h), as MMPose's load_from and
// Ultralytics' model=...pt do, with a fresh history. Parameters are matched by
// name; the heads' per-joint rows are matched by joint name, so a model
// trained on one schema (LSP's 14 joints) starts another (COCO's 17) with the
// joints both name; everything that cannot load keeps its fresh
// initialisation and is named in the report, which the run keeps (init.json).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "model/pose_model.h"
#include "train/experiment.h"

namespace kplab {

struct TransferReport {
  std::string checkpoint;                    // the file the weights came from
  std::string source_model;                  // its registry name
  std::vector<std::string> source_joints;
  std::vector<std::string> target_joints;
  std::vector<int> joint_map;                // per target joint: its source joint, or -1 (fresh)
  std::vector<std::string> loaded;           // copied whole
  std::vector<std::string> per_joint;        // copied joint by joint (the heads' outputs)
  std::vector<std::pair<std::string, std::string>> fresh;  // not loaded: name, why
  std::string text() const;                  // the lines `kplab train` prints
  nlohmann::json json() const;               // the run folder's init.json
};

// The checkpoint `init.from` names: the file itself, or a run or zoo folder's
// checkpoints/best.pt (else last.pt) or last.pt. Missing ones fail naming the path.
std::string init_checkpoint_path(const InitConfig& init);

// Loads the source checkpoint named by `init` (verified like every
// checkpoint) and copies what fits into `target`, whose joints are
// `target_joints`. Fails when nothing loads, when the schemas share no joint,
// or when the source's joints cannot be known (an old checkpoint whose
// schema file is not found).
TransferReport transfer_weights(const InitConfig& init, PoseModelImpl& target, const std::vector<std::string>& target_joints,
                                const ModelRegistry& registry);

}  // namespace kplab
