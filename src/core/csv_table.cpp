#include "core/csv_table.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "core/error.h"
#include "core/text.h"

namespace kplab {

namespace {

std::string read_whole(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw input_error(path, "file", "an existing CSV file", "no such file");
  if (std::filesystem::is_directory(path, ec)) throw input_error(path, "file", "a CSV file", "a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "file", "a readable CSV file", std::strerror(errno));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Splits the text into records of cells: RFC 4180 quoting, "\r\n" or "\n"
// line ends, blank lines skipped. `lines` gets the line each record starts on.
std::vector<std::vector<std::string>> parse_records(const std::string& text, const std::string& path,
                                                    std::vector<int>& lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, start = 1;
  auto end_record = [&] {
    if (any || !cell.empty() || !cells.empty()) {
      cells.push_back(cell);
      records.push_back(cells);
      lines.push_back(start);
    }
    cells.clear();
    cell.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += text[++i];
      else if (c == '"')
        quoted = false;
      else
        cell += c;
      if (c == '\n') ++line;
      continue;
    }
    if (c == '"')
      quoted = any = true;
    else if (c == ',')
      cells.push_back(cell), cell.clear(), any = true;
    else if (c == '\n')
      end_record(), start = ++line;
    else if (c != '\r')
      cell += c;
  }
  if (quoted) throw input_error(str(path, ":", start), "quotes", "a closing quote", "the end of the file");
  end_record();
  return records;
}

}  // namespace

int CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

int CsvTable::require_column(const std::string& name, const std::string& why) const {
  const int c = column(name);
  if (c < 0)
    throw input_error(path, "column '" + name + "'", "a column " + name + (why.empty() ? "" : " (" + why + ")"),
                      "the columns " + column_list(header));
  return c;
}

std::string CsvTable::where(size_t row) const { return str(path, ":", lines.at(row)); }

double CsvTable::number(size_t row, int col) const {
  const std::string& text = rows.at(row).at(static_cast<size_t>(col));
  if (text.empty()) return std::nan("");
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  // strtod accepts "nan" and "inf"; a keypoints CSV leaves such cells empty instead.
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
    throw input_error(where(row), "column '" + header.at(static_cast<size_t>(col)) + "'", "a number", "'" + text + "'");
  return v;
}

CsvTable read_csv_table(const std::string& path) {
  CsvTable t;
  t.path = path;
  std::vector<int> lines;
  auto records = parse_records(read_whole(path), path, lines);
  if (records.empty()) throw input_error(path, "table", "a header line and at least one row", "an empty file");
  t.header = records.front();
  if (!t.header.empty() && t.header[0].rfind("\xEF\xBB\xBF", 0) == 0) t.header[0].erase(0, 3);  // a spreadsheet's BOM
  std::set<std::string> seen;
  for (const auto& h : t.header)
    if (!seen.insert(h).second) throw input_error(path, "header", "distinct column names", "'" + h + "' twice");
  if (records.size() == 1) throw input_error(path, "table", "at least one row after the header", "only the header");
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i].size() != t.header.size())
      throw input_error(str(path, ":", lines[i]), "cells", str(t.header.size(), " (as the header)"),
                        std::to_string(records[i].size()));
    t.rows.push_back(std::move(records[i]));
    t.lines.push_back(lines[i]);
  }
  return t;
}

std::map<std::string, size_t> rows_by_file_name(const CsvTable& t, int col) {
  std::map<std::string, size_t> rows;
  const std::string column = "column '" + t.header.at(col) + "'";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string name = std::filesystem::path(t.rows[r][col]).filename().string();
    if (name.empty()) throw input_error(t.where(r), column, "a file name", "an empty cell");
    const auto [at, added] = rows.emplace(name, r);
    if (!added)
      throw input_error(t.where(r), column, "each file name once",
                        str("'", name, "' again (first on line ", t.lines[at->second], ")"));
  }
  return rows;
}

std::string column_list(const std::vector<std::string>& header) {
  const std::string out = join(header, ", ");
  return out.empty() ? "none" : out;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace kplab
