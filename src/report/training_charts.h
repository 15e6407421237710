// The training curves of one run, from its metrics.csv: losses and
// validation PCK per epoch, with each training phase shaded behind them.
#pragma once

#include <string>

#include "report/run_report.h"

namespace kplab::report {

// Every loss term that was ever positive, on a log scale.
std::string loss_chart(const MetricsLog& metrics);

// Validation PCK at the headline alpha, both decoders.
std::string validation_chart(const MetricsLog& metrics);

}  // namespace kplab::report
