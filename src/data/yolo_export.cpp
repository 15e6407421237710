#include "data/yolo_export.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/crop.h"
#include "data/schema.h"
#include "data/split.h"
#include "data/truth_csv.h"

namespace fs = std::filesystem;

namespace kplab {

namespace {

constexpr const char* kSplitNames[3] = {"train", "val", "test"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A folder removed with its contents unless kept: a new set's stage, or an append's.
struct Staging {
  fs::path path;
  bool keep = false;
  ~Staging() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove_all(path, ec);
  }
};

// The set's data.yaml: only splits that hold images (Ultralytics and kplab
// refuse an empty image folder).
// `history`: the comment lines of the set's data.yaml so far (appends add theirs).
std::string data_yaml(const Schema& schema, const bool has_split[3], const std::string& history,
                      const std::string& command, const std::vector<std::string>& class_names) {
  std::ostringstream y;
  if (history.empty()) y << "# YOLO-pose set written by kplab to-yolo, schema " << schema.name << " (" << schema.path << ").\n";
  y << history;
  if (!command.empty()) y << "# " << command << "\n";
  for (int s = 0; s < 3; ++s)
    if (has_split[s]) y << kSplitNames[s] << ": images/" << kSplitNames[s] << "\n";
  y << "kpt_shape: [" << schema.num_joints() << ", 3]\n";
  const std::vector<int64_t> flip = schema.flip_permutation();
  y << "flip_idx: [";
  for (size_t i = 0; i < flip.size(); ++i) y << (i ? ", " : "") << flip[i];
  y << "]\nnames:\n";
  if (class_names.empty()) y << "  0: person\n";
  for (size_t c = 0; c < class_names.size(); ++c) y << "  " << c << ": " << class_names[c] << "\n";
  y << "kpt_names:\n  0: [";
  for (size_t i = 0; i < schema.joints.size(); ++i) y << (i ? ", " : "") << schema.joints[i];
  y << "]\n";
  return y.str();
}

// An existing set to append to must be in the same joints: kpt_shape and flip_idx.
void check_set_to_append(const fs::path& out, const Schema& schema) {
  const fs::path yaml = out / "data.yaml";
  if (!fs::is_regular_file(yaml))
    throw input_error(out.string(), "--append", "a YOLO-pose set written by kplab to-yolo (data.yaml)", "no data.yaml");
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(yaml.string());
  } catch (const YAML::Exception& e) {
    throw input_error(yaml.string(), "data.yaml", "YAML", e.msg);
  }
  const YAML::Node shape = doc["kpt_shape"];
  if (!shape || !shape.IsSequence() || shape.size() != 2 || shape[0].as<std::string>() != std::to_string(schema.num_joints()) ||
      shape[1].as<std::string>() != "3")
    throw input_error(yaml.string(), "kpt_shape", str("[", schema.num_joints(), ", 3] (schema ", schema.name, ")"),
                      shape ? YAML::Dump(shape) : "none");
  std::vector<int64_t> flip;
  if (doc["flip_idx"] && doc["flip_idx"].IsSequence())
    for (const auto& v : doc["flip_idx"]) flip.push_back(v.as<int64_t>());
  if (flip != schema.flip_permutation())
    throw input_error(yaml.string(), "flip_idx", str("the flip pairs of schema ", schema.name), "another permutation");
}

std::string label_line(const RawPerson& p, int w, int h, float box_margin) {
  float x0, y0, x1, y1;
  if (p.has_box) {
    x0 = p.box[0], y0 = p.box[1], x1 = p.box[0] + p.box[2], y1 = p.box[1] + p.box[3];
  } else {  // the labeled joints' extent, grown
    x0 = y0 = INFINITY, x1 = y1 = -INFINITY;
    for (size_t j = 0; j < p.labeled.size(); ++j) {
      if (!p.labeled[j]) continue;
      x0 = std::min(x0, p.xy[2 * j]), x1 = std::max(x1, p.xy[2 * j]);
      y0 = std::min(y0, p.xy[2 * j + 1]), y1 = std::max(y1, p.xy[2 * j + 1]);
    }
    const float grow_x = std::max(4.f, box_margin * (x1 - x0)), grow_y = std::max(4.f, box_margin * (y1 - y0));
    x0 -= grow_x, x1 += grow_x, y0 -= grow_y, y1 += grow_y;
  }
  x0 = std::clamp(x0, 0.f, float(w)), x1 = std::clamp(x1, 0.f, float(w));
  y0 = std::clamp(y0, 0.f, float(h)), y1 = std::clamp(y1, 0.f, float(h));
  if (x1 - x0 < 1 || y1 - y0 < 1) return "";
  char buf[64];
  std::string line = std::to_string(p.class_id);
  for (float v : {0.5f * (x0 + x1) / w, 0.5f * (y0 + y1) / h, (x1 - x0) / w, (y1 - y0) / h}) {
    std::snprintf(buf, sizeof buf, " %.6f", v);
    line += buf;
  }
  for (size_t j = 0; j < p.labeled.size(); ++j) {
    if (!p.labeled[j]) {
      line += " 0 0 0";
      continue;
    }
    // Joints kept slightly outside the image (prepare keeps them too) are
    // clamped: YOLO-pose coordinates are fractions of the image.
    const float x = std::clamp(p.xy[2 * j] / w, 0.f, 1.f), y = std::clamp(p.xy[2 * j + 1] / h, 0.f, 1.f);
    const int v = !p.occluded.empty() && p.occluded[j] ? 1 : 2;
    std::snprintf(buf, sizeof buf, " %.6f %.6f %d", x, y, v);
    line += buf;
  }
  return line + "\n";
}

}  // namespace

