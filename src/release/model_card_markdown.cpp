#include "release/model_card_markdown.h"

#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "core/number_format.h"

namespace kplab {

namespace {


// "coords 2.3e-05, heatmaps 1.9e-07" for an object of output -> difference.
std::string scientific(const nlohmann::json& diffs) {
  std::string out;
  char buf[32];
  for (const auto& kv : diffs.items()) {
    std::snprintf(buf, sizeof buf, "%.1e", kv.value().get<double>());
    out += (out.empty() ? "" : ", ") + kv.key() + " " + buf;
  }
  return out;
}

// The title line, then accuracy by decoder and per joint.
void write_accuracy(std::ostream& md, const nlohmann::json& c) {
  const auto& m = c["metrics"];
  md << "# " << c["name"].get<std::string>() << "\n\n"
     << c["model"]["name"].get<std::string>() << " at " << c["input"]["size"] << "x" << c["input"]["size"] << ", "
     << c["parameters"] << " parameters, " << fixed(c["macs"].get<double>() / 1e9, 3) << " GMACs; "
     << c["schema"]["joints"].size() << " joints of schema `" << c["schema"]["name"].get<std::string>() << "`.\n\n"
     << "## Accuracy\n\n"
     << "Measured by `kplab release` on the **" << m["split"].get<std::string>() << "** split of `"
     << m["data"].get<std::string>() << "` (" << m["n_samples"] << " people, " << m["n_joints"]
     << " labeled joints; never trained on, never used to pick a checkpoint). PCK@0.2 is normalised by the torso "
        "(left shoulder to right hip), PCKh@0.5 by the head segment (neck to head top), over labeled joints only.\n\n"
     << "| decoder | PCK@0.2 | PCK@0.2 swap-forgiving | PCKh@0.5 | AUC (α ≤ 0.5) | mean error px | left/right swaps |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const char* d : {"heatmap", "regression"}) {
    const auto& b = m["by_decoder"][d];
    const nlohmann::json forgiving = b.value("pck@0.2_swap_forgiving", nlohmann::json());  // cards before it: n/a
    md << "| " << d << (m["decoder"] == d ? " (recommended)" : "") << " | " << percent(b["pck@0.2"]) << " | "
       << percent(forgiving) << " | " << percent(b["pckh@0.5"]) << " | " << percent(b["auc"]) << " | "
       << fixed(b["mean_px"].get<double>(), 2) << " | " << percent(b["left_right_swaps@0.2"]) << " |\n";
  }
  md << "\nMean error is in original-image pixels. Swap-forgiving: each person scored against the better of its "
        "labelled and its mirrored truth (left and right exchanged for the whole body), beside the strict score, "
        "never instead of it. Left/right swaps: the share of joints (whose mirror partner is "
        "labeled) predicted within 0.2 torso of the partner's position but not of their own.\n"
     << "\nPer joint, PCK@0.2 of the recommended decoder:\n\n| joint | PCK@0.2 |\n|---|---|\n";
  for (const auto& joint : c["schema"]["joints"])  // schema order, not the JSON object's
    md << "| " << joint.get<std::string>() << " | "
       << percent(m["by_decoder"][m["decoder"].get<std::string>()]["per_joint"][joint.get<std::string>()]) << " |\n";
}

// Input, crop, outputs, and the TFLite file with its parity.
void write_input_and_outputs(std::ostream& md, const nlohmann::json& c) {
  md << "\n## Input and outputs\n\n"
     << "- Input `image`: " << c["input"]["layout"].get<std::string>() << ".\n"
     << "- Crop: " << c["input"]["crop"].get<std::string>() << ".\n";
  for (const auto& kv : c["outputs"].items())
    md << "- Output `" << kv.key() << "`: " << kv.value().get<std::string>() << ".\n";
  const auto& tf = c["tflite"];
  md << "- TFLite (`model.tflite`, " << fixed(tf["bytes"].get<double>() / 1e6, 2) << " MB, "
     << tf["converter"].get<std::string>() << ", builtin operators only): input `"
     << tf["input"]["name"].get<std::string>() << "` float32 1 x " << c["input"]["size"] << " x " << c["input"]["size"]
     << " x 3, NHWC, same RGB [0, 1] normalisation; outputs as above";
  for (const auto& kv : tf["outputs"].items())
    if (kv.value()["tflite_shape"] != kv.value()["onnx_shape"]) {
      std::string dims;
      for (const auto& d : kv.value()["tflite_shape"]) dims += (dims.empty() ? "" : " x ") + std::to_string(d.get<int64_t>());
      md << ", except `" << kv.key() << "`, which is " << dims;
    }
  md << " (the file's `kplab` metadata maps each output to the ONNX layout). Largest difference from LibTorch in LiteRT, with TFLite's "
        "builtin kernels (the file is refused above " << scientific(tf["parity_bound"]) << "): "
     << scientific(tf["max_abs_diff_litert_vs_libtorch"])
     << "; with XNNPACK, the CPU delegate a phone runs: " << scientific(tf["max_abs_diff_litert_xnnpack_vs_libtorch"])
     << ".\n";
}

void write_latency(std::ostream& md, const nlohmann::json& c) {
  md << "\n## Latency\n\nBatch 1, " << c["latency"]["hardware"]["threads"] << " threads on "
     << c["latency"]["hardware"]["cpu"].get<std::string>() << ", " << c["latency"]["warmup"] << " warm-up + "
     << c["latency"]["repeats"] << " timed runs, coordinates and visibility:\n\n"
     << "| runtime | median ms | p90 ms |\n|---|---|---|\n";
  for (const auto& r : c["latency"]["results"])
    md << "| " << r["runtime"].get<std::string>() << (r.contains("file") ? " (model.tflite, heatmaps too)" : "") << " | " << fixed(r["median_ms"].get<double>(), 2) << " | "
       << fixed(r["p90_ms"].get<double>(), 2) << " |\n";
}

// How it was trained and released, and how to use it.
void write_training_and_release(std::ostream& md, const nlohmann::json& c) {
  const auto& m = c["metrics"];
  const auto& t = c["training"];
  md << "\n## Training\n\n"
     << "- Command: `" << t["command"].get<std::string>() << "`\n"
     << "- Experiment: `config.yaml` beside this card (the effective configuration).\n"
     << "- Data: `" << t["data_command"].get<std::string>() << "`\n"
     << "- Checkpoint: "
     << (t["checkpoint"] == "last"
             ? std::string("last.pt, the weights the run ended with")
             : str("best.pt: phase ", t["checkpoint_phase"].get<int64_t>() + 1, ", epoch ", t["checkpoint_epoch"].get<int64_t>(),
                   ", the last phase's best epoch by validation PCK (", percent(t["best_validation_pck"]), ")"))
     << "\n"
     << "- Training time: " << fixed(t["seconds"].get<double>() / 60, 1) << " min\n\n"
     << "## Release\n\n"
     << "- Released " << c["release"]["date"].get<std::string>() << " from commit `"
     << c["release"]["commit"].get<std::string>() << "`" << (c["release"]["dirty"].get<bool>() ? " (with local changes)" : "")
     << " by `" << c["release"]["command"].get<std::string>() << "`\n"
     << "- Files: `checkpoints/best.pt` (the LibTorch checkpoint) and `config.yaml`, which make this folder a run "
        "folder for `kplab eval`, `report`, `export` and `bench` (with the run's `metrics.csv` and "
        "`command.txt`); `model.onnx` (opset 13, checked, TFLite-linted, OpenCV DNN parity with LibTorch; "
        "`kplab predict` takes this folder or the file); `model.tflite` (onnx2tf, builtin operators only, "
        "LiteRT parity with LibTorch); `model_card.json`.\n"
     << "\n## Use\n\n```\nkplab predict " << c["release"]["folder"].get<std::string>()
     << " --input photo.jpg --out predictions\nkplab eval " << c["release"]["folder"].get<std::string>()
     << " --split test --decoder " << m["decoder"].get<std::string>() << "   # needs the cache: see Data above\n```\n";
}

}  // namespace

std::string model_card_markdown(const nlohmann::json& card) {
  std::ostringstream md;
  write_accuracy(md, card);
  write_input_and_outputs(md, card);
  write_latency(md, card);
  write_training_and_release(md, card);
  return md.str();
}

}  // namespace kplab
