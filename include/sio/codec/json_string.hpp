// JSON string literals: quoting and escaping as JSON.stringify writes them (", \\, control
// characters as \b \f \n \r \t or \u00XX; everything else, UTF-8 included, kept as is).
#pragma once

#include <string>
#include <string_view>

namespace sio::codec {

void appendJsonString(std::string_view text, std::string& out);

inline std::string jsonString(std::string_view text) {
  std::string out;
  appendJsonString(text, out);
  return out;
}

}  // namespace sio::codec
