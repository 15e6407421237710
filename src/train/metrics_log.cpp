#include "train/metrics_log.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"

namespace kplab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

double parse_number(const std::string& field) {
  char* end = nullptr;
  const double v = std::strtod(field.c_str(), &end);
  return field.empty() || end == field.c_str() || *end != '\0' ? kNaN : v;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The value of column `c` for epoch `m` (0 when the epoch lacks it).
double column_value(const std::string& c, const EpochMetrics& m) {
  auto get = [](const std::map<std::string, double>& from, const std::string& key) {
    auto it = from.find(key);
    return it == from.end() ? 0.0 : it->second;
  };
  if (c == "lr") return m.lr;
  if (c == "loss") return get(m.losses, "total");
  if (c.rfind("loss_", 0) == 0) return get(m.losses, c.substr(5));
  if (c.rfind("val_", 0) == 0) return get(m.validation, c.substr(4));
  if (c == "images_per_s") return m.images_per_s;
  if (c == "seconds") return m.seconds;
  return 0;
}

}  // namespace

std::vector<double> MetricsLog::column(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::vector<double>(rows(), kNaN);
  return it->second;
}

double MetricsLog::sum(const std::string& name) const {
  double total = 0;
  for (double v : column(name))
    if (std::isfinite(v)) total += v;
  return total;
}

MetricsLog parse_metrics_log(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  MetricsLog m;
  if (!std::getline(in, line)) return m;  // empty file: no epoch finished yet
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header = split_fields(line);
  if (header.empty() || header[0] != "phase")
    throw input_error(path, "header", "a first column 'phase' (phase,epoch,step,lr,loss,...)",
                      "'" + (header.empty() ? std::string() : header[0]) + "'");
  m.columns.assign(header.begin() + 1, header.end());
  for (const auto& c : m.columns) m.values[c];
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f = split_fields(line);
    if (f.size() != header.size())
      throw input_error(path, str("line ", line_no), str(header.size(), " comma-separated fields"), str(f.size()));
    m.phase.push_back(f[0]);
    for (size_t c = 1; c < f.size(); ++c) m.values[header[c]].push_back(parse_number(f[c]));
  }
  return m;
}

MetricsLog read_metrics_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "file", "a readable metrics.csv", "it cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_metrics_log(text.str(), path);
}

std::string metrics_header(const std::vector<std::string>& loss_terms, const std::vector<double>& alphas) {
  std::string header = "phase,epoch,step,lr,loss";
  for (const auto& t : loss_terms) header += ",loss_" + t;
  for (double a : alphas) header += str(",val_pck@", a);
  for (double a : alphas) header += str(",val_heatmap_pck@", a);
  return header + ",images_per_s,seconds\n";
}

std::string metrics_row(const std::string& header, const EpochMetrics& m) {
  const std::vector<std::string> columns = split_fields(first_line(header));
  std::ostringstream row;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) row << ",";
    const std::string& c = columns[i];
    if (c == "phase") row << m.phase;
    else if (c == "epoch") row << m.epoch;
    else if (c == "step") row << m.step;
    else row << column_value(c, m);
  }
  row << "\n";
  return row.str();
}

double headline_alpha(const std::vector<double>& alphas) {
  double best = alphas.at(0);
  for (double a : alphas)
    if (std::abs(a - 0.2) < std::abs(best - 0.2)) best = a;
  return best;
}

std::string headline_alpha(const MetricsLog& log) {
  std::vector<std::string> written;
  std::vector<double> alphas;
  for (const auto& c : log.columns)
    if (c.rfind("val_pck@", 0) == 0) {
      written.push_back(c.substr(8));
      alphas.push_back(std::strtod(written.back().c_str(), nullptr));
    }
  if (alphas.empty()) return "";
  const double best = headline_alpha(alphas);
  for (size_t i = 0; i < alphas.size(); ++i)
    if (alphas[i] == best) return written[i];
  return "";
}

}  // namespace kplab
