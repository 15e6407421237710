#include "eval/evaluate.h"

#include <memory>

#include "core/error.h"
#include "data/augment.h"
#include "data/heatmap_codec.h"
#include "data/loader.h"
#include "eval/flip_test.h"
#include "eval/metrics.h"
#include "eval/pck.h"

namespace kplab {

namespace {

nlohmann::json metrics_for(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& vis,
                           const torch::Tensor& occluded, const torch::Tensor& crop, const Schema& schema) {
  PckResult p = pck(pred, truth, vis, schema.pck_torso, 0.2);
  nlohmann::json j;
  j["pck@0.2"] = p.mean;
  j["pckh@0.5"] = nullptr;
  if (schema.pck_head[0] >= 0) j["pckh@0.5"] = pck(pred, truth, vis, schema.pck_head, 0.5).mean;
  // PCK (torso) at alpha = 0, 0.01, ..., 0.5: the AUC and, for plots, the curve itself.
  const PckCurve curve = pck_curve(pred, truth, vis, schema.pck_torso, 0.5, 50);
  j["auc"] = curve.auc();
  j["pck_curve"] = {{"alpha", curve.alpha}, {"pck", curve.pck}};
  nlohmann::json per_joint;
  for (size_t k = 0; k < schema.joints.size(); ++k)
    per_joint[schema.joints[k]] = p.per_joint[k] < 0 ? nlohmann::json(nullptr) : nlohmann::json(p.per_joint[k]);
  j["per_joint"] = per_joint;
  PixelError e = pixel_error(crop_to_original(pred, crop), crop_to_original(truth, crop), vis);
  j["mean_px"] = e.mean;
  j["median_px"] = e.median;
  j["n_joints"] = p.joints_counted;
  j["samples_excluded"] = p.samples_excluded;
  // Diagnostics: which side, and whether the joint was visible in the image.
  const std::vector<int64_t> flip = schema.flip_permutation();
  SwapResult swaps = left_right_swaps(pred, truth, vis, flip, schema.pck_torso, 0.2);
  j["left_right_swaps@0.2"] = swaps.rate;
  j["left_right_swapped_joints"] = swaps.swapped;
  const SwapForgivingPck forgiving = pck_swap_forgiving(pred, truth, vis, flip, schema.pck_torso, 0.2);
  j["pck@0.2_swap_forgiving"] = forgiving.pck.mean;
  j["persons_scored_mirrored"] = forgiving.samples_mirrored;
  torch::Tensor labeled = vis != 0, occ = occluded != 0;
  PckResult seen = pck(pred, truth, labeled & ~occ, schema.pck_torso, 0.2);
  PckResult hidden = pck(pred, truth, labeled & occ, schema.pck_torso, 0.2);
  j["pck@0.2_unoccluded"] = seen.joints_counted > 0 ? nlohmann::json(seen.mean) : nlohmann::json(nullptr);
  j["pck@0.2_occluded"] = hidden.joints_counted > 0 ? nlohmann::json(hidden.mean) : nlohmann::json(nullptr);
  j["n_joints_occluded"] = hidden.joints_counted;
  return j;
}

}  // namespace

SplitPredictions predict_split(const BatchPredictor& predict, Loader& loader, const HeatmapCodec& codec) {
  std::vector<torch::Tensor> reg, hm, truth, vis, occ, index;
  loader.start_epoch(0);
  while (auto b = loader.next()) {
    BatchPrediction out = predict(to_model_input(*b).images);
    reg.push_back(out.coords.cpu());
    if (out.heatmaps.defined()) hm.push_back(codec.decode(out.heatmaps).first.cpu());
    truth.push_back(b->keypoints);
    vis.push_back(b->visible);
    occ.push_back(b->occluded);
    index.push_back(b->index);
  }
  if (reg.empty()) return {};
  return {torch::cat(reg), hm.empty() ? torch::Tensor() : torch::cat(hm), torch::cat(truth), torch::cat(vis),
          torch::cat(occ), torch::cat(index)};
}

BatchPredictor libtorch_predictor(PoseModelImpl& model, const torch::Device& device) {
  return [&model, device](const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    PoseOutput out = model.forward(images.to(device));
    return BatchPrediction{out.coords, torch::sigmoid(out.heatmaps)};
  };
}

namespace {

// Eval mode for one pass, the caller's mode restored after (a validation pass
// inside training must hand the model back in training mode).
class EvalModeScope {
 public:
  explicit EvalModeScope(PoseModelImpl& model) : model_(model), was_training_(model.is_training()) { model.eval(); }
  ~EvalModeScope() { model_.train(was_training_); }

