// TensorBoard event files: records framed with masked CRC-32C, Event protos
// written by hand; read back by our reader (CRCs checked) and by TensorBoard's
// own EventAccumulator from the venv; a training run logs losses, lr,
// validation PCK and prediction images per epoch.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "export/python_tools.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"
#include "train/experiment.h"
#include "train/tensorboard_log.h"
#include "train/trainer.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string events_file(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) return e.path().string();
  return "";
}

TEST(TensorBoardLog, Crc32cIsCastagnolisMaskedAsTfRecordDoes) {
  const uint32_t crc = 0xE3069283u;  // CRC-32C of "123456789", the standard check value
  EXPECT_EQ(masked_crc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(TensorBoardLog, ScalarsAndImagesReadBackWithTheirSteps) {
  TempDir dir;
  std::string path;
  {
    TensorBoardLog log(dir.path().string());
    path = log.path();
    log.scalar("loss/total", 0.5, 1);
    log.scalar("loss/total", 0.25, 2);
    log.image("val/predictions", cv::Mat(8, 12, CV_8UC3, cv::Scalar(10, 200, 30)), 2);
    log.flush();
  }
  const auto values = read_tensorboard_log(path);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].tag, "loss/total");
  EXPECT_EQ(values[0].step, 1);
  EXPECT_FLOAT_EQ(values[0].value, 0.5f);
  EXPECT_FLOAT_EQ(values[1].value, 0.25f);
  EXPECT_TRUE(values[2].is_image);
  EXPECT_EQ(values[2].width, 12);
  EXPECT_EQ(values[2].height, 8);
  const cv::Mat png = cv::imdecode(std::vector<uchar>(values[2].png.begin(), values[2].png.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(png.size(), cv::Size(12, 8));
}

TEST(TensorBoardLog, ADamagedRecordIsRefusedNamingTheFile) {
  TempDir dir;
  std::string path;
  {
    TensorBoardLog log(dir.path().string());
    path = log.path();
    log.scalar("x", 1, 1);
    log.flush();
  }
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(-6, std::ios::end);
  f.put('\x7f');
  f.close();
  test::expect_error_with([&] { read_tensorboard_log(path); }, {path, "CRC"});
}

TEST(TensorBoardLog, ATrainingRunLogsEveryEpochAndTensorBoardReadsIt) {
  TempDir dir;
  TrainOptions t;
  t.run_dir = dir.file("run");
  t.progress = false;
  train(load_experiment(test::tiny_run().experiment), t, model_registry());  // 2 phases of 1 epoch
  const std::string events = events_file(t.run_dir);
  ASSERT_FALSE(events.empty());
  std::map<std::string, std::vector<int64_t>> steps;
  for (const auto& v : read_tensorboard_log(events)) steps[v.tag].push_back(v.step);
  for (const char* tag : {"loss/total", "loss/heatmap", "loss/coords", "train/lr", "val/pck@0.2", "val/heatmap_pck@0.2",
                          "val/predictions"})
    EXPECT_EQ(steps[tag], (std::vector<int64_t>{1, 2})) << tag;

  // TensorBoard's own reader sees the same scalars and images.
  std::string why;
  ASSERT_TRUE(onnx_export::python_tool_available("read_tensorboard.py", &why)) << why;
  onnx_export::run_python_tool("read_tensorboard.py", {t.run_dir, dir.file("tb.json")}, dir.path().string(), "tensorboard");
  const auto tb = nlohmann::json::parse(test::slurp(dir.file("tb.json")));
  ASSERT_TRUE(tb["scalars"].contains("val/pck@0.2")) << tb.dump();
  EXPECT_EQ(tb["scalars"]["val/pck@0.2"].size(), 2u);
  EXPECT_EQ(tb["scalars"]["val/pck@0.2"][1][0], 2);
  ASSERT_TRUE(tb["images"].contains("val/predictions")) << tb.dump();
  EXPECT_EQ(tb["images"]["val/predictions"][0][2], 64) << "one row of 64-pixel crops";
}

}  // namespace
}  // namespace kplab
