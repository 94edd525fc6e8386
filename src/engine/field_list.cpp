// Name/value pairs packed in one buffer (see the header): two native-order uint32_t
// lengths, then the name and the value, for each pair in turn.
#include "sio/engine/field_list.hpp"

#include <cstring>
#include <stdexcept>

namespace sio::engine {
namespace {

constexpr std::size_t kLengths = 2 * sizeof(std::uint32_t);

std::uint32_t lengthAt(const char* at) {
  std::uint32_t length;
  std::memcpy(&length, at, sizeof length);
  return length;
}

// The two lengths of a pair, in the stored form.
std::string_view encodedLengths(std::string_view name, std::string_view value, char* out) {
  if (name.size() > UINT32_MAX || value.size() > UINT32_MAX)
    throw std::length_error("FieldList: a name or value of 4 GiB or more");
  auto nameLength = static_cast<std::uint32_t>(name.size());
  auto valueLength = static_cast<std::uint32_t>(value.size());
  std::memcpy(out, &nameLength, sizeof nameLength);
  std::memcpy(out + sizeof nameLength, &valueLength, sizeof valueLength);
  return {out, kLengths};
}

}  // namespace

FieldView::value_type FieldView::const_iterator::operator*() const {
  std::uint32_t nameLength = lengthAt(at_);
  std::uint32_t valueLength = lengthAt(at_ + sizeof(std::uint32_t));
  const char* name = at_ + kLengths;
  return {std::string_view(name, nameLength), std::string_view(name + nameLength, valueLength)};
}

FieldView::const_iterator& FieldView::const_iterator::operator++() {
  at_ += kLengths + lengthAt(at_) + lengthAt(at_ + sizeof(std::uint32_t));
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

void FieldList::emplace_back(std::string_view name, std::string_view value) {
  char lengths[kLengths];
  bytes_.append(encodedLengths(name, value, lengths));
  bytes_.append(name);
  bytes_.append(value);
}

void FieldList::insert(std::size_t at, std::string_view name, std::string_view value) {
  if (at == bytes_.size()) return emplace_back(name, value);
  char lengths[kLengths];
  std::string pair(encodedLengths(name, value, lengths));
  pair.append(name).append(value);
  bytes_.insert(at, pair);
}

std::size_t FieldList::pairEnd(std::size_t at) const {
  const char* pair = bytes_.data() + at;
  return at + kLengths + lengthAt(pair) + lengthAt(pair + sizeof(std::uint32_t));
}

}  // namespace sio::engine
