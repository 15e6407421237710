// kplab: one command, one verb per job (DESIGN.md, "The command").
#include <torch/torch.h>

#include <cstdio>
#include <cstring>
#include <cxxopts.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/allocator.h"
#include "core/error.h"
#include "core/hardware.h"
#include "core/threads.h"
#include "verbs.h"

namespace {

struct Verb {
  const char* name;
  const char* summary;
  std::function<int(int, char**)> run;
};

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> table = {
      {"prepare", "read a raw dataset, validate it, crop each person, write the HDF5 cache", kplab::cli::prepare},
      {"train", "run an experiment's training phases", kplab::cli::train},
      {"eval", "PCK@alpha, PCKh@alpha, per joint, AUC, pixel error", kplab::cli::eval},
      {"bench", "latency (median, p90, p99) of LibTorch and ONNX, params, MACs", kplab::cli::bench},
      {"ablate", "train, evaluate and benchmark several variants under one budget", kplab::cli::ablate},
      {"export", "write the inference graph as ONNX (and TFLite), lint it, prove parity", kplab::cli::export_model},
      {"release", "a run as a model-zoo folder: weights, ONNX, experiment, model card", kplab::cli::release},
      {"lint-onnx", "TFLite-compatibility report for any ONNX file", kplab::cli::lint_onnx},
      {"predict", "keypoints, overlays, joint angles and repetitions through the exported ONNX", kplab::cli::predict},
      {"report", "self-contained HTML report with plots", kplab::cli::report},
      {"models", "list the registered models", kplab::cli::models},
      {"schema-from-yolo", "draft a schema file from a YOLO-pose data.yaml (kpt_names, flip_idx)",
       kplab::cli::schema_from_yolo},
      {"to-yolo", "write a dataset as an Ultralytics YOLO-pose set (any reader, any schema mapping)", kplab::cli::to_yolo},
      {"classify", "good/bad posture classifier on keypoints: train (k-fold CV), eval, predict with explanations",
       kplab::cli::classify},
      {"posture-report", "a set with known truth: measures' error, classifier on true and predicted keypoints, verdicts",
       kplab::cli::posture_report},
      {"serve", "a local web page: upload a photo or video, see the skeleton, measures and verdict, download results",
       kplab::cli::serve},
  };
  return table;
}

void usage(FILE* out) {
  std::fprintf(out,
               "kplab: research custom keypoint networks, from an ablation table to a TFLite-ready file.\n\n"
               "usage: kplab VERB [options]   (kplab VERB --help for each verb's options; kplab --version: the build)\n\nverbs:\n");
  for (const auto& v : verbs())
    std::fprintf(out, "  %-10s %s\n", v.name, v.summary);
}

}  // namespace

int main(int argc, char** argv) {
  kplab::tune_allocator();
  if (argc == 2 && !std::strcmp(argv[1], "--version")) {
    const auto b = kplab::build_json();
    const int devices = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
    std::printf("kplab %s (commit %s): LibTorch %s (%s; %s), NCCL backend %s\n", b["version"].get<std::string>().c_str(),
                b["commit"].get<std::string>().c_str(), b["libtorch"].get<std::string>().c_str(),
                b["cuda_build"].get<bool>() ? "CUDA build" : "CPU-only build",
                devices ? kplab::str(devices, " CUDA device(s) available").c_str() : "no CUDA device available",
                b["nccl"].get<bool>() ? "built in" : "not built");
    return 0;
  }
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  const Verb* verb = nullptr;
  for (const auto& v : verbs())
    if (name == v.name) verb = &v;
  if (!verb) {
    std::fprintf(stderr, "kplab: unknown verb '%s'\n", name.c_str());
    usage(stderr);
    return 2;
  }
  // LibTorch starts with one thread here; all cores make forward passes ~4x faster.
  torch::set_num_threads(kplab::default_threads());
  std::string prog = "kplab " + name;
  std::vector<char*> args = {prog.data()};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  try {
    return verb->run(static_cast<int>(args.size()), args.data());
  } catch (const cxxopts::exceptions::exception& e) {
    std::fprintf(stderr, "%s: %s (see %s --help)\n", prog.c_str(), e.what(), prog.c_str());
    return 2;
  } catch (const kplab::Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return 1;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return 1;
  }
}
