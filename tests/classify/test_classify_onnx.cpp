// classifier.onnx against LibTorch: ONNX Runtime (the venv's oracle; without
// it this test fails with the reason, it does not skip) and OpenCV DNN give
// the same probabilities on raw features, for both model kinds.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <opencv2/dnn.hpp>
#include <set>

#include "classify/classifier_onnx.h"
#include "classify/classify_fixtures.h"
#include "classify/classify_run.h"
#include "classify/posture_classifier.h"
#include "classify/posture_table.h"
#include "export/onnx_graph.h"
#include "export/runtimes.h"
#include "support/temp_dir.h"

namespace kplab::classify {
namespace {

using test::TempDir;

// OpenCV DNN on N rows at once (run_opencv_dnn wants static declared shapes; this graph's batch is N).
torch::Tensor run_opencv(const std::string& path, const torch::Tensor& x) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  const torch::Tensor c = x.contiguous();
  cv::Mat blob(static_cast<int>(c.size(0)), static_cast<int>(c.size(1)), CV_32F, c.data_ptr<float>());
  net.setInput(blob);
  cv::Mat out = net.forward("probability");
  return torch::from_blob(out.ptr<float>(), {static_cast<int64_t>(out.total())}, torch::kFloat32).clone();
}

TEST(ClassifyOnnx, ParityWithOnnxRuntimeAndOpenCv) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("train.csv"), test::make_people(30, 30, 5));
  test::write_table(dir.file("test.csv"), test::make_people(20, 20, 6));
  for (const char* kind : {"logistic", "mlp"}) {
    ClassifyTrainOptions o;
    o.keypoints = dir.file("train.csv");
    o.schema = dir.file("side.yaml");
    o.out = dir.file(kind);
    o.train.kind = kind;
    o.train.epochs = 100;
    classify_train(o);
    const PostureClassifier clf = PostureClassifier::load(o.out);
    const torch::Tensor x = clf.features().matrix(read_posture_table(dir.file("test.csv"), clf.schema()).rows);
    const torch::Tensor want = clf.probabilities(x);
    const std::string path = o.out + "/classifier.onnx";

    const auto ort = onnx_export::run_onnxruntime(path, x, {"probability"}, dir.path().string());
    ASSERT_EQ(ort.at("probability").sizes(), (std::vector<int64_t>{x.size(0), 1}));
    const double d_ort = (ort.at("probability").reshape({-1}) - want).abs().max().item<double>();
    const double d_cv = (run_opencv(path, x) - want).abs().max().item<double>();
    std::printf("[parity] %-8s ort max|diff| = %.3g, opencv max|diff| = %.3g\n", kind, d_ort, d_cv);
    EXPECT_LE(d_ort, 1e-5) << kind;
    EXPECT_LE(d_cv, 1e-5) << kind;
  }
}

TEST(ClassifyOnnx, GraphIsRawFeaturesInProbabilityOut) {
  TempDir dir;
  test::write_side_schema(dir.file("side.yaml"));
  test::write_table(dir.file("train.csv"), test::make_people(10, 10, 5));
  ClassifyTrainOptions o;
  o.keypoints = dir.file("train.csv");
  o.schema = dir.file("side.yaml");
  o.out = dir.file("mlp");
  o.train.kind = "mlp";
  o.train.epochs = 5;
  classify_train(o);
  const auto model = onnx_export::load_model(o.out + "/classifier.onnx");
  const auto& g = model->graph();
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), "features");
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(0).dim_param(), "N");
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(1).dim_value(),
            PostureClassifier::load(o.out).features().size());
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.output(0).name(), "probability");
  std::multiset<std::string> ops;
  for (const auto& n : g.node()) ops.insert(n.op_type());
  EXPECT_EQ(ops.count("Gemm"), 2u);
  EXPECT_EQ(ops.count("Relu"), 1u);
  EXPECT_EQ(ops.count("Sigmoid"), 1u);
  std::set<std::string> keys;
  for (const auto& p : model->metadata_props()) keys.insert(p.key());
  for (const char* k : {"kplab.features", "kplab.positive", "kplab.schema"}) EXPECT_TRUE(keys.count(k)) << k;
}

}  // namespace
}  // namespace kplab::classify
