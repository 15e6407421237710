// One `kplab serve` job: the upload saved in its own folder goes through
// run_predict (the code `kplab predict` runs, with the same options), then
// what the page shows is read back from predict's keypoints.csv and summary.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/job_queue.h"
#include "serve/serve_options.h"
#include "serve/upload_check.h"

namespace kplab {

// The files a job offers, by the only names a request may use. Any other
// name is 404: a request never names a path.
struct ServedFile {
  const char* name;          // in the URL
  const char* content_type;
};
const ServedFile* find_served_file(const std::string& name);
// Where `name` (one of find_served_file's) lies in a job folder.
std::filesystem::path served_file_path(const std::filesystem::path& folder, const std::string& name);

// The copy of the upload inside a job folder.
std::filesystem::path upload_path(const std::filesystem::path& folder, const UploadType& type);

struct JobInput {
  std::filesystem::path folder;  // the job's own folder, holding the upload
  UploadType type;
  std::string display_name;      // the browser's file name, checked (shown only)
};

// Runs predict on the upload, writes results/result.json (and, for a video,
// results/still.jpg: its middle overlay frame, as browsers cannot play MJPG
// inline) and returns that JSON. The upload itself is removed whatever
// happens. Throws (the job fails) past `timeout_seconds`.
nlohmann::json run_serve_job(const ServeOptions& o, const JobInput& in, const JobQueue::Progress& progress);

}  // namespace kplab
