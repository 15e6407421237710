#include "report/ablation_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include <torch/torch.h>

#include "core/error.h"
#include "core/number_format.h"
#include "data/schema.h"
#include "report/html_page.h"
#include "report/json_fields.h"
#include "report/page_facts.h"
#include "report/prediction_grid.h"
#include "report/report_charts.h"
#include "report/run_evaluation.h"
#include "report/svg_chart.h"
#include "train/experiment.h"

namespace kplab::report {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kNumericFields[] = {"params", "macs", "pck@0.2", "pckh@0.5", "auc",
                                      "latency_torch_ms", "latency_onnx_ms", "latency_kplab_ms", "train_seconds"};

// What one done variant contributes to the charts.
struct Variant {
  const AblationRow* row = nullptr;
  nlohmann::json eval;    // run_evaluation()
  nlohmann::json scores;  // the evaluation of the ablation's decoder
  MetricsLog metrics;
  double pck = kNaN;  // results.json's PCK@0.2, else the evaluation's
};

using Models = std::map<std::string, std::shared_ptr<TrainedModel>>;  // run folder -> model, loaded once

// Evaluations (eval.json where it fits) and training curves of the done variants.
std::vector<Variant> evaluate_done(const AblationResults& results, const ReportOptions& o, CacheStore& caches,
                                   Models& models) {
  std::vector<Variant> done;
  for (const AblationRow& row : results.rows) {
    if (row.status != "done") continue;
    Variant v;
    v.row = &row;
    auto& model = models[row.run_dir];
    v.eval = run_evaluation(row.run_dir, o, caches, model);
    // The ablation's decoder (results.json), else the one eval.json reports first.
    const std::string decoder = results.decoder.empty() ? v.eval.value("decoder", std::string("regression")) : results.decoder;
    v.scores = v.eval.contains("by_decoder") && v.eval["by_decoder"].contains(decoder) ? v.eval["by_decoder"][decoder]
                                                                                         : v.eval;
    const std::string csv = row.run_dir + "/metrics.csv";
    if (fs::exists(csv)) v.metrics = read_metrics_log(csv);
    v.pck = number_or_nan(row.fields, "pck@0.2");
    if (!std::isfinite(v.pck)) v.pck = number_or_nan(v.scores, "pck@0.2");
    done.push_back(std::move(v));
  }
  return done;
}

// The done variant with the highest PCK@0.2 (the first of equals); nullptr when none has one.
const Variant* best_variant(const std::vector<Variant>& done) {
  const Variant* best = nullptr;
  for (const Variant& v : done)
    if (std::isfinite(v.pck) && (!best || v.pck > best->pck)) best = &v;
  return best;
}

// The done variant of `row`, nullptr when it is not done.
const Variant* variant_of(const AblationRow& row, const std::vector<Variant>& done) {
  const Variant* v = nullptr;
  for (const Variant& d : done)
    if (d.row == &row) v = &d;
  return v;
}

void add_facts(HtmlPage& page, const AblationResults& results, size_t n_done, const ReportOptions& o) {
  if (!results.ablation.empty()) page.add_fact("ablation", results.ablation);
  page.add_fact("split", o.split);
  page.add_fact("variants", str(results.rows.size(), " (", n_done, " done)"));
  page.add_fact("date", local_date());
  const nlohmann::json& hw = results.hardware;
  if (hw.contains("cpu") || hw.contains("device"))
    page.add_fact("hardware", str(hw.value("cpu", std::string("unknown CPU")), " \xC2\xB7 ",
                                  hw.contains("threads") && hw["threads"].is_number() ? str(hw["threads"].get<int64_t>()) : "?",
                                  " threads \xC2\xB7 ", hw.value("device", std::string("?"))));
  else
    page.add_fact("hardware", host_hardware(o.device) + " (this machine)");
}

// Every row, as results.json has it (PCK from the evaluation where results.json has none).
Table results_table(const AblationResults& results, const std::vector<Variant>& done, const Variant* best) {
  Table t;
  t.header = {"variant", "params",      "MACs",    "PCK@0.2",  "PCKh@0.5",   "AUC",
              "LibTorch ms", "ONNX ms", "kplab ms", "train time", "status"};
  t.numeric = {false, true, true, true, true, true, true, true, true, true, false};
  for (const AblationRow& row : results.rows) {
    const Variant* v = variant_of(row, done);
    auto metric = [&](const char* key) {
      double x = number_or_nan(row.fields, key);
      if (!std::isfinite(x) && v) x = number_or_nan(v->scores, key);
      return std::isfinite(x) ? percent(x) : std::string("n/a");
    };
    const bool is_best = best && v == best;
    t.rows.push_back({TableCell(row.variant, is_best ? "best" : ""), si_text(number_or_nan(row.fields, "params")),
                      si_text(number_or_nan(row.fields, "macs")), TableCell(metric("pck@0.2"), is_best ? "best" : ""),
                      metric("pckh@0.5"), metric("auc"), fixed(number_or_nan(row.fields, "latency_torch_ms"), 2),
                      fixed(number_or_nan(row.fields, "latency_onnx_ms"), 2),
                      fixed(number_or_nan(row.fields, "latency_kplab_ms"), 2),
                      duration_text(number_or_nan(row.fields, "train_seconds")),
                      TableCell(row.status, "badge " + row.status)});
    t.row_class.push_back(row.status == "done" ? "" : "muted");
  }
  return t;
}

// The table, what it shows, and why each failed variant failed.
std::string results_html(const AblationResults& results, const std::vector<Variant>& done, const Variant* best,
                         const std::string& split) {
  std::string table = table_html(results_table(results, done, best));
  table += note_html(str("Accuracy on the ", split, " split",
                         results.decoder.empty() ? "" : ", " + results.decoder + " decoder",
                         " (PCK normalised by the torso, PCKh by the head). ", best ? "Bold: the best PCK@0.2. " : "",
                         "Only done variants are plotted below."));
  for (const AblationRow& row : results.rows)
    if (row.status == "failed" && row.fields.contains("error") && row.fields["error"].is_string())
      table += note_html(row.variant + " failed: " + row.fields["error"].get<std::string>());
  return table;
}

// One point per done variant: the latency of kplab's path (the XNNPACK
// runner; OpenCV DNN, then LibTorch, where there is none, marked) against
// PCK@0.2. Counts those that lack either in `missing`.
std::vector<ScatterPoint> latency_points(const std::vector<Variant>& done, int& missing) {
  std::vector<ScatterPoint> points;
  missing = 0;
  for (size_t i = 0; i < done.size(); ++i) {
    const AblationRow& row = *done[i].row;
    double x = number_or_nan(row.fields, "latency_kplab_ms");
    std::string label = row.variant;
    if (!std::isfinite(x)) {
      x = number_or_nan(row.fields, "latency_onnx_ms");
      label += " (OpenCV DNN)";
    }
    if (!std::isfinite(x)) {
      label = row.variant;
      x = number_or_nan(row.fields, "latency_torch_ms");
      label += " (LibTorch)";
    }
    if (!std::isfinite(x) || !std::isfinite(done[i].pck)) ++missing;
    points.push_back({x, done[i].pck, label, palette(static_cast<int>(i))});
  }
  return points;
}

std::string latency_chart(const std::vector<ScatterPoint>& points) {
  ChartFrame so;
  so.title = "Latency against accuracy";
  so.x_label = "batch-1 latency, ms (exported graph in kplab's XNNPACK runner; others where marked)";
  so.y_label = "PCK@0.2";
  so.percent_y = true;
  // Latency from zero (a ratio scale: twice as far is twice as slow); PCK
  // zoomed to the data but never to less than 5 points, so a 0.1-point
  // difference does not fill the chart.
  so.x_min = 0;
  double y_lo = 1, y_hi = 0;
  for (const ScatterPoint& p : points)
    if (std::isfinite(p.x) && std::isfinite(p.y)) y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
  if (y_hi >= y_lo && y_hi - y_lo < 0.05) {
    const double mid = std::clamp((y_lo + y_hi) / 2, 0.025, 0.975);
    so.y_min = mid - 0.025;
    so.y_max = mid + 0.025;
  }
  return scatter_chart(points, so);
}

// Joint order from the best (else first) variant's schema; from its
// evaluation when the schema cannot be read.
std::vector<std::string> joint_order(const std::vector<Variant>& done, const Variant* best) {
  std::vector<std::string> joints;
  try {
    const Experiment exp = load_experiment((best ? best->row : done[0].row)->run_dir + "/config.yaml");
    joints = load_schema(exp.data.schema).joints;
  } catch (const Error&) {
    const nlohmann::json& pj = done[0].scores.value("per_joint", nlohmann::json::object());
    for (auto it = pj.begin(); it != pj.end(); ++it) joints.push_back(it.key());
  }
  return joints;
}

std::string per_joint_chart(const std::vector<Variant>& done, const std::vector<std::string>& joints) {
  std::vector<BarSeries> bars;
  for (size_t i = 0; i < done.size(); ++i)
    bars.push_back({done[i].row->variant,
                    per_joint_values(done[i].scores.value("per_joint", nlohmann::json::object()), joints),
                    palette(static_cast<int>(i))});
  ChartFrame bo;
  bo.title = "PCK@0.2 per joint and variant";
  percent_y_axis(bo, "PCK@0.2");
  bo.width = 1100;
  bo.height = 360;
  return grouped_bar_chart(joints, bars, bo);
}

// PCK over alpha, latency against accuracy, and per joint, for every done variant.
std::string accuracy_html(const std::vector<Variant>& done, const Variant* best) {
  std::vector<std::pair<std::string, nlohmann::json>> evals;
  for (const auto& v : done) evals.push_back({v.row->variant, v.scores});
  int without_latency = 0;
  const std::vector<ScatterPoint> points = latency_points(done, without_latency);
  const std::vector<std::string> joints = joint_order(done, best);
  return figure_grid_html(
      {figure_html(pck_curve_chart(evals, "PCK over alpha per variant"), "Each variant's headline decoder; the AUC is the mean over alpha in [0, 0.5]."),
       figure_html(latency_chart(points),
                   without_latency ? str(without_latency, " variant(s) without a latency or PCK are not shown.")
                                   : "Up and to the left is better."),
       figure_html(per_joint_chart(done, joints), "Grey stubs: joints never labeled in the split.", true)});
}

std::string validation_curves(const std::vector<Variant>& vs, bool heatmap) {
  LineChartOptions o;
  o.title = std::string("Validation PCK per epoch, ") + (heatmap ? "heatmap" : "regression") + " decoder";
  percent_y_axis(o, "PCK");
  std::vector<Series> series;
  size_t longest = 0;
  for (size_t i = 0; i < vs.size(); ++i) {
    const MetricsLog& m = vs[i].metrics;
    const std::string alpha = headline_alpha(m);
    Series s;
    s.name = vs[i].row->variant + (alpha.empty() ? "" : " (@" + alpha + ")");
    s.colour = palette(static_cast<int>(i));
    s.markers = m.rows() <= 40;
    s.x = epoch_numbers(m.rows());
    s.y = alpha.empty() ? std::vector<double>(m.rows(), kNaN)
                        : m.column((heatmap ? "val_heatmap_pck@" : "val_pck@") + alpha);
    longest = std::max(longest, m.rows());
    series.push_back(s);
  }
  epoch_x_axis(o, std::max<size_t>(longest, 1));
  return line_chart(series, o);
}

std::string training_html(const std::vector<Variant>& done) {
  return figure_grid_html({figure_html(validation_curves(done, false), "Validation PCK after each epoch."),
                           figure_html(validation_curves(done, true), "The same for the heatmap decoder.")});
}

// The prediction grid of the best variant. The table and charts stand
// without it (e.g. the cache moved): then it says why instead of failing.
std::string best_grid_html(const Variant& best, const AblationResults& results, const ReportOptions& o,
                           CacheStore& caches, Models& models, nlohmann::json& grid) {
  const AblationRow& row = *best.row;
  try {
    const Experiment exp = load_experiment(row.run_dir + "/config.yaml");
    auto& model = models[row.run_dir];
    if (!model) model = std::make_shared<TrainedModel>(o.load_model(row.run_dir));
    const std::string data = o.data.empty() ? exp.data.cache : o.data;
    std::string html = note_html("Best variant: " + row.variant + " (" + row.run_dir + ").") +
                       prediction_grid_html(*model, caches.get(data), trained_schema(*model),
                                            results.decoder.empty() ? exp.eval.decoder : results.decoder, o, grid);
    grid["variant"] = row.variant;
    return html;
  } catch (const std::exception& e) {
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    const std::string why = c10 ? c10->what_without_backtrace() : e.what();
    std::fprintf(stderr, "warning: no prediction grid for %s: %s\n", row.variant.c_str(), why.c_str());
    grid = {{"variant", row.variant}, {"error", why}};
    return note_html(str("No prediction grid for ", row.variant, ": ", why));
  }
}

// What `--json` lists per row: status, run folder, and for done variants the PCK and where it came from.
nlohmann::json summary_rows(const AblationResults& results, const std::vector<Variant>& done) {
  nlohmann::json rows = nlohmann::json::array();
  for (const AblationRow& row : results.rows) {
    nlohmann::json jr = {{"variant", row.variant}, {"status", row.status}, {"run", row.run_dir},
                         {"plotted", row.status == "done"}};
    for (const Variant& v : done)
      if (v.row == &row) {
        jr["pck@0.2"] = std::isfinite(v.pck) ? nlohmann::json(v.pck) : nlohmann::json();
        jr["eval_source"] = v.eval.value("source", std::string());
      }
    rows.push_back(jr);
  }
  return rows;
}

}  // namespace

