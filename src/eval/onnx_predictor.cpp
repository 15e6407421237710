#include "eval/onnx_predictor.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.h"
#include "export/static_shapes.h"
#include "infer/xnnpack_net.h"

namespace kplab {

BatchPredictor onnx_predictor(const std::string& onnx_path, int input_size, int num_keypoints, int threads) {
  auto net = std::make_shared<XnnpackNet>(onnx_path, std::vector<std::string>{}, threads);
  const std::vector<int64_t>& in = net->input_shape();
  KP_CHECK(in.size() == 4 && in[1] == 3 && in[2] == input_size && in[3] == input_size, onnx_path, ": input '",
           net->input_name(), "': expected N x 3 x ", input_size, " x ", input_size, " (the run's model), found ",
           onnx_export::shape_str(in));
  bool coords = false, heatmaps = false;
  for (const auto& o : net->outputs()) {
    coords = coords || o == "coords";
    heatmaps = heatmaps || o == "heatmaps";
  }
  KP_CHECK(coords, onnx_path, ": expected an output named 'coords' (kplab export), found none");
  const int64_t n = in[0];
  std::vector<int64_t> cshape;  // the graph's static shape: known before any forward
  net->output("coords", &cshape);
  KP_CHECK(cshape.size() == 3 && cshape[1] == num_keypoints && cshape[2] == 2, onnx_path,
           ": output coords: expected N x ", num_keypoints, " x 2 (the run's keypoints), found ",
           onnx_export::shape_str(cshape));
  return [net, n, heatmaps](const torch::Tensor& images) {
    const int64_t b = images.size(0);
    std::vector<torch::Tensor> cs, hs;
    for (int64_t i = 0; i < b; i += n) {
      torch::Tensor chunk = images.slice(0, i, std::min(b, i + n));
      const int64_t real = chunk.size(0);
      if (real < n) chunk = torch::cat({chunk, torch::zeros({n - real, 3, chunk.size(2), chunk.size(3)})});
      auto out = net->forward(chunk);
      cs.push_back(out.at("coords").slice(0, 0, real));
      if (heatmaps) hs.push_back(out.at("heatmaps").slice(0, 0, real));
    }
    return BatchPrediction{torch::cat(cs), heatmaps ? torch::cat(hs) : torch::Tensor()};
  };
}

}  // namespace kplab
