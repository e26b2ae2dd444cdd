// The static files of the HTML manual: its search script and style sheet.
#pragma once

#include <string_view>

namespace probity::manual::html {

// search.js: filters window.PROBITY_SEARCH_INDEX (search-index.js) as you type.
std::string_view search_script();

// style.css: one small sheet, readable on a phone and in print.
std::string_view style_sheet();

}  // namespace probity::manual::html
