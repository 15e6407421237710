// One self-contained HTML page: inline CSS, inline SVG, images as base64
// data URIs, no scripts, fonts or links to fetch. Pieces are string builders
// (cards, tables, figures, image tiles) that the page wraps in sections.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>


namespace kplab::report {

// Same escaping as SVG text (svg_chart.h).
std::string html_escape(const std::string& text);

// RFC 4648 base64 (with padding).
std::string base64(const uint8_t* data, size_t size);

// A BGR image as "data:image/jpeg;base64,..." (format "jpeg", quality
// `jpeg_quality`) or "data:image/png;base64,..." (format "png"), via cv::imencode.
std::string image_data_uri(const cv::Mat& bgr, const std::string& format = "jpeg", int jpeg_quality = 90);

// A headline number: label above, big value, small detail below.
struct Card {
  std::string label, value, detail;
};
std::string cards_html(const std::vector<Card>& cards);

struct TableCell {
  TableCell(std::string text = "", std::string css_class = "") : text(std::move(text)), css_class(std::move(css_class)) {}
  TableCell(const char* text) : text(text) {}
  std::string text;       // escaped when rendered
  std::string css_class;  // e.g. "num", "best", "badge done"
};
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;                   // per column: right-aligned, tabular figures
  std::vector<std::vector<TableCell>> rows;
  std::vector<std::string> row_class;          // per row, may be shorter than rows ("muted" rows)
};
std::string table_html(const Table& table);

// A chart (SVG text) with an optional caption; `wide` spans the whole row.
std::string figure_html(const std::string& svg, const std::string& caption = "", bool wide = false);
// Figures side by side (two columns, wrapping on narrow screens).
std::string figure_grid_html(const std::vector<std::string>& figures);

// An image tile: a data URI, a title line and a detail line.
struct Tile {
  std::string image_uri, title, detail;
};
// `columns` per row (8 fits the reports' crops; fewer for larger pictures with longer text).
std::string tiles_html(const std::string& heading, const std::vector<Tile>& tiles, int columns = 8);

// A grey explanatory paragraph.
std::string note_html(const std::string& text);

class HtmlPage {
 public:
  explicit HtmlPage(std::string title, std::string kind = "");
  // "label: value" facts shown in the header (date, hardware, ...).
  void add_fact(const std::string& label, const std::string& value);
  // A section with a heading; `body` is HTML (from the builders above).
  void add_section(const std::string& id, const std::string& heading, const std::string& body);
  std::string render() const;

 private:
  std::string title_, kind_;
  std::vector<std::pair<std::string, std::string>> facts_;
  std::vector<std::pair<std::string, std::string>> nav_;  // id, heading
  std::string body_;
};

}  // namespace kplab::report
