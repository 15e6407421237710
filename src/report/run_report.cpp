#include "report/run_report.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "core/error.h"
#include "core/hardware.h"
#include "data/heatmap_codec.h"
#include "data/loader.h"
#include "data/split.h"
#include "eval/evaluate.h"
#include "report/html_page.h"
#include "report/svg_chart.h"
#include "train/experiment.h"
#include "viz/skeleton_draw.h"

namespace kplab::report {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Ground truth in the grids: magenta, a colour draw_skeleton never uses (BGR).
const cv::Scalar kTruthBgr(230, 40, 255);
const char* const kTruthCss = "#ff28e6";

// j[key], or null when j has no such key (const operator[] must not see a missing key).
const nlohmann::json& field(const nlohmann::json& j, const std::string& key) {
  static const nlohmann::json null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

std::string other_decoder(const std::string& d) { return d == "heatmap" ? "regression" : "heatmap"; }

// Contiguous rows of one phase as a shaded x band (x = row number, from 1).
std::vector<XBand> phase_bands(const MetricsTable& m) {
  std::vector<XBand> bands;
  for (size_t i = 0; i < m.rows(); ++i) {
    if (bands.empty() || m.phase[i] != m.phase[i - 1]) bands.push_back({i + 0.5, i + 1.5, m.phase[i]});
    bands.back().to = i + 1.5;
  }
  return bands;
}

std::vector<double> row_numbers(size_t n) {
  std::vector<double> x(n);
  std::iota(x.begin(), x.end(), 1.0);
  return x;
}

bool any_positive(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x) && x > 0; });
}

std::string loss_chart(const MetricsTable& m) {
  LineChartOptions o;
  o.title = "Training loss per epoch";
  o.x_label = "epoch (all phases)";
  o.y_label = "loss (log scale)";
  o.log_y = true;
  o.integer_x = true;
  o.bands = phase_bands(m);
  o.x_min = 0.5;
  o.x_max = m.rows() + 0.5;
  const std::vector<double> x = row_numbers(m.rows());
  std::vector<Series> series;
  const std::pair<const char*, const char*> parts[] = {{"loss", "total"},
                                                       {"loss_heatmap", "heatmap"},
                                                       {"loss_coords", "coords"},
                                                       {"loss_visibility", "visibility"},
                                                       {"loss_mirrored", "mirrored"}};
  int colour = 0;
  for (const auto& [column, name] : parts) {
    std::vector<double> y = m.column(column);
    if (!any_positive(y)) continue;  // a loss never used (weight 0 everywhere) is no line
    series.push_back({name, x, y, column == std::string("loss") ? "#3b4754" : palette(colour++), false, true});
  }
  return line_chart(series, o);
}

std::string validation_chart(const MetricsTable& m) {
  const std::string alpha = headline_alpha(m);
  LineChartOptions o;
  o.title = "Validation PCK@" + (alpha.empty() ? std::string("?") : alpha) + " per epoch";
  o.x_label = "epoch (all phases)";
  o.y_label = "PCK";
  o.percent_y = true;
  o.y_min = 0;
  o.y_max = 1;
  o.integer_x = true;
  o.bands = phase_bands(m);
  o.x_min = 0.5;
  o.x_max = m.rows() + 0.5;
  const std::vector<double> x = row_numbers(m.rows());
  std::vector<Series> series;
  if (!alpha.empty()) {
    series.push_back({"regression", x, m.column("val_pck@" + alpha), palette(0), false, true});
    series.push_back({"heatmap", x, m.column("val_heatmap_pck@" + alpha), palette(1), true, true});
  }
  return line_chart(series, o);
}


std::string model_text(const TrainedModel& tm, const std::string& name) {
  const int64_t params = count_parameters(*tm.model);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f M", params / 1e6);
  return name + " \xC2\xB7 " + std::to_string(tm.model->input_size()) + " px \xC2\xB7 " + buf + " parameters";
}

std::string checkpoint_text(const TrainedModel& tm, const Experiment& exp) {
  std::string s = fs::path(tm.checkpoint).filename().string();
  const auto& m = tm.meta.progress;
  if (m.phase >= 0 && m.phase < static_cast<int64_t>(exp.phases.size()))
    s += str(" (phase ", m.phase + 1, " '", exp.phases[m.phase].name, "', epoch ", m.epoch, ")");
  return s;
}

}  // namespace