bool is_ablation_dir(const std::string& dir) { return fs::is_regular_file(fs::path(dir) / "results.json"); }

AblationResults read_ablation_results(const std::string& dir) {
  AblationResults r;
  r.path = (fs::path(dir) / "results.json").string();
  nlohmann::json j;
  try {
    std::ifstream in(r.path);
    if (!in) throw input_error(r.path, "file", "a readable results.json", "it cannot be opened");
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw input_error(r.path, "JSON", "valid JSON", e.what());
  }
  if (!j.is_object()) throw input_error(r.path, "(document)", "an object", j.type_name());
  auto optional_string = [&](const char* key) -> std::string {
    if (!j.contains(key) || j[key].is_null()) return "";
    if (!j[key].is_string()) throw input_error(r.path, key, "a string", j[key].dump());
    return j[key].get<std::string>();
  };
  r.name = optional_string("name");
  r.ablation = optional_string("ablation");
  r.split = optional_string("split");
  r.decoder = optional_string("decoder");
  if (!r.decoder.empty() && r.decoder != "regression" && r.decoder != "heatmap")
    throw input_error(r.path, "decoder", "regression or heatmap", "'" + r.decoder + "'");
  if (j.contains("hardware") && !j["hardware"].is_null()) {
    if (!j["hardware"].is_object()) throw input_error(r.path, "hardware", "an object {cpu, threads, device}", j["hardware"].dump());
    r.hardware = j["hardware"];
  }
  if (!j.contains("rows") || !j["rows"].is_array())
    throw input_error(r.path, "rows", "an array of variants", j.contains("rows") ? j["rows"].type_name() : "nothing");
  for (size_t i = 0; i < j["rows"].size(); ++i) {
    const nlohmann::json& row = j["rows"][i];
    const std::string where = str("rows[", i, "]");
    if (!row.is_object()) throw input_error(r.path, where, "an object", row.dump());
    for (const char* key : {"variant", "run", "status"})
      if (!row.contains(key) || !row[key].is_string())
        throw input_error(r.path, where + "." + key, "a string", row.contains(key) ? row[key].dump() : "nothing");
    AblationRow a;
    a.variant = row["variant"].get<std::string>();
    a.run = row["run"].get<std::string>();
    a.status = row["status"].get<std::string>();
    if (a.status != "done" && a.status != "pending" && a.status != "failed")
      throw input_error(r.path, where + ".status", "done, pending or failed", "'" + a.status + "'");
    for (const char* key : kNumericFields)
      if (row.contains(key) && !row[key].is_null() && !row[key].is_number())
        throw input_error(r.path, where + "." + key, "a number or null", row[key].dump());
    fs::path run(a.run);
    a.run_dir = (run.is_absolute() ? run : fs::path(dir) / run).lexically_normal().string();
    while (a.run_dir.size() > 1 && a.run_dir.back() == '/') a.run_dir.pop_back();
    if (a.status == "done" && !is_run_dir(a.run_dir))
      throw input_error(r.path, where + ".run", "a training run folder (config.yaml, checkpoints/) for a done variant",
                        "'" + a.run_dir + "'");
    a.fields = row;
    r.rows.push_back(a);
  }
  return r;
}

