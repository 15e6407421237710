// The report's SVG charts and HTML pieces are pure string builders: their
// output must be well-formed (balanced tags, escaped text, finite numbers),
// keep every drawn coordinate inside the viewBox, and survive NaN and empty
// inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "report/html_page.h"
#include "report/svg_chart.h"

namespace kplab::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t p = text.find(part); p != std::string::npos; p = text.find(part, p + 1)) ++n;
  return n;
}

// Checks XML well-formedness the way a browser's SVG parser needs it: every
// tag closed in order, attribute values quoted without '<', and text with
// no raw '<' or a bare '&'. Returns "" when fine, else what is wrong.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> stack;
  size_t i = 0;
  auto check_text = [&](size_t from, size_t to) -> std::string {
    for (size_t k = from; k < to; ++k) {
      if (s[k] == '>') return "raw '>' in text at " + std::to_string(k);
      if (s[k] != '&') continue;
      bool ok = false;
      for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;"})
        if (s.compare(k, std::strlen(e), e) == 0) ok = true;
      if (!ok) return "bare '&' at " + std::to_string(k);
    }
    return "";
  };
  while (i < s.size()) {
    const size_t open = s.find('<', i);
    const std::string text_problem = check_text(i, open == std::string::npos ? s.size() : open);
    if (!text_problem.empty()) return text_problem;
    if (open == std::string::npos) break;
    // The tag ends at the first '>' outside quotes.
    size_t k = open + 1;
    char quote = 0;
    for (; k < s.size(); ++k) {
      if (quote) {
        if (s[k] == quote) quote = 0;
        else if (s[k] == '<') return "'<' inside an attribute at " + std::to_string(k);
      } else if (s[k] == '"' || s[k] == '\'') {
        quote = s[k];
      } else if (s[k] == '>') {
        break;
      }
    }
    if (k >= s.size()) return "unterminated tag at " + std::to_string(open);
    const std::string tag = s.substr(open + 1, k - open - 1);
    i = k + 1;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '!' || tag[0] == '?') continue;
    if (tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name)
        return "</" + name + "> closes <" + (stack.empty() ? "nothing" : stack.back()) + ">";
      stack.pop_back();
      continue;
    }
    if (tag.back() == '/') continue;
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n"));
    // HTML void elements need no closing tag.
    if (name == "meta" || name == "img" || name == "br") continue;
    stack.push_back(name);
  }
  if (!stack.empty()) return "<" + stack.back() + "> never closed";
  return "";
}

struct ViewBox {
  double w = 0, h = 0;
};
ViewBox view_box(const std::string& svg) {
  std::smatch m;
  const std::regex re("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"");
  if (!std::regex_search(svg, m, re)) return {};
  return {std::stod(m[1]), std::stod(m[2])};
}

// Every coordinate attribute and every path coordinate: finite and inside the viewBox.
void expect_inside(const std::string& svg) {
  const ViewBox vb = view_box(svg);
  ASSERT_GT(vb.w, 0) << svg.substr(0, 200);
  ASSERT_GT(vb.h, 0);
  const std::regex attr("\\s(x|y|x1|x2|y1|y2|cx|cy|width|height)=\"([^\"]*)\"");
  int checked = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), attr); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1], value = (*it)[2];
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    ASSERT_TRUE(end != value.c_str() && *end == '\0' && std::isfinite(v)) << name << "=\"" << value << "\"";
    const bool horizontal = name[0] == 'x' || name == "cx" || name == "width";
    EXPECT_GE(v, 0) << name << "=" << value;
    EXPECT_LE(v, horizontal ? vb.w : vb.h) << name << "=" << value;
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // Path data: M/L take x y pairs, H an x, V a y.
  const std::regex path("\\sd=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
    const std::string d = (*it)[1];
    const std::regex cmd("([MLHV])([^MLHV]*)");
    for (auto c = std::sregex_iterator(d.begin(), d.end(), cmd); c != std::sregex_iterator(); ++c) {
      const char op = (*c)[1].str()[0];
      std::istringstream nums((*c)[2].str());
      std::vector<double> v;
      for (double x; nums >> x;) v.push_back(x);
      ASSERT_EQ(v.size(), (op == 'M' || op == 'L') ? 2u : 1u) << d;
      for (size_t k = 0; k < v.size(); ++k) {
        ASSERT_TRUE(std::isfinite(v[k])) << d;
        const bool horizontal = op == 'H' || ((op == 'M' || op == 'L') && k == 0);
        EXPECT_GE(v[k], 0) << d;
        EXPECT_LE(v[k], horizontal ? vb.w : vb.h) << d;
      }
    }
  }
}

