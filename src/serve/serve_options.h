// What `kplab serve` is asked to do, and the checks that need nothing but
// the options themselves (run before the model is loaded or a port opened).
#pragma once

#include <cstdint>
#include <string>

namespace kplab {

struct ServeOptions {
  std::string model;             // exported .onnx, or a run or zoo folder holding model.onnx
  std::string schema;            // keypoint schema file ("": the one the exported model carries)
  std::string classifier;        // a `kplab classify train` folder ("": no verdict)
  std::string host = "127.0.0.1";  // loopback unless told otherwise: the page has no login
  int port = 8080;               // 0: any free port (tests)
  int64_t max_upload_mb = 200;   // bigger uploads get 413
  int queue = 4;                 // jobs that may wait behind the running one; past it "busy" (503)
  int keep_seconds = 1800;       // a finished job's folder (overlay, CSV, JSON) lives this long
  int job_timeout_seconds = 900; // a job running longer is stopped (a very long video)
  bool blur_faces = false;       // every image and video the page returns has the heads pixelated
  std::string temp_root;         // where job folders go ("": a new folder in the system's temp)
};

// Throws input_error naming the flag when a value is out of range.
void check_serve_options(const ServeOptions& o);

// max_upload_mb in bytes.
int64_t max_upload_bytes(const ServeOptions& o);

}  // namespace kplab
