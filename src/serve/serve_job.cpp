#include "serve/serve_job.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/error.h"
#include "predict/predict_job.h"

namespace kplab {

namespace fs = std::filesystem;

namespace {

const ServedFile kFiles[] = {{"overlay.jpg", "image/jpeg"},
                             {"overlay.avi", "video/x-msvideo"},
                             {"keypoints.csv", "text/csv; charset=utf-8"},
                             {"result.json", "application/json"}};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// One keypoints.csv row as the page shows it: the measures (angles and
// posture measures, "" when not measurable), then flags, notes and verdict.
nlohmann::json person_json(const CsvTable& t, size_t row) {
  static const std::vector<std::string> fixed = {"source", "frame", "crop", "confidence", "rula_sum", "posture_flags",
                                                 "posture_notes", "verdict", "verdict_probability", "verdict_reasons"};
  nlohmann::json p = {{"measures", nlohmann::json::array()}};
  for (size_t c = 0; c < t.header.size(); ++c) {
    const std::string& name = t.header[c];
    const std::string& cell = t.rows[row][c];
    const bool joint = ends_with(name, "_x") || ends_with(name, "_y") || ends_with(name, "_v");
    if (std::find(fixed.begin(), fixed.end(), name) != fixed.end())
      p[name] = cell;
    else if (!joint)
      p["measures"].push_back({{"name", name}, {"value", cell}});
  }
  p.erase("source");  // the path of the copy in the job folder: nothing the page needs
  return p;
}

// A video's middle overlay frame as a JPEG, for the page to show inline.
void write_still(const fs::path& video, const fs::path& still, int64_t frames) {
  cv::VideoCapture cap(video.string(), cv::CAP_OPENCV_MJPEG);
  if (!cap.isOpened()) cap.open(video.string());
  cv::Mat frame, kept;
  for (int64_t i = 0; i <= frames / 2 && cap.read(frame); ++i) kept = frame;
  KP_CHECK(!kept.empty(), video.string(), ": the overlay video has no readable frame");
  KP_CHECK(cv::imwrite(still.string(), kept), still.string(), ": cannot write the still frame");
}

nlohmann::json result_json(const PredictSummary& summary, const JobInput& in, const fs::path& results) {
  const CsvTable t = read_csv_table((results / "keypoints.csv").string());
  const bool video = in.type.video;
  const int64_t frames = summary.json["n_inputs"].get<int64_t>();
  nlohmann::json people = nlohmann::json::array();
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (!video || static_cast<int64_t>(t.number(r, t.require_column("frame"))) == frames / 2)
      people.push_back(person_json(t, r));
  nlohmann::json j = {{"name", in.display_name},
                      {"kind", video ? "video" : "image"},
                      {"format", in.type.format},
                      {"frames", frames},
                      {"input_size", summary.json["input_size"]},
                      {"forward_ms_mean", summary.json["forward_ms_mean"]},
                      {"people", people},
                      {"files", video ? std::vector<std::string>{"overlay.jpg", "overlay.avi", "keypoints.csv", "result.json"}
                                      : std::vector<std::string>{"overlay.jpg", "keypoints.csv", "result.json"}}};
  if (video) j["reps"] = summary.json["reps"], j["still_frame"] = frames / 2;
  return j;
}

}  // namespace

const ServedFile* find_served_file(const std::string& name) {
  for (const auto& f : kFiles)
    if (name == f.name) return &f;
  return nullptr;
}

fs::path served_file_path(const fs::path& folder, const std::string& name) {
  const fs::path results = folder / "results";
  if (name == "overlay.jpg") return fs::exists(results / "still.jpg") ? results / "still.jpg" : results / "upload_pose.jpg";
  if (name == "overlay.avi") return results / "upload_pose.avi";
  KP_CHECK(find_served_file(name), "file name: expected one of the job's files, found '", name, "'");
  return results / name;
}

fs::path upload_path(const fs::path& folder, const UploadType& type) { return folder / ("upload" + type.extension); }

nlohmann::json run_serve_job(const ServeOptions& o, const JobInput& in, const JobQueue::Progress& progress) {
  struct RemoveUpload {  // the photo or video itself is never kept past its job
    fs::path path;
    ~RemoveUpload() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } upload{upload_path(in.folder, in.type)};
  const fs::path results = in.folder / "results";
  PredictOptions p;
  p.model = o.model;
  p.schema = o.schema;
  p.classifier = o.classifier;
  p.blur_faces = o.blur_faces;
  p.input = upload.path.string();
  p.out = results.string();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.job_timeout_seconds);
  p.on_frame = [&](int64_t done, int64_t total) {
    progress(done, total);
    if (std::chrono::steady_clock::now() > deadline)
      throw Error(str(in.display_name, ": stopped after ", o.job_timeout_seconds,
                      " s (kplab serve --job-timeout): a shorter video will do"));
  };
  const PredictSummary summary = run_predict(p);
  if (in.type.video)
    write_still(results / "upload_pose.avi", results / "still.jpg", summary.json["n_inputs"].get<int64_t>());
  nlohmann::json j = result_json(summary, in, results);
  AtomicFile((results / "result.json").string(), true).commit_bytes(j.dump(2) + "\n");
  return j;
}

}  // namespace kplab