void expect_well_formed(const std::string& svg) {
  EXPECT_EQ(xml_problem(svg), "") << svg.substr(0, 400);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_FALSE(has(svg, "http://")) << "inline SVG needs no namespace URL";
  expect_inside(svg);
}

TEST(SvgChart, XmlCheckerCatchesWhatItMust) {
  // The checks below are only as good as the checker.
  EXPECT_EQ(xml_problem("<svg><g><text>a &amp; b</text></g></svg>"), "");
  EXPECT_NE(xml_problem("<svg><g></svg>"), "");
  EXPECT_NE(xml_problem("<svg><text>a & b</text></svg>"), "");
  EXPECT_NE(xml_problem("<svg><text>a</g></svg>"), "");
  EXPECT_NE(xml_problem("<svg title=\"<\"></svg>"), "");
}

TEST(SvgChart, EscapesAllFiveCharacters) {
  EXPECT_EQ(escape_xml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(escape_xml("plain"), "plain");
}

TEST(SvgChart, NiceTicksCoverTheRangeWithRoundSteps) {
  auto t = nice_ticks(0.03, 0.97, 6);
  ASSERT_GE(t.size(), 3u);
  EXPECT_LE(t.front(), 0.03);
  EXPECT_GE(t.back(), 0.97);
  EXPECT_DOUBLE_EQ(t[1] - t[0], 0.2);
  auto same = nice_ticks(5, 5, 6);  // a flat series still gets an axis
  ASSERT_GE(same.size(), 2u);
  EXPECT_LT(same.front(), 5);
  EXPECT_GT(same.back(), 5);
  for (double v : nice_ticks(0, 1, 6)) EXPECT_NEAR(v * 10, std::round(v * 10), 1e-9) << v;
}

TEST(SvgChart, LineChartIsWellFormedWithEscapedLabelsAndALegend) {
  LineChartOptions o;
  o.title = "loss <per> epoch & \"phase\"";
  o.x_label = "epoch";
  o.y_label = "PCK";
  o.percent_y = true;
  o.y_min = 0;
  o.y_max = 1;
  o.bands = {{0.5, 2.5, "heat<map>"}, {2.5, 4.5, "regression"}};
  const std::vector<Series> series = {{"a<b & \"c\"", {1, 2, 3, 4}, {0.1, 0.4, 0.6, 0.7}, "", false, true},
                                      {"heatmap", {1, 2, 3, 4}, {0.2, 0.5, 0.7, 0.8}, "#f28e2b", true, false}};
  const std::string svg = line_chart(series, o);
  expect_well_formed(svg);
  EXPECT_TRUE(has(svg, "a&lt;b &amp; &quot;c&quot;")) << svg;
  EXPECT_FALSE(has(svg, "a<b"));
  EXPECT_TRUE(has(svg, "loss &lt;per&gt; epoch &amp; &quot;phase&quot;"));
  EXPECT_TRUE(has(svg, "heat&lt;map&gt;"));
  EXPECT_TRUE(has(svg, "100%")) << "percent ticks";
  EXPECT_TRUE(has(svg, "stroke-dasharray")) << "the dashed series";
  EXPECT_EQ(count(svg, "<path d=\"M"), 2 + 1) << "two series and the axes";
}

TEST(SvgChart, ValuesOutsideFixedLimitsAreClampedIntoThePlot) {
  LineChartOptions o;
  o.y_min = 0;
  o.y_max = 1;
  o.x_min = 0;
  o.x_max = 1;
  const std::string svg = line_chart({{"wild", {-5, 0.5, 7}, {-3, 0.5, 9}, "", false, true}}, o);
  expect_well_formed(svg);
}

TEST(SvgChart, NaNBreaksALineAndNeverReachesTheOutput) {
  LineChartOptions o;
  const std::string svg = line_chart({{"gappy", {1, 2, 3, 4, 5, 6}, {1, 2, kNaN, 4, 5, kNaN}, "", false, false},
                                      {"lone", {1, 2, 3}, {kNaN, 3, kNaN}, "", false, false}},
                                     o);
  expect_well_formed(svg);
  // "gappy": two runs -> one path with two M; "lone": a single point -> a dot, no path.
  EXPECT_TRUE(has(svg, "<path d=\"M")) << svg;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("<path d=\"([^\"]*)\"[^>]*><title>gappy")));
  EXPECT_EQ(count(m[1], "M"), 2) << m[1];
  EXPECT_FALSE(std::regex_search(svg, std::regex("<title>lone")));
  EXPECT_EQ(count(svg, "<circle"), 1);
}

