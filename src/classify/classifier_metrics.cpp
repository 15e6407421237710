#include "classify/classifier_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/number_format.h"

namespace kplab::classify {

namespace {

std::string fixed3(double v) { return fixed(v, 3); }

double ratio(int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

const char* const kMetricNames[] = {"accuracy", "precision", "recall", "f1"};

double metric(const BinaryMetrics& m, const std::string& name) {
  if (name == "accuracy") return m.accuracy;
  if (name == "precision") return m.precision;
  if (name == "recall") return m.recall;
  return m.f1;
}

}  // namespace

BinaryMetrics binary_metrics(const std::vector<float>& truth, const std::vector<float>& probability) {
  KP_CHECK(truth.size() == probability.size(), "binary_metrics: ", truth.size(), " labels for ", probability.size(),
           " probabilities");
  BinaryMetrics m;
  for (size_t i = 0; i < truth.size(); ++i) {
    const bool pos = truth[i] > 0.5f, pred = probability[i] >= 0.5f;
    (pos ? (pred ? m.tp : m.fn) : (pred ? m.fp : m.tn))++;
  }
  m.accuracy = ratio(m.tp + m.tn, m.n());
  m.precision = ratio(m.tp, m.tp + m.fp);
  m.recall = ratio(m.tp, m.tp + m.fn);
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

nlohmann::json metrics_json(const BinaryMetrics& m, const Classes& classes) {
  // counts[true][predicted] over the positive flag, then put in class order.
  const int64_t counts[2][2] = {{m.tn, m.fp}, {m.fn, m.tp}};
  auto pos = [&](int cls) { return cls == classes.positive ? 1 : 0; };
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json per_class = nlohmann::json::object();
  for (int t = 0; t < 2; ++t) {
    rows.push_back({counts[pos(t)][pos(0)], counts[pos(t)][pos(1)]});
    per_class[classes.names[t]] = counts[pos(t)][0] + counts[pos(t)][1];
  }
  return {
      {"accuracy", m.accuracy},
      {"precision", m.precision},
      {"recall", m.recall},
      {"f1", m.f1},
      {"positive", classes.positive_name()},
      {"n", m.n()},
      {"n_per_class", per_class},
      {"confusion",
       {{"classes", classes.names}, {"rows", rows}, {"rows_are", "true class"}, {"columns_are", "predicted class"}}}};
}

std::string metrics_text(const BinaryMetrics& m, const Classes& classes) {
  const nlohmann::json j = metrics_json(m, classes);
  std::string out = str("accuracy  ", fixed3(m.accuracy), "   (", m.tp + m.tn, " of ", m.n(), " rows)\n");
  out += str("precision ", fixed3(m.precision), "   recall ", fixed3(m.recall), "   F1 ", fixed3(m.f1),
             "   (positive class: ", classes.positive_name(), ")\n");
  size_t w = 9;
  for (const auto& c : classes.names) w = std::max(w, c.size() + 5);
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %*s %*s %8s\n", static_cast<int>(w), "true \\ predicted", static_cast<int>(w),
                classes.names[0].c_str(), static_cast<int>(w), classes.names[1].c_str(), "n");
  out += line;
  for (int t = 0; t < 2; ++t) {
    const auto& r = j["confusion"]["rows"][t];
    std::snprintf(line, sizeof line, "%-*s %*lld %*lld %8lld\n", static_cast<int>(w), classes.names[t].c_str(),
                  static_cast<int>(w), static_cast<long long>(r[0].get<int64_t>()), static_cast<int>(w),
                  static_cast<long long>(r[1].get<int64_t>()),
                  static_cast<long long>(j["n_per_class"][classes.names[t]].get<int64_t>()));
    out += line;
  }
  return out;
}

nlohmann::json cv_json(const std::vector<BinaryMetrics>& folds) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name : kMetricNames) {
    std::vector<double> v;
    for (const auto& f : folds) v.push_back(metric(f, name));
    double mean = 0, ss = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    for (double x : v) ss += (x - mean) * (x - mean);
    const double sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
    out[name] = {{"mean", mean}, {"sd", sd}, {"folds", v}};
  }
  return out;
}

std::string cv_text(const nlohmann::json& cv) {
  std::string out;
  for (const char* name : kMetricNames)
    out += str(out.empty() ? "" : "   ", name, " ", fixed3(cv.at(name).at("mean").get<double>()), " ± ",
               fixed3(cv.at(name).at("sd").get<double>()));
  return out;
}

}  // namespace kplab::classify