nlohmann::json YoloExportSummary::to_json() const {
  nlohmann::json masked = stats.masked_joints, skipped = stats.skipped_people;
  return {{"out", out},           {"prefix", prefix},
          {"images", {{"train", images[0]}, {"val", images[1]}, {"test", images[2]}}},
          {"people", people},     {"labeled_joints", labeled_joints},
          {"images_without_people", images_without_people},
          {"reencoded", reencoded}, {"masked_joints", masked}, {"skipped_people", skipped},
          {"exif_rotated", stats.exif_rotated}, {"truth_rows", truth_rows}};
}

std::string YoloExportSummary::to_text() const {
  std::ostringstream t;
  t << "wrote YOLO-pose set " << out << " (images " << prefix << "_*)\n"
    << "  images          train " << images[0] << ", val " << images[1] << ", test " << images[2] << "\n"
    << "  people          " << people << " (" << labeled_joints << " labeled joints)\n";
  if (images_without_people) t << "  left out        " << images_without_people << " images without a labeled person\n";
  if (truth_rows) t << "  truth.csv       " << truth_rows << " people with the generator's known angles and class\n";
  if (reencoded) t << "  re-encoded      " << reencoded << " images (EXIF-turned, or not JPEG/PNG)\n";
  for (const auto& [why, n] : stats.masked_joints) t << "  masked joints   " << n << " " << why << "\n";
  return t.str();
}

