#include "report/posture_report.h"

#include <cmath>
#include <filesystem>
#include <map>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "classify/classify_run.h"
#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/error.h"
#include "core/json_output.h"
#include "core/printf_string.h"
#include "posture/measure_error.h"
#include "report/html_page.h"
#include "report/posture_tiles.h"
#include "report/svg_chart.h"

namespace kplab::report {

namespace {

std::string pct(double v) { return std::isfinite(v) ? printf_string("%.1f%%", 100 * v) : "n/a"; }
std::string fixed(double v, int d) { return std::isfinite(v) ? printf_string("%.*f", d, v) : "n/a"; }

// The classifier on the true keypoints and on each model's predicted ones;
// `model` gets the classifier's summary (kind, classes, positive class).
std::vector<std::pair<std::string, nlohmann::json>> classifier_runs(const PostureReportOptions& o,
                                                                    nlohmann::json& model) {
  std::vector<std::pair<std::string, nlohmann::json>> runs;
  classify::ClassifyEvalOptions truth;
  truth.model = o.classifier;
  truth.keypoints = o.truth;
  truth.split = o.split;
  const nlohmann::json on_truth = classify::classify_eval(truth).json;
  model = on_truth["model"];
  runs.emplace_back("true keypoints", on_truth["metrics"]);
  for (const auto& [name, csv] : o.predicted) {
    classify::ClassifyEvalOptions e;
    e.model = o.classifier;
    e.keypoints = csv;
    e.labels.file = o.truth;
    runs.emplace_back(name + " keypoints", classify::classify_eval(e).json["metrics"]);
  }
  return runs;
}

std::string classifier_section(const std::vector<std::pair<std::string, nlohmann::json>>& runs,
                               const nlohmann::json& model) {
  Table t;
  t.header = {"keypoints", "people", "accuracy", "precision", "recall", "F1"};
  t.numeric = {false, true, true, true, true, true};
  std::vector<std::string> charts;
  for (const auto& [name, m] : runs) {
    t.rows.push_back({name, std::to_string(m["n"].get<int64_t>()), pct(m["accuracy"]), pct(m["precision"]),
                      pct(m["recall"]), pct(m["f1"])});
    std::vector<std::vector<long long>> counts;
    for (const auto& row : m["confusion"]["rows"]) counts.push_back(row.get<std::vector<long long>>());
    ChartFrame f;
    f.title = name;
    f.width = 300;
    charts.push_back(figure_html(confusion_chart(m["confusion"]["classes"].get<std::vector<std::string>>(), counts, f)));
  }
  const std::string positive = model.value("positive", "bad");
  return note_html(str("The ", model.value("kind", std::string("?")), " classifier in ", model.value("dir", std::string("?")),
                       " scored on the same people twice: from their true keypoints, and from the keypoints each pose "
                       "model predicted on the images. Precision, recall and F1 are of the class '", positive, "'.")) +
         table_html(t) + figure_grid_html(charts);
}

std::string measures_section(const std::vector<std::pair<std::string, posture::MeasureErrors>>& errors) {
  Table t;
  t.header = {"model", "measure", "unit", "mean |error|", "median", "90th pct", "bias", "measured", "flag agreement"};
  t.numeric = {false, false, false, true, true, true, true, true, true};
  std::vector<std::string> names;
  std::vector<BarSeries> bars;
  for (const auto& [model, e] : errors) {
    BarSeries s;
    s.name = model;
    for (const auto& r : e.rows) {
      t.rows.push_back({model, r.name, r.unit, fixed(r.mean_abs, 2), fixed(r.median_abs, 2), fixed(r.p90_abs, 2),
                        fixed(r.bias, 2), str(r.n_available, " / ", r.n), pct(r.flag_agreement)});
      if (r.unit != "deg") continue;
      if (bars.empty()) names.push_back(r.name);
      s.values.push_back(r.mean_abs);
    }
    bars.push_back(s);
  }
  ChartFrame f;
  f.title = "Mean absolute error of the angle measures";
  f.y_label = "degrees";
  return note_html("Each measure read off the predicted keypoints against the angle the generator set (truth.csv), "
                   "person by person. 'measured': how many people the measure could be made for (n/a when a "
                   "joint it needs was predicted below --min-visibility). 'flag agreement': how often the "
                   "prediction and the truth agree on whether the value is past its threshold.") +
         table_html(t) + figure_html(grouped_bar_chart(names, bars, f), "", true);
}

}  // namespace

PostureReport write_posture_report(const PostureReportOptions& o) {
  if (o.truth.empty()) throw input_error("--truth", "file", "a truth.csv (kplab to-yolo --format synthetic_side)", "nothing");
  if (o.out.empty()) throw input_error("--out", "file", "the page to write", "nothing");
  AtomicFile page_file(o.out, true);  // an unwritable path fails before the work
  JsonOutput json_out(o.json);
  PostureReport r;
  std::vector<std::pair<std::string, posture::MeasureErrors>> errors;
  for (const auto& [name, csv] : o.predicted) {
    errors.emplace_back(name, posture::measure_errors(o.truth, csv));
    r.json["measures"][name] = errors.back().second.to_json();
    r.text += name + ": " + errors.back().second.to_text();
  }
  HtmlPage page("Posture: measures, verdicts and why", "posture report");
  page.add_fact("truth", o.truth);
  page.add_fact("split", o.split);
  std::string positive = "bad";
  if (!o.classifier.empty()) {
    nlohmann::json model;
    const auto runs = classifier_runs(o, model);
    positive = model.value("positive", positive);
    std::vector<Card> cards;
    for (const auto& [name, m] : runs) {
      cards.push_back({"accuracy, " + name, pct(m["accuracy"]), str(m["n"].get<int64_t>(), " people")});
      r.json["classifier"][name] = m;
      r.text += printf_string("classifier on %-28s accuracy %s (%lld people)\n", name.c_str(), pct(m["accuracy"]).c_str(),
                              static_cast<long long>(m["n"].get<int64_t>()));
    }
    r.json["classifier_model"] = model;
    page.add_section("classifier", "Good or bad posture: the classifier", cards_html(cards) + classifier_section(runs, model));
  }
  if (!errors.empty()) page.add_section("measures", "The measures against the true angles", measures_section(errors));
  if (!o.overlays.empty()) {
    nlohmann::json shown;
    page.add_section("verdicts", "Verdicts and why", posture_tiles_html(o.overlays, o.truth, o.tiles, positive, shown));
    r.json["tiles"] = shown;
  }
  json_out.stage(r.json);
  page_file.commit_bytes(page.render());
  json_out.commit();
  r.text += "wrote " + o.out + "\n";
  return r;
}

}  // namespace kplab::report
