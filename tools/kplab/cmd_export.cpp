// kplab export: a model's inference graph as a checked, TFLite-linted,
// parity-proven ONNX file (src/export/export_model.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "export/export_model.h"
#include "models/registry.h"
#include "run_model.h"
#include "json_output.h"
#include "verbs.h"

namespace kplab::cli {

int export_model(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Write a model's inference graph as ONNX (opset 13, static shapes, input 'image' 1x3xSxS RGB\n"
                        "in [0,1], outputs 'coords' and 'visibility', plus 'heatmaps' with --with-heatmap). Every file\n"
                        "passes the ONNX checker and strict shape inference, the TFLite lint, and OpenCV DNN parity\n"
                        "with LibTorch before it is renamed into place.\n");
  opts.add_options()
      ("run", "training run folder: exports checkpoints/best.pt (else last.pt)", cxxopts::value<std::string>()->default_value(""))
      ("model", "registry name of an untrained model (blazepose, blazepose_lite, ...)", cxxopts::value<std::string>()->default_value(""))
      ("set", "model option override key=value (repeatable), e.g. --set input_size=128", cxxopts::value<std::vector<std::string>>())
      ("seed", "initialisation seed for --model", cxxopts::value<uint64_t>()->default_value("0"))
      ("onnx", "output file", cxxopts::value<std::string>())
      ("with-heatmap", "also output the heatmaps", cxxopts::value<bool>()->default_value("false"))
      ("force", "replace an existing file", cxxopts::value<bool>()->default_value("false"))
      ("json", "write the export report as JSON here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"run"});
  opts.positional_help("[RUN]");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexamples:\n  kplab export runs/quick_synthetic --onnx quick.onnx\n  kplab export --model blazepose --onnx blazepose.onnx --with-heatmap\n", opts.help().c_str());
    return 0;
  }
  if (!r.count("onnx")) throw Error(str("missing --onnx (see ", argv[0], " --help)"));
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
  if (!run.empty()) {
    RunModel rm = load_run_model(run);
    model = rm.model;
    label = rm.model->describe()["name"].as<std::string>();
    eo.metadata["kplab.source"] = rm.checkpoint;
    eo.metadata["kplab.experiment"] = rm.meta.config;
  } else {
    torch::manual_seed(r["seed"].as<uint64_t>());
    model = create_model(name, overrides);
    eo.metadata["kplab.source"] = "untrained --model " + name + " (seed " + std::to_string(r["seed"].as<uint64_t>()) + ")";
  }
  JsonOutput json_out(r["json"].as<std::string>());

  onnx_export::ExportReport rep = onnx_export::export_onnx(*model, r["onnx"].as<std::string>(), eo);
  std::printf("wrote %s (%s, input %dx%d, K %d)\n", rep.path.c_str(), label.c_str(), model->input_size(),
              model->input_size(), model->num_keypoints());
  std::printf("  parameters   %lld\n  MACs         %.3f G\n  nodes        %lld\n", static_cast<long long>(rep.parameters),
              rep.macs / 1e9, static_cast<long long>(rep.nodes));
  std::string ops;
  for (const auto& op : rep.op_types) ops += (ops.empty() ? "" : " ") + op;
  std::printf("  operators    %s\n  TFLite lint  clean\n", ops.c_str());
  for (const auto& kv : rep.max_abs_diff)
    std::printf("  parity       %-10s max |OpenCV DNN - LibTorch| = %.2e\n", kv.first.c_str(), kv.second);
  json_out.write(rep.to_json());
  return 0;
}

}  // namespace kplab::cli
