// kplab predict through the binary (KPLAB_BINARY): a small untrained
// blazepose_lite exported at 64x64, PNG images and a 6-frame MJPG video made
// here; overlays of the original size, the CSV's shape, reps.json, the JSON
// summary, and one-line errors for bad inputs with nothing left behind.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "data/heatmap_codec.h"
#include "data/schema.h"
#include "export/export_model.h"
#include "export/onnx_graph.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/onnx_by_hand.h"
#include "support/detector_onnx.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::has;
using test::lines;
using test::quote;
using test::slurp;
using Result = test::CliResult;

Result kplab(const TempDir& dir, const std::string& args) { return test::run_kplab(dir, args); }

constexpr int kSize = 64;    // model input
constexpr int kJoints = 14;  // LSP
constexpr int kAngles = 5;   // left/right knee, left/right hip, neck inclination
constexpr int kMeasures = 5; // LSP's frontal posture measures (src/posture/measures.md)
constexpr int kColumns = 2 + 3 * kJoints + kAngles + kMeasures + 3 + 2;  // + rula_sum, flags, notes; confidence, crop

// One CSV line's cells; a quoted cell (posture_notes holds commas) is one cell.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string lsp_schema() { return std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml"; }

// A w x h picture with a bright figure-like blob, so overlays are not blank.
cv::Mat picture(int w, int h, int seed) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(40 + seed * 20, 60, 80));
  cv::ellipse(img, cv::Point(w / 2, h / 2), cv::Size(w / 6 + 1, h / 3 + 1), 0, 0, 360, cv::Scalar(200, 180, 160),
              cv::FILLED);
  cv::circle(img, cv::Point(w / 2, h / 6), std::max(2, h / 12), cv::Scalar(220, 200, 190), cv::FILLED);
  return img;
}

void write_png(const std::string& path, int w, int h, int seed) {
  fs::create_directories(fs::path(path).parent_path());
  ASSERT_TRUE(cv::imwrite(path, picture(w, h, seed))) << path;
}

void write_avi(const std::string& path, int w, int h, int frames) {
  fs::create_directories(fs::path(path).parent_path());
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(w, h));
  ASSERT_TRUE(writer.isOpened()) << path;
  for (int i = 0; i < frames; ++i) writer.write(picture(w, h, i));
}

// One exported model for the whole suite (the export runs its parity check,
// a few seconds).
class PredictCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    torch::manual_seed(5);
    YAML::Node o;
    o["input_size"] = kSize;
    o["num_keypoints"] = kJoints;
    PoseModel m = create_model("blazepose_lite", o);
    onnx_export::export_onnx(*m, dir_->file("lite.onnx"), {});
    onnx_export::ExportOptions with_heatmap;
    with_heatmap.with_heatmap = true;
    onnx_export::export_onnx(*m, dir_->file("lite_heatmaps.onnx"), with_heatmap);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string model() { return dir_->file("lite.onnx"); }

  // `kplab predict MODEL ARGS --schema lsp`
  Result predict(const std::string& args, const std::string& model_path = "") {
    return kplab(tmp_, "predict " + quote(model_path.empty() ? model() : model_path) + " --schema " +
                           quote(lsp_schema()) + " " + args);
  }

  // Runs a predict that must fail: non-zero exit, one stderr line naming
  // `path`, and --out never created.
  std::string expect_failure(const std::string& args, const std::string& path, const std::string& model_path = "") {
    const std::string out = tmp_.file("never");
    Result r = predict(args + " --out " + quote(out), model_path);
    EXPECT_NE(r.code, 0) << r.out;
    const auto err = lines(r.err);
    EXPECT_EQ(err.size(), 1u) << r.err;
    EXPECT_TRUE(has(r.err, path)) << "'" << path << "' not in: " << r.err;
    EXPECT_FALSE(fs::exists(out)) << "a failed run must not create --out";
    return r.err;
  }

  static TempDir* dir_;
  TempDir tmp_;
};

TempDir* PredictCli::dir_ = nullptr;

TEST_F(PredictCli, HelpListsTheOptions) {
  Result r = kplab(tmp_, "predict --help");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* opt : {"--input", "--out", "--schema", "--min-visibility", "--save-frames", "--rep-angle",
                          "--rep-low", "--rep-high", "--smooth", "--json", "keypoints.csv", "reps.json"})
    EXPECT_TRUE(has(r.out, opt)) << opt << " not in:\n" << r.out;
}

