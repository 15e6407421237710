// kplab export: a model's inference graph as a checked, TFLite-linted,
// parity-proven ONNX file (src/export/export_model.h) and, with --tflite, a
// TFLite file converted by onnx2tf and proven in LiteRT
// (src/export/tflite_export.h).
#include <cstdio>
#include <optional>
#include <cxxopts.hpp>

#include "core/error.h"
#include "core/number_format.h"
#include "core/subprocess.h"
#include "data/cache.h"
#include "data/sample_images.h"
#include "data/split.h"
#include "export/export_model.h"
#include "export/tflite_export.h"
#include "models/registry.h"
#include "run_model.h"
#include "train/experiment.h"
#include "json_output.h"
#include "verbs.h"

namespace kplab::cli {

int export_model(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Write a model's inference graph as ONNX (opset 13, static shapes, input 'image' 1x3xSxS RGB\n"
                        "in [0,1], outputs 'coords' and 'visibility', plus 'heatmaps' with --with-heatmap). Every file\n"
                        "passes the ONNX checker and strict shape inference, the TFLite lint, and OpenCV DNN parity\n"
                        "with LibTorch before it is renamed into place.\n\n"
                        "--tflite also converts that graph with onnx2tf (from the venv: tools/setup.sh) and runs the\n"
                        "file in LiteRT: it is written only when it holds builtin TFLite operators alone and its\n"
                        "float32 conversion matches LibTorch within 1e-4 (coordinates in input pixels, probabilities)\n"
                        "in TFLite's builtin kernels; XNNPACK's difference (the phone's CPU delegate) is printed\n"
                        "beside. Its input is NHWC (1xSxSx3, RGB in [0,1]); that layout, the normalisation and each\n"
                        "output's mapping back to the ONNX layout are stored in the file's 'kplab' metadata.\n"
                        "--quantize fp16|int8 writes a quantised file instead (int8 calibrated on cache images) and,\n"
                        "for a run, reports its PCK@0.2 on the test split beside the float LibTorch model's\n"
                        "(kplab eval RUN --tflite FILE scores any such file the same way).\n");
  opts.add_options()
      ("run", "training run folder: exports checkpoints/best.pt (else last.pt)", cxxopts::value<std::string>()->default_value(""))
      ("model", "registry name of an untrained model (blazepose, blazepose_lite, ...)", cxxopts::value<std::string>()->default_value(""))
      ("set", "model option override key=value (repeatable), e.g. --set input_size=128", cxxopts::value<std::vector<std::string>>())
      ("seed", "initialisation seed for --model", cxxopts::value<uint64_t>()->default_value("0"))
      ("onnx", "ONNX output file (optional with --tflite)", cxxopts::value<std::string>()->default_value(""))
      ("tflite", "also write a TFLite file here (onnx2tf, proven in LiteRT)", cxxopts::value<std::string>()->default_value(""))
      ("quantize", "with --tflite: none, fp16 (float16 weights) or int8 (weights and activations)",
       cxxopts::value<std::string>()->default_value("none"))
      ("data", "cache for int8 calibration and the quantised file's PCK (default: the run's training cache)",
       cxxopts::value<std::string>()->default_value(""))
      ("calibration-count", "int8: images of the train split to calibrate on", cxxopts::value<int>()->default_value("200"))
      ("split", "split the quantised file's PCK is measured on", cxxopts::value<std::string>()->default_value("test"))
      ("with-heatmap", "also output the heatmaps", cxxopts::value<bool>()->default_value("false"))
      ("force", "replace an existing file", cxxopts::value<bool>()->default_value("false"))
      ("json", "write the export report as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("[RUN]");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexamples:\n  kplab export runs/quick_synthetic --onnx quick.onnx\n"
                "  kplab export --model blazepose --onnx blazepose.onnx --with-heatmap\n"
                "  kplab export runs/quick_synthetic --tflite quick.tflite --quantize int8\n", opts.help().c_str());
    return 0;
  }
  const std::string onnx_out = r["onnx"].as<std::string>(), tflite_out = r["tflite"].as<std::string>();
  const std::string quantize = r["quantize"].as<std::string>();
  if (onnx_out.empty() && tflite_out.empty()) throw Error(str("missing --onnx or --tflite (see ", argv[0], " --help)"));
  if (quantize != "none" && tflite_out.empty()) throw input_error("--quantize", "quantize", "--tflite FILE beside it", quantize);
  if (quantize != "none" && quantize != "fp16" && quantize != "int8")
    throw input_error("--quantize", "quantize", "none, fp16 or int8", "'" + quantize + "'");
  const std::string run = r["run"].as<std::string>(), name = r["model"].as<std::string>();
  if (run.empty() == name.empty()) throw Error(str("expected RUN or --model NAME, not both or neither (see ", argv[0], " --help)"));

  YAML::Node overrides;
  if (r.count("set"))
    for (const auto& kv : r["set"].as<std::vector<std::string>>()) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw input_error("--set", kv, "key=value", "'" + kv + "'");
      overrides[kv.substr(0, eq)] = YAML::Load(kv.substr(eq + 1));
    }
  onnx_export::ExportOptions eo;
  eo.with_heatmap = r["with-heatmap"].as<bool>();
  eo.overwrite = r["force"].as<bool>();
  PoseModel model;
  std::string label = name;
  std::string data = r["data"].as<std::string>();
  std::optional<RunModel> rm;
  if (!run.empty()) {
    rm = load_run_model(run);
    model = rm->model;
    label = rm->model->describe()["name"].as<std::string>();
    eo.metadata["kplab.source"] = rm->checkpoint;
    eo.metadata["kplab.experiment"] = rm->meta.config;
    if (const std::string schema = run_schema_text(*rm); !schema.empty()) eo.metadata["kplab.schema"] = schema;
    if (data.empty()) data = load_experiment(run + "/config.yaml").data.cache;
  } else {
    torch::manual_seed(r["seed"].as<uint64_t>());
    model = create_model(name, overrides);
    eo.metadata["kplab.source"] = "untrained --model " + name + " (seed " + std::to_string(r["seed"].as<uint64_t>()) + ")";
  }
  JsonOutput json_out(r["json"].as<std::string>());

  // Without --onnx the graph goes to a scratch folder: the TFLite file is what was asked for.
  std::optional<ScratchDir> scratch;
  if (onnx_out.empty()) scratch.emplace("kplab-export");
  const std::string onnx_path = onnx_out.empty() ? scratch->file("model.onnx") : onnx_out;
  // Calibration images are read before any file is written: a bad cache fails first.
  std::shared_ptr<const CacheData> cache;
  onnx_export::TfliteOptions to;
  to.quantize = quantize;
  to.overwrite = eo.overwrite;
  if (quantize == "int8" || (quantize != "none" && rm)) {
    if (data.empty()) throw Error("--quantize int8: no cache to calibrate on: give --data cache.h5 (or export a RUN)");
    cache = std::make_shared<const CacheData>(read_cache(data));
  }
  if (quantize == "int8") to.calibration = sample_images(cache, kTrain, r["calibration-count"].as<int>());

  onnx_export::ExportReport rep = onnx_export::export_onnx(*model, onnx_path, eo);
  std::printf("wrote %s (%s, input %dx%d, K %d)\n", onnx_out.empty() ? "ONNX graph" : rep.path.c_str(), label.c_str(),
              model->input_size(), model->input_size(), model->num_keypoints());
  std::printf("  parameters   %lld\n  MACs         %.3f G\n  nodes        %lld\n", static_cast<long long>(rep.parameters),
              rep.macs / 1e9, static_cast<long long>(rep.nodes));
  std::string ops;
  for (const auto& op : rep.op_types) ops += (ops.empty() ? "" : " ") + op;
  std::printf("  operators    %s\n  TFLite lint  clean\n", ops.c_str());
  for (const auto& kv : rep.max_abs_diff)
    std::printf("  parity       %-10s max |OpenCV DNN - LibTorch| = %.2e\n", kv.first.c_str(), kv.second);
  nlohmann::json j = rep.to_json();
  if (onnx_out.empty()) j.erase("path");

  if (!tflite_out.empty()) {
    onnx_export::TfliteReport tr = onnx_export::export_tflite(*model, onnx_path, tflite_out, to);
    std::printf("wrote %s (%s, %s, %.2f MB; float32 conversion %.2f MB)\n", tr.path.c_str(), tr.converter.c_str(),
                quantize == "none" ? "float32" : quantize.c_str(), tr.bytes / 1e6, tr.float32_bytes / 1e6);
    std::string tops;
    for (const auto& op : tr.operators) tops += (tops.empty() ? "" : " ") + op;
    std::printf("  input        %s NHWC 1x%dx%dx3 float32, RGB in [0,1] (in the file's kplab metadata)\n",
                tr.metadata["input"]["name"].get<std::string>().c_str(), model->input_size(), model->input_size());
    std::printf("  operators    %s (builtin only)\n", tops.c_str());
    for (const auto& kv : tr.max_abs_diff)
      std::printf("  parity       %-10s max |LiteRT float32 - LibTorch| = %.2e (builtin kernels, gated), %.2e (XNNPACK)\n",
                  kv.first.c_str(), kv.second, tr.max_abs_diff_xnnpack.at(kv.first));
    for (const auto& kv : tr.max_abs_diff_written)
      std::printf("  %-12s %-10s max |LiteRT - LibTorch| = %.2e (reported, not gated)\n", quantize.c_str(),
                  kv.first.c_str(), kv.second);
    j["tflite"] = tr.to_json();
    if (quantize != "none" && rm) {
      // The quantised file scored exactly as the float model is, on the same split.
      RunEvalOptions ev;
      ev.split = r["split"].as<std::string>();
      ev.decoder = "regression";
      const Experiment exp = load_experiment(run + "/config.yaml");
      nlohmann::json as_float = evaluate_run_model(*rm, exp, *cache, data, ev);
      ev.tflite = tflite_out;
      nlohmann::json as_quant = evaluate_run_model(*rm, exp, *cache, data, ev);
      for (const auto& kv : as_quant["by_decoder"].items())
        std::printf("  PCK@0.2      %s split of %s, %s decoder: LibTorch float32 %s, %s TFLite %s\n", ev.split.c_str(),
                    data.c_str(), kv.key().c_str(), percent(as_float["by_decoder"][kv.key()]["pck@0.2"]).c_str(),
                    quantize.c_str(), percent(kv.value()["pck@0.2"]).c_str());
      j["tflite"]["pck"] = {{"split", ev.split},
                            {"data", data},
                            {"decoder", "regression"},
                            {"libtorch_float32", as_float["pck@0.2"]},
                            {"tflite_" + quantize, as_quant["pck@0.2"]},
                            {"by_decoder_libtorch_float32", as_float["by_decoder"]},
                            {"by_decoder_tflite_" + quantize, as_quant["by_decoder"]}};
    }
  }
  json_out.write(j);
  return 0;
}

}  // namespace kplab::cli
