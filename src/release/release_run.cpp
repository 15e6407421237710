#include "release/release_run.h"

#include <unistd.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/cache.h"
#include "data/schema.h"
#include "eval/benchmark.h"
#include "export/export_model.h"
#include "export/runtimes.h"
#include "export/tflite_export.h"
#include "release/model_card.h"
#include "release/model_card_markdown.h"
#include "run/run_model.h"
#include "train/experiment.h"
#include "train/experiment_paths.h"

namespace kplab {

namespace {

namespace fs = std::filesystem;

// Argument and path checks, before the minutes of evaluation and export.
void check_release_options(const ReleaseOptions& o) {
  const fs::path run = o.run, out = o.out;
  KP_CHECK(o.decoder == "heatmap" || o.decoder == "regression", "--decoder: expected heatmap or regression, found '",
           o.decoder, "'");
  KP_CHECK(fs::is_directory(run), run.string(), ": expected a training run folder, found none");
  if (fs::exists(out) && !o.force) throw input_error(out.string(), "folder", "a new folder (or --force)", "an existing one");
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  KP_CHECK(fs::is_directory(parent), out.string(), ": its folder ", parent.string(), " does not exist");
}

// model.onnx and model.tflite into `stage`, then their batch-1 latency.
void export_and_time(const ReleaseOptions& o, RunModel& rm, const fs::path& stage, ReleaseMeasurements& m) {
  onnx_export::ExportOptions xo;
  xo.with_heatmap = true;
  xo.metadata["kplab.source"] = rm.checkpoint;
  xo.metadata["kplab.experiment"] = rm.meta.config;
  if (const std::string schema = run_schema_text(rm); !schema.empty()) xo.metadata["kplab.schema"] = schema;
  m.onnx = onnx_export::export_onnx(*rm.model, (stage / "model.onnx").string(), xo);
  // The phone's file: onnx2tf, builtin operators only, float32 proven in LiteRT.
  onnx_export::TfliteOptions to;
  to.threads = o.threads;
  m.tflite = onnx_export::export_tflite(*rm.model, (stage / "model.onnx").string(), (stage / "model.tflite").string(), to);

  BenchOptions bo;
  bo.batches = {1};
  bo.threads = o.threads;
  bo.repeats = o.repeats;
  bo.work_dir = stage.string();
  m.latency = benchmark_model(*rm.model, bo);
  m.litert = onnx_export::time_in_runtime((stage / "model.tflite").string(), bo.threads, bo.warmup, bo.repeats);
  m.litert["runtime"] = "litert_xnnpack";  // model.tflite, all its outputs (heatmaps too)
  m.litert["file"] = "model.tflite";
  m.latency["results"].push_back(m.litert);
}

// The folder is itself a run folder (config.yaml + checkpoints/best.pt), so
// kplab eval, report, export, bench and predict all take it as RUN.
void copy_run_files(const ReleaseOptions& o, const RunModel& rm, const fs::path& stage) {
  const fs::path run = o.run;
  fs::create_directories(stage / "checkpoints");
  fs::copy_file(rm.checkpoint, stage / "checkpoints" / "best.pt");
  // Its paths relative to the released folder, as they were to the run's.
  AtomicFile((stage / "config.yaml").string(), false)
      .commit_bytes(rebase_experiment_yaml(rm.meta.config, (run / "config.yaml").string(), o.out));
  // The run's history travels too: kplab report draws its training curves from it.
  for (const char* f : {"metrics.csv", "command.txt"})
    if (fs::exists(run / f)) fs::copy_file(run / f, stage / f);
}

}  // namespace

nlohmann::json release_run(const ReleaseOptions& o, const ModelRegistry& registry) {
  check_release_options(o);
  const fs::path run = o.run, out = o.out;
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  RunModel rm = load_run_model(run.string(), registry, o.checkpoint);
  const Experiment exp = load_experiment((run / "config.yaml").string());
  const Schema schema = load_schema(exp.data.schema);
  const CacheData cache = read_cache(exp.data.cache);

  ReleaseMeasurements m;
  RunEvalOptions eo;
  eo.split = o.split;
  eo.decoder = o.decoder;
  eo.checkpoint = o.checkpoint;
  m.eval = evaluate_run_model(rm, exp, cache, exp.data.cache, eo);

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
  export_and_time(o, rm, stage, m);
  copy_run_files(o, rm, stage);

  const nlohmann::json card = model_card(o, {rm, schema, exp.data.schema, cache.command}, m);
  AtomicFile((stage / "model_card.json").string(), false).commit_bytes(card.dump(2) + "\n");
  AtomicFile((stage / "model_card.md").string(), false).commit_bytes(model_card_markdown(card));

  if (fs::exists(out)) fs::remove_all(out);  // --force
  fs::rename(stage, out);
  cleanup.path.clear();
  return card;
}

}  // namespace kplab
