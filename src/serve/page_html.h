// The one page `kplab serve` offers: plain HTML, CSS and JavaScript in one
// string, fetching nothing from anywhere but this server (its
// Content-Security-Policy says so too).
#pragma once

#include <string>

namespace kplab {

const std::string& page_html();

}  // namespace kplab
