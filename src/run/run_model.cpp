#include "run/run_model.h"

#include <filesystem>
#include <optional>

#include "core/error.h"
#include "data/cache.h"
#include "data/schema.h"
#include "core/subprocess.h"
#include "eval/evaluate.h"
#include "eval/onnx_predictor.h"
#include "export/tflite_export.h"
#include "train/experiment.h"

namespace kplab {

RunModel load_run_model(const std::string& run, const ModelRegistry& registry, const std::string& which) {
  KP_CHECK(which == "best" || which == "last", "--checkpoint: expected best or last, found '", which, "'");
  RunModel r;
  r.checkpoint = run + "/checkpoints/" + which + ".pt";
  if (which == "best" && !std::filesystem::exists(r.checkpoint)) r.checkpoint = run + "/checkpoints/last.pt";
  r.meta = load_checkpoint(r.checkpoint, nullptr, "", nullptr);
  YAML::Node described = YAML::Load(r.meta.model);
  r.model = registry.get(described["name"].as<std::string>())(described["options"]);
  YAML::Emitter rebuilt;
  rebuilt << r.model->describe();
  load_checkpoint(r.checkpoint, r.model.get(), rebuilt.c_str(), nullptr);
  return r;
}

std::string run_schema_text(const RunModel& rm) {
  try {
    return trained_schema(rm).text;
  } catch (const Error&) {  // exports without a findable schema carry none; predict then asks for --schema
    return "";
  }
}

nlohmann::json evaluate_run(const std::string& run, const RunEvalOptions& o, const ModelRegistry& registry) {
  const Experiment exp = load_experiment(run + "/config.yaml");
  const std::string data = o.data.empty() ? exp.data.cache : o.data;
  RunModel rm = load_run_model(run, registry, o.checkpoint);
  return evaluate_run_model(rm, exp, read_cache(data), data, o);
}

nlohmann::json evaluate_run_model(RunModel& rm, const Experiment& exp, const CacheData& cache, const std::string& data,
                                  const RunEvalOptions& o) {
  TrainedEvalOptions to;
  to.split = o.split;
  to.decoder = o.decoder;
  to.device = o.device;
  to.flip_test = o.flip_test;
  KP_CHECK(o.tflite.empty() || o.onnx.empty(), "--tflite and --onnx: expected one file to score, found both");
  if (o.tflite.empty() && o.onnx.empty()) return evaluate_trained(rm, cache, data, to);
  // An exported file scored in place of the checkpoint: the ONNX graph in
  // kplab's XNNPACK runner, or the TFLite file in LiteRT.
  const Schema schema = trained_schema(rm);
  EvalOptions eo = eval_options(to);
  std::optional<ScratchDir> work;  // LiteRT's exchange files
  BatchPredictor predict;
  if (!o.onnx.empty()) {
    predict = onnx_predictor(o.onnx, rm.model->input_size(), rm.model->num_keypoints(), o.threads);
  } else {
    const nlohmann::json meta = onnx_export::read_tflite_metadata(o.tflite);
    onnx_export::check_tflite_matches(meta, o.tflite, rm.model->input_size(), rm.model->num_keypoints());
    work.emplace("kplab-eval-tflite");
    eo.batch_size = 256;  // one LiteRT process per 256 people
    predict = onnx_export::litert_predictor(o.tflite, meta, work->path(), o.threads);
  }
  nlohmann::json j = evaluate(predict, {rm.model->input_size(), rm.model->heatmap_size(), rm.model->num_keypoints()},
                              cache, schema, eo);
  if (o.onnx.empty())
    j["tflite"] = o.tflite;
  else
    j["onnx"] = o.onnx;
  add_run_fields(j, rm, data, schema, o.split);
  return j;
}

}  // namespace kplab