TEST_F(PredictCli, FolderOfImagesWritesOverlaysOfTheOriginalSizeAndTheCsv) {
  const std::string in = tmp_.file("photos"), out = tmp_.file("out/deeper"), json = tmp_.file("summary.json");
  write_png(in + "/b_tall.png", 50, 90, 1);
  write_png(in + "/a_wide.png", 120, 70, 2);
  test::write_file(in + "/notes.txt", "not an image");
  Result r = predict("--input " + quote(in) + " --out " + quote(out) + " --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "predicted 2 images")) << r.out;
  EXPECT_TRUE(has(r.out, "skipped 1")) << r.out;

  EXPECT_EQ(test::list_dir(out), (std::vector<std::string>{"a_wide_pose.jpg", "b_tall_pose.jpg", "keypoints.csv"}))
      << "no temporaries or extra files";
  for (auto [name, w, h] : {std::tuple<std::string, int, int>{"a_wide_pose.jpg", 120, 70}, {"b_tall_pose.jpg", 50, 90}}) {
    const cv::Mat overlay = cv::imread(out + "/" + name);
    ASSERT_FALSE(overlay.empty()) << name;
    EXPECT_EQ(overlay.cols, w) << name;
    EXPECT_EQ(overlay.rows, h) << name;
  }

  const auto csv = lines(slurp(out + "/keypoints.csv"));
  ASSERT_EQ(csv.size(), 3u) << "header + one row per image";
  const auto header = fields(csv[0]);
  ASSERT_EQ(header.size(), static_cast<size_t>(kColumns)) << csv[0];
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 5),
            (std::vector<std::string>{"source", "frame", "right_ankle_x", "right_ankle_y", "right_ankle_v"}));
  EXPECT_EQ(header[2 + 3 * 13], "head_top_x");
  EXPECT_EQ(std::vector<std::string>(header.begin() + 2 + 3 * kJoints, header.end()),
            (std::vector<std::string>{"left_knee_angle", "right_knee_angle", "left_hip_angle", "right_hip_angle",
                                      "neck_inclination", "shoulder_tilt_deg", "hip_tilt_deg", "head_tilt_deg",
                                      "trunk_lean_deg", "side_length_asymmetry", "rula_sum", "posture_flags",
                                      "posture_notes", "confidence", "crop"}));
  const std::vector<std::pair<std::string, cv::Size>> sources = {{in + "/a_wide.png", {120, 70}},
                                                                 {in + "/b_tall.png", {50, 90}}};
  for (size_t i = 0; i < 2; ++i) {
    const auto row = fields(csv[i + 1]);
    ASSERT_EQ(row.size(), static_cast<size_t>(kColumns)) << csv[i + 1];
    EXPECT_EQ(row[0], sources[i].first) << "sorted by name";
    EXPECT_EQ(row[1], "0");
    // An untrained model's coordinates sit near the input's centre (the
    // regression bias is (S - 1) / 2), so after undoing the letterbox they
    // sit near the original image's centre; a wrong padding offset or scale
    // would move them by a quarter of the image or more.
    double mx = 0, my = 0;
    for (int j = 0; j < kJoints; ++j) {
      const double x = std::stod(row[2 + 3 * j]), y = std::stod(row[3 + 3 * j]), v = std::stod(row[4 + 3 * j]);
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
      mx += x / kJoints;
      my += y / kJoints;
    }
    const cv::Size s = sources[i].second;
    EXPECT_NEAR(mx, (s.width - 1) / 2.0, 0.15 * std::max(s.width, s.height)) << sources[i].first;
    EXPECT_NEAR(my, (s.height - 1) / 2.0, 0.15 * std::max(s.width, s.height)) << sources[i].first;
  }

  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["n_inputs"], 2);
  EXPECT_EQ(j["kind"], "images");
  EXPECT_EQ(j["n_outputs"], 3);
  EXPECT_EQ(j["input_size"], kSize);
  EXPECT_EQ(j["num_keypoints"], kJoints);
  EXPECT_GT(j["forward_ms_mean"].get<double>(), 0.0);
  EXPECT_TRUE(j["reps"].is_null());
}

TEST_F(PredictCli, OneImageAndARunFolder) {
  const std::string img = tmp_.file("person.png"), out = tmp_.file("out");
  write_png(img, 80, 60, 3);
  const std::string run = tmp_.file("run");
  fs::create_directories(run);
  // A run folder without model.onnx says how to make it.
  const std::string err = expect_failure("--input " + quote(img), run, run);
  EXPECT_TRUE(has(err, "kplab export " + run + " --onnx " + run + "/model.onnx")) << err;

  fs::copy_file(model(), run + "/model.onnx");
  Result r = predict("--input " + quote(img) + " --out " + quote(out), run);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "predicted 1 image ")) << r.out;
  EXPECT_EQ(test::list_dir(out), (std::vector<std::string>{"keypoints.csv", "person_pose.jpg"}));
  EXPECT_EQ(lines(slurp(out + "/keypoints.csv")).size(), 2u);
  const cv::Mat overlay = cv::imread(out + "/person_pose.jpg");
  EXPECT_EQ(overlay.size(), cv::Size(80, 60));
}