namespace {

// PREFIX of the set's file names: the format's name unless given.
std::string checked_prefix(const YoloExportOptions& o) {
  const std::string prefix = o.prefix.empty() ? o.source.format : o.prefix;
  if (prefix.empty() || prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                            std::string::npos)
    throw input_error("--prefix", "prefix", "letters, digits, _ and -", "'" + prefix + "'");
  return prefix;
}

// Refuses an output the options do not allow; returns whether it exists.
bool check_output(const YoloExportOptions& o, const fs::path& out, const Schema& schema) {
  std::error_code ec;
  const bool exists = fs::exists(out, ec);
  if (o.append) {
    if (!exists) throw input_error(o.out, "--append", "an existing YOLO-pose set", "no such folder");
    check_set_to_append(out, schema);
  } else {
    if (exists && !o.force) throw input_error(o.out, "output", "a new folder (or --append, or --force to replace)", "an existing one");
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    if (!fs::is_directory(parent, ec)) throw input_error(o.out, "output folder's parent", "an existing folder", "none");
  }
  return exists;
}

// File names: PREFIX_STEM.EXT, unique within the set.
std::vector<std::string> file_stems(const RawDataset& data, const std::string& prefix) {
  std::vector<std::string> stems(data.images.size());
  std::map<std::string, int> seen;
  for (size_t i = 0; i < data.images.size(); ++i) {
    const std::string& src = data.images[i].source;
    std::string stem = is_generated_source(src) ? str("synthetic_", i) : fs::path(src).stem().string();
    for (char& c : stem)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
    stem = prefix + "_" + stem;
    const int n = seen[stem]++;
    stems[i] = n ? str(stem, "_", n) : stem;
  }
  return stems;
}

// The staging folder, with images/ and labels/ per split: beside `out` for a
// new set, inside it for an append.
void make_stage(Staging& stage, const YoloExportOptions& o, const fs::path& out) {
  if (o.append) {
    remove_stale_temporaries((out / "append").string());
    stage.path = out / str(".append.tmp-", ::getpid());
  } else {
    remove_stale_temporaries(out.string());
    stage.path = (out.parent_path().empty() ? fs::path(".") : out.parent_path()) / str(".", out.filename().string(), ".tmp-", ::getpid());
  }
  std::error_code ec;
  fs::remove_all(stage.path, ec);
  for (const char* s : kSplitNames) {
    fs::create_directories(stage.path / "images" / s);
    fs::create_directories(stage.path / "labels" / s);
  }
}

// One image's label file text: a line per person with labeled joints and a
// box inside the image; people left out are counted in summary.stats.
std::string image_labels(RawImage& img, const cv::Mat& mat, const YoloExportOptions& o, YoloExportSummary& summary,
                         TruthCsv& truth, const std::string& image_rel, const std::string& split_name) {
  std::string labels;
  for (RawPerson& p : img.people) {
    const int labeled =
        place_person_in_image(p, img.normalized, mat.cols, mat.rows, o.source.outlier_margin, summary.stats);
    if (labeled == 0) continue;
    const std::string line = label_line(p, mat.cols, mat.rows, o.box_margin);
    if (line.empty()) {
      ++summary.stats.skipped_people["box outside the image"];
      continue;
    }
    labels += line;
    truth.add(image_rel, split_name, p);
    ++summary.people;
    summary.labeled_joints += labeled;
  }
  return labels;
}

// Where one image and its labels go, relative to the set's folder.
struct SetFiles {
  fs::path image, label;
};

// Stages one image (copied when its bytes can stay, else re-encoded as JPEG)
// and its labels; records both as staged -> final moves, labels first.
void stage_image(const RawImage& img, const cv::Mat& mat, bool copy, const SetFiles& rel, const std::string& labels,
                 const fs::path& stage, const fs::path& out, YoloExportSummary& summary,
                 std::vector<std::pair<fs::path, fs::path>>& moves) {
  if (copy) {
    fs::copy_file(img.source, stage / rel.image);
  } else {
    std::vector<uint8_t> jpeg;
    cv::imencode(".jpg", mat, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
    write_whole_file((stage / rel.image).string(), jpeg.data(), jpeg.size(), (out / rel.image).string());
    ++summary.reencoded;
  }
  write_whole_file((stage / rel.label).string(), labels.data(), labels.size(), (out / rel.label).string());
  moves.push_back({stage / rel.label, out / rel.label});
  moves.push_back({stage / rel.image, out / rel.image});
}

// Every image with a labeled person into the stage; returns the staged -> final moves.
std::vector<std::pair<fs::path, fs::path>> stage_images(RawDataset& data, const std::vector<uint8_t>& split,
                                                        const std::vector<std::string>& stems,
                                                        const YoloExportOptions& o, const fs::path& out,
                                                        const fs::path& stage, YoloExportSummary& summary,
                                                        TruthCsv& truth) {
  std::error_code ec;
  std::vector<std::pair<fs::path, fs::path>> moves;
  for (size_t i = 0; i < data.images.size(); ++i) {
    RawImage& img = data.images[i];
    const cv::Mat mat = img.load();  // EXIF-turned: labels are in the displayed orientation
    const bool is_file = !is_generated_source(img.source);
    const int orientation = is_file ? exif_orientation(img.source) : 1;
    if (orientation != 1) ++summary.stats.exif_rotated;
    const std::string ext = lower(fs::path(img.source).extension().string());
    const bool copy = is_file && orientation == 1 && (ext == ".jpg" || ext == ".jpeg" || ext == ".png");
    const std::string split_name = kSplitNames[split[i]];
    const SetFiles rel{fs::path("images") / split_name / (stems[i] + (copy ? ext : ".jpg")),
                       fs::path("labels") / split_name / (stems[i] + ".txt")};
    const std::string labels = image_labels(img, mat, o, summary, truth, rel.image.string(), split_name);
    if (labels.empty()) {  // Ultralytics would take it as a background image
      ++summary.images_without_people;
      continue;
    }
    if (o.append && (fs::exists(out / rel.image, ec) || fs::exists(out / rel.label, ec)))
      throw input_error(o.out, (out / rel.image).string(), "a new file name (another --prefix)", "an existing file");
    stage_image(img, mat, copy, rel, labels, stage, out, summary, moves);
    ++summary.images[split[i]];
  }
  return moves;
}

// The data.yaml after this export: every split that holds images (an
// append's included), and the comment lines of the set's data.yaml so far.
std::string final_data_yaml(const YoloExportOptions& o, const fs::path& out, const Schema& schema,
                            const YoloExportSummary& summary, const std::vector<std::string>& class_names) {
  std::error_code ec;
  bool has_split[3];
  for (int s = 0; s < 3; ++s) {
    has_split[s] = summary.images[s] > 0;
    if (o.append) has_split[s] = has_split[s] || (fs::is_directory(out / "images" / kSplitNames[s], ec) &&
                                                  !fs::is_empty(out / "images" / kSplitNames[s], ec));
  }
  std::string history;
  if (o.append) {
    std::ifstream old(out / "data.yaml");
    for (std::string line; std::getline(old, line) && line.rfind("#", 0) == 0;) history += line + "\n";
  }
  return data_yaml(schema, has_split, history, o.command, class_names);
}

// A new set: renamed into place whole (replacing an existing one under
// --force). An append: the staged files moved in, then data.yaml replaced.
void commit_set(const YoloExportOptions& o, const fs::path& out, bool exists, Staging& stage, const std::string& yaml,
                const std::vector<std::pair<fs::path, fs::path>>& moves) {
  std::error_code ec;
  if (!o.append) {
    write_whole_file((stage.path / "data.yaml").string(), yaml.data(), yaml.size(), (out / "data.yaml").string());
    const fs::path old = stage.path.string() + "-replaced";
    if (exists) fs::rename(out, old);  // --force
    fs::rename(stage.path, out);
    stage.keep = true;
    if (exists) fs::remove_all(old, ec);
  } else {
    // Labels before their images: a reader never meets an image without its labels.
    for (const auto& [from, to] : moves) {
      fs::create_directories(to.parent_path());
      fs::rename(from, to);
    }
    AtomicFile((out / "data.yaml").string(), true).commit_bytes(yaml);
  }
}

}  // namespace

YoloExportSummary export_yolo(const YoloExportOptions& o) {
  check_source_options(o.source);
  const Schema schema = load_schema(o.source.schema_path);
  const fs::path out(o.out);
  const std::string prefix = checked_prefix(o);
  const bool exists = check_output(o, out, schema);

  RawDataset data = read_in_schema(o.source, schema);
  std::vector<int> source_splits;
  for (const auto& img : data.images) source_splits.push_back(img.split);
  const std::vector<uint8_t> split = assign_splits(o.source.split, data.images.size(), o.source.seed, source_splits);
  const std::vector<std::string> stems = file_stems(data, prefix);

  Staging stage;
  make_stage(stage, o, out);
  YoloExportSummary summary;
  summary.out = o.out;
  summary.prefix = prefix;
  summary.stats = data.stats;
  TruthCsv truth(schema, data.class_names);
  auto moves = stage_images(data, split, stems, o, out, stage.path, summary, truth);
  if (!truth.empty()) {  // a generator's known values, for scoring measures and classifiers
    if (o.append) throw input_error(o.out, "--append", "a source without generator truth", o.source.format + " (truth.csv cannot be merged)");
    const std::string text = truth.text();
    write_whole_file((stage.path / "truth.csv").string(), text.data(), text.size(), (out / "truth.csv").string());
    summary.truth_rows = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) - 1;
  }
  if (summary.people == 0)
    throw input_error(o.source.root.empty() ? o.source.format : o.source.root, "people", "at least one labeled person",
                      "none to write");

  const std::string yaml = final_data_yaml(o, out, schema, summary, data.class_names);
  if (o.before_commit) o.before_commit(summary);
  commit_set(o, out, exists, stage, yaml, moves);
  return summary;
}

}  // namespace kplab
