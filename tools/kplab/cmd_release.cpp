// kplab release: a training run as a model-zoo entry: the weights and the
// experiment (laid out as a run folder), the checked ONNX graph, and a model
// card (JSON and Markdown) whose every number is measured by this command on
// a named split (src/release/release_run.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "models/registry.h"
#include "release/release_run.h"
#include "core/number_format.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int release(int argc, char** argv) {
  ReleaseOptions o;  // each option is read into its field
  const std::string command = command_line("release", argc, argv);
  cxxopts::Options opts(argv[0],
                        "Release a training run as a model-zoo folder that is itself a run folder for the other verbs:\n"
                        "checkpoints/best.pt (the run's best or last checkpoint), config.yaml, the run's metrics.csv and\n"
                        "command.txt; model.onnx (with heatmaps, checked and parity-proven); model.tflite (onnx2tf,\n"
                        "builtin operators only, LiteRT parity); and model_card.{json,md}\n"
                        "with accuracy on a held-out split (both decoders, per joint, left/right swaps), batch-1 latency,\n"
                        "the schema, input size and normalisation, the training and data commands and the commit. The\n"
                        "folder appears complete or not at all.\n");
  opts.add_options()
      ("run", "training run folder", cxxopts::value<std::string>(o.run))
      ("out", "zoo folder to create (e.g. models/zoo/NAME)", cxxopts::value<std::string>(o.out))
      ("split", "held-out split the card reports", cxxopts::value<std::string>(o.split)->default_value("test"))
      ("decoder", "recommended decoder: heatmap or regression", cxxopts::value<std::string>(o.decoder)->default_value("heatmap"))
      ("checkpoint", "best (best.pt, else last.pt) or last", cxxopts::value<std::string>(o.checkpoint)->default_value("best"))
      ("threads", "CPU threads for the latency rows", cxxopts::value<int>(o.threads)->default_value("2"))
      ("repeats", "timed runs per latency row", cxxopts::value<int>(o.repeats)->default_value("100"))
      ("force", "replace an existing folder", cxxopts::value<bool>(o.force)->default_value("false"))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("RUN");
  const auto r = parse_args(opts, argc, argv, {"kplab release runs/lspet/base_ours --out models/zoo/blazepose_lspet_128"});
  if (!r) return 0;
  require(*r, "run", argv[0], "RUN");
  require(*r, "out", argv[0]);
  o.command = command;
  nlohmann::json card = release_run(o, model_registry());

  const auto& best = card["metrics"]["by_decoder"][o.decoder];
  std::printf("released %s: %s decoder PCK@0.2 %s, PCKh@0.5 %s, AUC %s on %s (%lld people)\n", o.out.c_str(),
              o.decoder.c_str(), percent(best["pck@0.2"]).c_str(), percent(best["pckh@0.5"]).c_str(),
              percent(best["auc"]).c_str(), o.split.c_str(),
              static_cast<long long>(card["metrics"]["n_samples"].get<int64_t>()));
  return 0;
}

}  // namespace kplab::cli