TEST_F(PredictCli, VideoWritesAnOverlayVideoFramesCsvAndReps) {
  const std::string video = tmp_.file("clip.avi"), out = tmp_.file("out"), json = tmp_.file("s.json");
  write_avi(video, 96, 64, 6);
  Result r = predict("--input " + quote(video) + " --out " + quote(out) + " --save-frames --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "predicted 6 frames")) << r.out;
  EXPECT_TRUE(has(r.out, "reps")) << r.out;

  EXPECT_EQ(test::list_dir(out),
            (std::vector<std::string>{"clip_pose.avi", "frames", "keypoints.csv", "reps.json"}));
  std::vector<std::string> frames;
  for (int i = 0; i < 6; ++i) frames.push_back("00000" + std::to_string(i) + ".jpg");
  EXPECT_EQ(test::list_dir(out + "/frames"), frames);
  const cv::Mat f0 = cv::imread(out + "/frames/000000.jpg");
  EXPECT_EQ(f0.size(), cv::Size(96, 64));

  cv::VideoCapture cap(out + "/clip_pose.avi");
  ASSERT_TRUE(cap.isOpened());
  int n = 0;
  for (cv::Mat frame; cap.read(frame) && !frame.empty(); ++n) EXPECT_EQ(frame.size(), cv::Size(96, 64));
  EXPECT_EQ(n, 6);

  const auto csv = lines(slurp(out + "/keypoints.csv"));
  ASSERT_EQ(csv.size(), 7u) << "header + one row per frame";
  for (int i = 0; i < 6; ++i) {
    const auto row = fields(csv[i + 1]);
    ASSERT_EQ(row.size(), static_cast<size_t>(kColumns)) << csv[i + 1];
    EXPECT_EQ(row[0], video);
    EXPECT_EQ(row[1], std::to_string(i));
  }

  const auto reps = nlohmann::json::parse(slurp(out + "/reps.json"));
  EXPECT_EQ(reps["angle"], "knees");
  EXPECT_EQ(reps["low"], 100.0);
  EXPECT_EQ(reps["high"], 150.0);
  EXPECT_TRUE(reps["count"].is_number_integer());
  EXPECT_EQ(reps["count"].get<size_t>(), reps["completed_at_frames"].size());
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["kind"], "video");
  EXPECT_EQ(j["n_inputs"], 6);
  EXPECT_EQ(j["n_outputs"], 9) << "csv, video, 6 frames, reps.json";
  EXPECT_EQ(j["reps"]["count"], reps["count"]);
}

