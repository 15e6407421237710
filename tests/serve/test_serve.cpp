// kplab serve in-process on a free loopback port: a tiny untrained
// blazepose_lite exported here, pictures and a video made with OpenCV. An
// upload's whole round trip, every bad input of issue #18 with its 4xx and
// message, 20 uploads at once against a small queue, and the temporary
// folders empty afterwards.
#include <gtest/gtest.h>
#include <httplib.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <thread>
#include <vector>

#include "export/export_model.h"
#include "models/registry.h"
#include "serve/job_folder.h"
#include "serve/serve_app.h"
#include "serve/upload_check.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string png_bytes(int w, int h) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(60, 80, 100));
  cv::ellipse(img, {w / 2, h / 2}, {w / 6, h / 3}, 0, 0, 360, cv::Scalar(200, 180, 160), cv::FILLED);
  std::vector<uchar> buf;
  cv::imencode(".png", img, buf);
  return std::string(buf.begin(), buf.end());
}

// Noise everywhere: pixelating any region of it changes pixels, wherever an
// untrained model puts the head.
std::string noise_png(int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  std::vector<uchar> buf;
  cv::imencode(".png", img, buf);
  return std::string(buf.begin(), buf.end());
}

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class ServeApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    torch::manual_seed(5);
    YAML::Node o;
    o["input_size"] = 64;
    o["num_keypoints"] = 14;
    PoseModel m = create_model("blazepose_lite", o);
    onnx_export::export_onnx(*m, dir_->file("lite.onnx"), {});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void start(int queue = 4, int keep_seconds = 600, int64_t max_mb = 200, int job_timeout = 900, bool blur = false) {
    ServeOptions o;
    o.model = dir_->file("lite.onnx");
    o.schema = std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml";
    o.port = 0;
    o.queue = queue;
    o.keep_seconds = keep_seconds;
    o.max_upload_mb = max_mb;
    o.temp_root = tmp_.file("jobs");
    o.job_timeout_seconds = job_timeout;
    o.blur_faces = blur;
    app_ = std::make_unique<ServeApp>(o);
    port_ = app_->bind();
    thread_ = std::thread([this] { app_->listen(); });
  }
  void TearDown() override {
    if (!app_) return;
    app_->stop();
    thread_.join();
    app_.reset();
    EXPECT_FALSE(fs::exists(tmp_.file("jobs"))) << "the temporary root outlives the server";
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  httplib::Result post(const std::string& name, const std::string& bytes) {
    httplib::MultipartFormDataItems items = {{"file", bytes, name, "application/octet-stream"}};
    return client().Post("/api/jobs", items);
  }
  // Polls job `id` until it is done or failed (at most a minute).
  nlohmann::json wait(const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      auto r = client().Get(("/api/jobs/" + id).c_str());
      EXPECT_TRUE(r && r->status == 200);
      if (!r) return {};
      const auto j = nlohmann::json::parse(r->body);
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " did not finish";
    return {};
  }
  // The job folders left in the temporary root.
  size_t job_folders() const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(tmp_.file("jobs"))) n += e.is_directory();
    return n;
  }
  void expect_refused(const httplib::Result& r, int status, const std::string& words) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_TRUE(has(nlohmann::json::parse(r->body).value("error", ""), words)) << r->body;
    EXPECT_EQ(job_folders(), 0u) << "a refused upload left its folder";
    auto page = client().Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200) << "the server stopped serving";
  }

  static TempDir* dir_;
  TempDir tmp_;
  std::unique_ptr<ServeApp> app_;
  std::thread thread_;
  int port_ = 0;
};
TempDir* ServeApi::dir_ = nullptr;

