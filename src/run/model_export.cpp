#include "run/model_export.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/printf_string.h"
#include "core/text.h"
#include "data/sample_images.h"
#include "data/split.h"
#include "train/experiment.h"

namespace kplab {

namespace {

YAML::Node parse_overrides(const std::vector<std::string>& sets) {
  YAML::Node overrides;
  for (const auto& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) throw input_error("--set", kv, "key=value", "'" + kv + "'");
    overrides[kv.substr(0, eq)] = YAML::Load(kv.substr(eq + 1));
  }
  return overrides;
}

}  // namespace

ModelExport::ModelExport(const ModelExportOptions& o, const ModelRegistry& registry)
    : o_(o), label_(o.model), data_(o.data) {
  const YAML::Node overrides = parse_overrides(o.sets);
  export_options_.with_heatmap = o.with_heatmap;
  export_options_.overwrite = o.force;
  if (!o.run.empty()) {
    run_ = load_run_model(o.run, registry);
    model_ = run_->model;
    label_ = run_->model->describe()["name"].as<std::string>();
    export_options_.metadata["kplab.source"] = run_->checkpoint;
    export_options_.metadata["kplab.experiment"] = run_->meta.config;
    if (const std::string schema = run_schema_text(*run_); !schema.empty())
      export_options_.metadata["kplab.schema"] = schema;
    if (data_.empty()) data_ = load_experiment(o.run + "/config.yaml").data.cache;
  } else {
    torch::manual_seed(o.seed);
    model_ = registry.get(o.model)(overrides);
    export_options_.metadata["kplab.source"] =
        "untrained --model " + o.model + " (seed " + std::to_string(o.seed) + ")";
  }
}

onnx_export::ExportReport ModelExport::write_onnx() {
  // Without --onnx the graph goes to a scratch folder: the TFLite file is what was asked for.
  if (o_.onnx.empty()) scratch_.emplace("kplab-export");
  onnx_path_ = o_.onnx.empty() ? scratch_->file("model.onnx") : o_.onnx;
  // Calibration images are read before any file is written: a bad cache fails first.
  tflite_options_.quantize = o_.quantize;
  tflite_options_.overwrite = export_options_.overwrite;
  if (o_.quantize == "int8" || (o_.quantize != "none" && run_)) {
    if (data_.empty()) throw Error("--quantize int8: no cache to calibrate on: give --data cache.h5 (or export a RUN)");
    cache_ = std::make_shared<const CacheData>(read_cache(data_));
  }
  if (o_.quantize == "int8") tflite_options_.calibration = sample_images(cache_, kTrain, o_.calibration_count);
  return onnx_export::export_onnx(*model_, onnx_path_, export_options_);
}

onnx_export::TfliteReport ModelExport::write_tflite() {
  return onnx_export::export_tflite(*model_, onnx_path_, o_.tflite, tflite_options_);
}

nlohmann::json ModelExport::quantized_pck() {
  if (o_.quantize == "none" || !run_) return nullptr;
  // The quantised file scored exactly as the float model is, on the same split.
  RunEvalOptions ev;
  ev.split = o_.split;
  ev.decoder = "regression";
  const Experiment exp = load_experiment(o_.run + "/config.yaml");
  nlohmann::json as_float = evaluate_run_model(*run_, exp, *cache_, data_, ev);
  ev.tflite = o_.tflite;
  nlohmann::json as_quant = evaluate_run_model(*run_, exp, *cache_, data_, ev);
  return {{"split", ev.split},
          {"data", data_},
          {"decoder", "regression"},
          {"libtorch_float32", as_float["pck@0.2"]},
          {"tflite_" + o_.quantize, as_quant["pck@0.2"]},
          {"by_decoder_libtorch_float32", as_float["by_decoder"]},
          {"by_decoder_tflite_" + o_.quantize, as_quant["by_decoder"]}};
}

std::string ModelExport::onnx_text(const onnx_export::ExportReport& rep) const {
  const int size = model_->input_size();
  std::string text = printf_string("wrote %s (%s, input %dx%d, K %d)\n", o_.onnx.empty() ? "ONNX graph" : rep.path.c_str(),
                                   label_.c_str(), size, size, model_->num_keypoints());
  text += printf_string("  parameters   %lld\n  MACs         %.3f G\n  nodes        %lld\n",
                        static_cast<long long>(rep.parameters), rep.macs / 1e9, static_cast<long long>(rep.nodes));
  text += printf_string("  operators    %s\n  TFLite lint  clean\n", join(rep.op_types, " ").c_str());
  for (const auto& kv : rep.max_abs_diff)
    text += printf_string("  parity       %-10s max |OpenCV DNN - LibTorch| = %.2e, kplab XNNPACK runner %s\n",
                          kv.first.c_str(), kv.second,
                          rep.max_abs_diff_xnnpack.count(kv.first)
                              ? printf_string("%.2e", rep.max_abs_diff_xnnpack.at(kv.first)).c_str()
                              : "not run (graph not covered)");
  return text;
}

std::string ModelExport::tflite_text(const onnx_export::TfliteReport& tr) const {
  const std::string& quantize = o_.quantize;
  const int size = model_->input_size();
  nlohmann::json metadata = tr.metadata;  // a copy: [] on a const object must not meet a missing key
  std::string text = printf_string("wrote %s (%s, %s, %.2f MB; float32 conversion %.2f MB)\n", tr.path.c_str(),
                                   tr.converter.c_str(), quantize == "none" ? "float32" : quantize.c_str(),
                                   tr.bytes / 1e6, tr.float32_bytes / 1e6);
  text += printf_string("  input        %s NHWC 1x%dx%dx3 float32, RGB in [0,1] (in the file's kplab metadata)\n",
                        metadata["input"]["name"].get<std::string>().c_str(), size, size);
  text += printf_string("  operators    %s (builtin only)\n", join(tr.operators, " ").c_str());
  for (const auto& kv : tr.max_abs_diff)
    text += printf_string(
        "  parity       %-10s max |LiteRT float32 - LibTorch| = %.2e (builtin kernels, gated), %.2e (XNNPACK)\n",
        kv.first.c_str(), kv.second, tr.max_abs_diff_xnnpack.at(kv.first));
  for (const auto& kv : tr.max_abs_diff_written)
    text += printf_string("  %-12s %-10s max |LiteRT - LibTorch| = %.2e (reported, not gated)\n", quantize.c_str(),
                          kv.first.c_str(), kv.second);
  return text;
}

}  // namespace kplab
