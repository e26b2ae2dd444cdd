// Columns of text for the listings: each column as wide as its widest cell.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace probity::cli {

// `text` with spaces after it up to `width` columns.
inline std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// One line per row, the header first, columns two spaces apart; the last
// column is not padded. Every row has the header's number of cells.
inline void print_columns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                          std::ostream& out) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t column = 0; column < widths.size(); ++column) {
    widths[column] = header[column].size();
    for (const auto& row : rows) widths[column] = std::max(widths[column], row[column].size());
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t column = 0; column + 1 < row.size(); ++column) line += padded(row[column], widths[column] + 2);
    out << line << row.back() << '\n';
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

}  // namespace probity::cli
