// The square crops a pose model sees at inference: a square region of a
// photo or frame (it may reach past the edges: padded black, as the training
// crops are) resized to the model's S x S input, and the way back to the
// photo's pixels.
#pragma once

#include <opencv2/core.hpp>

namespace kplab {

struct Letterbox {
  double scale = 1;      // S / side of the square
  int x0 = 0, y0 = 0;    // the square's top-left corner in image pixels
  // Model input pixels -> original image pixels (pixel centres at integers
  // in both, as cv::resize maps them).
  cv::Point2f to_image(float u, float v) const {
    return {static_cast<float>((u + 0.5) / scale - 0.5 + x0), static_cast<float>((v + 0.5) / scale - 0.5 + y0)};
  }
};

// The square of `side` pixels at (x0, y0) of `bgr`, resized to size x size;
// fills *lb with the mapping back.
cv::Mat crop_square(const cv::Mat& bgr, int x0, int y0, int side, int size, Letterbox* lb);

// The whole frame, padded to a centred square.
cv::Mat letterbox(const cv::Mat& bgr, int size, Letterbox* lb);

}  // namespace kplab
