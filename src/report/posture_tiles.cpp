#include "report/posture_tiles.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/csv_table.h"
#include "core/error.h"
#include "core/printf_string.h"
#include "report/html_page.h"

namespace kplab::report {

namespace {

namespace fs = std::filesystem;

std::string cell(const CsvTable& t, size_t row, const std::string& column) {
  const int c = t.column(column);
  return c < 0 ? "" : t.rows[row][c];
}

// "bad: trunk 31°, neck 12°, CVA 47°" from a truth row.
std::string truth_text(const CsvTable& truth, size_t row) {
  std::string t = "truth: " + cell(truth, row, "label");
  const std::pair<const char*, const char*> shown[] = {
      {"trunk_inclination_deg", "trunk"}, {"neck_flexion_deg", "neck"}, {"cva_deg", "CVA"}};
  for (const auto& [column, label] : shown) {
    const double v = truth.column(column) >= 0 ? truth.number(row, truth.column(column)) : NAN;
    if (std::isfinite(v)) t += printf_string(", %s %.0f\xC2\xB0", label, v);
  }
  return t;
}

}  // namespace

std::string posture_tiles_html(const std::string& predict_dir, const std::string& truth_csv, int max_tiles,
                               const std::string& positive, nlohmann::json& shown) {
  const CsvTable pred = read_csv_table((fs::path(predict_dir) / "keypoints.csv").string());
  const CsvTable truth = read_csv_table(truth_csv);
  const int pred_source = pred.require_column("source", "the image of each person");
  const std::map<std::string, size_t> truth_rows =
      rows_by_file_name(truth, truth.require_column("source", "the image of each person"));

  struct Candidate {
    size_t row, truth_row;
    bool wrong;
  };
  std::vector<Candidate> wrong, right;
  for (size_t r = 0; r < pred.rows.size(); ++r) {
    const auto t = truth_rows.find(fs::path(pred.rows[r][pred_source]).filename().string());
    if (t == truth_rows.end()) continue;
    const std::string verdict = cell(pred, r, "verdict");
    const bool is_wrong = !verdict.empty() && verdict != cell(truth, t->second, "label");
    (is_wrong ? wrong : right).push_back({r, t->second, is_wrong});
  }
  std::vector<Candidate> picked(wrong.begin(), wrong.begin() + std::min<size_t>(wrong.size(), max_tiles / 2));
  for (size_t i = 0; i < right.size() && static_cast<int>(picked.size()) < max_tiles; ++i) picked.push_back(right[i]);

  std::vector<Tile> tiles;
  shown = nlohmann::json::array();
  for (const Candidate& c : picked) {
    const fs::path source(pred.rows[c.row][pred_source]);
    const fs::path image = fs::path(predict_dir) / (source.stem().string() + "_pose.jpg");
    cv::Mat overlay = cv::imread(image.string());
    if (overlay.empty()) continue;  // --keypoints-only, or a name predict disambiguated
    if (overlay.cols > 480) cv::resize(overlay, overlay, cv::Size(480, overlay.rows * 480 / overlay.cols), 0, 0, cv::INTER_AREA);
    const std::string verdict = cell(pred, c.row, "verdict");
    std::string title = truth_text(truth, c.truth_row);
    if (!verdict.empty())
      title += str(" \xC2\xB7 verdict: ", verdict, " (P(", positive, ") ", cell(pred, c.row, "verdict_probability"), ")",
                   c.wrong ? " WRONG" : "");
    std::string detail = cell(pred, c.row, "posture_notes");
    if (detail.empty()) detail = "no measure past its threshold";
    if (!cell(pred, c.row, "verdict_reasons").empty()) detail = "classifier: " + cell(pred, c.row, "verdict_reasons") + ". measures: " + detail;
    tiles.push_back({image_data_uri(overlay), title, detail});
    shown.push_back({{"image", image.string()}, {"truth", cell(truth, c.truth_row, "label")}, {"verdict", verdict},
                     {"notes", cell(pred, c.row, "posture_notes")}});
  }
  return note_html(str("Overlays from ", predict_dir, ": the skeleton, and at the bottom the lines predict wrote. ",
                       wrong.size(), " of ", wrong.size() + right.size(), " verdicts disagree with the truth",
                       wrong.empty() ? "." : "; up to half the tiles show them.")) +
         tiles_html("", tiles, 4);
}

}  // namespace kplab::report
