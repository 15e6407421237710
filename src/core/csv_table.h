// A CSV file as a table of text cells: the keypoints CSV `kplab predict`
// writes, truth.csv, a classifier's labels file. Quoted
// cells (a source path with a comma) are read as keypoints_csv.cpp writes
// them. Every error names the file, and the line or column where it applies.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace kplab {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
  std::vector<int> lines;                      // the file line each row starts on (1-based)

  // Index of the column `name`, or -1.
  int column(const std::string& name) const;
  // The same, throwing "PATH: column 'NAME': expected a column NAME (WHY), found the columns a, b, ..." when missing.
  int require_column(const std::string& name, const std::string& why = "") const;
  // "PATH:LINE" of row `row`, for error messages.
  std::string where(size_t row) const;
  // Cell `col` of row `row` as a number; "" gives NaN. Anything else that is
  // not a whole number throws naming the file, line, column and the text.
  double number(size_t row, int col) const;
};

// Row of each file name (the path's last component) in column `col`: how
// kplab's tables meet (predict's keypoints.csv names images by the path it
// was given, truth.csv relative to its set). An empty cell or a name twice
// throws naming the file, line and column.
std::map<std::string, size_t> rows_by_file_name(const CsvTable& table, int col);

// Reads `path`: the first line is the header. A missing or unreadable file,
// a file with no header, no rows, duplicate column names or a row with
// another number of cells than the header throws kplab::Error.
CsvTable read_csv_table(const std::string& path);

// The header's columns joined with ", " (for "found the columns ..." messages).
std::string column_list(const std::vector<std::string>& header);

// `s` as a CSV cell: quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s);

}  // namespace kplab
