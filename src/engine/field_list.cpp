// Name/value pairs packed in one buffer (see the header). Per pair: the name's head and the
// value's length as varints (seven bits a byte, low bits first, the high bit set on every
// byte but the last: one byte each below 128), the name's bytes, the value's bytes. The
// head is twice the name's length, or, for a name of kCommonNames (most of a request's
// header names), twice its index plus one, and the name's bytes are left out.
#include "sio/engine/field_list.hpp"

#include <algorithm>
#include <stdexcept>

namespace sio::engine {
namespace {

constexpr std::size_t kMaxVarintBytes = 5;  // a uint32_t

// Header names (lower case, as a request keeps them) stored as a code of one byte. At most
// 64 of them, so that every code fits one byte.
constexpr std::string_view kCommonNames[] = {"host",
                                             "connection",
                                             "upgrade",
                                             "sec-websocket-key",
                                             "sec-websocket-version",
                                             "sec-websocket-extensions",
                                             "sec-websocket-protocol",
                                             "user-agent",
                                             "accept",
                                             "accept-encoding",
                                             "accept-language",
                                             "origin",
                                             "cookie",
                                             "cache-control",
                                             "pragma",
                                             "content-type",
                                             "content-length",
                                             "referer",
                                             "authorization",
                                             "x-forwarded-for",
                                             "x-forwarded-proto",
                                             "x-forwarded-host",
                                             "x-forwarded-port",
                                             "x-real-ip",
                                             "forwarded",
                                             "via",
                                             "dnt",
                                             "priority",
                                             "sec-fetch-site",
                                             "sec-fetch-mode",
                                             "sec-fetch-dest",
                                             "sec-ch-ua",
                                             "sec-ch-ua-mobile",
                                             "sec-ch-ua-platform",
                                             "transfer-encoding",
                                             "te"};
static_assert(std::size(kCommonNames) <= 64);

// The head of a stored name (see the top of the file).
std::size_t nameHead(std::string_view name) {
  for (std::size_t code = 0; code < std::size(kCommonNames); ++code)
    if (kCommonNames[code] == name) return 2 * code + 1;
  if (name.size() > UINT32_MAX / 2) throw std::length_error("FieldList: a name of 2 GiB or more");
  return 2 * name.size();
}

bool isCommon(std::size_t head) {
  return head & 1;
}

// Reads the varint at `at` and moves `at` past it.
std::uint32_t readLength(const char*& at) {
  std::uint32_t length = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = static_cast<unsigned char>(*at++);
    length |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return length;
  }
}

std::size_t appendLength(std::size_t length, char* out) {
  if (length > UINT32_MAX) throw std::length_error("FieldList: a value of 4 GiB or more");
  std::size_t size = 0;
  while (length >= 0x80) {
    out[size++] = static_cast<char>(0x80 | (length & 0x7f));
    length >>= 7;
  }
  out[size++] = static_cast<char>(length);
  return size;
}

// The stored form of a pair but its value: the name's head, the value's length and the
// name's bytes unless it is common, appended to `out`.
void appendHead(std::string_view name, std::string_view value, std::string& out) {
  char lengths[2 * kMaxVarintBytes];
  std::size_t head = nameHead(name);
  std::size_t size = appendLength(head, lengths);
  size += appendLength(value.size(), lengths + size);
  out.append(lengths, size);
  if (!isCommon(head)) out.append(name);
}

// Reads the pair at `at`; returns where the next one starts.
const char* readPair(const char* at, std::string_view& name, std::string_view& value) {
  std::uint32_t head = readLength(at);
  std::uint32_t valueLength = readLength(at);
  if (isCommon(head)) {
    name = kCommonNames[head >> 1];
  } else {
    name = std::string_view(at, head >> 1);
    at += name.size();
  }
  value = std::string_view(at, valueLength);
  return at + valueLength;
}

std::size_t lengthBytes(std::size_t length) {
  std::size_t size = 1;
  for (; length >= 0x80; length >>= 7) ++size;
  return size;
}

}  // namespace

std::size_t FieldList::pairBytes(std::string_view name, std::string_view value) {
  std::size_t head = nameHead(name);
  return lengthBytes(head) + (isCommon(head) ? 0 : name.size()) + lengthBytes(value.size()) +
         value.size();
}

namespace {

// Query text: the first non-empty `&`-separated piece at or after `at` (empty pieces are
// skipped, as codec::parseQuery does).
const char* skipSeparators(const char* at, const char* end) {
  while (at != end && *at == '&') ++at;
  return at;
}

const char* pieceEnd(const char* at, const char* end) {
  return std::find(at, end, '&');
}

}  // namespace

FieldView::const_iterator FieldView::begin() const {
  const char* at = bytes_.data();
  const char* end = at + bytes_.size();
  return {queryText_ ? skipSeparators(at, end) : at, end, queryText_};
}

FieldView::value_type FieldView::const_iterator::operator*() const {
  if (queryText_) {
    std::string_view piece(at_, static_cast<std::size_t>(pieceEnd(at_, end_) - at_));
    auto equals = piece.find('=');
    if (equals == std::string_view::npos) return {piece, {}};
    return {piece.substr(0, equals), piece.substr(equals + 1)};
  }
  value_type pair;
  readPair(at_, pair.first, pair.second);
  return pair;
}

FieldView::const_iterator& FieldView::const_iterator::operator++() {
  if (queryText_) {
    at_ = skipSeparators(pieceEnd(at_, end_), end_);
    return *this;
  }
  std::string_view name, value;
  at_ = readPair(at_, name, value);
  return *this;
}

std::size_t FieldView::size() const {
  std::size_t count = 0;
  for (auto it = begin(); it != end(); ++it) ++count;
  return count;
}

std::optional<std::string_view> FieldView::find(std::string_view name) const {
  for (const auto& [key, value] : *this)
    if (key == name) return value;
  return std::nullopt;
}

std::string_view FieldView::packed(std::string& out) const {
  if (!queryText_) return bytes_;
  FieldList list;
  for (const auto& [name, value] : *this) list.emplace_back(name, value);
  out = list.bytes();
  return out;
}

bool operator==(FieldView a, FieldView b) {
  if (!a.queryText_ && !b.queryText_) return a.bytes_ == b.bytes_;
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void FieldList::emplace_back(std::string_view name, std::string_view value) {
  appendHead(name, value, bytes_);
  bytes_.append(value);
}

void FieldList::insert(std::size_t at, std::string_view name, std::string_view value) {
  if (at == bytes_.size()) return emplace_back(name, value);
  std::string pair;
  appendHead(name, value, pair);
  pair.append(value);
  bytes_.insert(at, pair);
}

std::size_t FieldList::pairEnd(std::size_t at) const {
  const char* pair = bytes_.data() + at;
  std::string_view name, value;
  return at + static_cast<std::size_t>(readPair(pair, name, value) - pair);
}

}  // namespace sio::engine
