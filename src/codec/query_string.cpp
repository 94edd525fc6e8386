// Query-string parsing with Node's `querystring` semantics (`+` is a space, bad percent
// escapes stay literal). Pure functions over string_views.
#include "sio/codec/query_string.hpp"

namespace sio::codec {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::pair<std::string_view, std::string_view> splitTarget(std::string_view target) {
  auto mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}};
  return {target.substr(0, mark), target.substr(mark + 1)};
}

std::string decodeQueryComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out.push_back(char(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

QueryParams parseQuery(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.emplace_back(decodeQueryComponent(pair), std::string{});
    } else {
      params.emplace_back(decodeQueryComponent(pair.substr(0, eq)),
                          decodeQueryComponent(pair.substr(eq + 1)));
    }
  }
  return params;
}

const std::string* findParam(const QueryParams& params, std::string_view key) {
  for (const auto& [name, value] : params)
    if (name == key) return &value;
  return nullptr;
}

}  // namespace sio::codec
