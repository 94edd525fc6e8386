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

}  // namespace

FieldList::value_type FieldList::const_iterator::operator*() const {
  std::uint32_t nameLength = lengthAt(at_);
  std::uint32_t valueLength = lengthAt(at_ + sizeof(std::uint32_t));
  const char* name = at_ + kLengths;
  return {std::string_view(name, nameLength), std::string_view(name + nameLength, valueLength)};
}

FieldList::const_iterator& FieldList::const_iterator::operator++() {
  at_ += kLengths + lengthAt(at_) + lengthAt(at_ + sizeof(std::uint32_t));
  return *this;
}

void FieldList::emplace_back(std::string_view name, std::string_view value) {
  if (name.size() > UINT32_MAX || value.size() > UINT32_MAX)
    throw std::length_error("FieldList: a name or value of 4 GiB or more");
  auto nameLength = static_cast<std::uint32_t>(name.size());
  auto valueLength = static_cast<std::uint32_t>(value.size());
  bytes_.append(reinterpret_cast<const char*>(&nameLength), sizeof nameLength);
  bytes_.append(reinterpret_cast<const char*>(&valueLength), sizeof valueLength);
  bytes_.append(name);
  bytes_.append(value);
}

std::size_t FieldList::size() const {
  std::size_t count = 0;
  for (auto it = begin(); it != end(); ++it) ++count;
  return count;
}

std::optional<std::string_view> FieldList::find(std::string_view name) const {
  for (const auto& [key, value] : *this)
    if (key == name) return value;
  return std::nullopt;
}

}  // namespace sio::engine
