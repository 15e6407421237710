// kplab posture-report: the posture workflow's page on a set with known
// truth (src/report/posture_report.h): the measures' error against the true
// angles per pose model, the classifier on true and predicted keypoints,
// and overlays with verdicts and their explanations.
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "report/posture_report.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int posture_report(int argc, char** argv) {
  report::PostureReportOptions o;
  std::vector<std::string> predicted;
  cxxopts::Options opts(argv[0],
                        "One self-contained HTML page for the posture workflow on a set with known truth (kplab\n"
                        "to-yolo --format synthetic_side writes truth.csv): each posture measure read off each pose\n"
                        "model's predicted keypoints against the true angle (mean, median, 90th percentile error,\n"
                        "bias, flag agreement), the good/bad classifier scored on the true keypoints and on each\n"
                        "model's (accuracy, precision, recall, F1, confusion matrices), and overlays with the\n"
                        "verdicts and the sentences that explain them, wrong verdicts first.\n");
  opts.add_options()
      ("truth", "the set's truth.csv", cxxopts::value<std::string>(o.truth))
      ("split", "the truth rows the classifier is scored on from true keypoints", cxxopts::value<std::string>(o.split)->default_value("test"))
      ("predicted", "NAME=KEYPOINTS.csv: a pose model's kplab predict output on that split (repeatable)",
       cxxopts::value<std::vector<std::string>>(predicted))
      ("classifier", "a kplab classify train folder", cxxopts::value<std::string>(o.classifier)->default_value(""))
      ("overlays", "a kplab predict output folder (with --classifier) for the verdict tiles",
       cxxopts::value<std::string>(o.overlays)->default_value(""))
      ("tiles", "how many overlays to show", cxxopts::value<int>(o.tiles)->default_value("8"))
      ("out", "the HTML page to write", cxxopts::value<std::string>(o.out))
      ("json", "also write the numbers as JSON here", cxxopts::value<std::string>(o.json)->default_value(""))
      ("h,help", "show this help");
  const auto r = parse_args(opts, argc, argv,
                            {"kplab posture-report --truth runs/posture/side_set/truth.csv --predicted "
                             "fine-tuned=runs/posture/predict_test/keypoints.csv --classifier runs/posture/classifier "
                             "--overlays runs/posture/predict_test --out runs/posture/report.html"});
  if (!r) return 0;
  require(*r, "truth", argv[0]);
  require(*r, "out", argv[0]);
  for (const std::string& p : predicted) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      throw input_error("--predicted", "value", "NAME=KEYPOINTS.csv", "'" + p + "'");
    o.predicted.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  if (o.tiles < 0) throw input_error("--tiles", "count", ">= 0", std::to_string(o.tiles));
  std::printf("%s", report::write_posture_report(o).text.c_str());
  return 0;
}

}  // namespace kplab::cli
