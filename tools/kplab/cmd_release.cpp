// kplab release: a training run as a model-zoo entry: the weights and the
// experiment (laid out as a run folder), the checked ONNX graph, and a model
// card (JSON and Markdown) whose every number is measured by this command on
// a named split.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <cxxopts.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hardware.h"
#include "core/number_format.h"
#include "data/cache.h"
#include "data/schema.h"
#include "eval/benchmark.h"
#include "export/export_model.h"
#include "export/runtimes.h"
#include "export/tflite_export.h"
#include "command_line.h"
#include "json_output.h"
#include "run_model.h"
#include "train/experiment_paths.h"
#include "train/experiment.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

namespace fs = std::filesystem;

// First line a shell command prints, or "" when it fails.
std::string command_output(const std::string& command) {
  std::array<char, 512> buf{};
  std::string out;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return "";
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (::pclose(p) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

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

std::string card_markdown(const nlohmann::json& c) {
  std::ostringstream md;
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
     << "| decoder | PCK@0.2 | PCKh@0.5 | AUC (α ≤ 0.5) | mean error px | left/right swaps |\n"
     << "|---|---|---|---|---|---|\n";
  for (const char* d : {"heatmap", "regression"}) {
    const auto& b = m["by_decoder"][d];
    md << "| " << d << (m["decoder"] == d ? " (recommended)" : "") << " | " << percent(b["pck@0.2"]) << " | "
       << percent(b["pckh@0.5"]) << " | " << percent(b["auc"]) << " | " << fixed(b["mean_px"].get<double>(), 2) << " | "
       << percent(b["left_right_swaps@0.2"]) << " |\n";
  }
  md << "\nMean error is in original-image pixels. Left/right swaps: the share of joints (whose mirror partner is "
        "labeled) predicted within 0.2 torso of the partner's position but not of their own.\n"
     << "\nPer joint, PCK@0.2 of the recommended decoder:\n\n| joint | PCK@0.2 |\n|---|---|\n";
  for (const auto& joint : c["schema"]["joints"])  // schema order, not the JSON object's
    md << "| " << joint.get<std::string>() << " | "
       << percent(m["by_decoder"][m["decoder"].get<std::string>()]["per_joint"][joint.get<std::string>()]) << " |\n";
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
        "builtin kernels (the file is refused above 1e-4): "
     << scientific(tf["max_abs_diff_litert_vs_libtorch"])
     << "; with XNNPACK, the CPU delegate a phone runs: " << scientific(tf["max_abs_diff_litert_xnnpack_vs_libtorch"])
     << ".\n";
  md << "\n## Latency\n\nBatch 1, " << c["latency"]["hardware"]["threads"] << " threads on "
     << c["latency"]["hardware"]["cpu"].get<std::string>() << ", " << c["latency"]["warmup"] << " warm-up + "
     << c["latency"]["repeats"] << " timed runs, coordinates and visibility:\n\n"
     << "| runtime | median ms | p90 ms |\n|---|---|---|\n";
  for (const auto& r : c["latency"]["results"])
    md << "| " << r["runtime"].get<std::string>() << (r.contains("file") ? " (model.tflite, heatmaps too)" : "") << " | " << fixed(r["median_ms"].get<double>(), 2) << " | "
       << fixed(r["p90_ms"].get<double>(), 2) << " |\n";
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
  return md.str();
}

}  // namespace

int release(int argc, char** argv) {
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
      ("run", "training run folder", cxxopts::value<std::string>())
      ("out", "zoo folder to create (e.g. models/zoo/NAME)", cxxopts::value<std::string>())
      ("split", "held-out split the card reports", cxxopts::value<std::string>()->default_value("test"))
      ("decoder", "recommended decoder: heatmap or regression", cxxopts::value<std::string>()->default_value("heatmap"))
      ("checkpoint", "best (best.pt, else last.pt) or last", cxxopts::value<std::string>()->default_value("best"))
      ("threads", "CPU threads for the latency rows", cxxopts::value<int>()->default_value("2"))
      ("repeats", "timed runs per latency row", cxxopts::value<int>()->default_value("100"))
      ("force", "replace an existing folder", cxxopts::value<bool>()->default_value("false"))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("RUN");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexample:\n  kplab release runs/lspet/base_ours --out models/zoo/blazepose_lspet_128\n",
                opts.help().c_str());
    return 0;
  }
  if (!r.count("run")) throw Error(str("missing RUN (see ", argv[0], " --help)"));
  if (!r.count("out")) throw Error(str("missing --out (see ", argv[0], " --help)"));
  const fs::path run = r["run"].as<std::string>(), out = r["out"].as<std::string>();
  const std::string decoder = r["decoder"].as<std::string>();
  KP_CHECK(decoder == "heatmap" || decoder == "regression", "--decoder: expected heatmap or regression, found '",
           decoder, "'");
  KP_CHECK(fs::is_directory(run), run.string(), ": expected a training run folder, found none");
  const bool force = r["force"].as<bool>();
  if (fs::exists(out) && !force) throw input_error(out.string(), "folder", "a new folder (or --force)", "an existing one");
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  KP_CHECK(fs::is_directory(parent), out.string(), ": its folder ", parent.string(), " does not exist");

  RunModel rm = load_run_model(run.string(), r["checkpoint"].as<std::string>());
  const Experiment exp = load_experiment((run / "config.yaml").string());
  const Schema schema = load_schema(exp.data.schema);
  const CacheData cache = read_cache(exp.data.cache);

  RunEvalOptions eo;
  eo.split = r["split"].as<std::string>();
  eo.decoder = decoder;
  eo.checkpoint = r["checkpoint"].as<std::string>();
  nlohmann::json ev = evaluate_run_model(rm, exp, cache, exp.data.cache, eo);

  // Everything is written into a staging folder beside OUT, then renamed.
  remove_stale_temporaries(out.string());  // staging folders of killed releases
  const fs::path stage = parent / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{stage};
  fs::create_directories(stage);

  onnx_export::ExportOptions xo;
  xo.with_heatmap = true;
  xo.metadata["kplab.source"] = rm.checkpoint;
  xo.metadata["kplab.experiment"] = rm.meta.config;
  if (const std::string schema = run_schema_text(rm); !schema.empty()) xo.metadata["kplab.schema"] = schema;
  onnx_export::ExportReport rep = onnx_export::export_onnx(*rm.model, (stage / "model.onnx").string(), xo);
  // The phone's file: onnx2tf, builtin operators only, float32 proven in LiteRT.
  onnx_export::TfliteOptions to;
  to.threads = r["threads"].as<int>();
  onnx_export::TfliteReport tflite =
      onnx_export::export_tflite(*rm.model, (stage / "model.onnx").string(), (stage / "model.tflite").string(), to);

  BenchOptions bo;
  bo.batches = {1};
  bo.threads = r["threads"].as<int>();
  bo.repeats = r["repeats"].as<int>();
  bo.work_dir = stage.string();
  nlohmann::json bench = benchmark_model(*rm.model, bo);
  nlohmann::json litert = onnx_export::time_in_runtime((stage / "model.tflite").string(), bo.threads, bo.warmup,
                                                       bo.repeats);
  litert["runtime"] = "litert_xnnpack";  // model.tflite, all its outputs (heatmaps too)
  litert["file"] = "model.tflite";
  bench["results"].push_back(litert);

  // The folder is itself a run folder (config.yaml + checkpoints/best.pt), so
  // kplab eval, report, export, bench and predict all take it as RUN.
  fs::create_directories(stage / "checkpoints");
  fs::copy_file(rm.checkpoint, stage / "checkpoints" / "best.pt");
  // Its paths relative to the released folder, as they were to the run's.
  AtomicFile((stage / "config.yaml").string(), false)
      .commit_bytes(rebase_experiment_yaml(rm.meta.config, (run / "config.yaml").string(), out.string()));
  // The run's history travels too: kplab report draws its training curves from it.
  for (const char* f : {"metrics.csv", "command.txt"})
    if (fs::exists(run / f)) fs::copy_file(run / f, stage / f);

  nlohmann::json metrics = ev;
  metrics.erase("pck_curve");
  const std::string commit = command_output("git rev-parse HEAD");
  nlohmann::json card = {
      {"name", out.filename().string()},
      {"model",
       {{"name", rm.model->describe()["name"].as<std::string>()},
        {"options_yaml", YAML::Dump(rm.model->describe()["options"])}}},
      {"parameters", rep.parameters},
      {"macs", rep.macs},
      {"schema",
       {{"name", schema.name}, {"file", exp.data.schema}, {"joints", schema.joints}, {"flip_pairs", schema.flip_pairs}}},
      {"input",
       {{"name", "image"},
        {"size", rm.model->input_size()},
        {"layout", str("float32 1 x 3 x ", rm.model->input_size(), " x ", rm.model->input_size(),
                       ", RGB, NCHW, pixels divided by 255 (range [0, 1]); no mean or std subtraction")},
        {"crop", "a square crop centred on the person's box, its side the box's larger side x (1 + margin) "
                 "(--margin of data_command, default 0.25; LSP boxes are the labeled joints' extent), "
                 "resized to the input size"}}},
      {"outputs",
       {{"coords", "1 x K x 2, (x, y) in input pixels, pixel centres at integers (regression decoder)"},
        {"visibility", "1 x K probabilities that each joint is labeled visible"},
        {"heatmaps", str("1 x K x ", rm.model->heatmap_size(), " x ", rm.model->heatmap_size(),
                         " probabilities; the heatmap decoder takes each map's argmax refined by a "
                         "parabola through the log of its neighbours, scaled by input/heatmap size")}}},
      {"metrics", metrics},
      {"latency", bench},
      {"onnx", rep.to_json()},
      {"tflite",
       {{"file", "model.tflite"},
        {"bytes", tflite.bytes},
        {"converter", tflite.converter},
        {"operators", tflite.operators},
        {"max_abs_diff_litert_vs_libtorch", tflite.max_abs_diff},
        {"max_abs_diff_litert_xnnpack_vs_libtorch", tflite.max_abs_diff_xnnpack},
        {"input", tflite.metadata["input"]},
        {"outputs", tflite.metadata["outputs"]},
        {"latency", litert}}},
      {"training",
       {{"command", fs::exists(run / "command.txt") ? read_text(run / "command.txt") : "unrecorded"},
        {"run", run.string()},
        {"data_command", cache.command},
        {"checkpoint", fs::path(rm.checkpoint).stem().string()},
        {"checkpoint_phase", rm.meta.progress.phase},
        {"checkpoint_epoch", rm.meta.progress.epoch},
        {"best_validation_pck", rm.meta.progress.best_metric},
        {"seconds", training_seconds(run.string())}}},
      {"release",
       {{"date", utc_now()},
        {"commit", commit.empty() ? "unknown" : commit},
        {"dirty", !command_output("git status --porcelain --untracked-files=no").empty()},
        {"folder", out.string()},
        {"command", command}}}};
  card["metrics"]["decoder"] = decoder;
  AtomicFile((stage / "model_card.json").string(), false).commit_bytes(card.dump(2) + "\n");
  AtomicFile((stage / "model_card.md").string(), false).commit_bytes(card_markdown(card));

  if (fs::exists(out)) fs::remove_all(out);  // --force
  fs::rename(stage, out);
  cleanup.path.clear();
  const auto& best = card["metrics"]["by_decoder"][decoder];
  std::printf("released %s: %s decoder PCK@0.2 %s, PCKh@0.5 %s, AUC %s on %s (%lld people)\n", out.c_str(),
              decoder.c_str(), percent(best["pck@0.2"]).c_str(), percent(best["pckh@0.5"]).c_str(), percent(best["auc"]).c_str(),
              eo.split.c_str(), static_cast<long long>(ev["n_samples"].get<int64_t>()));
  return 0;
}

}  // namespace kplab::cli
