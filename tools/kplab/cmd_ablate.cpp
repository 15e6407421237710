// kplab ablate: trains, evaluates and benchmarks every variant of an
// ablation file on the same data, one run folder each, and keeps
// results.{json,csv,md} up to date after every row (src/ablation/ablation_run.h).
// Resumable: a finished row is not rerun, an interrupted one continues.
#include <cstdio>
#include <cxxopts.hpp>

#include "ablation/ablation_run.h"
#include "ablation/results_table.h"
#include "core/json_output.h"
#include "models/registry.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int ablate(int argc, char** argv) {
  AblationRunOptions o;  // each option is read into its field
  const std::string command = command_line("ablate", argc, argv);
  cxxopts::Options opts(argv[0],
                        "Train, evaluate and benchmark every variant of an ablation file on the same data and budget;\n"
                        "writes OUT/results.{md,csv,json} (variant, params, MACs, PCK@0.2, PCKh@0.5, AUC, latency of\n"
                        "LibTorch and of the ONNX graph in OpenCV DNN, training time, hardware) and one run folder per\n"
                        "variant. Run it again to resume: finished rows are kept, an interrupted one continues.\n");
  opts.add_options()
      ("ablation", "ablation file", cxxopts::value<std::string>(o.ablation))
      ("out", "output folder (default runs/ablations/NAME)", cxxopts::value<std::string>(o.out)->default_value(""))
      ("device", "training and evaluation device: cpu, cuda or cuda:N", cxxopts::value<std::string>(o.device)->default_value("cpu"))
      ("threads", "training threads (0 = all cores)", cxxopts::value<int>(o.threads)->default_value("0"))
      ("set", "override for every variant, e.g. --set phases.0.epochs=1 (repeatable)",
       cxxopts::value<std::vector<std::string>>(o.sets))
      ("variants", "only these variants, comma-separated (e.g. the top rows again with --set seed=1)",
       cxxopts::value<std::vector<std::string>>(o.variants))
      ("json", "also write results.json here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"ablation"});
  opts.positional_help("ABLATION.yaml");
  const auto r = parse_args(opts, argc, argv,
                            {"kplab ablate experiments/ablation_reference.yaml --out runs/ablations/reference",
                             "kplab ablate experiments/ablation_reference.yaml --variants base,vit2 --set seed=1 "
                             "--out runs/ablations/reference_seed1"});
  if (!r) return 0;
  require(*r, "ablation", argv[0], "ABLATION.yaml");
  JsonOutput json_out((*r)["json"].as<std::string>());
  o.command = command;
  o.stop_on_sigint = true;
  const AblationOutcome outcome = run_ablation(o, model_registry());
  if (outcome.interrupted) return 130;
  std::printf("%s", results_markdown(outcome.results).c_str());
  std::printf("\nwrote %s/results.{md,csv,json}\n", outcome.out.c_str());
  json_out.write(outcome.results);
  return outcome.failed ? 1 : 0;
}

}  // namespace kplab::cli