Report ablation_report(const std::string& dir_arg, const ReportOptions& options) {
  KP_CHECK(static_cast<bool>(options.load_model), "ablation_report: no model loader given");
  std::string dir = dir_arg;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const AblationResults results = read_ablation_results(dir);
  ReportOptions o = options;
  if (o.split.empty()) o.split = results.split.empty() ? "test" : results.split;

  CacheStore caches;
  Models models;
  const std::vector<Variant> done = evaluate_done(results, o, caches, models);
  const Variant* best = best_variant(done);

  const std::string name = !results.name.empty()       ? results.name
                           : !results.ablation.empty() ? fs::path(results.ablation).stem().string()
                                                       : fs::path(dir).filename().string();
  HtmlPage page(name, "kplab ablation report");
  add_facts(page, results, done.size(), o);
  page.add_section("results", "Results", results_html(results, done, best, o.split));
  if (done.empty()) {
    page.add_section("charts", "Charts", note_html("No variant is done yet: nothing to plot."));
  } else {
    page.add_section("accuracy", "Accuracy", accuracy_html(done, best));
    page.add_section("training", "Training", training_html(done));
  }
  nlohmann::json grid;
  if (best)
    page.add_section("predictions", "Best and worst predictions of " + best->row->variant,
                     best_grid_html(*best, results, o, caches, models, grid));

  Report r;
  r.html = page.render();
  r.summary = {{"kind", "ablation"}, {"dir", dir},  {"split", o.split}, {"rows", summary_rows(results, done)},
               {"best_variant", best ? nlohmann::json(best->row->variant) : nlohmann::json()}, {"grid", grid}};
  return r;
}

}  // namespace kplab::report
