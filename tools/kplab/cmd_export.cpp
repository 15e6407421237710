// kplab export: a model's inference graph as a checked, TFLite-linted,
// parity-proven ONNX file (src/export/export_model.h) and, with --tflite, a
// TFLite file converted by onnx2tf and proven in LiteRT
// (src/export/tflite_export.h); a run's weights come through src/run/model_export.h.
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "core/json_output.h"
#include "models/registry.h"
#include "core/number_format.h"
#include "run/model_export.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

void print_pck(nlohmann::json& pck, const std::string& quantize) {
  const std::string split = pck["split"], data = pck["data"];
  for (const auto& kv : pck["by_decoder_tflite_" + quantize].items())
    std::printf("  PCK@0.2      %s split of %s, %s decoder: LibTorch float32 %s, %s TFLite %s\n", split.c_str(),
                data.c_str(), kv.key().c_str(), percent(pck["by_decoder_libtorch_float32"][kv.key()]["pck@0.2"]).c_str(),
                quantize.c_str(), percent(kv.value()["pck@0.2"]).c_str());
}

}  // namespace

int export_model(int argc, char** argv) {
  ModelExportOptions o;  // each option is read into its field
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
      ("run", "training run folder: exports checkpoints/best.pt (else last.pt)", cxxopts::value<std::string>(o.run)->default_value(""))
      ("model", "registry name of an untrained model (blazepose, blazepose_lite, ...)", cxxopts::value<std::string>(o.model)->default_value(""))
      ("set", "model option override key=value (repeatable), e.g. --set input_size=128", cxxopts::value<std::vector<std::string>>(o.sets))
      ("seed", "initialisation seed for --model", cxxopts::value<uint64_t>(o.seed)->default_value("0"))
      ("onnx", "ONNX output file (optional with --tflite)", cxxopts::value<std::string>(o.onnx)->default_value(""))
      ("tflite", "also write a TFLite file here (onnx2tf, proven in LiteRT)", cxxopts::value<std::string>(o.tflite)->default_value(""))
      ("quantize", "with --tflite: none, fp16 (float16 weights) or int8 (weights and activations)",
       cxxopts::value<std::string>(o.quantize)->default_value("none"))
      ("data", "cache for int8 calibration and the quantised file's PCK (default: the run's training cache)",
       cxxopts::value<std::string>(o.data)->default_value(""))
      ("calibration-count", "int8: images of the train split to calibrate on", cxxopts::value<int>(o.calibration_count)->default_value("200"))
      ("split", "split the quantised file's PCK is measured on", cxxopts::value<std::string>(o.split)->default_value("test"))
      ("with-heatmap", "also output the heatmaps", cxxopts::value<bool>(o.with_heatmap)->default_value("false"))
      ("force", "replace an existing file", cxxopts::value<bool>(o.force)->default_value("false"))
      ("json", "write the export report as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("[RUN]");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab export runs/quick_synthetic --onnx quick.onnx",
                                  "kplab export --model blazepose --onnx blazepose.onnx --with-heatmap",
                                  "kplab export runs/quick_synthetic --tflite quick.tflite --quantize int8"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  if (o.onnx.empty() && o.tflite.empty()) throw Error(str("missing --onnx or --tflite (see ", argv[0], " --help)"));
  if (o.quantize != "none" && o.tflite.empty()) throw input_error("--quantize", "quantize", "--tflite FILE beside it", o.quantize);
  if (o.quantize != "none" && o.quantize != "fp16" && o.quantize != "int8")
    throw input_error("--quantize", "quantize", "none, fp16 or int8", "'" + o.quantize + "'");
  if (o.run.empty() == o.model.empty())
    throw Error(str("expected RUN or --model NAME, not both or neither (see ", argv[0], " --help)"));

  ModelExport x(o, model_registry());
  JsonOutput json_out(r["json"].as<std::string>());
  const onnx_export::ExportReport rep = x.write_onnx();
  std::printf("%s", x.onnx_text(rep).c_str());
  nlohmann::json j = rep.to_json();
  if (o.onnx.empty()) j.erase("path");
  if (!o.tflite.empty()) {
    onnx_export::TfliteReport tr = x.write_tflite();
    std::printf("%s", x.tflite_text(tr).c_str());
    j["tflite"] = tr.to_json();
    nlohmann::json pck = x.quantized_pck();
    if (!pck.is_null()) {
      print_pck(pck, o.quantize);
      j["tflite"]["pck"] = pck;
    }
  }
  json_out.write(j);
  return 0;
}

}  // namespace kplab::cli
