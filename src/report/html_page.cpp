#include "report/html_page.h"

#include <opencv2/imgcodecs.hpp>

#include <fstream>

#include "core/error.h"
#include "report/svg_chart.h"

namespace kplab::report {

namespace {

// System fonts only: nothing is fetched, and every platform has one of these.
const char* const kCss = R"CSS(
:root { --ink:#1f2933; --muted:#6b7785; --line:#e4e8ed; --bg:#f3f5f8; --accent:#4e79a7; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 28px; }
header { background: linear-gradient(135deg, #1d2b3a 0%, #2c4a6b 100%); color: #fff; padding: 26px 0 20px; }
header .kind { text-transform: uppercase; letter-spacing: .14em; font-size: 11px; color: #aac4e0; }
header h1 { margin: 2px 0 12px; font-size: 26px; font-weight: 650; overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 26px; font-size: 13px; color: #e6eef7; }
.facts span b { font-weight: 600; color: #9fb8d3; margin-right: 6px; }
nav { background: #fff; border-bottom: 1px solid var(--line); }
nav .wrap { display: flex; flex-wrap: wrap; gap: 2px 20px; padding-top: 9px; padding-bottom: 9px; font-size: 13px; }
nav a { color: var(--accent); text-decoration: none; }
section { background: #fff; border-radius: 10px; margin: 22px 0; padding: 20px 24px 22px;
          box-shadow: 0 1px 2px rgba(16,24,40,.05), 0 1px 4px rgba(16,24,40,.08); }
section h2 { font-size: 17px; font-weight: 650; margin: 0 0 14px; }
h3 { font-size: 13px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .06em;
     margin: 18px 0 10px; }
.note { color: var(--muted); font-size: 13px; margin: 0 0 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 11px 14px 12px; background: #fbfcfd; }
.card .label { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }
.card .value { font-size: 25px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.25;
               overflow-wrap: anywhere; }
.card .detail { font-size: 12px; color: var(--muted); }
.figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 20px 28px; }
figure { margin: 0; }
figure.wide { grid-column: 1 / -1; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--line);
     padding: 8px 10px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 7px 10px; }
tbody tr:hover td { background: #f8fafc; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.muted td { color: #9aa3ad; }
td.best { font-weight: 700; color: #2c6e37; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 11px; font-weight: 600; }
.badge.done { background: #e2f3e5; color: #2c6e37; }
.badge.pending { background: #fff3d1; color: #865d00; }
.badge.failed { background: #fde3e3; color: #a12626; }
.tiles { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 12px; }
@media (max-width: 1100px) { .tiles { grid-template-columns: repeat(4, minmax(0, 1fr)); } }
.tile { margin: 0; }
.tile img { display: block; width: 100%; border-radius: 6px; background: #111; }
.tile .t { font-size: 12px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
.tile .d { font-size: 11px; color: var(--muted); overflow-wrap: anywhere; }
.legend-dots { font-size: 12px; color: var(--muted); margin: 0 0 12px; }
.legend-dots i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 5px 0 12px;
                 vertical-align: -1px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 6px 0 28px; }
)CSS";

}  // namespace

std::string html_escape(const std::string& text) { return escape_xml(text); }

std::string base64(const uint8_t* data, size_t size) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < size; i += 3) {
    const uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < size) {
    const bool two = i + 1 < size;
    const uint32_t v = (uint32_t(data[i]) << 16) | (two ? uint32_t(data[i + 1]) << 8 : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += two ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string image_data_uri(const cv::Mat& bgr, const std::string& format, int jpeg_quality) {
  KP_CHECK(format == "jpeg" || format == "png", "image_data_uri: format: expected jpeg or png, found '", format, "'");
  KP_CHECK(!bgr.empty(), "image_data_uri: expected an image, found an empty one");
  std::vector<uint8_t> bytes;
  std::vector<int> params;
  if (format == "jpeg") params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
  KP_CHECK(cv::imencode(format == "jpeg" ? ".jpg" : ".png", bgr, bytes, params),
           "image_data_uri: OpenCV could not encode a ", bgr.cols, "x", bgr.rows, " image as ", format);
  return "data:image/" + format + ";base64," + base64(bytes.data(), bytes.size());
}

std::string cards_html(const std::vector<Card>& cards) {
  std::string s = "<div class=\"cards\">";
  for (const auto& c : cards) {
    s += "<div class=\"card\"><div class=\"label\">" + html_escape(c.label) + "</div><div class=\"value\">" +
         html_escape(c.value) + "</div>";
    if (!c.detail.empty()) s += "<div class=\"detail\">" + html_escape(c.detail) + "</div>";
    s += "</div>";
  }
  return s + "</div>";
}

std::string table_html(const Table& t) {
  auto numeric = [&](size_t col) { return col < t.numeric.size() && t.numeric[col]; };
  std::string s = "<div class=\"table-scroll\"><table><thead><tr>";
  for (size_t c = 0; c < t.header.size(); ++c)
    s += std::string(numeric(c) ? "<th class=\"num\">" : "<th>") + html_escape(t.header[c]) + "</th>";
  s += "</tr></thead><tbody>";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string rc = r < t.row_class.size() ? t.row_class[r] : "";
    s += rc.empty() ? "<tr>" : "<tr class=\"" + html_escape(rc) + "\">";
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      const TableCell& cell = t.rows[r][c];
      std::string cls = numeric(c) ? "num" : "";
      // A "badge ..." class styles the text as a pill inside the cell.
      const bool badge = cell.css_class.rfind("badge", 0) == 0;
      if (!badge && !cell.css_class.empty()) cls += (cls.empty() ? "" : " ") + cell.css_class;
      s += cls.empty() ? "<td>" : "<td class=\"" + html_escape(cls) + "\">";
      if (badge)
        s += "<span class=\"" + html_escape(cell.css_class) + "\">" + html_escape(cell.text) + "</span>";
      else
        s += html_escape(cell.text);
      s += "</td>";
    }
    s += "</tr>";
  }
  return s + "</tbody></table></div>";
}

std::string figure_html(const std::string& svg, const std::string& caption, bool wide) {
  std::string s = wide ? "<figure class=\"wide\">" : "<figure>";
  s += svg;
  if (!caption.empty()) s += "<figcaption>" + html_escape(caption) + "</figcaption>";
  return s + "</figure>";
}

std::string figure_grid_html(const std::vector<std::string>& figures) {
  std::string s = "<div class=\"figs\">";
  for (const auto& f : figures) s += f;
  return s + "</div>";
}

std::string tiles_html(const std::string& heading, const std::vector<Tile>& tiles, int columns) {
  std::string s;
  if (!heading.empty()) s += "<h3>" + html_escape(heading) + "</h3>";
  s += columns == 8 ? "<div class=\"tiles\">"
                    : "<div class=\"tiles\" style=\"grid-template-columns: repeat(" + std::to_string(columns) +
                          ", minmax(0, 1fr))\">";
  for (const auto& t : tiles) {
    s += "<figure class=\"tile\"><img alt=\"" + html_escape(t.title) + "\" src=\"" + t.image_uri + "\">";
    s += "<div class=\"t\">" + html_escape(t.title) + "</div>";
    if (!t.detail.empty()) s += "<div class=\"d\">" + html_escape(t.detail) + "</div>";
    s += "</figure>";
  }
  return s + "</div>";
}

std::string note_html(const std::string& text) { return "<p class=\"note\">" + html_escape(text) + "</p>"; }

HtmlPage::HtmlPage(std::string title, std::string kind) : title_(std::move(title)), kind_(std::move(kind)) {}

void HtmlPage::add_fact(const std::string& label, const std::string& value) { facts_.emplace_back(label, value); }

void HtmlPage::add_section(const std::string& id, const std::string& heading, const std::string& body) {
  nav_.emplace_back(id, heading);
  body_ += "<section id=\"" + html_escape(id) + "\"><h2>" + html_escape(heading) + "</h2>" + body + "</section>\n";
}

std::string HtmlPage::render() const {
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html_escape(title_) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n<header><div class=\"wrap\">";
  if (!kind_.empty()) s += "<div class=\"kind\">" + html_escape(kind_) + "</div>";
  s += "<h1>" + html_escape(title_) + "</h1><div class=\"facts\">";
  for (const auto& [label, value] : facts_)
    s += "<span><b>" + html_escape(label) + "</b>" + html_escape(value) + "</span>";
  s += "</div></div></header>\n";
  if (!nav_.empty()) {
    s += "<nav><div class=\"wrap\">";
    for (const auto& [id, heading] : nav_) s += "<a href=\"#" + html_escape(id) + "\">" + html_escape(heading) + "</a>";
    s += "</div></nav>\n";
  }
  s += "<main class=\"wrap\">\n" + body_ + "</main>\n<footer>made by kplab report</footer>\n</body>\n</html>\n";
  return s;
}

}  // namespace kplab::report
