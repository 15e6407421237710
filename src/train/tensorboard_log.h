// TensorBoard event files beside metrics.csv, so `tensorboard --logdir runs`
// shows every run's losses, learning rate, validation PCK and a few
// validation predictions. The format is public and small: a file of records
// (length, masked CRC-32C of the length, data, masked CRC-32C of the data),
// each an `Event` protocol buffer, written here by hand (no TensorFlow or
// protobuf schema needed). Scalars are Summary.Value.simple_value, images
// Summary.Image (PNG), both still read by TensorBoard 2.x.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace kplab {

class TensorBoardLog {
 public:
  // Creates DIR/events.out.tfevents.SECONDS.HOST.kplab (a new file per
  // process: a resumed run adds one and TensorBoard merges them by step).
  explicit TensorBoardLog(const std::string& dir);
  const std::string& path() const { return path_; }

  void scalar(const std::string& tag, double value, int64_t step);
  // A BGR uint8 image, stored as PNG.
  void image(const std::string& tag, const cv::Mat& bgr, int64_t step);
  // Pushes what was written to the file (each epoch, so a killed run keeps its curves).
  void flush();

 private:
  void record(const std::string& event);
  std::string path_;
  std::ofstream out_;
};

// Masked CRC-32C (Castagnoli), as TFRecord framing uses it.
uint32_t masked_crc32c(const std::string& bytes);

// One decoded record of an event file: the tests read files back with it.
struct TensorBoardValue {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;
  bool is_image = false;
  float value = 0;          // simple_value
  int width = 0, height = 0;
  std::string png;          // encoded image
};
// Every summary value in an event file, checking each record's CRCs (throws kplab::Error naming the file).
std::vector<TensorBoardValue> read_tensorboard_log(const std::string& path);

}  // namespace kplab
