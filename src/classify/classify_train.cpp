// kplab classify train: read, label, featurise, cross-validate, fit, write.
#include <unistd.h>

#include <filesystem>

#include "classify/classifier_file.h"
#include "classify/classifier_onnx.h"
#include "classify/classifier_tflite.h"
#include "classify/classify_run.h"
#include "classify/posture_features.h"
#include "classify/posture_table.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_output.h"
#include "core/number_format.h"
#include "data/schema.h"

namespace kplab::classify {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void check_out(const ClassifyTrainOptions& o) {
  if (o.out.empty()) throw input_error("--out", "folder", "a folder to create", "nothing");
  std::error_code ec;
  if (fs::exists(o.out, ec) && !o.force)
    throw input_error(o.out, "--out", "a new folder (or --force to replace it)", "an existing one");
  if (fs::exists(o.out, ec) && !fs::is_directory(o.out, ec))
    throw input_error(o.out, "--out", "a folder", "an existing file");
}

// Writes the folder's files into a staging folder beside OUT, then renames
// it into place: a failure leaves no half folder (and --force's old one intact).
void write_folder(const SavedClassifier& c, const ClassifyTrainOptions& o, JsonOutput& json_out, json& report,
                  const torch::Tensor& x) {
  const fs::path out = fs::absolute(o.out).lexically_normal();
  const fs::path target = out.filename().empty() ? out.parent_path() : out;
  fs::create_directories(target.parent_path());
  remove_stale_temporaries(target.string());
  const fs::path stage =
      target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } cleanup{stage};
  fs::remove_all(stage);
  fs::create_directories(stage);
  AtomicFile((stage / "classifier.json").string(), false).commit_bytes(classifier_json(c).dump(1) + "\n");
  save_classifier_onnx(c, (stage / "classifier.onnx").string(), false);
  if (o.tflite)  // proven on the rows it was trained on, before anything is renamed into place
    report["tflite"] = save_classifier_tflite(c, (stage / "classifier.onnx").string(),
                                              (stage / "classifier.tflite").string(), x);
  json_out.stage(report);
  if (fs::exists(target)) fs::remove_all(target);  // --force
  fs::rename(stage, target);
  cleanup.path.clear();
  json_out.commit();
}

json options_json(const ClassifyTrainOptions& o) {
  const auto& t = o.train;
  json j = {{"model", t.kind},
            {"epochs", t.epochs},
            {"lr", t.lr},
            {"l2", t.l2},
            {"seed", t.seed},
            {"folds", t.folds},
            {"min_visibility", o.min_visibility},
            {"keypoints", o.keypoints},
            {"split", o.split},
            {"schema", o.schema},
            {"labels", o.labels.file.empty() ? (o.labels.from_folders ? "folders" : "label column") : o.labels.file}};
  if (t.kind == "mlp") j["hidden"] = t.hidden;
  return j;
}

// Probabilities of `x` (N x F) under `m`, as a vector.
std::vector<float> probabilities(const ClassifierModel& m, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const torch::Tensor c = m.probabilities(x).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::string train_text(const ClassifyTrainOptions& o, const SavedClassifier& c, const json& r) {
  std::string t = str("table: ", o.keypoints, ": ", r["rows"].get<int64_t>(), " rows (");
  for (const auto& name : c.classes.names)
    t += str(name, " ", r["n_per_class"][name].get<int64_t>(), name == c.classes.names[0] ? ", " : ")");
  t += str(", ", c.features.size(), " features, positive class: ", c.classes.positive_name(), "\n");
  if (r["labels_unmatched"].get<int>() > 0)
    t += str("note: ", r["labels_unmatched"].get<int>(), " entries of ", o.labels.file,
             " match no row (no person found there?)\n");
  t += str(o.train.folds, "-fold cross-validation (", c.model.kind, "): ", cv_text(r["cv"]), "\n");
  t += str("fit on all rows: training accuracy ", fixed(r["train_metrics"]["accuracy"].get<double>(), 3), "\n");
  t += str("wrote ", o.out, "/classifier.json and classifier.onnx", o.tflite ? " and classifier.tflite" : "", "\n");
  return t;
}

}  // namespace

RunOutput classify_train(const ClassifyTrainOptions& o) {
  check_train_options(o.train);
  check_out(o);
  JsonOutput json_out(o.json);  // a bad --json path fails now, not after training
  const Schema schema = load_schema(o.schema);
  const PostureFeatures features(schema, o.min_visibility);
  PostureTable table = read_posture_table(o.keypoints, schema, o.split);
  const int unmatched = attach_labels(table, o.labels);
  const std::string origin = label_origin(o.labels, o.keypoints);
  SavedClassifier c;
  c.classes = classes_of(table, origin);
  const std::vector<float> y = targets(table, c.classes, origin);
  const torch::Tensor x = features.matrix(table.rows);

  std::vector<std::string> group;
  for (const auto& r : table.rows) group.push_back(r.source);
  const auto folds = stratified_folds(y, group, o.train.folds, o.train.seed, c.classes, origin);
  const auto cv = cross_validate(x, y, folds, o.train);
  c.model = fit_classifier(x, torch::tensor(y), o.train);
  c.schema = schema;
  c.min_visibility = o.min_visibility;
  c.features = features.names();
  const BinaryMetrics train = binary_metrics(y, probabilities(c.model, x));

  json r = {{"rows", static_cast<int64_t>(table.rows.size())}, {"options", options_json(o)},    {"cv", cv_json(cv)},
            {"train_metrics", metrics_json(train, c.classes)}, {"labels_unmatched", unmatched}, {"command", o.command}};
  r["n_per_class"] = r["train_metrics"]["n_per_class"];
  c.record = r;
  json report = r;
  report["out"] = o.out;
  report["classes"] = c.classes.names;
  report["positive"] = c.classes.positive_name();
  report["features"] = c.features.size();
  write_folder(c, o, json_out, report, x);
  std::string text = train_text(o, c, r);
  if (report.contains("tflite"))
    text += str("classifier.tflite: ", report["tflite"]["converter"].get<std::string>(), ", LiteRT max |p - LibTorch| ",
                report["tflite"]["max_abs_diff_builtin"].get<double>(), " (builtin kernels), ",
                report["tflite"]["max_abs_diff_xnnpack"].get<double>(), " (XNNPACK)\n");
  return {report, text};
}

}  // namespace kplab::classify
