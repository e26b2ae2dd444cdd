// Columns of text for the listings: each column as wide as its widest cell,
// narrowed to fit the output width.
#pragma once

#include <algorithm>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

namespace probity::cli {

// `text` with spaces after it up to `width` columns.
inline std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// `text` in at most `width` columns: its middle replaced by "..." when it is
// longer, so that both ends (a probe's provider and its distinguishing
// suffix) stay readable.
inline std::string elided(const std::string& text, std::size_t width) {
  constexpr std::string_view ellipsis = "...";
  if (text.size() <= width || width <= ellipsis.size()) return text;
  const std::size_t kept = width - ellipsis.size();
  const std::size_t head = (kept + 1) / 2;
  return text.substr(0, head) + std::string(ellipsis) + text.substr(text.size() - (kept - head));
}

inline constexpr std::size_t column_gap = 2;

// Each column's width: that of its widest cell.
inline std::vector<std::size_t> column_widths(const std::vector<std::string>& header,
                                              const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t column = 0; column < widths.size(); ++column) {
    widths[column] = header[column].size();
    for (const auto& row : rows) widths[column] = std::max(widths[column], row[column].size());
  }
  return widths;
}

inline std::size_t line_width(const std::vector<std::size_t>& widths) {
  return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) + column_gap * (widths.size() - 1);
}

// One line per row, the header first, columns two spaces apart; the last
// column is not padded. Every row has the header's number of cells. When the
// lines would be wider than `width`, the widest column is narrowed (never
// below its header, nor below 12 columns) and its longer cells elided, then
// the next widest, until they fit.
inline void print_columns(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                          std::ostream& out, std::size_t width) {
  constexpr std::size_t narrowest_elided = 12;
  std::vector<std::size_t> widths = column_widths(header, rows);
  while (line_width(widths) > width) {
    std::size_t widest = 0;
    for (std::size_t column = 1; column < widths.size(); ++column) {
      if (widths[column] > widths[widest]) widest = column;
    }
    const std::size_t floor = std::max(header[widest].size(), narrowest_elided);
    if (widths[widest] <= floor) break;
    widths[widest] = std::max(floor, widths[widest] - (line_width(widths) - width));
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t column = 0; column + 1 < row.size(); ++column) {
      line += padded(elided(row[column], widths[column]), widths[column] + column_gap);
    }
    out << line << elided(row.back(), widths.back()) << '\n';
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

}  // namespace probity::cli
