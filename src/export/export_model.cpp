#include "export/export_model.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <limits>
#include <set>

#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/readers/readers.h"
#include "export/mac_count.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"
#include "export/tflite_lint.h"
#include "infer/xnnpack_net.h"

namespace kplab::onnx_export {

nlohmann::json ExportReport::to_json() const {
  nlohmann::json j = {{"path", path},       {"nodes", nodes},       {"parameters", parameters},
                      {"macs", macs},       {"max_abs_diff_opencv_dnn", max_abs_diff}, {"operators", op_types}};
  if (xnnpack_note.empty())
    j["max_abs_diff_kplab_xnnpack"] = max_abs_diff_xnnpack;
  else
    j["kplab_xnnpack"] = xnnpack_note;
  return j;
}

std::map<std::string, torch::Tensor> reference_outputs(PoseModelImpl& model, const torch::Tensor& image,
                                                       bool with_heatmap) {
  torch::NoGradGuard no_grad;
  model.eval();
  PoseOutput out = model.forward(image);
  std::map<std::string, torch::Tensor> ref = {{"coords", out.coords}, {"visibility", torch::sigmoid(out.visibility)}};
  if (with_heatmap) ref["heatmaps"] = torch::sigmoid(out.heatmaps);
  return ref;
}

std::vector<torch::Tensor> parity_inputs(int size, int64_t batch) {
  std::vector<torch::Tensor> inputs;
  auto gen = at::detail::createCPUGenerator(1234);
  inputs.push_back(torch::rand({1, 3, size, size}, gen, torch::kFloat32));
  SyntheticOptions so;
  so.count = 1;
  so.seed = 7;
  so.image_size = size;
  cv::Mat bgr = read_synthetic(so).images[0].load(), rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  inputs.push_back(torch::from_blob(rgb.data, {1, size, size, 3}, torch::kUInt8)
                       .permute({0, 3, 1, 2})
                       .to(torch::kFloat32)
                       .div(255.0f)
                       .contiguous());
  if (batch > 1) {
    // Distinct images in every slot (flips and rolls of the two), so a graph
    // that mixes up samples of a batch cannot pass.
    for (torch::Tensor& x : inputs) {
      std::vector<torch::Tensor> slots;
      for (int64_t i = 0; i < batch; ++i) {
        torch::Tensor v = i % 2 ? x.flip({3}) : x;
        slots.push_back(torch::roll(v, {i * 3}, {2}));
      }
      x = torch::cat(slots).contiguous();
    }
  }
  return inputs;
}

double coords_parity_bound(const PoseModelImpl& model, double floor) {
  const double cells_side = model.heatmap_size();  // sqrt(H x W) for square maps
  return std::max(floor, 8.0 * std::numeric_limits<float>::epsilon() * cells_side * model.input_size());
}

ExportReport export_onnx(PoseModelImpl& model, const std::string& path, const ExportOptions& options) {
  AtomicFile out(path, options.overwrite);  // refuses a bad path before the work
  model.eval();
  YAML::Emitter described;
  described << YAML::Flow << model.describe();
  GraphBuilder g("kplab_" + model.describe()["name"].as<std::string>(), options.batch);
  model.emit_onnx(g, options.with_heatmap);
  std::map<std::string, std::string> meta = options.metadata;
  meta["kplab.model"] = described.c_str();
  meta["kplab.input"] = "image: " + std::to_string(options.batch) + "x3xSxS float32, RGB, values in [0, 1] (pixel / 255), no mean/std normalisation";
  meta["kplab.outputs"] =
      "coords: BxKx2 input pixels (pixel centres at integers); visibility: BxK probability; heatmaps: BxKxHxW "
      "probabilities (with --with-heatmap)";
  auto proto = g.finish(meta);

  std::vector<LintIssue> issues = lint_tflite(*proto);
  if (!issues.empty())
    throw Error(str(path, ": export: expected a TFLite-compatible graph, found ", issues.size(), " issue(s); first: node ",
                    issues[0].node, " (", issues[0].op, "): ", issues[0].reason));

  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    KP_CHECK(proto->SerializeToOstream(&f), path, ": export: could not write the serialised model");
  }

  ExportReport report;
  report.path = path;
  report.nodes = proto->graph().node_size();
  report.parameters = count_parameters(model);
  report.macs = count_macs(*proto);
  std::set<std::string> ops;
  for (const auto& n : proto->graph().node()) ops.insert(n.op_type());
  report.op_types.assign(ops.begin(), ops.end());

  std::vector<std::string> names = {"coords", "visibility"};
  if (options.with_heatmap) names.push_back("heatmaps");
  for (const torch::Tensor& image : parity_inputs(model.input_size(), options.batch)) {
    auto ref = reference_outputs(model, image, options.with_heatmap);
    auto got = run_opencv_dnn(out.temp_path(), image, names);
    for (const auto& name : names) {
      double diff = (got.at(name) - ref.at(name)).abs().max().item<double>();
      report.max_abs_diff[name] = std::max(report.max_abs_diff[name], diff);
    }
  }
  // kplab's own inference path (infer/xnnpack_net.h) is proven on the same
  // inputs, when it covers the graph.
  try {
    XnnpackNet net(out.temp_path(), names, 1);
    for (const torch::Tensor& image : parity_inputs(model.input_size(), options.batch)) {
      auto ref = reference_outputs(model, image, options.with_heatmap);
      auto got = net.forward(image);
      for (const auto& name : names) {
        double diff = (got.at(name) - ref.at(name)).abs().max().item<double>();
        report.max_abs_diff_xnnpack[name] = std::max(report.max_abs_diff_xnnpack[name], diff);
      }
    }
  } catch (const UnsupportedGraph& e) {
    report.xnnpack_note = e.what();
  }
  for (const auto* diffs : {&report.max_abs_diff, &report.max_abs_diff_xnnpack})
    for (const auto& kv : *diffs) {
      const double bound =
          kv.first == "coords" ? coords_parity_bound(model, options.coords_tolerance) : options.tolerance;
      if (!(kv.second <= bound))
        throw Error(str(path, ": export parity: output ", kv.first, ": expected ",
                        diffs == &report.max_abs_diff ? "OpenCV DNN" : "kplab's XNNPACK runner", " within ", bound,
                        " of LibTorch, found a max abs difference of ", kv.second));
    }
  out.commit();
  return report;
}

}  // namespace kplab::onnx_export
