#include "serve/upload_check.h"

#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#include <vector>

namespace kplab {

namespace {

bool starts_with(const std::string& s, size_t at, const std::string& prefix) {
  return s.size() >= at + prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

const char* kAccepted = "a JPEG, PNG or BMP photo, or an AVI, MP4, MOV, MKV or WebM video";

}  // namespace

std::string check_file_name(const std::string& name) {
  // The name is never used on disk (the copy is upload.EXT in the job's own
  // folder); a name with a path is still refused: it is a crafted request.
  const bool path = name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
                    name.find("..") != std::string::npos;
  if (path) throw RequestError(400, str("file name '", name, "': expected a plain file name, found a path"));
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw RequestError(400, "file name: expected printable characters, found control characters");
  if (name.size() > 255) throw RequestError(400, str("file name: expected at most 255 bytes, found ", name.size()));
  return name.empty() ? "upload" : name;
}

UploadType sniff_upload(const std::string& b, const std::string& name) {
  if (b.empty()) throw RequestError(400, str(name, ": expected ", kAccepted, ", found an empty file"));
  if (starts_with(b, 0, "\xFF\xD8\xFF")) return {false, "JPEG", ".jpg"};
  if (starts_with(b, 0, "\x89PNG\r\n\x1a\n")) return {false, "PNG", ".png"};
  if (starts_with(b, 0, "BM") && b.size() > 26) return {false, "BMP", ".bmp"};
  if (starts_with(b, 0, "RIFF") && starts_with(b, 8, "AVI ")) return {true, "AVI", ".avi"};
  if (starts_with(b, 4, "ftyp")) return {true, "MP4/MOV", ".mp4"};
  if (starts_with(b, 0, "\x1A\x45\xDF\xA3")) return {true, "Matroska/WebM", ".mkv"};
  throw RequestError(415, str(name, ": expected ", kAccepted, ", found a file of another type"));
}

void check_image_decodes(const std::string& bytes, const std::string& name) {
  cv::Mat image;
  try {
    const std::vector<uchar> data(bytes.begin(), bytes.end());
    image = cv::imdecode(data, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    image.release();  // a damaged file can make a decoder throw: the same answer
  }
  if (image.empty()) throw RequestError(422, str(name, ": expected a photo OpenCV can decode, found a corrupt or truncated file"));
}

void check_video_file(const std::string& path, const std::string& name) {
  ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);  // one message of ours, not FFmpeg's lines
  cv::VideoCapture cap;
  cv::Mat frame;
  try {
    cap.open(path, cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_ANY);
    if (cap.isOpened()) cap.read(frame);
  } catch (const cv::Exception&) {
    frame.release();
  }
  if (!cap.isOpened()) throw RequestError(422, str(name, ": expected a video OpenCV can open, found a corrupt file"));
  if (frame.empty()) throw RequestError(422, str(name, ": expected a video with at least one frame, found none"));
}

}  // namespace kplab
