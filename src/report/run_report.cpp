#include "report/run_report.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "core/number_format.h"
#include "report/html_page.h"
#include "report/json_fields.h"
#include "report/page_facts.h"
#include "report/prediction_grid.h"
#include "report/report_charts.h"
#include "report/run_evaluation.h"
#include "report/svg_chart.h"
#include "report/training_charts.h"
#include "train/experiment.h"

namespace kplab::report {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string other_decoder(const std::string& d) { return d == "heatmap" ? "regression" : "heatmap"; }

std::string model_text(const TrainedModel& tm, const std::string& name) {
  const int64_t params = count_parameters(*tm.model);
  return name + " \xC2\xB7 " + std::to_string(tm.model->input_size()) + " px \xC2\xB7 " + fixed(params / 1e6, 2) +
         " M parameters";
}

std::string checkpoint_text(const TrainedModel& tm, const Experiment& exp) {
  std::string s = fs::path(tm.checkpoint).filename().string();
  const auto& m = tm.meta.progress;
  if (m.phase >= 0 && m.phase < static_cast<int64_t>(exp.phases.size()))
    s += str(" (phase ", m.phase + 1, " '", exp.phases[m.phase].name, "', epoch ", m.epoch, ")");
  return s;
}

// An evaluation's scores by decoder: the headline decoder (the experiment's)
// shown big, the other beside it. References into the evaluation.
struct DecoderScores {
  std::string headline, other;
  const nlohmann::json& by;  // by_decoder
  const nlohmann::json& h;   // the headline decoder's
  const nlohmann::json& x;   // the other's
};

DecoderScores decoder_scores(const nlohmann::json& ev, const std::string& headline) {
  const nlohmann::json& by = field(ev, "by_decoder");
  return {headline, other_decoder(headline), by, field(by, headline), field(by, other_decoder(headline))};
}

std::vector<Card> summary_cards(const DecoderScores& s, const nlohmann::json& ev, const std::string& split) {
  const nlohmann::json &h = s.h, &x = s.x;
  const std::string& other = s.other;
  return {
      {"PCK@0.2", percent(field(h, "pck@0.2")), other + " " + percent(field(x, "pck@0.2"))},
      {"PCKh@0.5", percent(field(h, "pckh@0.5")), other + " " + percent(field(x, "pckh@0.5"))},
      {"AUC (alpha \xE2\x89\xA4 0.5)", percent(field(h, "auc")), other + " " + percent(field(x, "auc"))},
      {"mean error", fixed(number_or_nan(h, "mean_px"), 1) + " px",
       "median " + fixed(number_or_nan(h, "median_px"), 1) + " px \xC2\xB7 " + other + " " +
           fixed(number_or_nan(x, "mean_px"), 1) + " px"},
      {"split", split,
       str(ev.value("n_samples", int64_t(0)), " people \xC2\xB7 ", h.value("n_joints", int64_t(0)), " joints")},
  };
}

Table decoders_table(const DecoderScores& s) {
  Table t;
  t.header = {"decoder", "PCK@0.2", "PCKh@0.5", "AUC", "mean px", "median px", "joints", "excluded people"};
  t.numeric = {false, true, true, true, true, true, true, true};
  for (const std::string& d : {s.headline, s.other}) {
    const nlohmann::json& m = field(s.by, d);
    t.rows.push_back({TableCell(d + (d == s.headline ? " (headline)" : "")), percent(field(m, "pck@0.2")),
                      percent(field(m, "pckh@0.5")), percent(field(m, "auc")), fixed(number_or_nan(m, "mean_px"), 2),
                      fixed(number_or_nan(m, "median_px"), 2), str(m.value("n_joints", int64_t(0))),
                      str(m.value("samples_excluded", int64_t(0)))});
  }
  return t;
}

// Summary: the headline decoder big, the other beside it, then both in a
// table, and where the numbers come from.
std::string summary_html(const DecoderScores& s, const nlohmann::json& ev, const std::string& source,
                         const std::string& split, const std::string& checkpoint) {
  return cards_html(summary_cards(s, ev, split)) + "<h3>Both decoders</h3>" + table_html(decoders_table(s)) +
         note_html(source + " (split " + split + ", checkpoint " + ev.value("checkpoint", checkpoint) +
                   "). Errors in original-image pixels; PCK normalised by the torso, PCKh by the head.");
}

std::string training_html(const MetricsLog& metrics, const std::string& metrics_path) {
  if (metrics.rows() == 0) return note_html(metrics_path + " has no finished epoch yet.");
  return figure_grid_html({figure_html(loss_chart(metrics), "Mean training losses of each epoch; shaded bands are the phases."),
                           figure_html(validation_chart(metrics), "Validation PCK after each epoch, both decoders.")});
}

// PCK over alpha and per joint, both decoders.
std::string accuracy_html(const DecoderScores& s, const std::vector<std::string>& joints, const std::string& split) {
  const std::string pck_fig =
      figure_html(pck_curve_chart({{s.headline, s.h}, {s.other, s.x}}, "PCK over alpha (" + split + " split)", {false, true}),
                  "PCK against the threshold alpha, in units of the torso; the AUC is the mean over alpha in [0, 0.5].");
  ChartFrame bars;
  bars.title = "PCK@0.2 per joint";
  percent_y_axis(bars, "PCK@0.2");
  bars.width = 560;
  bars.height = 320;
  const std::string joint_fig = figure_html(
      grouped_bar_chart(joints, {{s.headline, per_joint_values(field(s.h, "per_joint"), joints), palette(0)},
                                 {s.other, per_joint_values(field(s.x, "per_joint"), joints), palette(1)}},
                        bars),
      "Grey stubs: joints never labeled in this split.");
  return figure_grid_html({pck_fig, joint_fig});
}

}  // namespace

// ---------------------------------------------------------------- pieces

bool is_run_dir(const std::string& dir) {
  const fs::path d(dir);
  return fs::is_regular_file(d / "config.yaml") &&
         (fs::is_directory(d / "checkpoints") || fs::is_regular_file(d / "metrics.csv"));
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
  const MetricsLog metrics = fs::exists(metrics_path) ? read_metrics_log(metrics_path) : MetricsLog{};
  const DecoderScores scores = decoder_scores(ev, exp.eval.decoder);

  HtmlPage page(fs::path(run).filename().string(), "kplab run report");
  page.add_fact("model", model_text(*model, exp.model));
  page.add_fact("checkpoint", checkpoint_text(*model, exp));
  page.add_fact("split", o.split);
  page.add_fact("date", local_date());
  page.add_fact("hardware", host_hardware(o.device));

  const std::string source = ev.value("source", std::string()) == "eval.json"
                                 ? "Numbers from " + run + "/eval.json"
                                 : "Evaluated now on " + data;
  page.add_section("summary", "Summary", summary_html(scores, ev, source, o.split, model->checkpoint));
  page.add_section("training", "Training", training_html(metrics, metrics_path));
  page.add_section("accuracy", "Accuracy", accuracy_html(scores, schema.joints, o.split));

  nlohmann::json grid;
  const std::string grid_html = prediction_grid_html(*model, caches.get(data), schema, scores.headline, o, grid);
  page.add_section("predictions", "Best and worst predictions", grid_html);

  Report r;
  r.html = page.render();
  r.summary = {{"kind", "run"}, {"run", run}, {"split", o.split}, {"data", data}, {"eval", ev}, {"grid", grid}};
  return r;
}

}  // namespace kplab::report
