// What an upload to `kplab serve` must be before anything is written or
// queued: a plain file name (no path), not empty, a type found by its first
// bytes (never by the name the browser sends) that OpenCV can decode.
#pragma once

#include <string>

#include "core/error.h"

namespace kplab {

// A request the server refuses: the page shows what(), the answer has `status` (4xx, or 503 busy).
class RequestError : public Error {
 public:
  RequestError(int status, const std::string& message) : Error(message), status(status) {}
  int status;
};

struct UploadType {
  bool video = false;
  std::string format;     // "JPEG", "PNG", "BMP", "AVI", "MP4/MOV", "Matroska/WebM"
  std::string extension;  // what the saved copy is called by (one `kplab predict` reads): ".jpg", ".mp4", ...
};

// The browser's file name, for display only: 400 when it holds a path
// (a slash, a backslash, "..") or control characters, or is over 255 bytes.
std::string check_file_name(const std::string& name);

// The type by the file's first bytes: 400 when empty, 415 when it is none of
// JPEG, PNG, BMP, AVI, MP4/MOV, Matroska/WebM.
UploadType sniff_upload(const std::string& bytes, const std::string& name);

// An image: 422 unless OpenCV decodes it. Videos are checked once saved (check_video_file).
void check_image_decodes(const std::string& bytes, const std::string& name);

// 422 unless OpenCV opens the video at `path` and reads a first frame.
void check_video_file(const std::string& path, const std::string& name);

}  // namespace kplab
