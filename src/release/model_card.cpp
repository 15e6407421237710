#include "release/model_card.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "release/git_state.h"
#include "run/training_time.h"

namespace kplab {

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

nlohmann::json input_section(const PoseModelImpl& model) {
  return {{"name", "image"},
          {"size", model.input_size()},
          {"layout", str("float32 1 x 3 x ", model.input_size(), " x ", model.input_size(),
                         ", RGB, NCHW, pixels divided by 255 (range [0, 1]); no mean or std subtraction")},
          {"crop", "a square crop centred on the person's box, its side the box's larger side x (1 + margin) "
                   "(--margin of data_command, default 0.25; LSP boxes are the labeled joints' extent), "
                   "resized to the input size"}};
}

nlohmann::json outputs_section(const PoseModelImpl& model) {
  const YAML::Node from = model.describe()["options"]["coords_from"];
  const bool soft_argmax = from && from.IsScalar() && from.Scalar() == "heatmap";
  return {{"coords", str("1 x K x 2, (x, y) in input pixels, pixel centres at integers (regression decoder",
                         soft_argmax ? ": the soft-argmax of the heatmaps, computed in the graph" : "", ")")},
          {"visibility", "1 x K probabilities that each joint is labeled visible"},
          {"heatmaps", str("1 x K x ", model.heatmap_size(), " x ", model.heatmap_size(),
                           " probabilities; the heatmap decoder takes each map's argmax refined by a "
                           "parabola through the log of its neighbours, scaled by input/heatmap size")}};
}

nlohmann::json tflite_section(const ReleaseMeasurements& m) {
  const onnx_export::TfliteReport& t = m.tflite;
  nlohmann::json metadata = t.metadata;  // a copy: [] on a const object must not meet a missing key
  return {{"file", "model.tflite"},
          {"bytes", t.bytes},
          {"converter", t.converter},
          {"operators", t.operators},
          {"max_abs_diff_litert_vs_libtorch", t.max_abs_diff},
          {"parity_bound", t.parity_bound},
          {"max_abs_diff_litert_xnnpack_vs_libtorch", t.max_abs_diff_xnnpack},
          {"input", metadata["input"]},
          {"outputs", metadata["outputs"]},
          {"latency", m.litert}};
}

nlohmann::json training_section(const ReleaseOptions& o, const ReleaseSource& s) {
  const fs::path run = o.run;
  const RunModel& rm = s.model;
  return {{"command", fs::exists(run / "command.txt") ? read_text(run / "command.txt") : "unrecorded"},
          {"run", run.string()},
          {"data_command", s.data_command},
          {"checkpoint", fs::path(rm.checkpoint).stem().string()},
          {"checkpoint_phase", rm.meta.progress.phase},
          {"checkpoint_epoch", rm.meta.progress.epoch},
          {"best_validation_pck", rm.meta.progress.best_metric},
          {"seconds", training_seconds(run.string())}};
}

}  // namespace

nlohmann::json model_card(const ReleaseOptions& o, const ReleaseSource& s, const ReleaseMeasurements& m) {
  const PoseModelImpl& model = *s.model.model;
  const fs::path out = o.out;
  nlohmann::json metrics = m.eval;
  metrics.erase("pck_curve");
  const std::string commit = git_commit();
  nlohmann::json card = {
      {"name", out.filename().string()},
      {"model", {{"name", model.describe()["name"].as<std::string>()}, {"options_yaml", YAML::Dump(model.describe()["options"])}}},
      {"parameters", m.onnx.parameters},
      {"macs", m.onnx.macs},
      {"schema", {{"name", s.schema.name}, {"file", s.schema_file}, {"joints", s.schema.joints}, {"flip_pairs", s.schema.flip_pairs}}},
      {"input", input_section(model)},
      {"outputs", outputs_section(model)},
      {"metrics", metrics},
      {"latency", m.latency},
      {"onnx", m.onnx.to_json()},
      {"tflite", tflite_section(m)},
      {"training", training_section(o, s)},
      {"release",
       {{"date", utc_now()},
        {"commit", commit.empty() ? "unknown" : commit},
        {"dirty", git_has_local_changes()},
        {"folder", out.string()},
        {"command", o.command}}}};
  card["metrics"]["decoder"] = o.decoder;
  return card;
}

}  // namespace kplab
