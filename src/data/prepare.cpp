#include "data/prepare.h"

#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/threads.h"
#include "data/cache.h"
#include "data/crop.h"
#include "data/split.h"

namespace kplab {

RawPerson map_person(const RawPerson& p, const std::vector<std::vector<int>>& mapping, ReadStats& stats) {
  RawPerson out;
  const size_t k = mapping.size();
  out.xy.assign(2 * k, 0.0f);
  out.labeled.assign(k, 0);
  out.occluded.assign(k, 0);
  out.has_box = p.has_box;
  std::copy(p.box, p.box + 4, out.box);
  out.class_id = p.class_id;
  out.truth = p.truth;
  for (size_t j = 0; j < k; ++j) {
    const auto& src = mapping[j];
    if (src.empty()) {
      ++stats.masked_joints["absent from the source schema"];
      continue;
    }
    bool all = true;
    for (int s : src) all = all && p.labeled[s];
    if (!all) {
      if (src.size() > 1) ++stats.masked_joints["derived from an unlabeled joint"];
      continue;
    }
    float x = 0, y = 0;
    for (int s : src) {
      x += p.xy[2 * s];
      y += p.xy[2 * s + 1];
      if (!p.occluded.empty() && p.occluded[s]) out.occluded[j] = 1;
    }
    out.xy[2 * j] = x / src.size();
    out.xy[2 * j + 1] = y / src.size();
    out.labeled[j] = 1;
  }
  return out;
}

namespace {

// The generators draw people in one schema's joints, in its order.
void check_synthetic_schema(const Schema& schema, const std::string& format) {
  static const std::vector<std::string> lsp = {
      "right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle", "right_wrist",
      "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "neck", "head_top"};
  static const std::vector<std::string> side = {
      "nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
      "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"};
  const bool is_side = format == "synthetic_side";
  if (schema.joints != (is_side ? side : lsp))
    throw input_error(schema.path, "keypoints",
                      is_side ? "the 15 joints of datasets/posture_side.yaml in its order (synthetic_side people use them)"
                              : "the 14 LSP joints in LSP order (synthetic people use them)",
                      str(schema.num_joints(), " joints of schema ", schema.name));
}

RawDataset read_dataset(const PrepareOptions& o, const Schema& target, const Schema* from) {
  const int k = from ? from->num_joints() : target.num_joints();
  if (o.format == "lsp") return read_lsp(o.root);
  if (o.format == "yolo") {
    const Schema& own = from ? *from : target;  // the schema the labels are in
    return read_yolo(o.root, k, own.flip_permutation(), str(own.name, ", ", own.path));
  }
  if (o.format == "coco") return read_coco(o.root, o.images_dir);
  if (o.format == "synthetic" || o.format == "synthetic_side") {
    check_synthetic_schema(from ? *from : target, o.format);
    SyntheticOptions s;
    s.count = o.synthetic_count;
    s.seed = o.seed;
    return o.format == "synthetic" ? read_synthetic(s) : read_synthetic_side(s);
  }
  throw Error("internal: format '" + o.format + "' passed check_options but has no reader");
}

struct PersonOut {
  Crop crop;
  std::vector<uint8_t> jpeg;
};

struct ImageOut {
  std::vector<PersonOut> people;
  ReadStats stats;
};

// Labeled joints found outside their image so far (kept or masked).
int64_t joints_outside(const ReadStats& s) {
  auto masked = s.masked_joints.find("far outside the image (outlier)");
  return s.outside_kept + (masked == s.masked_joints.end() ? 0 : masked->second);
}

void check_options(const PrepareOptions& o) {
  check_source_options(o);
  if (o.size < 16 || o.size > 4096) throw input_error("--size", "crop size", "16..4096 pixels", std::to_string(o.size));
  if (!(o.margin >= 0 && o.margin <= 4)) throw input_error("--margin", "margin", "0..4", std::to_string(o.margin));
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    throw input_error("--jpeg-quality", "JPEG quality", "1..100", std::to_string(o.jpeg_quality));
}

}  // namespace

void check_source_options(const PrepareOptions& o) {
  const bool generated = o.format == "synthetic" || o.format == "synthetic_side";
  if (o.format != "lsp" && o.format != "yolo" && o.format != "coco" && !generated)
    throw input_error("--format", "format", "lsp, yolo, coco, synthetic or synthetic_side", "'" + o.format + "'");
  if (!generated && o.root.empty())
    throw input_error("--root", "dataset root", "a folder or file for format " + o.format, "nothing");
  if (!(o.outlier_margin >= 0)) throw input_error("--outlier-margin", "outlier margin", ">= 0", std::to_string(o.outlier_margin));
}

RawDataset read_in_schema(const PrepareOptions& o, const Schema& target) {
  std::unique_ptr<Schema> from;
  if (!o.from_schema_path.empty()) from = std::make_unique<Schema>(load_schema(o.from_schema_path));
  RawDataset data = read_dataset(o, target, from.get());
  const Schema& source = from ? *from : target;
  if (data.num_joints != source.num_joints()) {
    std::string hint = from ? "" : "; pass --from-schema with the dataset's own schema and a mapping to " + target.name;
    throw input_error(o.root, "keypoints per person",
                      str(source.num_joints(), " (schema ", source.name, ", ", source.path, ")"),
                      str(data.num_joints, hint));
  }
  if (from) {
    auto mapping = schema_mapping(*from, target);
    for (auto& img : data.images)
      for (auto& p : img.people) p = map_person(p, mapping, data.stats);
    data.num_joints = target.num_joints();
  }
  KP_CHECK(!data.images.empty(), o.root, ": dataset: expected at least one labeled image, found none");
  return data;
}

namespace {

// Each usable person of one decoded image as a crop (JPEG-encoded unless
// o.raw); people without labeled joints or a square are counted and dropped.
void crop_people(RawImage& img, const cv::Mat& mat, const PrepareOptions& o, const std::vector<int>& jpeg_params,
                 ImageOut& res) {
  for (RawPerson& p : img.people) {
    if (place_person_in_image(p, img.normalized, mat.cols, mat.rows, o.outlier_margin, res.stats) == 0) continue;
    auto square = person_square(p, o.margin, res.stats);
    if (!square) continue;
    PersonOut po;
    po.crop = crop_person(mat, p, *square, o.size);
    if (o.raw) {
      cv::cvtColor(po.crop.image, po.crop.image, cv::COLOR_BGR2RGB);
    } else {
      cv::imencode(".jpg", po.crop.image, po.jpeg, jpeg_params);
      po.crop.image.release();
    }
    res.people.push_back(std::move(po));
  }
}

void warn_exif_outside(const std::string& source, int orientation, int64_t outside) {
  std::fprintf(stderr,
               "\nwarning: %s: EXIF orientation %d turns this image for display and %lld labeled joint(s) fall "
               "outside the displayed image: labels are read in the displayed orientation (as Ultralytics "
               "does); were these labelled on the stored pixels?\n",
               source.c_str(), orientation, static_cast<long long>(outside));
}

// Decodes and crops every image on o.threads threads; results in image order.
std::vector<ImageOut> crop_all(RawDataset& data, const PrepareOptions& o) {
  const int threads = o.threads > 0 ? o.threads : default_threads();
  std::vector<ImageOut> results(data.images.size());
  Progress progress("prepare", data.images.size(), o.progress);
  std::mutex progress_mutex;
  const std::vector<int> jpeg_params = {cv::IMWRITE_JPEG_QUALITY, o.jpeg_quality};

  parallel_for(data.images.size(), threads, [&](int64_t i) {
    RawImage& img = data.images[i];
    ImageOut& res = results[i];
    cv::Mat mat = img.load();
    // load() turned the pixels as the EXIF tag says; labels are taken in that
    // displayed orientation (as Ultralytics does). A tagged image whose labels
    // fall outside it was probably labelled in the stored orientation: warn.
    const int orientation = is_generated_source(img.source) ? 1 : exif_orientation(img.source);
    if (orientation != 1) ++res.stats.exif_rotated;
    const int64_t outside_before = joints_outside(res.stats);
    crop_people(img, mat, o, jpeg_params, res);
    std::lock_guard<std::mutex> lock(progress_mutex);
    const int64_t outside = joints_outside(res.stats) - outside_before;
    if (orientation != 1 && outside > 0) warn_exif_outside(img.source, orientation, outside);
    progress.step();
  });
  progress.finish();
  return results;
}

// The crops in image order as one cache; merges the per-image stats and
// counts into `summary`.
CacheData assemble_cache(const PrepareOptions& o, const Schema& target, const RawDataset& data,
                         std::vector<ImageOut>& results, const std::vector<uint8_t>& image_split,
                         PrepareSummary& summary) {
  CacheData cache;
  cache.image_size = o.size;
  cache.num_joints = target.num_joints();
  cache.encoding = o.raw ? "raw" : "jpeg";
  cache.schema = target.name;
  cache.joint_names = target.joints;
  cache.command = o.command;
  cache.seed = o.seed;
  for (size_t i = 0; i < results.size(); ++i) {
    summary.stats.merge(results[i].stats);
    for (auto& po : results[i].people) {
      const Crop& c = po.crop;
      if (o.raw) {
        KP_CHECK(c.image.isContinuous(), "internal: crop not continuous");
        cache.raw.insert(cache.raw.end(), c.image.data, c.image.data + c.image.total() * 3);
      } else {
        cache.jpeg.push_back(std::move(po.jpeg));
      }
      cache.keypoints.insert(cache.keypoints.end(), c.xy.begin(), c.xy.end());
      cache.visible.insert(cache.visible.end(), c.visible.begin(), c.visible.end());
      cache.occluded.insert(cache.occluded.end(), c.occluded.begin(), c.occluded.end());
      cache.crop.insert(cache.crop.end(), c.crop_to_image.begin(), c.crop_to_image.end());
      cache.source.push_back(data.images[i].source);
      cache.image_id.push_back(static_cast<int32_t>(i));
      cache.split.push_back(image_split[i]);
      summary.per_split[image_split[i]]++;
      for (auto v : c.visible) summary.labeled_joints += v;
    }
  }
  return cache;
}

}  // namespace

PrepareSummary prepare(const PrepareOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  check_options(o);
  // Output first: a refused path must fail in a second, not after the work.
  AtomicFile out(o.out, o.force);
  const Schema target = load_schema(o.schema_path);
  RawDataset data = read_in_schema(o, target);
  PrepareSummary summary;
  summary.out = o.out;
  summary.schema = target.name;
  summary.stats = data.stats;

  std::vector<int> source_splits;
  for (const auto& img : data.images) source_splits.push_back(img.split);
  const std::vector<uint8_t> image_split = assign_splits(o.split, data.images.size(), o.seed, source_splits);

  std::vector<ImageOut> results = crop_all(data, o);
  const CacheData cache = assemble_cache(o, target, data, results, image_split, summary);
  summary.images_read = data.images.size();
  summary.people_written = cache.size();
  KP_CHECK(summary.people_written > 0, o.root, ": dataset: expected at least one person with labeled joints, found none");

  write_cache(out.temp_path(), cache, o.out);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (o.before_commit) o.before_commit(summary);
  out.commit();
  return summary;
}

std::string PrepareSummary::to_text() const {
  std::ostringstream os;
  os << "wrote " << out << " (schema " << schema << ")\n";
  os << "  images read     " << images_read << "\n";
  os << "  people written  " << people_written << "  (train " << per_split[0] << ", val " << per_split[1]
     << ", test " << per_split[2] << ")\n";
  os << "  labeled joints  " << labeled_joints << "\n";
  os << "  labeled joints slightly outside the image, kept: " << stats.outside_kept << "\n";
  os << "  images turned by their EXIF orientation tag (labels read as displayed): " << stats.exif_rotated << "\n";
  os << "  joints masked:" << (stats.masked_joints.empty() ? " none" : "") << "\n";
  for (const auto& kv : stats.masked_joints) os << "    " << kv.second << "  " << kv.first << "\n";
  os << "  people skipped:" << (stats.skipped_people.empty() ? " none" : "") << "\n";
  for (const auto& kv : stats.skipped_people) os << "    " << kv.second << "  " << kv.first << "\n";
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", seconds);
  os << "  seconds         " << secs << "\n";
  return os.str();
}

nlohmann::json PrepareSummary::to_json() const {
  return {{"out", out},
          {"schema", schema},
          {"images_read", images_read},
          {"people_written", people_written},
          {"split", {{"train", per_split[0]}, {"val", per_split[1]}, {"test", per_split[2]}}},
          {"labeled_joints", labeled_joints},
          {"outside_kept", stats.outside_kept},
          {"exif_rotated", stats.exif_rotated},
          {"masked_joints", stats.masked_joints},
          {"skipped_people", stats.skipped_people},
          {"seconds", seconds}};
}

}  // namespace kplab