TEST(SvgChart, LongSeriesKeepEveryPoint) {
  Series s{"long", {}, {}, "", false, false};
  for (int i = 0; i < 300; ++i) {
    s.x.push_back(i);
    s.y.push_back(std::sin(i / 10.0));
  }
  const std::string svg = line_chart({s}, LineChartOptions{});
  expect_well_formed(svg);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("<path d=\"([^\"]*)\"[^>]*><title>long")));
  EXPECT_EQ(count(m[1], "M"), 1);
  EXPECT_EQ(count(m[1], "L"), 299);
}

TEST(SvgChart, LogScaleSkipsNonPositiveValues) {
  LineChartOptions o;
  o.log_y = true;
  const std::string svg = line_chart({{"loss", {1, 2, 3, 4}, {0.5, 0, 0.01, 0.002}, "", false, true}}, o);
  expect_well_formed(svg);
  EXPECT_TRUE(has(svg, ">0.001<")) << "a decade tick below the smallest value";
  EXPECT_EQ(count(svg, "<circle"), 3);
}

TEST(SvgChart, EmptyAndAllNaNInputsRenderAFrameWithNoData) {
  LineChartOptions lo;
  lo.title = "nothing";
  for (const std::string& svg : {line_chart({}, lo), line_chart({{"empty", {}, {}, "", false, false}}, lo),
                                 line_chart({{"nan", {1, 2}, {kNaN, kNaN}, "", false, true}}, lo)}) {
    expect_well_formed(svg);
    EXPECT_TRUE(has(svg, "no data")) << svg;
  }
  ChartFrame f;
  for (const std::string& svg : {grouped_bar_chart({}, {}, f), grouped_bar_chart({"a", "b"}, {{"s", {kNaN, kNaN}, ""}}, f),
                                 scatter_chart({}, f), scatter_chart({{kNaN, 0.5, "x", ""}}, f)}) {
    expect_well_formed(svg);
    EXPECT_TRUE(has(svg, "no data")) << svg;
  }
}

TEST(SvgChart, GroupedBarsOnePerFiniteValueWithSlantedCrowdedLabels) {
  ChartFrame f;
  f.title = "per joint";
  f.percent_y = true;
  f.y_min = 0;
  f.y_max = 1;
  f.width = 600;
  std::vector<std::string> joints = {"right_ankle", "right_knee", "right_hip", "left_hip", "left_knee",
                                     "left_ankle", "right_wrist", "right_elbow", "neck", "head_top & <crown>"};
  std::vector<double> a(joints.size(), 0.5), b(joints.size(), 0.75);
  a[3] = kNaN;
  b[9] = 1.2;  // beyond the fixed maximum: clamped
  const std::string svg = grouped_bar_chart(joints, {{"regression", a, ""}, {"heatmap", b, ""}}, f);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "<title>") - 1, 2 * static_cast<int>(joints.size()) - 1) << "one tooltip per bar";
  EXPECT_TRUE(has(svg, "rotate(-40")) << "ten long labels in 600 px must slant";
  EXPECT_TRUE(has(svg, "head_top &amp; &lt;crown&gt;"));
  EXPECT_TRUE(has(svg, "left_hip \xC2\xB7 heatmap: 75.0%"));
}