TEST_F(PredictCli, VideoKeypointsAreSmoothedByDefaultAndTheJitterIsReported) {
  const std::string video = tmp_.file("still.avi");
  write_avi(video, 96, 64, 12);
  Result r = predict("--input " + quote(video) + " --out " + quote(tmp_.file("a")) + " --json " + quote(tmp_.file("a.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "one-euro filter; joints moved")) << r.out;
  const auto a = nlohmann::json::parse(slurp(tmp_.file("a.json")))["video"];
  EXPECT_EQ(a["keypoint_filter"], "one-euro");
  EXPECT_LE(a["mean_jitter_px"].get<double>(), a["mean_jitter_px_raw"].get<double>());
  r = predict("--input " + quote(video) + " --out " + quote(tmp_.file("b")) + " --keypoint-filter none --json " +
              quote(tmp_.file("b.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto b = nlohmann::json::parse(slurp(tmp_.file("b.json")))["video"];
  EXPECT_EQ(b["mean_jitter_px"], b["mean_jitter_px_raw"]);
  EXPECT_TRUE(has(expect_failure("--input " + quote(video) + " --keypoint-filter kalman", "--keypoint-filter"), "one-euro or none"));
}

TEST_F(PredictCli, ARunsExportCarriesItsSchemaSoPredictNeedsNoSchemaFromAnyFolder) {
  const std::string run = test::copy_tiny_run(tmp_, "run");
  Result r = kplab(tmp_, "export " + quote(run) + " --onnx " + quote(run + "/model.onnx"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string photo = tmp_.file("p.png");
  write_png(photo, 80, 60, 1);
  fs::create_directories(tmp_.file("elsewhere"));
  // From a folder where datasets/lsp.yaml does not exist: the schema comes from the ONNX file.
  r = test::run_kplab(tmp_, "predict " + quote(run) + " --input " + quote(photo) + " --out " + quote(tmp_.file("o")),
                      "cd " + quote(tmp_.file("elsewhere")) + " &&");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(lines(slurp(tmp_.file("o/keypoints.csv")))[0], "right_ankle_x")) << "LSP joint names in the CSV";
  // A file without the metadata (exported here without a run) and no --schema: one line naming the metadata key.
  r = test::run_kplab(tmp_, "predict " + quote(model()) + " --input " + quote(photo) + " --out " + quote(tmp_.file("n")),
                      "cd " + quote(tmp_.file("elsewhere")) + " &&");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(has(r.err, model() + ": metadata kplab.schema")) << r.err;
  EXPECT_TRUE(has(r.err, "--schema")) << r.err;
  EXPECT_FALSE(fs::exists(tmp_.file("n")));
}

TEST_F(PredictCli, BadInputsFailWithOneLineNamingThePath) {
  const std::string missing = tmp_.file("nowhere.png");
  expect_failure("--input " + quote(missing), missing);

  const std::string text = tmp_.file("notes.txt");
  test::write_file(text, "hello");
  EXPECT_TRUE(has(expect_failure("--input " + quote(text), text), "'.txt'"));

  const std::string broken = tmp_.file("broken.png");
  test::write_file(broken, "this is not a PNG");
  expect_failure("--input " + quote(broken), broken);

  const std::string bad_video = tmp_.file("bad.mp4");
  test::write_file(bad_video, "this is not a video");
  expect_failure("--input " + quote(bad_video), bad_video);

  const std::string empty = tmp_.file("empty");
  fs::create_directories(empty);
  expect_failure("--input " + quote(empty), empty);

  const std::string img = tmp_.file("ok.png");
  write_png(img, 40, 40, 0);
  const std::string no_model = tmp_.file("nomodel.onnx");
  expect_failure("--input " + quote(img), no_model, no_model);
}

// The (x, y) columns of keypoints.csv's first row.
std::vector<std::pair<double, double>> csv_points(const std::string& csv) {
  std::vector<std::string> rows = lines(slurp(csv));
  EXPECT_GE(rows.size(), 2u);
  std::vector<std::string> cells;
  std::stringstream row(rows.at(1));
  for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
  std::vector<std::pair<double, double>> points;
  for (int j = 0; j < kJoints; ++j) points.push_back({std::stod(cells.at(2 + 3 * j)), std::stod(cells.at(3 + 3 * j))});
  return points;
}

TEST_F(PredictCli, HeatmapDecoderReadsThePeaksAsEvalDoesAndIsTheDefaultWhenHeatmapsExist) {
  // An image of exactly the input size, one pass on the whole frame: no
  // padding or resizing, so the CSV holds model-input pixels and can be
  // compared with LibTorch directly.
  const std::string img = tmp_.file("square.png");
  write_png(img, kSize, kSize, 4);
  const std::string heat = dir_->file("lite_heatmaps.onnx");
  const std::string out_auto = tmp_.file("auto"), out_reg = tmp_.file("reg"), json = tmp_.file("s.json");
  Result a = predict("--crop frame --input " + quote(img) + " --out " + quote(out_auto) + " --json " + quote(json), heat);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_TRUE(has(a.out, "heatmap decoder")) << a.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["decoder"], "heatmap");
  Result r = predict("--crop frame --input " + quote(img) + " --out " + quote(out_reg) + " --decoder regression", heat);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "regression decoder")) << r.out;

  torch::manual_seed(5);  // the suite's model
  YAML::Node o;
  o["input_size"] = kSize;
  o["num_keypoints"] = kJoints;
  PoseModel m = create_model("blazepose_lite", o);
  m->eval();
  cv::Mat rgb;
  cv::cvtColor(cv::imread(img), rgb, cv::COLOR_BGR2RGB);
  torch::Tensor x = torch::from_blob(rgb.data, {1, kSize, kSize, 3}, torch::kUInt8).permute({0, 3, 1, 2}).to(torch::kFloat) / 255;
  torch::NoGradGuard no_grad;
  PoseOutput y = m->forward(x);
  torch::Tensor peaks = HeatmapCodec{kSize, m->heatmap_size(), 1.0f}.decode(torch::sigmoid(y.heatmaps)).first;
  auto heat_points = csv_points(out_auto + "/keypoints.csv"), reg_points = csv_points(out_reg + "/keypoints.csv");
  for (int j = 0; j < kJoints; ++j) {
    EXPECT_NEAR(heat_points[j].first, peaks[0][j][0].item<double>(), 0.02) << j;
    EXPECT_NEAR(heat_points[j].second, peaks[0][j][1].item<double>(), 0.02) << j;
    EXPECT_NEAR(reg_points[j].first, y.coords[0][j][0].item<double>(), 0.02) << j;
    EXPECT_NEAR(reg_points[j].second, y.coords[0][j][1].item<double>(), 0.02) << j;
  }

  // A graph without heatmaps: auto reads coords, --decoder heatmap is refused.
  const std::string out_plain = tmp_.file("plain"), json_plain = tmp_.file("p.json");
  Result plain = predict("--input " + quote(img) + " --out " + quote(out_plain) + " --json " + quote(json_plain));
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(json_plain))["decoder"], "regression");
  const std::string err = expect_failure("--input " + quote(img) + " --decoder heatmap", model());
  EXPECT_TRUE(has(err, "heatmaps")) << err;
  const std::string bad = expect_failure("--input " + quote(img) + " --decoder peaks", "--decoder");
  EXPECT_TRUE(has(bad, "'peaks'")) << bad;
}

// --runtime: kplab's XNNPACK runner (the default where it covers the graph)
// and OpenCV DNN read the same exported file to the same keypoints, heatmap
// decoder included; the summary names the one that ran; a wrong name is refused.
TEST_F(PredictCli, XnnpackRunnerIsTheDefaultAndAgreesWithOpenCvDnn) {
  const std::string img = tmp_.file("square.png");
  write_png(img, kSize, kSize, 9);
  for (const std::string& graph : {model(), dir_->file("lite_heatmaps.onnx")}) {
    SCOPED_TRACE(graph);
    std::map<std::string, std::vector<std::pair<double, double>>> points;
    for (const std::string runtime : {"auto", "xnnpack", "opencv-dnn"}) {
      const std::string tag = runtime + std::to_string(graph.size());
      const std::string out = tmp_.file("rt_" + tag), json = tmp_.file("rt_" + tag + ".json");
      Result r = predict("--crop frame --keypoints-only --runtime " + runtime + " --input " + quote(img) + " --out " +
                             quote(out) + " --json " + quote(json),
                         graph);
      ASSERT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(nlohmann::json::parse(slurp(json))["runtime"], runtime == "auto" ? "xnnpack" : runtime);
      points[runtime] = csv_points(out + "/keypoints.csv");
    }
    ASSERT_EQ(points["xnnpack"].size(), static_cast<size_t>(kJoints));
    for (int j = 0; j < kJoints; ++j) {
      // Float sums in another order, then the CSV's two decimals.
      EXPECT_NEAR(points["xnnpack"][j].first, points["opencv-dnn"][j].first, 0.03) << j;
      EXPECT_NEAR(points["xnnpack"][j].second, points["opencv-dnn"][j].second, 0.03) << j;
      EXPECT_EQ(points["auto"][j], points["xnnpack"][j]) << j;
    }
  }
  const std::string bad = expect_failure("--input " + quote(img) + " --runtime tflite", "--runtime");
  EXPECT_TRUE(has(bad, "'tflite'")) << bad;
}

// A graph the runner does not cover (a Tanh on the coordinates, built by
// hand): auto runs it in OpenCV DNN and says why on stderr; --runtime
// xnnpack refuses it, naming the node.
TEST_F(PredictCli, AGraphTheRunnerDoesNotCoverFallsBackToOpenCvDnnWithANote) {
  namespace h = test::onnx_by_hand;
  onnx::ModelProto m = h::model_shell();
  auto* g = m.mutable_graph();
  g->set_name("tanh_pose");
  h::tensor_info(g->add_input(), "image", {1, 3, kSize, kSize});
  h::float_init(g, "w_coords", {2 * kJoints, 3}, 0.01f);
  h::float_init(g, "b_coords", {2 * kJoints}, 0.5f);
  h::float_init(g, "w_vis", {kJoints, 3}, 0.01f);
  h::float_init(g, "b_vis", {kJoints}, 2.f);
  h::int64_init(g, "coords_shape", {1, kJoints, 2});
  h::add_node(g, "GlobalAveragePool", "pool", {"image"}, {"pooled"});
  h::add_node(g, "Flatten", "flat", {"pooled"}, {"features"});
  auto trans_b = [](onnx::NodeProto* n) {
    auto* a = n->add_attribute();
    a->set_name("transB");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(1);
  };
  trans_b(h::add_node(g, "Gemm", "fc_coords", {"features", "w_coords", "b_coords"}, {"raw"}));
  h::add_node(g, "Tanh", "squash", {"raw"}, {"unit"});
  h::float_init(g, "scale", {1}, kSize / 2.f);
  h::add_node(g, "Mul", "to_pixels", {"unit", "scale"}, {"pixels"});
  h::add_node(g, "Reshape", "as_joints", {"pixels", "coords_shape"}, {"coords"});
  trans_b(h::add_node(g, "Gemm", "fc_vis", {"features", "w_vis", "b_vis"}, {"vis_logits"}));
  h::add_node(g, "Sigmoid", "vis", {"vis_logits"}, {"visibility"});
  for (const auto& [name, shape] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
           {"pooled", {1, 3, 1, 1}}, {"features", {1, 3}}, {"raw", {1, 2 * kJoints}}, {"unit", {1, 2 * kJoints}},
           {"pixels", {1, 2 * kJoints}}, {"vis_logits", {1, kJoints}}})
    h::tensor_info(g->add_value_info(), name, shape);
  h::tensor_info(g->add_output(), "coords", {1, kJoints, 2});
  h::tensor_info(g->add_output(), "visibility", {1, kJoints});
  const std::string path = tmp_.file("tanh_pose.onnx");
  {
    std::ofstream f(path, std::ios::binary);
    ASSERT_TRUE(m.SerializeToOstream(&f));
  }
  const std::string img = tmp_.file("square.png");
  write_png(img, kSize, kSize, 3);
  const std::string out = tmp_.file("fallback"), json = tmp_.file("fallback.json");
  Result r = predict("--crop frame --keypoints-only --input " + quote(img) + " --out " + quote(out) + " --json " +
                         quote(json),
                     path);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["runtime"], "opencv-dnn");
  EXPECT_TRUE(has(r.err, "OpenCV DNN runs this model")) << r.err;
  EXPECT_TRUE(has(r.err, "'squash' (Tanh)")) << r.err;
  const std::string err = expect_failure("--input " + quote(img) + " --runtime xnnpack", "squash", path);
  EXPECT_TRUE(has(err, "Tanh")) << err;
}

