#include "serve/serve_options.h"

#include "core/error.h"

namespace kplab {

void check_serve_options(const ServeOptions& o) {
  if (o.model.empty()) throw input_error("kplab serve", "MODEL", "an exported .onnx file or a run folder", "nothing");
  if (o.host.empty()) throw input_error("kplab serve", "--host", "an address such as 127.0.0.1", "an empty string");
  if (o.port < 0 || o.port > 65535)
    throw input_error("kplab serve", "--port", "a port in [0, 65535] (0: any free one)", std::to_string(o.port));
  if (o.max_upload_mb < 1 || o.max_upload_mb > 16384)
    throw input_error("kplab serve", "--max-upload-mb", "megabytes in [1, 16384]", std::to_string(o.max_upload_mb));
  if (o.queue < 1 || o.queue > 1000)
    throw input_error("kplab serve", "--queue", "a number of waiting jobs in [1, 1000]", std::to_string(o.queue));
  if (o.keep_seconds < 1)
    throw input_error("kplab serve", "--keep-seconds", "at least 1 second", std::to_string(o.keep_seconds));
  if (o.job_timeout_seconds < 1)
    throw input_error("kplab serve", "--job-timeout", "at least 1 second", std::to_string(o.job_timeout_seconds));
}

int64_t max_upload_bytes(const ServeOptions& o) { return o.max_upload_mb * 1024 * 1024; }

}  // namespace kplab
