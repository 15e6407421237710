// metrics.csv, a training run's log: one row per finished epoch,
//   phase,epoch,step,lr,loss,loss_TERM...,val_pck@A...,val_heatmap_pck@A...,images_per_s,seconds
// (loss: the epoch's mean total loss; loss_TERM: each loss term's mean, for
// the terms train/loss_terms.h logs; val_*: validation PCK of the regression
// and heatmap decoders at each eval alpha; seconds: the epoch's wall time).
// The trainer writes it through metrics_header/metrics_row, the reports,
// ablations and model cards read it through read_metrics_log: its format
// is known here only.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kplab {

struct MetricsLog {
  std::vector<std::string> phase;                     // one per row (epoch)
  std::vector<std::string> columns;                   // numeric column names, file order
  std::map<std::string, std::vector<double>> values;  // column -> one value per row
  size_t rows() const { return phase.size(); }
  // The column, or NaN per row when the file has no such column.
  std::vector<double> column(const std::string& name) const;
  // Sum of a column's finite values, e.g. "seconds": the run's training time.
  double sum(const std::string& name) const;
};

// Errors name the file, the line and what was expected. An empty file (no
// epoch finished yet) is an empty log.
MetricsLog parse_metrics_log(const std::string& text, const std::string& path);
MetricsLog read_metrics_log(const std::string& path);

// One finished epoch, as the trainer knows it.
struct EpochMetrics {
  std::string phase;
  int64_t epoch = 0, step = 0;
  double lr = 0;
  std::map<std::string, double> losses;      // "total" and each term's name -> epoch mean
  std::map<std::string, double> validation;  // "pck@A", "heatmap_pck@A" -> fraction
  double images_per_s = 0, seconds = 0;
};

// The header line (with its newline) of a new run's log.
std::string metrics_header(const std::vector<std::string>& loss_terms, const std::vector<double>& alphas);
// One row (with its newline) in the column order of `header` (a log's
// first line: a resumed run continues the columns it started with); a
// value the epoch lacks is written as 0.
std::string metrics_row(const std::string& header, const EpochMetrics& m);

// The headline metric's alpha: the one closest to 0.2 (LSP's PCK@0.2), the
// first of equals. The trainer picks best.pt by it; reports headline it.
double headline_alpha(const std::vector<double>& alphas);
// The same for a log's val_pck@A columns, as written (e.g. "0.2"); "" when none.
std::string headline_alpha(const MetricsLog& log);

}  // namespace kplab