// --flip-test averages each crop's prediction with its mirror image's, mapped
// back, so its output is mirror-equivariant by construction: the mirrored
// photo gives the mirrored skeleton with left and right exchanged. The
// untrained model alone is not, which is what makes the check bite.
TEST_F(PredictCli, FlipTestMakesThePredictionMirrorEquivariant) {
  const std::string img = tmp_.file("square.png"), mirrored_img = tmp_.file("mirrored.png");
  write_png(img, kSize, kSize, 7);
  cv::Mat mirrored;
  cv::flip(cv::imread(img), mirrored, 1);
  cv::imwrite(mirrored_img, mirrored);
  const std::vector<int64_t> flip = load_schema(lsp_schema()).flip_permutation();
  for (const std::string& graph : {model(), dir_->file("lite_heatmaps.onnx")}) {
    SCOPED_TRACE(graph);
    auto points = [&](const std::string& image, const std::string& name, const std::string& extra) {
      const std::string out = tmp_.file(name);
      Result r = predict("--crop frame --keypoints-only --input " + quote(image) + " --out " + quote(out) + " " + extra,
                         graph);
      EXPECT_EQ(r.code, 0) << r.err;
      return csv_points(out + "/keypoints.csv");
    };
    const std::string tag = std::to_string(graph.size());
    const std::string json = tmp_.file("flip" + tag + ".json");
    auto a = points(img, "a" + tag, "--flip-test --json " + quote(json));
    auto b = points(mirrored_img, "b" + tag, "--flip-test");
    auto plain_a = points(img, "pa" + tag, ""), plain_b = points(mirrored_img, "pb" + tag, "");
    double worst_plain = 0;
    for (int j = 0; j < kJoints; ++j) {
      const auto& partner = a[flip[j]];
      EXPECT_NEAR(b[j].first, kSize - 1 - partner.first, 0.02) << j;
      EXPECT_NEAR(b[j].second, partner.second, 0.02) << j;
      worst_plain = std::max(worst_plain, std::abs(plain_b[j].first - (kSize - 1 - plain_a[flip[j]].first)));
    }
    EXPECT_GT(worst_plain, 0.1) << "the model alone is mirror-equivariant: the check above proves nothing";
    const auto summary = nlohmann::json::parse(slurp(json));
    EXPECT_EQ(summary["flip_test"], true);
    EXPECT_EQ(summary["n_forward"], 2);  // the crop and its mirror image
  }
}

