#include "predict/predict_job.h"

#include <cstdio>
#include <filesystem>

#include <torch/torch.h>

#include "core/error.h"
#include "core/json_output.h"
#include "core/printf_string.h"
#include "core/staged_outputs.h"
#include "core/text.h"
#include "predict/keypoints_csv.h"
#include "predict/pose_predictor.h"
#include "predict/predict_loops.h"
#include "predict/predict_setup.h"

namespace kplab {

namespace {

nlohmann::json summary_json(const PredictOptions& o, PredictSetup& s, const PosePredictor& predictor,
                            const PredictSink& sink, const std::vector<std::string>& written, const VideoResults& v) {
  nlohmann::json j = {{"model", s.model.path},
                      {"input", o.input},
                      {"kind", s.inputs.video ? "video" : "images"},
                      {"out", sink.out.string()},
                      {"schema", s.schema.path},
                      {"input_size", s.model.size},
                      {"num_keypoints", s.model.keypoints},
                      {"n_inputs", sink.n_inputs},
                      {"n_outputs", written.size()},
                      {"outputs", written},
                      {"forward_ms_mean", predictor.mean_forward_ms()},
                      {"n_forward", predictor.forwards()},
                      {"runtime", predictor.runtime()},
                      {"decoder", s.model.decoder},
                      {"reps", v.reps},
                      {"video", v.video}};
  if (s.classifier) j["classifier"] = o.classifier;
  if (o.flip_test) j["flip_test"] = true;  // n_forward counts both passes of each crop
  if (s.detector)
    j["detector"] = {{"model", s.detector->path()},
                     {"input", {s.detector->input_height(), s.detector->input_width()}},
                     {"min_score", o.detector_score},
                     {"people", sink.n_detected},
                     {"images_without_people", sink.n_without_people}};
  return j;
}

}  // namespace

PredictSummary run_predict(const PredictOptions& o) {
  // Everything that can be checked is checked before anything is written.
  check_predict_options(o);
  PredictSetup s = load_predict_setup(o);
  PosePredictor predictor(s.model, o.flip_test ? s.schema.flip_permutation() : std::vector<int64_t>{}, o.runtime);
  if (!predictor.runtime_note().empty())
    std::fprintf(stderr, "note: OpenCV DNN runs this model: %s\n", predictor.runtime_note().c_str());
  // LibTorch's share of predict (decoding, flips) is small, and its OpenMP
  // workers spin after each operation, on the cores the runner's threads
  // need: one LibTorch thread halved the runner's forward time in predict
  // (11.8 -> 6.1 ms, blazepose 256 on 2 cores).
  if (predictor.runtime() == "xnnpack") torch::set_num_threads(1);

  CreatedFolders folders;
  folders.make(o.out);
  JsonOutput json_out(o.json);
  StagedOutputs staged;
  KeypointsCsv csv(staged, (std::filesystem::path(o.out) / "keypoints.csv").string(), s.schema, s.angles,
                   s.measurer.defs(), s.classifier.has_value());
  PredictSink sink{o.out, folders, staged, csv};
  VideoResults v;
  if (s.inputs.video)
    v = predict_video(o, s, predictor, sink);
  else
    predict_images(o, s, predictor, sink);
  csv.close();

  // The JSON summary is staged before anything is renamed into place: if it
  // cannot be written, no overlay or CSV of this run is left either.
  PredictSummary summary;
  summary.json = summary_json(o, s, predictor, sink, staged.targets(), v);
  summary.skipped = s.inputs.skipped;
  summary.n_overlays = sink.n_overlays;
  json_out.stage(summary.json);
  staged.commit_all();
  folders.keep();
  json_out.commit();
  return summary;
}

std::string PredictSummary::to_text() const {
  const nlohmann::json& j = json;
  const bool video = j["kind"] == "video";
  const long long n_inputs = j["n_inputs"].get<int64_t>(), overlays = n_overlays;
  const std::string out = j["out"];
  std::string text = printf_string(
      "predicted %lld %s of %s with %s in %s (input %dx%d, %d joints, %s decoder): forward %.2f ms mean\n",
      n_inputs, video ? "frames" : (n_inputs == 1 ? "image" : "images"), j["input"].get<std::string>().c_str(),
      j["model"].get<std::string>().c_str(), j["runtime"] == "xnnpack" ? "kplab's XNNPACK runner" : "OpenCV DNN",
      j["input_size"].get<int>(), j["input_size"].get<int>(),
      j["num_keypoints"].get<int>(), j["decoder"].get<std::string>().c_str(), j["forward_ms_mean"].get<double>());
  if (skipped) text += printf_string("  skipped %d folder entries that are not images\n", skipped);
  if (j.contains("detector")) {
    const auto& d = j["detector"];
    const long long people = d["people"].get<int64_t>(), without = d["images_without_people"].get<int64_t>();
    text += printf_string("  detector     %s found %lld %s (%lld image%s without any)\n",
                          d["model"].get<std::string>().c_str(), people, people == 1 ? "person" : "people", without,
                          without == 1 ? "" : "s");
  }
  if (!video)
    return text + printf_string("  wrote        %lld overlay%s and keypoints.csv in %s\n", overlays,
                                overlays == 1 ? "" : "s", out.c_str());
  const auto& reps = j["reps"];
  std::vector<std::string> at;
  for (const auto& v : reps["completed_at_frames"]) at.push_back(std::to_string(v.get<int64_t>()));
  text += printf_string("  reps         %d (%s, below %g then above %g degrees)%s%s\n", reps["count"].get<int>(),
                        reps["angle"].get<std::string>().c_str(), reps["low"].get<double>(), reps["high"].get<double>(),
                        at.empty() ? "" : ", completed at frames ", join(at, ", ").c_str());
  text += printf_string("  keypoints    %s; joints moved %.2f px a frame on average (%.2f px before filtering)\n",
                        j["video"]["keypoint_filter"] == "one-euro" ? "one-euro filter" : "no filter",
                        j["video"]["mean_jitter_px"].get<double>(), j["video"]["mean_jitter_px_raw"].get<double>());
  text += printf_string("  wrote        %s in %s%s\n", "the overlay video, keypoints.csv, reps.json", out.c_str(),
                        overlays > 1 ? str(", ", overlays - 1, " frame overlays in frames/").c_str() : "");
  return text;
}

}  // namespace kplab