std::string pck_curve_chart(const std::vector<std::pair<std::string, nlohmann::json>>& evals, const std::string& title,
                            const std::vector<bool>& dashed) {
  LineChartOptions o;
  o.title = title;
  o.x_label = "alpha (fraction of the torso)";
  o.y_label = "PCK";
  o.percent_y = true;
  o.y_min = 0;
  o.y_max = 1;
  o.x_min = 0;
  o.x_max = 0.5;
  std::vector<Series> series;
  for (size_t i = 0; i < evals.size(); ++i) {
    const nlohmann::json& e = evals[i].second;
    Series s;
    s.name = evals[i].first + " (AUC " + percent(e.value("auc", nlohmann::json())) + ")";
    s.colour = palette(static_cast<int>(i));
    s.dashed = i < dashed.size() && dashed[i];
    if (e.contains("pck_curve") && e["pck_curve"].is_object()) {
      for (const auto& a : e["pck_curve"].value("alpha", nlohmann::json::array()))
        s.x.push_back(a.is_number() ? a.get<double>() : kNaN);
      for (const auto& v : e["pck_curve"].value("pck", nlohmann::json::array()))
        s.y.push_back(v.is_number() ? v.get<double>() : kNaN);
    }
    series.push_back(s);
  }
  return line_chart(series, o);
}

// ---------------------------------------------------------------- pieces

bool is_run_dir(const std::string& dir) {
  const fs::path d(dir);
  return fs::is_regular_file(d / "config.yaml") &&
         (fs::is_directory(d / "checkpoints") || fs::is_regular_file(d / "metrics.csv"));
}

std::vector<double> MetricsTable::column(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::vector<double>(rows(), kNaN);
  return it->second;
}

MetricsTable read_metrics_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw input_error(path, "file", "a readable metrics.csv", "it cannot be opened");
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
  };
  std::string line;
  MetricsTable m;
  if (!std::getline(in, line)) return m;  // empty file: no epoch finished yet
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header = split(line);
  if (header.empty() || header[0] != "phase")
    throw input_error(path, "header", "a first column 'phase' (phase,epoch,step,lr,loss,...)",
                      "'" + (header.empty() ? std::string() : header[0]) + "'");
  m.columns.assign(header.begin() + 1, header.end());
  for (const auto& c : m.columns) m.values[c];
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f = split(line);
    if (f.size() != header.size())
      throw input_error(path, str("line ", line_no), str(header.size(), " comma-separated fields"),
                        str(f.size()));
    m.phase.push_back(f[0]);
    for (size_t c = 1; c < f.size(); ++c) {
      char* end = nullptr;
      double v = std::strtod(f[c].c_str(), &end);
      if (f[c].empty() || end == f[c].c_str() || *end != '\0') v = kNaN;
      m.values[header[c]].push_back(v);
    }
  }
  return m;
}

std::string headline_alpha(const MetricsTable& m) {
  std::string best;
  double best_gap = std::numeric_limits<double>::infinity();
  for (const auto& c : m.columns) {
    if (c.rfind("val_pck@", 0) != 0) continue;
    const std::string a = c.substr(8);
    const double gap = std::fabs(std::strtod(a.c_str(), nullptr) - 0.2);
    if (gap < best_gap) best_gap = gap, best = a;
  }
  return best;
}

std::shared_ptr<const CacheData> CacheStore::get(const std::string& path) {
  auto it = caches_.find(path);
  if (it != caches_.end()) return it->second;
  auto c = std::make_shared<const CacheData>(read_cache(path));
  caches_[path] = c;
  return c;
}

std::string local_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string host_hardware(const std::string& device) {
  return str(cpu_name(), " \xC2\xB7 ", torch::get_num_threads(), " threads \xC2\xB7 ", device);
}