TEST_F(PredictCli, TwoPassReCropsAroundTheJointsAndFlagsLowConfidence) {
  const std::string img = tmp_.file("wide.png");
  write_png(img, 200, 120, 2);
  // Every joint counts as seen (--min-visibility 0): the second pass always runs.
  Result r = predict("--input " + quote(img) + " --out " + quote(tmp_.file("a")) + " --min-visibility 0");
  ASSERT_EQ(r.code, 0) << r.err;
  auto row = fields(lines(slurp(tmp_.file("a/keypoints.csv")))[1]);
  EXPECT_EQ(row.back(), "two-pass") << "crop";
  r = predict("--input " + quote(img) + " --out " + quote(tmp_.file("b")) + " --min-visibility 0 --crop frame");
  ASSERT_EQ(r.code, 0) << r.err;
  row = fields(lines(slurp(tmp_.file("b/keypoints.csv")))[1]);
  EXPECT_EQ(row.back(), "frame");
  // Nothing seen (--min-visibility 1): the first pass stands and the person is flagged.
  r = predict("--input " + quote(img) + " --out " + quote(tmp_.file("c")) + " --min-visibility 1");
  ASSERT_EQ(r.code, 0) << r.err;
  row = fields(lines(slurp(tmp_.file("c/keypoints.csv")))[1]);
  EXPECT_EQ(row.back(), "frame");
  EXPECT_LT(std::stod(row[row.size() - 2]), 1.0) << "confidence below --min-visibility";
  const cv::Mat overlay = cv::imread(tmp_.file("c/wide_pose.jpg"));
  ASSERT_FALSE(overlay.empty());
  const cv::Vec3b corner = overlay.at<cv::Vec3b>(2, 2);
  EXPECT_GT(corner[2], 100) << "the red low-confidence label in the top-left corner";
  EXPECT_TRUE(has(expect_failure("--input " + quote(img) + " --crop boxes", "--crop"), "two-pass or frame"));

  // In a video the first frame is searched in two passes, the next ones cropped around the previous pose.
  const std::string video = tmp_.file("v.avi");
  write_avi(video, 96, 64, 4);
  r = predict("--input " + quote(video) + " --out " + quote(tmp_.file("v")) + " --min-visibility 0");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto csv = lines(slurp(tmp_.file("v/keypoints.csv")));
  ASSERT_EQ(csv.size(), 5u);
  EXPECT_EQ(fields(csv[1]).back(), "two-pass");
  for (int i = 2; i <= 4; ++i) EXPECT_EQ(fields(csv[i]).back(), "tracked") << i;
}

