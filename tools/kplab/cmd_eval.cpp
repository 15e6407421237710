// kplab eval: accuracy of a training run's best checkpoint on a cache split
// (src/eval/evaluate.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "data/schema.h"
#include "core/json_output.h"
#include "models/registry.h"
#include "core/number_format.h"
#include "run/run_model.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int eval(int argc, char** argv) {
  RunEvalOptions eo;  // each option is read into its field
  cxxopts::Options opts(argv[0],
                        "Evaluate a training run's best checkpoint (else its last; --checkpoint last: its final weights)\n"
                        "on a cache split: PCK@0.2 normalised by the torso (LSP protocol: left shoulder to right hip),\n"
                        "PCKh@0.5 (neck to head top), per-joint PCK, AUC of PCK over alpha in [0, 0.5], mean/median\n"
                        "error in original-image pixels, left/right swaps, swap-forgiving PCK@0.2 (each person against\n"
                        "the better of its labelled and mirrored truth) and PCK of occluded vs unoccluded joints (where\n"
                        "the dataset flags occlusion), over labeled joints only, for the regression and the heatmap decoder.\n");
  opts.add_options()
      ("run", "training run folder", cxxopts::value<std::string>())
      ("data", "cache to evaluate on (default: the run's training cache)", cxxopts::value<std::string>(eo.data)->default_value(""))
      ("split", "train, val or test", cxxopts::value<std::string>(eo.split)->default_value("test"))
      ("decoder", "decoder reported first: regression or heatmap", cxxopts::value<std::string>(eo.decoder)->default_value("regression"))
      ("checkpoint", "best (best.pt, else last.pt) or last", cxxopts::value<std::string>(eo.checkpoint)->default_value("best"))
      ("device", "cpu, cuda or cuda:N", cxxopts::value<std::string>(eo.device)->default_value("cpu"))
      ("tflite", "score this .tflite (kplab export --tflite) in LiteRT instead of the checkpoint; its input and\n"
       "keypoints must match the run's model", cxxopts::value<std::string>(eo.tflite)->default_value(""))
      ("onnx", "score this .onnx (kplab export) in kplab's XNNPACK runner (what predict runs) instead of the\n"
       "checkpoint: the exported graph's own outputs; its input and keypoints must match the run's model",
       cxxopts::value<std::string>(eo.onnx)->default_value(""))
      ("threads", "threads of LiteRT (--tflite) or of the runner (--onnx)", cxxopts::value<int>(eo.threads)->default_value("2"))
      ("flip-test", "flip test-time augmentation: also predict the mirrored image, map it back (left and right\n"
       "joints swapped) and average; a model whose coords are the soft-argmax of its heatmaps takes them from\n"
       "the averaged heatmaps", cxxopts::value<bool>(eo.flip_test)->default_value("false"))
      ("json", "write the results as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("RUN");
  const auto parsed = parse_args(opts, argc, argv, {"kplab eval runs/quickstart/train --split val --json eval.json"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  require(r, "run", argv[0], "RUN");
  const std::string run = r["run"].as<std::string>();
  JsonOutput json_out(r["json"].as<std::string>());

  nlohmann::json j = evaluate_run(run, eo, model_registry());
  const std::vector<std::string> joints = j["joints"].get<std::vector<std::string>>();
  const std::string data = j["data"];
  const std::string checkpoint = !eo.tflite.empty() ? eo.tflite + " (LiteRT)"
                                 : !eo.onnx.empty() ? eo.onnx + " (kplab's XNNPACK runner)"
                                                    : j["checkpoint"].get<std::string>();

  std::printf("%s on %s (split %s, %lld people, %lld labeled joints%s)\n", checkpoint.c_str(), data.c_str(),
              r["split"].as<std::string>().c_str(), static_cast<long long>(j["n_samples"].get<int64_t>()),
              static_cast<long long>(j["n_joints"].get<int64_t>()), eo.flip_test ? ", flip test" : "");
  // Strict PCK beside the swap-forgiving one (each person against the better of
  // its labelled and mirrored truth): their gap is what left/right costs.
  std::printf("%-12s %9s %10s %9s %7s %9s %9s\n", "decoder", "PCK@0.2", "forgiving", "PCKh@0.5", "AUC", "mean px",
              "median px");
  const nlohmann::json& by = j["by_decoder"];
  for (const char* d : {"regression", "heatmap"}) {
    if (!by.contains(d)) continue;  // a graph without heatmaps
    const auto& m = by[d];
    std::printf("%-12s %9s %10s %9s %7s %9.2f %9.2f\n", d, percent(m["pck@0.2"]).c_str(),
                percent(m["pck@0.2_swap_forgiving"]).c_str(), percent(m["pckh@0.5"]).c_str(), percent(m["auc"]).c_str(),
                m["mean_px"].get<double>(), m["median_px"].get<double>());
  }
  std::printf("%-12s %9s %13s %11s\n", "decoder", "swapped", "PCK unoccl.", "PCK occl.");
  for (const char* d : {"regression", "heatmap"}) {
    if (!by.contains(d)) continue;
    const auto& m = by[d];
    std::printf("%-12s %9s %13s %11s\n", d, percent(m["left_right_swaps@0.2"]).c_str(), percent(m["pck@0.2_unoccluded"]).c_str(),
                percent(m["pck@0.2_occluded"]).c_str());
  }
  std::printf("per joint PCK@0.2 (%s):\n", eo.decoder.c_str());
  for (const auto& name : joints) std::printf("  %-16s %s\n", name.c_str(), percent(j["per_joint"][name]).c_str());
  json_out.write(j);
  return 0;
}

}  // namespace kplab::cli