std::string si_text(double v) {
  if (!std::isfinite(v)) return "n/a";
  const char* units[] = {"", " K", " M", " G", " T"};
  int u = 0;
  while (std::fabs(v) >= 1000 && u < 4) v /= 1000, ++u;
  const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
  return fixed(v, u == 0 ? 0 : decimals) + units[u];
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string percent(const nlohmann::json& value) {
  if (!value.is_number() || !std::isfinite(value.get<double>())) return "n/a";
  return fixed(100 * value.get<double>(), 1) + "%";
}

double number_or_nan(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return kNaN;
  return j[key].get<double>();
}

std::vector<double> per_joint_values(const nlohmann::json& per_joint, const std::vector<std::string>& joints) {
  std::vector<double> v;
  for (const auto& name : joints) v.push_back(number_or_nan(per_joint, name));
  return v;
}

nlohmann::json run_evaluation(const std::string& run, const ReportOptions& o, CacheStore& caches,
                              std::shared_ptr<TrainedModel>& model) {
  const Experiment exp = load_experiment(run + "/config.yaml");
  const std::string data = o.data.empty() ? exp.data.cache : o.data;
  const fs::path saved = fs::path(run) / "eval.json";
  if (fs::is_regular_file(saved)) {
    nlohmann::json j;
    try {
      std::ifstream in(saved);
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw input_error(saved.string(), "JSON", "an evaluation written by kplab eval --json", e.what());
    }
    fs::path ckpt = fs::path(run) / "checkpoints" / "best.pt";
    if (!fs::exists(ckpt)) ckpt = fs::path(run) / "checkpoints" / "last.pt";
    std::error_code ec;
    const bool fresh = !fs::exists(ckpt) || fs::last_write_time(saved, ec) >= fs::last_write_time(ckpt, ec);
    const bool same_split = j.is_object() && j.value("split", std::string()) == o.split;
    const bool same_data = o.data.empty() || (j.contains("data") && j["data"] == o.data);
    const bool complete = j.is_object() && j.contains("by_decoder") && j["by_decoder"].contains("regression") &&
                          j["by_decoder"].contains("heatmap");
    if (fresh && same_split && same_data && complete) {
      j["source"] = "eval.json";
      return j;
    }
  }
  if (!model) model = std::make_shared<TrainedModel>(o.load_model(run));
  TrainedEvalOptions eo;  // as kplab eval evaluates (it used to differ: no memory format, no schema recorded)
  eo.split = o.split;
  eo.decoder = exp.eval.decoder;
  eo.device = o.device;
  nlohmann::json j = evaluate_trained(*model, *caches.get(data), data, eo);
  j["source"] = "evaluated";
  return j;
}

// ---------------------------------------------------------------- the grid

namespace {

struct Ranked {
  int64_t position;  // in the predictions
  double error;      // mean normalised error over labeled joints
  double pck;        // share of labeled joints within 0.2 x reference
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

}  // namespace

std::string prediction_grid_html(const TrainedModel& tm, std::shared_ptr<const CacheData> cache, const Schema& schema,
                                 const std::string& decoder, const ReportOptions& o, nlohmann::json& summary) {
  PoseModelImpl& model = *tm.model;
  model.to(torch::Device(o.device));
  KP_CHECK(cache->joint_names == schema.joints && cache->num_joints == model.num_keypoints(),
           "report: expected the cache, schema and model to share the joints, found cache schema ", cache->schema,
           " with ", cache->num_joints, " joints, schema ", schema.name, ", model K = ", model.num_keypoints());
  KP_CHECK(cache->image_size == model.input_size(), "report: cache crops are ", cache->image_size,
           " px but the model's input is ", model.input_size(), " px");
  LoaderOptions lo;
  lo.batch_size = 32;
  lo.splits = {parse_split_name(o.split)};
  lo.shuffle = false;
  lo.drop_last = false;
  Loader loader(cache, lo);
  KP_CHECK(loader.num_samples() > 0, "report: the cache has no people in split ", o.split);
  HeatmapCodec codec{model.input_size(), model.heatmap_size(), 2.0f};
  SplitPredictions p = predict_split(model, loader, codec, torch::Device(o.device));
  const torch::Tensor pred = (decoder == "heatmap" ? p.heatmap : p.regression).to(torch::kFloat);
  const torch::Tensor truth = p.truth.to(torch::kFloat), vis = p.visible;

  // Mean error over labeled joints in units of the sample's torso (the PCK
  // reference); samples without one are left out of the ranking, unless no
  // sample has one, then all are ranked by error over the crop size.
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
    const double norm = ref > 0 ? ref : cache->image_size;
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
  const bool by_torso = !with_ref.empty();
  std::vector<Ranked> ranked = by_torso ? with_ref : without_ref;
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.error < b.error; });
  const size_t n_best = std::min<size_t>(o.grid, ranked.size());
  const size_t n_worst = std::min<size_t>(o.grid, ranked.size() - n_best);

  auto tiles = [&](const std::vector<Ranked>& rows, const char* key) {
    std::vector<Tile> out;
    summary[key] = nlohmann::json::array();
    for (const Ranked& r : rows) {
      const int64_t row = p.index[r.position].item<int64_t>();
      Batch b = loader.load_rows({row});
      cv::Mat img = draw_tile(b, pred[r.position], truth[r.position], vis[r.position], schema);
      const std::string source = fs::path(cache->source[row]).filename().string();
      Tile t;
      t.image_uri = image_data_uri(img, "jpeg", 88);
      t.title = "err " + fixed(r.error, 2) + (std::isfinite(r.pck) ? " \xC2\xB7 PCK " + fixed(100 * r.pck, 0) + "%" : "");
      t.detail = str("row ", row, " \xC2\xB7 ", source);
      out.push_back(t);
      summary[key].push_back({{"row", row}, {"source", cache->source[row]}, {"error", r.error},
                              {"pck@0.2", std::isfinite(r.pck) ? nlohmann::json(r.pck) : nlohmann::json()}});
    }
    return out;
  };
  std::vector<Ranked> best(ranked.begin(), ranked.begin() + n_best);
  std::vector<Ranked> worst(ranked.rbegin(), ranked.rbegin() + n_worst);

  std::string html = note_html(str(
      "People of the ", o.split, " split ranked by their mean ", decoder,
      "-decoder error over labeled joints (\"err\" under each crop), in units of ",
      by_torso ? "the person's torso (left shoulder to right hip, the PCK reference)" : "the crop size (no sample has a torso)",
      "; ", ranked.size(), " of ", n, " people ranked", n - static_cast<int64_t>(ranked.size()) > 0
          ? " (the rest lack the reference joints or any labeled joint)."
          : "."));
  html += "<p class=\"legend-dots\">prediction:<i style=\"background:#00a0ff\"></i>person's left"
          "<i style=\"background:#ff8c00\"></i>person's right<i style=\"background:#50dc50\"></i>centre"
          "&nbsp;&nbsp;&nbsp;ground truth:<i style=\"background:" +
          std::string(kTruthCss) + "\"></i>labeled joints (thin lines: true skeleton)</p>";
  html += tiles_html(str(n_best, " best"), tiles(best, "best"));
  if (n_worst > 0) html += tiles_html(str(n_worst, " worst"), tiles(worst, "worst"));
  summary["ranked"] = ranked.size();
  summary["decoder"] = decoder;
  return html;
}