TEST_F(PredictCli, BoxesGiveOneSkeletonPerPersonAndBadBoxesAreNamed) {
  const std::string dir = tmp_.file("photos");
  write_png(dir + "/two.png", 200, 120, 1);
  write_png(dir + "/one.png", 80, 60, 2);
  const std::string csv = tmp_.file("boxes.csv");
  test::write_file(csv, "image,x,y,w,h\ntwo.png,10,10,60,100\ntwo.png,120,5,70,110\n");
  Result r = predict("--input " + quote(dir) + " --boxes " + quote(csv) + " --out " + quote(tmp_.file("a")));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = lines(slurp(tmp_.file("a/keypoints.csv")));
  ASSERT_EQ(rows.size(), 4u) << "header, one.png (no box: two passes), two.png's two people";
  EXPECT_TRUE(has(rows[1], "one.png"));
  EXPECT_EQ(fields(rows[2]).back(), "box");
  EXPECT_EQ(fields(rows[3]).back(), "box");
  EXPECT_LT(std::stod(fields(rows[2])[2]), 100) << "the first person's joints stay near its box on the left";

  // COCO json boxes.
  const std::string json = tmp_.file("boxes.json");
  test::write_file(json, R"({"images": [{"id": 7, "file_name": "two.png"}], "annotations": [{"image_id": 7, "bbox": [10, 10, 60, 100]}]})");
  r = predict("--input " + quote(dir) + " --boxes " + quote(json) + " --out " + quote(tmp_.file("b")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(slurp(tmp_.file("b/keypoints.csv"))).size(), 3u);

  test::write_file(csv, "image,x,y,w,h\nthree.png,10,10,60,100\n");
  EXPECT_TRUE(has(expect_failure("--input " + quote(dir) + " --boxes " + quote(csv), csv + ":2"), "'three.png'"));
  test::write_file(csv, "image,x,y,w,h\ntwo.png,150,10,90,100\n");
  EXPECT_TRUE(has(expect_failure("--input " + quote(dir) + " --boxes " + quote(csv), csv + ":2"), "a box inside"));
  test::write_file(csv, "image,x,y,w,h\ntwo.png,10,10,0,100\n");
  EXPECT_TRUE(has(expect_failure("--input " + quote(dir) + " --boxes " + quote(csv), csv + ":2"), "w > 0"));
  test::write_file(csv, "file,x,y,w,h\n");
  EXPECT_TRUE(has(expect_failure("--input " + quote(dir) + " --boxes " + quote(csv), csv + ":1"), "image,x,y,w,h"));
  const std::string video = tmp_.file("v.avi");
  write_avi(video, 96, 64, 2);
  expect_failure("--input " + quote(video) + " --boxes " + quote(json), json);
}

TEST_F(PredictCli, ADetectorGivesOneSkeletonPerPersonItFinds) {
  const std::string dir = tmp_.file("photos");
  write_png(dir + "/two.png", 200, 120, 1);
  const std::string det = tmp_.file("det.onnx");
  // Input 60 x 100: the 200 x 120 photo is scaled by 0.5 to 100 x 60, no padding.
  test::write_detector_onnx(det, 60, 100, {{5, 5, 35, 55, 0.8f, 0}, {60, 2, 95, 57, 0.7f, 0}, {0, 0, 9, 9, 0.9f, 7}}, 6);
  const std::string json = tmp_.file("d.json");
  Result r = predict("--input " + quote(dir) + " --detector " + quote(det) + " --out " + quote(tmp_.file("a")) +
                     " --json " + quote(json));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "found 2 people")) << r.out;
  const auto rows = lines(slurp(tmp_.file("a/keypoints.csv")));
  ASSERT_EQ(rows.size(), 3u) << "header and two people";
  EXPECT_EQ(fields(rows[1]).back(), "detector");
  EXPECT_LT(std::stod(fields(rows[1])[2]), 100) << "the better-scored person, on the left, comes first";
  const auto j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["detector"]["people"], 2);
  EXPECT_EQ(j["detector"]["images_without_people"], 0);

  // Nobody found: the overlay says so; no row.
  test::write_detector_onnx(det, 60, 100, {{5, 5, 35, 55, 0.1f, 0}}, 6);
  r = predict("--input " + quote(dir) + " --detector " + quote(det) + " --out " + quote(tmp_.file("b")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(slurp(tmp_.file("b/keypoints.csv"))).size(), 1u);
  EXPECT_TRUE(has(r.out, "1 image without any")) << r.out;

  // Bad input: one line, nothing written.
  test::write_detector_onnx(det, 60, 100, {{1, 2, 3, 4}}, 4);
  EXPECT_TRUE(has(expect_failure("--input " + quote(dir) + " --detector " + quote(det), det), "[1, N, 5] or [1, N, 6]"));
  const std::string csv = tmp_.file("boxes.csv");
  test::write_file(csv, "image,x,y,w,h\ntwo.png,10,10,60,100\n");
  expect_failure("--input " + quote(dir) + " --detector " + quote(det) + " --boxes " + quote(csv), det);
  const std::string video = tmp_.file("v.avi");
  write_avi(video, 96, 64, 2);
  expect_failure("--input " + quote(video) + " --detector " + quote(det), det);
  expect_failure("--input " + quote(dir) + " --detector " + quote(tmp_.file("none.onnx")), tmp_.file("none.onnx"));
}

TEST_F(PredictCli, OnnxWithoutCoordsIsRefused) {
  onnx_export::GraphBuilder g("not_a_pose_model");
  auto image = g.input("image", {1, 3, kSize, kSize});
  g.output(g.sigmoid(image), "probs");
  const std::string path = tmp_.file("probs.onnx");
  onnx_export::save_model(*g.finish({}), path, false);
  const std::string img = tmp_.file("ok.png");
  write_png(img, 40, 40, 0);
  const std::string err = expect_failure("--input " + quote(img), path, path);
  EXPECT_TRUE(has(err, "'coords'")) << err;
  EXPECT_TRUE(has(err, "'probs'")) << err;
}

