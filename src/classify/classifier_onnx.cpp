#include "classify/classifier_onnx.h"

#include <onnx/onnx_pb.h>

#include "export/onnx_graph.h"

namespace kplab::classify {

namespace {

using onnx_export::GraphBuilder;
using onnx_export::Value;

// First layer with the standardisation folded in, computed in double so the
// graph's float weights are as close as float allows to (x - mean) / std.
void folded_first_layer(const ClassifierModel& m, torch::Tensor& w, torch::Tensor& b) {
  const torch::Tensor w64 = m.layers[0].weight.to(torch::kFloat64) / m.std.to(torch::kFloat64).reshape({1, -1});
  const torch::Tensor b64 = m.layers[0].bias.to(torch::kFloat64) - w64.matmul(m.mean.to(torch::kFloat64));
  w = w64.to(torch::kFloat32);
  b = b64.to(torch::kFloat32);
}

Value gemm(GraphBuilder& g, const Value& x, const torch::Tensor& w, const torch::Tensor& b, const std::string& hint) {
  return g.node("Gemm", {x, g.constant(w, hint + "_weight"), g.constant(b, hint + "_bias")}, {x.shape[0], w.size(0)},
                {{"transB", int64_t{1}}}, hint);
}

// The builder makes static shapes; callers batch any number of people, so
// the first dimension of every tensor becomes the symbol N.
void symbolic_batch(onnx::GraphProto& graph) {
  auto rename = [](onnx::ValueInfoProto& v) {
    auto* shape = v.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() > 0) shape->mutable_dim(0)->set_dim_param("N");
  };
  for (auto& v : *graph.mutable_input()) rename(v);
  for (auto& v : *graph.mutable_output()) rename(v);
  for (auto& v : *graph.mutable_value_info()) rename(v);
}

std::map<std::string, std::string> metadata(const SavedClassifier& c) {
  std::string features;
  for (const auto& f : c.features) features += (features.empty() ? "" : ",") + f;
  return {{"kplab.classifier", c.model.kind},
          {"kplab.classes", c.classes.names[0] + "," + c.classes.names[1]},
          {"kplab.positive", c.classes.positive_name()},
          {"kplab.input", "features: N x F float32 raw posture features (kplab classify; names in kplab.features)"},
          {"kplab.outputs", "probability: N x 1 probability of the class in kplab.positive"},
          {"kplab.features", features},
          {"kplab.min_visibility", std::to_string(c.min_visibility)},
          {"kplab.schema", c.schema.text}};
}

}  // namespace

std::unique_ptr<onnx::ModelProto> classifier_onnx(const SavedClassifier& c) {
  const ClassifierModel& m = c.model;
  torch::NoGradGuard no_grad;
  GraphBuilder g("kplab_posture_classifier");
  const Value x = g.input("features", {1, m.num_features()});
  torch::Tensor w, b;
  folded_first_layer(m, w, b);
  Value h = gemm(g, x, w, b, "fc1");
  for (size_t i = 1; i < m.layers.size(); ++i)
    h = gemm(g, g.relu(h), m.layers[i].weight, m.layers[i].bias, "fc" + std::to_string(i + 1));
  g.output(g.sigmoid(h), "probability");
  auto model = g.finish(metadata(c));
  symbolic_batch(*model->mutable_graph());
  return model;
}

void save_classifier_onnx(const SavedClassifier& c, const std::string& path, bool overwrite) {
  onnx_export::save_model(*classifier_onnx(c), path, overwrite);
}

}  // namespace kplab::classify
