// kplab prepare: raw dataset -> validated person crops -> HDF5 cache.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/raw_dataset.h"
#include "data/readers/readers.h"
#include "data/schema.h"

namespace kplab {

struct PrepareSummary;

struct PrepareOptions {
  std::string format;             // lsp | yolo | coco | synthetic | synthetic_side
  std::string root;               // dataset folder or file (unused for synthetic)
  std::string schema_path;        // schema the cache is written in
  std::string from_schema_path;   // the dataset's own schema, when its joints differ
  std::string images_dir;         // COCO: where file_name is resolved (default: beside the json)
  std::string out;                // cache path
  int size = 256;                 // crop side in pixels
  float margin = 0.25f;           // context around the person box
  float outlier_margin = 0.10f;   // joints further outside the image are masked
  std::string split = "0.8,0.1,0.1";
  uint64_t seed = 0;              // split shuffle (and synthetic images)
  int synthetic_count = 1000;     // synthetic images
  bool raw = false;               // store raw uint8 crops instead of JPEG
  int jpeg_quality = 90;
  bool force = false;             // replace an existing cache
  int threads = 0;                // decode threads; 0 = all cores
  bool progress = true;
  std::string command;            // recorded in the cache
  // Called with the finished summary after the cache is written and before it
  // is renamed into place: a caller's own output (the --json summary) that
  // fails here leaves no cache behind either.
  std::function<void(const PrepareSummary&)> before_commit;
};

struct PrepareSummary {
  std::string out;
  std::string schema;
  int64_t images_read = 0;
  int64_t people_written = 0;
  int64_t per_split[3] = {0, 0, 0};
  int64_t labeled_joints = 0;
  ReadStats stats;
  double seconds = 0;

  std::string to_text() const;
  nlohmann::json to_json() const;
};

// Validates everything it can before the slow part (output path, schema,
// labels, image files), then crops on options.threads threads and writes the
// cache atomically. Throws kplab::Error on bad input; nothing is left behind.
PrepareSummary prepare(const PrepareOptions& options);

// The checks of the source fields (format, root, outlier_margin), for every
// verb that reads a dataset; errors name the flag.
void check_source_options(const PrepareOptions& options);

// Reads the dataset `options` names (format, root, images_dir; synthetic:
// count, seed) and, with from_schema_path, maps its people into `target`'s
// joints. Checks K against the schema; errors name the file and field.
RawDataset read_in_schema(const PrepareOptions& options, const Schema& target);

// Rewrites a person from one schema into another (schema_mapping()).
RawPerson map_person(const RawPerson& p, const std::vector<std::vector<int>>& mapping, ReadStats& stats);

}  // namespace kplab