 private:
  PoseModelImpl& model_;
  bool was_training_;
};

}  // namespace

SplitPredictions predict_split(PoseModelImpl& model, Loader& loader, const HeatmapCodec& codec,
                               const torch::Device& device) {
  EvalModeScope eval_mode(model);
  return predict_split(libtorch_predictor(model, device), loader, codec);
}

nlohmann::json evaluate(PoseModelImpl& model, const CacheData& cache, const Schema& schema, const EvalOptions& o) {
  EvalModeScope eval_mode(model);
  ModelGeometry g{model.input_size(), model.heatmap_size(), model.num_keypoints(), nullptr};
  if (model.coords_from_heatmaps())
    g.coords_from_heatmaps = [&model](const torch::Tensor& logits) {
      torch::NoGradGuard no_grad;
      return model.coords_from_heatmap_logits(logits);
    };
  return evaluate(libtorch_predictor(model, torch::Device(o.device)), g, cache, schema, o);
}

nlohmann::json evaluate(const BatchPredictor& predict, const ModelGeometry& g, const CacheData& cache,
                        const Schema& schema, const EvalOptions& o) {
  KP_CHECK(o.decoder == "regression" || o.decoder == "heatmap", "--decoder: expected regression or heatmap, found '",
           o.decoder, "'");
  KP_CHECK(schema.pck_torso[0] >= 0, schema.path, ": pck.torso: expected two joints, found none");
  KP_CHECK(cache.joint_names == schema.joints && cache.num_joints == g.num_keypoints,
           "evaluate: expected the cache, schema and model to share the joints, found cache schema ", cache.schema,
           " with ", cache.num_joints, " joints, schema ", schema.name, ", model K = ", g.num_keypoints);
  KP_CHECK(cache.image_size == g.input_size, "evaluate: cache crops are ", cache.image_size,
           " px but the model's input is ", g.input_size, " px");
  auto shared = std::shared_ptr<const CacheData>(&cache, [](const CacheData*) {});  // borrowed
  LoaderOptions lo;
  lo.batch_size = o.batch_size;
  lo.splits = o.splits;
  lo.shuffle = false;
  lo.drop_last = false;
  Loader loader(shared, lo);
  KP_CHECK(loader.num_samples() > 0, "evaluate: the cache has no people in the requested split");
  HeatmapCodec codec{g.input_size, g.heatmap_size, 2.0f};

  SplitPredictions p = predict_split(
      o.flip_test ? flip_test_predictor(predict, schema.flip_permutation(), g.input_size, g.coords_from_heatmaps) : predict,
      loader, codec);
  torch::Tensor all_crops = torch::from_blob(const_cast<float*>(cache.crop.data()), {cache.size(), 6}, torch::kFloat32);
  torch::Tensor c = all_crops.index_select(0, p.index);
  nlohmann::json by = {{"regression", metrics_for(p.regression, p.truth, p.visible, p.occluded, c, schema)}};
  if (p.heatmap.defined()) by["heatmap"] = metrics_for(p.heatmap, p.truth, p.visible, p.occluded, c, schema);
  KP_CHECK(by.contains(o.decoder), "--decoder heatmap: expected a model with heatmap outputs, found none");
  nlohmann::json j = by[o.decoder];
  j["decoder"] = o.decoder;
  j["n_samples"] = loader.num_samples();
  j["by_decoder"] = by;
  if (o.flip_test) j["flip_test"] = true;  // only then: evaluations without it keep their bytes
  return j;
}

}  // namespace kplab
