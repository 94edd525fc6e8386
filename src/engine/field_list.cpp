// Name/value pairs packed in one buffer (see the header): the two lengths as varints (seven
// bits a byte, low bits first, the high bit set on every byte but the last: one byte each
// below 128, as almost every header's), then the name and the value, for each pair in turn.
#include "sio/engine/field_list.hpp"

#include <algorithm>
#include <stdexcept>

namespace sio::engine {
namespace {

constexpr std::size_t kMaxVarintBytes = 5;  // a uint32_t

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
  if (length > UINT32_MAX) throw std::length_error("FieldList: a name or value of 4 GiB or more");
  std::size_t size = 0;
  while (length >= 0x80) {
    out[size++] = static_cast<char>(0x80 | (length & 0x7f));
    length >>= 7;
  }
  out[size++] = static_cast<char>(length);
  return size;
}

// The two lengths of a pair, in the stored form (`out` holds 2 * kMaxVarintBytes).
std::string_view encodedLengths(std::string_view name, std::string_view value, char* out) {
  std::size_t size = appendLength(name.size(), out);
  size += appendLength(value.size(), out + size);
  return {out, size};
}

std::size_t lengthBytes(std::size_t length) {
  std::size_t size = 1;
  for (; length >= 0x80; length >>= 7) ++size;
  return size;
}

}  // namespace

std::size_t FieldList::pairBytes(std::string_view name, std::string_view value) {
  return lengthBytes(name.size()) + lengthBytes(value.size()) + name.size() + value.size();
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
  const char* at = at_;
  std::uint32_t nameLength = readLength(at);
  std::uint32_t valueLength = readLength(at);
  return {std::string_view(at, nameLength), std::string_view(at + nameLength, valueLength)};
}

FieldView::const_iterator& FieldView::const_iterator::operator++() {
  if (queryText_) {
    at_ = skipSeparators(pieceEnd(at_, end_), end_);
    return *this;
  }
  std::uint32_t nameLength = readLength(at_);
  std::uint32_t valueLength = readLength(at_);
  at_ += nameLength + valueLength;
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
  char lengths[2 * kMaxVarintBytes];
  bytes_.append(encodedLengths(name, value, lengths));
  bytes_.append(name);
  bytes_.append(value);
}

void FieldList::insert(std::size_t at, std::string_view name, std::string_view value) {
  if (at == bytes_.size()) return emplace_back(name, value);
  char lengths[2 * kMaxVarintBytes];
  std::string pair(encodedLengths(name, value, lengths));
  pair.append(name).append(value);
  bytes_.insert(at, pair);
}

std::size_t FieldList::pairEnd(std::size_t at) const {
  const char* pair = bytes_.data() + at;
  const char* text = pair;
  std::uint32_t nameLength = readLength(text);
  std::uint32_t valueLength = readLength(text);
  return at + static_cast<std::size_t>(text - pair) + nameLength + valueLength;
}

}  // namespace sio::engine
