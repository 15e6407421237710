#include "report/prediction_grid.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include "core/error.h"
#include "core/number_format.h"
#include "data/heatmap_codec.h"
#include "data/loader.h"
#include "data/split.h"
#include "eval/evaluate.h"
#include "report/html_page.h"
#include "viz/skeleton_draw.h"

namespace kplab::report {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Ground truth in the grids: magenta, a colour draw_skeleton never uses (BGR).
const cv::Scalar kTruthBgr(230, 40, 255);
const char* const kTruthCss = "#ff28e6";

struct Ranked {
  int64_t position;  // in the predictions
  double error;      // mean normalised error over labeled joints
  double pck;        // share of labeled joints within 0.2 x reference
};

struct Ranking {
  std::vector<Ranked> people;  // best first
  bool by_torso = false;       // errors in torso units (else in crop sizes)
};

// One crop, enlarged to at least ~160 px and dimmed, with the ground truth
// (thin magenta skeleton under, white-ringed magenta dots over) and the
// predicted skeleton between them.
cv::Mat draw_tile(const Batch& b, const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& vis,
                  const Schema& schema) {
  const int s = static_cast<int>(b.images.size(1));
  cv::Mat rgb(s, s, CV_8UC3, b.images.data_ptr<uint8_t>());
  cv::Mat img;
  cv::cvtColor(rgb, img, cv::COLOR_RGB2BGR);
  const int factor = std::max(1, static_cast<int>(std::ceil(160.0 / s)));
  if (factor > 1) cv::resize(img, img, cv::Size(s * factor, s * factor), 0, 0, cv::INTER_CUBIC);
  // Dimmed, so the skeletons stand out on busy or brightly coloured crops.
  img.convertTo(img, -1, 0.62, 0);
  const int k = static_cast<int>(pred.size(0));
  // Crop pixels have their centres at integers: scale about the pixel centre.
  auto at = [&](const torch::Tensor& p, int j) {
    return cv::Point2f((p[j][0].item<float>() + 0.5f) * factor - 0.5f, (p[j][1].item<float>() + 0.5f) * factor - 0.5f);
  };
  std::vector<cv::Point2f> pp, tp;
  std::vector<bool> labeled;
  for (int j = 0; j < k; ++j) {
    pp.push_back(at(pred, j));
    tp.push_back(at(truth, j));
    labeled.push_back(vis[j].item<int>() != 0);
  }
  const int side = s * factor;
  const int thin = std::max(1, side / 256);
  for (const auto& e : schema.skeleton)
    if (e[0] < k && e[1] < k && labeled[e[0]] && labeled[e[1]])
      cv::line(img, tp[e[0]], tp[e[1]], kTruthBgr, thin, cv::LINE_AA);
  SkeletonStyle style;
  style.thickness = std::max(2, side / 110);
  style.radius = std::max(2, side / 70);
  draw_skeleton(img, pp, {}, schema, style);
  const int r = std::max(2, side / 90);
  for (int j = 0; j < k; ++j)
    if (labeled[j]) {
      cv::circle(img, tp[j], r + 1, cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
      cv::circle(img, tp[j], r, kTruthBgr, cv::FILLED, cv::LINE_AA);
    }
  return img;
}

// Mean error over labeled joints in units of the sample's torso (the PCK
// reference); samples without one are left out of the ranking, unless no
// sample has one, then all are ranked by error over the crop size.
Ranking rank_by_error(const torch::Tensor& pred, const torch::Tensor& truth, const torch::Tensor& vis,
                      const Schema& schema, int image_size) {
  const int64_t n = pred.size(0), k = pred.size(1);
  const int t0 = schema.pck_torso[0], t1 = schema.pck_torso[1];
  auto P = pred.accessor<float, 3>();
  auto T = truth.accessor<float, 3>();
  const torch::Tensor vis_u8 = vis.to(torch::kUInt8);
  auto V = vis_u8.accessor<uint8_t, 2>();
  std::vector<Ranked> with_ref, without_ref;
  for (int64_t i = 0; i < n; ++i) {
    double ref = 0;
    if (t0 >= 0 && t1 >= 0 && V[i][t0] && V[i][t1])
      ref = std::hypot(T[i][t0][0] - T[i][t1][0], T[i][t0][1] - T[i][t1][1]);
    const double norm = ref > 0 ? ref : image_size;
    double sum = 0;
    int labeled = 0, correct = 0;
    for (int64_t j = 0; j < k; ++j) {
      if (!V[i][j]) continue;
      const double d = std::hypot(P[i][j][0] - T[i][j][0], P[i][j][1] - T[i][j][1]);
      sum += d / norm;
      ++labeled;
      correct += ref > 0 && d <= 0.2 * ref;
    }
    if (labeled == 0) continue;
    Ranked r{i, sum / labeled, ref > 0 ? double(correct) / labeled : kNaN};
    (ref > 0 ? with_ref : without_ref).push_back(r);
  }
  Ranking ranking;
  ranking.by_torso = !with_ref.empty();
  ranking.people = ranking.by_torso ? with_ref : without_ref;
  std::stable_sort(ranking.people.begin(), ranking.people.end(),
                   [](const Ranked& a, const Ranked& b) { return a.error < b.error; });
  return ranking;
}

// What a tile is drawn from: the split's predictions of the decoder shown and
// the loader that reads their crops back.
struct TileSource {
  const Loader& loader;
  const torch::Tensor& index;  // cache row of each prediction
  const torch::Tensor& pred;
  const torch::Tensor& truth;
  const torch::Tensor& vis;
  const Schema& schema;
  const CacheData& cache;
};

// One tile per person, in order; `rows` becomes the summary's list of them.
std::vector<Tile> grid_tiles(const TileSource& src, const std::vector<Ranked>& people, nlohmann::json& rows) {
  std::vector<Tile> out;
  rows = nlohmann::json::array();
  for (const Ranked& r : people) {
    const int64_t row = src.index[r.position].item<int64_t>();
    Batch b = src.loader.load_rows({row});
    cv::Mat img = draw_tile(b, src.pred[r.position], src.truth[r.position], src.vis[r.position], src.schema);
    const std::string source = fs::path(src.cache.source[row]).filename().string();
    Tile t;
    t.image_uri = image_data_uri(img, "jpeg", 88);
    t.title = "err " + fixed(r.error, 2) + (std::isfinite(r.pck) ? " \xC2\xB7 PCK " + fixed(100 * r.pck, 0) + "%" : "");
    t.detail = str("row ", row, " \xC2\xB7 ", source);
    out.push_back(t);
    rows.push_back({{"row", row}, {"source", src.cache.source[row]}, {"error", r.error},
                    {"pck@0.2", std::isfinite(r.pck) ? nlohmann::json(r.pck) : nlohmann::json()}});
  }
  return out;
}

// How the people were ranked, and the colour key of the tiles.
std::string grid_intro_html(const std::string& split, const std::string& decoder, const Ranking& ranking, int64_t n) {
  std::string html = note_html(str(
      "People of the ", split, " split ranked by their mean ", decoder,
      "-decoder error over labeled joints (\"err\" under each crop), in units of ",
      ranking.by_torso ? "the person's torso (left shoulder to right hip, the PCK reference)"
                       : "the crop size (no sample has a torso)",
      "; ", ranking.people.size(), " of ", n, " people ranked",
      n - static_cast<int64_t>(ranking.people.size()) > 0 ? " (the rest lack the reference joints or any labeled joint)."
                                                          : "."));
  html += "<p class=\"legend-dots\">prediction:<i style=\"background:#00a0ff\"></i>person's left"
          "<i style=\"background:#ff8c00\"></i>person's right<i style=\"background:#50dc50\"></i>centre"
          "&nbsp;&nbsp;&nbsp;ground truth:<i style=\"background:" +
          std::string(kTruthCss) + "\"></i>labeled joints (thin lines: true skeleton)</p>";
  return html;
}

void check_grid_inputs(const CacheData& cache, const Schema& schema, const PoseModelImpl& model) {
  KP_CHECK(cache.joint_names == schema.joints && cache.num_joints == model.num_keypoints(),
           "report: expected the cache, schema and model to share the joints, found cache schema ", cache.schema,
           " with ", cache.num_joints, " joints, schema ", schema.name, ", model K = ", model.num_keypoints());
  KP_CHECK(cache.image_size == model.input_size(), "report: cache crops are ", cache.image_size,
           " px but the model's input is ", model.input_size(), " px");
}

// The split in cache order, whole: every person is ranked once.
LoaderOptions grid_loader_options(const std::string& split) {
  LoaderOptions lo;
  lo.batch_size = 32;
  lo.splits = {parse_split_name(split)};
  lo.shuffle = false;
  lo.drop_last = false;
  return lo;
}

}  // namespace

std::string prediction_grid_html(const TrainedModel& tm, std::shared_ptr<const CacheData> cache, const Schema& schema,
                                 const std::string& decoder, const ReportOptions& o, nlohmann::json& summary) {
  PoseModelImpl& model = *tm.model;
  model.to(torch::Device(o.device));
  check_grid_inputs(*cache, schema, model);
  Loader loader(cache, grid_loader_options(o.split));
  KP_CHECK(loader.num_samples() > 0, "report: the cache has no people in split ", o.split);
  HeatmapCodec codec{model.input_size(), model.heatmap_size(), 2.0f};
  SplitPredictions p = predict_split(model, loader, codec, torch::Device(o.device));
  const torch::Tensor pred = (decoder == "heatmap" ? p.heatmap : p.regression).to(torch::kFloat);
  const torch::Tensor truth = p.truth.to(torch::kFloat), vis = p.visible;

  const Ranking ranking = rank_by_error(pred, truth, vis, schema, cache->image_size);
  const std::vector<Ranked>& ranked = ranking.people;
  const size_t n_best = std::min<size_t>(o.grid, ranked.size());
  const size_t n_worst = std::min<size_t>(o.grid, ranked.size() - n_best);
  std::vector<Ranked> best(ranked.begin(), ranked.begin() + n_best);
  std::vector<Ranked> worst(ranked.rbegin(), ranked.rbegin() + n_worst);

  const TileSource src{loader, p.index, pred, truth, vis, schema, *cache};
  std::string html = grid_intro_html(o.split, decoder, ranking, pred.size(0));
  html += tiles_html(str(n_best, " best"), grid_tiles(src, best, summary["best"]));
  if (n_worst > 0) html += tiles_html(str(n_worst, " worst"), grid_tiles(src, worst, summary["worst"]));
  summary["ranked"] = ranked.size();
  summary["decoder"] = decoder;
  return html;
}

}  // namespace kplab::report