TEST(SvgChart, ScatterLabelsEveryFinitePointAndKeepsThemInside) {
  ChartFrame f;
  f.title = "latency vs accuracy";
  f.x_label = "ms";
  f.percent_y = true;
  std::vector<ScatterPoint> pts = {{3.1, 0.61, "blazepose", ""},
                                   {3.1, 0.61, "twin <same spot>", ""},
                                   {12.5, 0.70, "blazepose_vit_with_a_long_name", ""},
                                   {kNaN, 0.5, "no latency", ""},
                                   {0.9, 0.42, "lite", ""}};
  const std::string svg = scatter_chart(pts, f);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "<circle"), 4);
  EXPECT_TRUE(has(svg, ">twin &lt;same spot&gt;</text>"));
  EXPECT_FALSE(has(svg, ">no latency<"));
  EXPECT_TRUE(has(svg, "text-anchor=\"end\" fill=\"#1f2933\">blazepose_vit_with_a_long_name"))
      << "the rightmost label goes left of its point";
}

// ---------------------------------------------------------------- html_page

TEST(SvgChartHtmlPage, Base64MatchesRfc4648Vectors) {
  auto b = [](const std::string& s) { return base64(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  EXPECT_EQ(b(""), "");
  EXPECT_EQ(b("f"), "Zg==");
  EXPECT_EQ(b("fo"), "Zm8=");
  EXPECT_EQ(b("foo"), "Zm9v");
  EXPECT_EQ(b("foob"), "Zm9vYg==");
  EXPECT_EQ(b("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b("foobar"), "Zm9vYmFy");
}

TEST(SvgChartHtmlPage, PageIsWellFormedSelfContainedAndEscaped) {
  HtmlPage page("run <1> & co", "kplab run report");
  page.add_fact("hardware", "CPU \"x\"");
  Table t;
  t.header = {"variant", "PCK"};
  t.numeric = {false, true};
  t.rows = {{TableCell("a<b", "best"), "50.0%"}, {"c", TableCell("pending", "badge pending")}};
  t.row_class = {"", "muted"};
  cv::Mat img(8, 8, CV_8UC3, cv::Scalar(10, 200, 30));
  const std::string uri = image_data_uri(img, "png");
  EXPECT_EQ(uri.rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u) << uri.substr(0, 40);
  EXPECT_EQ(image_data_uri(img).rfind("data:image/jpeg;base64,/9j/", 0), 0u);
  page.add_section("summary", "Summary", cards_html({{"PCK@0.2", "50%", "heatmap 60%"}}) + table_html(t));
  page.add_section("grid", "Grid", tiles_html("best", {{uri, "error 0.1", "row 3"}}) + note_html("5 < 6"));
  page.add_section("charts", "Charts", figure_grid_html({figure_html(line_chart({}, {}), "empty")}));
  const std::string html = page.render();
  EXPECT_EQ(xml_problem(html.substr(html.find("<html"))), "");
  EXPECT_TRUE(has(html, "<title>run &lt;1&gt; &amp; co</title>"));
  EXPECT_TRUE(has(html, "CPU &quot;x&quot;"));
  EXPECT_TRUE(has(html, "<td class=\"best\">a&lt;b</td>"));
  EXPECT_TRUE(has(html, "<span class=\"badge pending\">pending</span>"));
  EXPECT_TRUE(has(html, "<tr class=\"muted\">"));
  EXPECT_TRUE(has(html, "href=\"#grid\""));
  EXPECT_TRUE(has(html, "5 &lt; 6"));
  EXPECT_FALSE(has(html, "http://"));
  EXPECT_FALSE(has(html, "https://"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(SvgChart, ConfusionChartWritesEveryCountWithEscapedClassNames) {
  ChartFrame o;
  o.title = "fine-tuned <keypoints>";
  o.width = 300;
  const std::string svg = confusion_chart({"bad", "good & fine"}, {{86, 15}, {27, 72}}, o);
  expect_well_formed(svg);
  for (const char* n : {">86<", ">15<", ">27<", ">72<"}) EXPECT_TRUE(has(svg, n)) << n;
  EXPECT_TRUE(has(svg, "good &amp; fine"));
  EXPECT_TRUE(has(svg, "fine-tuned &lt;keypoints&gt;"));
  EXPECT_TRUE(has(svg, "true bad, predicted good &amp; fine: 15")) << "each cell's tooltip";
  EXPECT_EQ(count(svg, "<rect"), 4);
}

}  // namespace
}  // namespace kplab::report
