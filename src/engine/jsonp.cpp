// JSONP framing as engine.io 6.6 writes and reads it: the callback name keeps only the
// digits of `j`; the payload is written as JSON.stringify writes a string, with U+2028 and
// U+2029 escaped too (they end a line in JavaScript, not in JSON); a POST's `d` field has
// `\n` (backslash, n) turned into a newline and `\\n` into `\n`, in that order.
#include "jsonp.hpp"

#include "sio/codec/json_string.hpp"
#include "sio/codec/query_string.hpp"

namespace sio::engine {
namespace {

// `\n` not preceded by a backslash becomes a newline; `\\n` stays (as JS's
// /(\\)?\\n/g does, trying the longer match first at each position).
std::string unescapeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, 3) == "\\\\n") {
      out.append(text.substr(i, 3));
      i += 3;
    } else if (text.substr(i, 2) == "\\n") {
      out.push_back('\n');
      i += 2;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

// Then `\\n` becomes `\n` (JS's /\\\\n/g).
std::string unescapeDoubled(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, 3) == "\\\\n") {
      out += "\\n";
      i += 3;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace

std::string wrapJsonp(std::string_view index, std::string_view payload) {
  std::string json = codec::jsonString(payload);
  std::string out = "___eio[";
  out.append(index);
  out += "](";
  out.reserve(out.size() + json.size() + 2);
  for (size_t i = 0; i < json.size(); ++i) {
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8
    if (json.compare(i, 2, "\xE2\x80") == 0 && i + 2 < json.size() &&
        (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out.push_back(json[i]);
    }
  }
  out += ");";
  return out;
}

std::optional<std::string> unwrapJsonpBody(std::string_view body) {
  const std::string* data = nullptr;
  auto fields = codec::parseQuery(body);
  for (const auto& [key, value] : fields) {
    if (key != "d") continue;
    if (data) return std::nullopt;  // a repeated field is an array to engine.io: ignored
    data = &value;
  }
  if (!data) return std::nullopt;
  return unescapeDoubled(unescapeNewlines(*data));
}

}  // namespace sio::engine
