// Train/val/test assignment, by image (all people of one image share a
// split, so no person leaks between splits), seeded and stored in the cache.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kplab {

enum SplitId : uint8_t { kTrain = 0, kVal = 1, kTest = 2 };

// Parses "train", "val" or "test" (or 0/1/2).
SplitId parse_split_name(const std::string& name);
const char* split_name(int id);

// --split forms:
//   "0.8,0.1,0.1"                        fractions of the images (summing to 1), seeded shuffle
//   "8000,500,500"                       image counts (summing to the image count), seeded shuffle
//   "train=0:8000,val=8000:8500,test=8500:9000"  index ranges [a, b) in reader order, no shuffle
//   "source"                             the dataset's own split (YOLO train/val/test folders)
// `source_splits` holds each image's own split (-1 where it has none).
// Throws kplab::Error naming the option on malformed or inconsistent specs.
std::vector<uint8_t> assign_splits(const std::string& spec, int64_t num_images, uint64_t seed,
                                   const std::vector<int>& source_splits);

}  // namespace kplab