TEST_F(PredictCli, SchemaWithAnotherJointCountNamesBoth) {
  const std::string img = tmp_.file("ok.png"), out = tmp_.file("never");
  write_png(img, 40, 40, 0);
  Result r = kplab(tmp_, "predict " + quote(model()) + " --schema " +
                             quote(std::string(KPLAB_SOURCE_DIR) + "/datasets/coco.yaml") + " --input " + quote(img) +
                             " --out " + quote(out));
  EXPECT_NE(r.code, 0);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, "17 joints")) << r.err;
  EXPECT_TRUE(has(r.err, "14 joints")) << r.err;
  EXPECT_TRUE(has(r.err, "coco.yaml")) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(PredictCli, ABadImageHalfwayThroughAFolderLeavesNothing) {
  const std::string in = tmp_.file("photos"), out = tmp_.file("existing");
  write_png(in + "/a.png", 40, 30, 0);
  test::write_file(in + "/b.png", "corrupt");
  write_png(in + "/c.png", 30, 40, 1);
  fs::create_directories(out);
  Result r = predict("--input " + quote(in) + " --out " + quote(out));
  EXPECT_NE(r.code, 0);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(has(r.err, in + "/b.png")) << r.err;
  EXPECT_TRUE(test::list_dir(out).empty()) << "no overlay, no CSV, no temporary from a failed run";
}

TEST_F(PredictCli, KeypointsOnlyWritesNoImageAndRefusesSaveFrames) {
  const std::string in = tmp_.file("photos"), out = tmp_.file("out");
  write_png(in + "/a.png", 60, 40, 0);
  write_png(in + "/b.png", 40, 60, 1);
  Result r = predict("--input " + quote(in) + " --out " + quote(out) + " --keypoints-only");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::list_dir(out), (std::vector<std::string>{"keypoints.csv"})) << "no overlay";
  EXPECT_EQ(lines(slurp(out + "/keypoints.csv")).size(), 3u);

  const std::string video = tmp_.file("clip.avi"), vout = tmp_.file("vout");
  write_avi(video, 64, 48, 4);
  r = predict("--input " + quote(video) + " --out " + quote(vout) + " --keypoints-only");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::list_dir(vout), (std::vector<std::string>{"keypoints.csv", "reps.json"})) << "no video, no frames";
  EXPECT_EQ(lines(slurp(vout + "/keypoints.csv")).size(), 5u);

  const std::string err = expect_failure("--input " + quote(video) + " --keypoints-only --save-frames", "--save-frames");
  EXPECT_TRUE(has(err, "--keypoints-only")) << err;
}

TEST_F(PredictCli, BlurFacesChangesOnlyTheHeadRegion) {
  // A fine checkerboard: any blur shows as lost contrast.
  const std::string in = tmp_.file("board.png");
  cv::Mat board(96, 96, CV_8UC3);
  for (int y = 0; y < 96; ++y)
    for (int x = 0; x < 96; ++x) board.at<cv::Vec3b>(y, x) = ((x / 2 + y / 2) % 2) ? cv::Vec3b(230, 230, 230) : cv::Vec3b(20, 20, 20);
  ASSERT_TRUE(cv::imwrite(in, board));
  const std::string plain = tmp_.file("plain"), blurred = tmp_.file("blurred");
  // --min-visibility 1: no joint is drawn over the head, only the blur differs.
  ASSERT_EQ(predict("--input " + quote(in) + " --out " + quote(plain) + " --min-visibility 1").code, 0);
  Result r = predict("--input " + quote(in) + " --out " + quote(blurred) + " --min-visibility 1 --blur-faces");
  ASSERT_EQ(r.code, 0) << r.err;
  const cv::Mat a = cv::imread(plain + "/board_pose.jpg"), b = cv::imread(blurred + "/board_pose.jpg");
  ASSERT_EQ(a.size(), b.size());
  // The head circle from the predicted neck and head top (LSP), as FaceBlur
  // draws it: the overlays differ, and only inside it (beyond JPEG noise).
  const auto row = fields(lines(slurp(blurred + "/keypoints.csv"))[1]);
  const cv::Point2f neck(std::stof(row[2 + 3 * 12]), std::stof(row[3 + 3 * 12]));
  const cv::Point2f top(std::stof(row[2 + 3 * 13]), std::stof(row[3 + 3 * 13]));
  const cv::Point2f c = neck + 0.55f * (top - neck);
  const float radius = std::max(4.f, 0.6f * static_cast<float>(cv::norm(top - neck)) + 2.f);
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
  int changed = 0, outside = 0;
  for (int y = 0; y < diff.rows; ++y)
    for (int x = 0; x < diff.cols; ++x) {
      if (diff.at<uint8_t>(y, x) <= 30) continue;
      ++changed;
      if (cv::norm(cv::Point2f(x, y) - c) > radius + 8) ++outside;  // + a JPEG block
    }
  EXPECT_GT(changed, 0) << "the head region was blurred";
  EXPECT_EQ(outside, 0) << "nothing changed away from the head (centre " << c << ", radius " << radius << ")";
}

}  // namespace
}  // namespace kplab