TEST_F(ServeApi, PhotoRoundTrip) {
  start();
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "<input id=\"file\" type=\"file\""));
  EXPECT_FALSE(has(page->body, "http://")) << "the page fetches nothing from elsewhere";
  auto r = post("me.png", png_bytes(120, 200));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = nlohmann::json::parse(r->body)["id"];
  EXPECT_TRUE(is_job_id(id));
  const auto j = wait(id);
  ASSERT_EQ(j["state"], "done") << j.dump();
  const auto& result = j["result"];
  EXPECT_EQ(result["name"], "me.png");
  ASSERT_EQ(result["people"].size(), 1u);
  EXPECT_GE(result["people"][0]["measures"].size(), 5u);  // LSP's angles and frontal measures
  auto overlay = client().Get(("/api/jobs/" + id + "/files/overlay.jpg").c_str());
  ASSERT_TRUE(overlay && overlay->status == 200);
  const cv::Mat shown = cv::imdecode(std::vector<uchar>(overlay->body.begin(), overlay->body.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(shown.rows, 200);  // the posture panel may widen it, never shorten it
  auto csv = client().Get(("/api/jobs/" + id + "/files/keypoints.csv").c_str());
  ASSERT_TRUE(csv && csv->status == 200);
  EXPECT_EQ(csv->body.rfind("source,frame,", 0), 0u);
  auto json = client().Get(("/api/jobs/" + id + "/files/result.json").c_str());
  ASSERT_TRUE(json && json->status == 200);
  EXPECT_EQ(nlohmann::json::parse(json->body)["people"].size(), 1u);
  // Only the fixed names, and no upload copy is left in the job's folder.
  EXPECT_EQ(client().Get(("/api/jobs/" + id + "/files/upload.png").c_str())->status, 404);
  EXPECT_EQ(client().Get(("/api/jobs/" + id + "/files/overlay.avi").c_str())->status, 404);
  EXPECT_FALSE(fs::exists(fs::path(tmp_.file("jobs")) / id / "upload.png"));
}

TEST_F(ServeApi, BadUploadsAreRefusedWithAMessage) {
  start(4, 600, 1);
  expect_refused(post("empty.jpg", ""), 400, "empty file");
  expect_refused(post("notes.txt", "just some text, not a picture"), 415, "expected a JPEG, PNG or BMP photo");
  std::string corrupt = png_bytes(80, 80);
  corrupt.resize(60);  // the signature and a cut-off header
  expect_refused(post("cut.png", corrupt), 422, "corrupt or truncated");
  expect_refused(post("../../etc/passwd.jpg", png_bytes(40, 40)), 400, "found a path");
  expect_refused(post("..\\evil.png", png_bytes(40, 40)), 400, "found a path");
  expect_refused(post("big.png", std::string("\x89PNG\r\n\x1a\n") + std::string(2 * 1024 * 1024, 'x')), 413, "at most 1 MB");
  // A video with a header and no frame.
  const std::string avi = tmp_.file("empty.avi");
  {
    cv::VideoWriter w(avi, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(64, 64));
    ASSERT_TRUE(w.isOpened());
  }
  expect_refused(post("empty.avi", file_bytes(avi)), 422, "video");
  // Not a form at all.
  expect_refused(client().Post("/api/jobs", "x", "text/plain"), 400, "file field");
}

TEST_F(ServeApi, RequestsNeverNameAPath) {
  start();
  for (const char* url : {"/api/jobs/0123456789abcdef", "/api/jobs/0123456789abcdef/files/keypoints.csv",
                          "/api/jobs/..%2F..%2Fetc/files/passwd", "/api/jobs/0123456789ABCDEF", "/etc/passwd",
                          "/api/jobs/0123456789abcdef/files/..%2Fupload.png"}) {
    auto r = client().Get(url);
    ASSERT_TRUE(r) << url;
    EXPECT_EQ(r->status, 404) << url;
    EXPECT_TRUE(nlohmann::json::parse(r->body).contains("error")) << url << ": " << r->body;
  }
}

TEST_F(ServeApi, VideoReportsProgressAndOffersAStill) {
  start();
  const std::string avi = tmp_.file("clip.avi");
  {
    cv::VideoWriter w(avi, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(96, 128));
    const std::string png = png_bytes(96, 128);
    const cv::Mat frame = cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_COLOR);
    for (int i = 0; i < 6; ++i) w.write(frame);
  }
  auto r = post("clip.avi", file_bytes(avi));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = nlohmann::json::parse(r->body)["id"];
  const auto j = wait(id);
  ASSERT_EQ(j["state"], "done") << j.dump();
  EXPECT_EQ(j["frames_done"], 6);
  EXPECT_EQ(j["result"]["frames"], 6);
  EXPECT_EQ(j["result"]["still_frame"], 3);
  EXPECT_EQ(j["result"]["people"].size(), 1u);
  for (const char* f : {"overlay.jpg", "overlay.avi", "keypoints.csv", "result.json"}) {
    auto got = client().Get(("/api/jobs/" + id + "/files/" + f).c_str());
    ASSERT_TRUE(got) << f;
    EXPECT_EQ(got->status, 200) << f;
    EXPECT_GT(got->body.size(), 10u) << f;
  }
}

