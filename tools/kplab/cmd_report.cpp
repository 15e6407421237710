// kplab report: one self-contained HTML page for a training run or an
// ablation folder (src/report/).
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/split.h"
#include "core/json_output.h"
#include "report/ablation_report.h"
#include "report/html_page.h"
#include "report/run_report.h"
#include "run/run_model.h"
#include "models/registry.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace fs = std::filesystem;

int report(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Write one self-contained HTML report (inline charts and images, nothing fetched) for a\n"
                        "training run (summary of both decoders, training curves, PCK over alpha, per-joint PCK, the\n"
                        "best and worst predictions of the split) or for an ablation folder made by kplab ablate\n"
                        "(results table, PCK over alpha and per joint for every variant, latency against accuracy,\n"
                        "validation curves, the best variant's best and worst predictions).\n");
  opts.add_options()
      ("dir", "training run or ablation folder", cxxopts::value<std::string>())
      ("out", "the HTML file (default: DIR/report.html; replaced if it exists)", cxxopts::value<std::string>()->default_value(""))
      ("data", "cache to evaluate on (default: each run's training cache)", cxxopts::value<std::string>()->default_value(""))
      ("split", "train, val or test (default: test; for an ablation, the split results.json names)",
       cxxopts::value<std::string>()->default_value(""))
      ("device", "cpu, cuda or cuda:N", cxxopts::value<std::string>()->default_value("cpu"))
      ("grid", "best and worst predictions shown (each)", cxxopts::value<int>()->default_value("8"))
      ("json", "write a summary of the report as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"dir"});
  opts.positional_help("RUN|ABLATION_DIR");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab report runs/quickstart/train", "kplab report runs/ablation_heads --out heads.html"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  require(r, "dir", argv[0], "RUN|ABLATION_DIR");
  std::string dir = r["dir"].as<std::string>();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw input_error(dir, "RUN|ABLATION_DIR", "an existing folder", "nothing at that path");
  if (!fs::is_directory(dir, ec)) throw input_error(dir, "RUN|ABLATION_DIR", "a folder", "a file");
  const bool ablation = report::is_ablation_dir(dir);
  if (!ablation && !report::is_run_dir(dir))
    throw input_error(dir, "contents",
                      "a training run (config.yaml with checkpoints/ or metrics.csv) or an ablation folder (results.json)",
                      "neither");
  const int grid = r["grid"].as<int>();
  if (grid < 1 || grid > 64) throw input_error("--grid", "value", "1 to 64", std::to_string(grid));
  const std::string split = r["split"].as<std::string>();
  if (!split.empty()) parse_split_name(split);  // a typo fails now, not after the evaluation

  // Output paths are checked before the work; nothing is written on failure.
  std::string out = r["out"].as<std::string>();
  if (out.empty()) out = (fs::path(dir) / "report.html").string();
  AtomicFile html_file(out, true);
  JsonOutput json_out(r["json"].as<std::string>());

  report::ReportOptions ro;
  ro.data = r["data"].as<std::string>();
  ro.split = split;
  ro.device = r["device"].as<std::string>();
  ro.grid = grid;
  ro.load_model = [](const std::string& run) { return load_run_model(run, model_registry()); };
  report::Report rep = ablation ? report::ablation_report(dir, ro) : report::run_report(dir, ro);
  html_file.commit_bytes(rep.html);
  rep.summary["report"] = out;
  std::printf("%s report: %s (%.0f KB)\n", ablation ? "ablation" : "run", out.c_str(), rep.html.size() / 1024.0);
  json_out.write(rep.summary);
  return 0;
}

}  // namespace kplab::cli