// ---------------------------------------------------------------- the page

Report run_report(const std::string& run_arg, const ReportOptions& options) {
  KP_CHECK(static_cast<bool>(options.load_model), "run_report: no model loader given");
  ReportOptions o = options;
  if (o.split.empty()) o.split = "test";
  std::string run = run_arg;
  while (run.size() > 1 && run.back() == '/') run.pop_back();
  const Experiment exp = load_experiment(run + "/config.yaml");
  const std::string data = o.data.empty() ? exp.data.cache : o.data;
  CacheStore caches;
  auto model = std::make_shared<TrainedModel>(o.load_model(run));
  // The schema the model was trained in, as its checkpoint carries it: a run
  // moved away from datasets/ still reports.
  const Schema schema = trained_schema(*model);
  model->model->to(torch::Device(o.device));
  nlohmann::json ev = run_evaluation(run, o, caches, model);
  const std::string metrics_path = run + "/metrics.csv";
  const MetricsTable metrics = fs::exists(metrics_path) ? read_metrics_csv(metrics_path) : MetricsTable{};

  const std::string headline = exp.eval.decoder, other = other_decoder(headline);
  const nlohmann::json& by = field(ev, "by_decoder");
  const nlohmann::json& h = field(by, headline);
  const nlohmann::json& x = field(by, other);

  const std::string name = fs::path(run).filename().string();
  HtmlPage page(name, "kplab run report");
  page.add_fact("model", model_text(*model, exp.model));
  page.add_fact("checkpoint", checkpoint_text(*model, exp));
  page.add_fact("split", o.split);
  page.add_fact("date", local_date());
  page.add_fact("hardware", host_hardware(o.device));

  // Summary: the headline decoder big, the other beside it, then both in a table.
  std::vector<Card> cards = {
      {"PCK@0.2", percent(field(h, "pck@0.2")), other + " " + percent(field(x, "pck@0.2"))},
      {"PCKh@0.5", percent(field(h, "pckh@0.5")), other + " " + percent(field(x, "pckh@0.5"))},
      {"AUC (alpha \xE2\x89\xA4 0.5)", percent(field(h, "auc")), other + " " + percent(field(x, "auc"))},
      {"mean error", fixed(number_or_nan(h, "mean_px"), 1) + " px",
       "median " + fixed(number_or_nan(h, "median_px"), 1) + " px \xC2\xB7 " + other + " " +
           fixed(number_or_nan(x, "mean_px"), 1) + " px"},
      {"split", o.split,
       str(ev.value("n_samples", int64_t(0)), " people \xC2\xB7 ", h.value("n_joints", int64_t(0)), " joints")},
  };
  Table t;
  t.header = {"decoder", "PCK@0.2", "PCKh@0.5", "AUC", "mean px", "median px", "joints", "excluded people"};
  t.numeric = {false, true, true, true, true, true, true, true};
  for (const std::string& d : {headline, other}) {
    const nlohmann::json& m = field(by, d);
    t.rows.push_back({TableCell(d + (d == headline ? " (headline)" : "")), percent(field(m, "pck@0.2")),
                      percent(field(m, "pckh@0.5")), percent(field(m, "auc")), fixed(number_or_nan(m, "mean_px"), 2),
                      fixed(number_or_nan(m, "median_px"), 2), str(m.value("n_joints", int64_t(0))),
                      str(m.value("samples_excluded", int64_t(0)))});
  }
  const std::string source = ev.value("source", std::string()) == "eval.json"
                                 ? "Numbers from " + run + "/eval.json"
                                 : "Evaluated now on " + data;
  page.add_section("summary", "Summary",
                   cards_html(cards) + "<h3>Both decoders</h3>" + table_html(t) +
                       note_html(source + " (split " + o.split + ", checkpoint " +
                                 ev.value("checkpoint", model->checkpoint) +
                                 "). Errors in original-image pixels; PCK normalised by the torso, PCKh by the head."));

  std::string training;
  if (metrics.rows() == 0)
    training = note_html(metrics_path + " has no finished epoch yet.");
  else
    training = figure_grid_html({figure_html(loss_chart(metrics), "Mean training losses of each epoch; shaded bands are the phases."),
                                 figure_html(validation_chart(metrics),
                                             "Validation PCK after each epoch, both decoders.")});
  page.add_section("training", "Training", training);

  std::vector<std::string> joints = schema.joints;
  const std::string pck_fig =
      figure_html(pck_curve_chart({{headline, h}, {other, x}}, "PCK over alpha (" + o.split + " split)", {false, true}),
                  "PCK against the threshold alpha, in units of the torso; the AUC is the mean over alpha in [0, 0.5].");
  ChartFrame bars;
  bars.title = "PCK@0.2 per joint";
  bars.y_label = "PCK@0.2";
  bars.percent_y = true;
  bars.y_min = 0;
  bars.y_max = 1;
  bars.width = 560;
  bars.height = 320;
  const std::string joint_fig = figure_html(
      grouped_bar_chart(joints, {{headline, per_joint_values(field(h, "per_joint"), joints), palette(0)},
                                 {other, per_joint_values(field(x, "per_joint"), joints), palette(1)}},
                        bars),
      "Grey stubs: joints never labeled in this split.");
  page.add_section("accuracy", "Accuracy", figure_grid_html({pck_fig, joint_fig}));

  nlohmann::json grid;
  const std::string grid_html = prediction_grid_html(*model, caches.get(data), schema, headline, o, grid);
  page.add_section("predictions", "Best and worst predictions", grid_html);

  Report r;
  r.html = page.render();
  r.summary = {{"kind", "run"}, {"run", run}, {"split", o.split}, {"data", data}, {"eval", ev}, {"grid", grid}};
  return r;
}

}  // namespace kplab::report
