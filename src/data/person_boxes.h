// Person boxes a user already has, for top-down prediction on photos with
// several people (`kplab predict --boxes`): a CSV (header image,x,y,w,h; one
// row per person) or a COCO json (images with file_name, annotations with
// image_id and bbox [x, y, w, h]), in the photos' pixels.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace kplab {

struct PersonBox {
  cv::Rect2f box;     // x, y (top-left), w, h in image pixels
  std::string where;  // "FILE:LINE" or "FILE: annotations[i]", for messages
};

// Image file name (as written in the file) -> its people's boxes. Boxes with
// a width or height <= 0, unknown image ids and malformed rows fail naming
// the file and the row or entry.
std::map<std::string, std::vector<PersonBox>> read_person_boxes(const std::string& path);

// The boxes of the image at `image_path`: matched by the path as given, else
// by file name. Empty when the file names none.
const std::vector<PersonBox>* boxes_for(const std::map<std::string, std::vector<PersonBox>>& boxes,
                                        const std::string& image_path);

}  // namespace kplab