TEST_F(ServeApi, TwentyAtOnceOnlySucceedOrGetBusy) {
  start(2, 2);
  const std::string photo = png_bytes(64, 96);
  std::vector<int> status(20, 0);
  std::vector<std::string> ids(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = post("p" + std::to_string(i) + ".png", photo);
      if (!r) {
        ADD_FAILURE() << "upload " << i << ": no answer (" << httplib::to_string(r.error()) << ") after "
                      << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s";
        return;
      }
      status[i] = r->status;
      if (r->status == 202) ids[i] = nlohmann::json::parse(r->body)["id"];
      if (r->status == 503) EXPECT_TRUE(has(r->body, "busy")) << r->body;
    });
  for (auto& t : threads) t.join();
  int ok = 0, busy = 0;
  for (int i = 0; i < 20; ++i) {
    ok += status[i] == 202;
    busy += status[i] == 503;
    if (status[i] == 202) EXPECT_EQ(wait(ids[i])["state"], "done");
  }
  EXPECT_EQ(ok + busy, 20) << "only successes and 'busy' answers";
  EXPECT_GE(ok, 1);
  // Finished jobs' folders go after --keep-seconds (2 s here).
  for (int i = 0; i < 100 && job_folders() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(job_folders(), 0u) << "job folders left behind";
  for (int i = 0; i < 20; ++i)
    if (!ids[i].empty()) EXPECT_EQ(client().Get(("/api/jobs/" + ids[i]).c_str())->status, 404);
}

// A video running past --job-timeout fails with a message; its folder goes
// after --keep-seconds like any finished job's.
TEST_F(ServeApi, LongJobStopsAtItsTimeoutAndLeavesNothing) {
  start(4, 1, 200, 1);
  const std::string avi = tmp_.file("long.avi");
  {
    cv::VideoWriter w(avi, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, cv::Size(320, 240));
    const std::string png = png_bytes(320, 240);
    const cv::Mat frame = cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_COLOR);
    for (int i = 0; i < 2000; ++i) w.write(frame);  // far more than a second of work
  }
  auto r = post("long.avi", file_bytes(avi));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = nlohmann::json::parse(r->body)["id"];
  const auto j = wait(id);
  ASSERT_EQ(j["state"], "failed") << j.dump();
  EXPECT_TRUE(has(j["error"], "--job-timeout")) << j.dump();
  EXPECT_GT(j["frames_done"].get<int>(), 0);
  EXPECT_EQ(j["frames_total"], 2000);
  for (int i = 0; i < 50 && job_folders() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(job_folders(), 0u);
}

// --blur-faces reaches what the page returns: the overlay differs from the unblurred one.
TEST_F(ServeApi, BlurFacesAppliesToTheOverlay) {
  auto overlay = [this](bool blur) {
    start(4, 600, 200, 900, blur);
    auto r = post("me.png", noise_png(120, 200));
    const std::string id = nlohmann::json::parse(r->body)["id"];
    EXPECT_EQ(wait(id)["state"], "done");
    const std::string body = client().Get(("/api/jobs/" + id + "/files/overlay.jpg").c_str())->body;
    TearDown();
    return cv::imdecode(std::vector<uchar>(body.begin(), body.end()), cv::IMREAD_COLOR);
  };
  const cv::Mat plain = overlay(false), blurred = overlay(true);
  ASSERT_EQ(plain.size(), blurred.size());
  EXPECT_GT(cv::norm(plain, blurred, cv::NORM_L1), 0.0);
}

TEST(ServeUpload, TypesComeFromTheBytes) {
  EXPECT_EQ(sniff_upload("\xFF\xD8\xFF\xE0rest", "a.png").extension, ".jpg");
  EXPECT_EQ(sniff_upload(std::string("\x89PNG\r\n\x1a\n", 8) + "x", "a.jpg").extension, ".png");
  EXPECT_TRUE(sniff_upload(std::string("RIFF\0\0\0\0AVI LIST", 16), "v").video);
  EXPECT_TRUE(sniff_upload(std::string("\0\0\0\x18" "ftypmp42", 12), "v").video);
  EXPECT_THROW(sniff_upload("GIF89a....", "a.gif"), RequestError);
  EXPECT_EQ(check_file_name(""), "upload");
  EXPECT_THROW(check_file_name("a/b.jpg"), RequestError);
  EXPECT_THROW(check_file_name(std::string("a\nb.jpg")), RequestError);
  EXPECT_TRUE(is_job_id("0123456789abcdef"));
  EXPECT_FALSE(is_job_id("0123456789abcde/"));
  EXPECT_FALSE(is_job_id("../0123456789abc"));
}

TEST(ServeOptionsCheck, LoopbackByDefaultAndLimitsChecked) {
  ServeOptions o;
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.max_upload_mb, 200);
  o.model = "m.onnx";
  o.queue = 0;
  EXPECT_THROW(check_serve_options(o), Error);
}

}  // namespace
}  // namespace kplab
