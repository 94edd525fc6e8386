// One entry of a Redis stream as the Streams adapter reads it: its id and its fields, names
// and values alternating (uid, nsp, type, data, … as spec §1 lays them out).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sio::adapters::streams {

// The value of field `name` in alternating names and values, or null (the mutable one
// lets a decoder move the value out).
inline const std::string* entryField(const std::vector<std::string>& fields,
                                     std::string_view name) {
  for (size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i] == name) return &fields[i + 1];
  return nullptr;
}
inline std::string* entryField(std::vector<std::string>& fields, std::string_view name) {
  for (size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i] == name) return &fields[i + 1];
  return nullptr;
}

struct StreamEntry {
  std::string id;
  std::vector<std::string> fields;

  const std::string* field(std::string_view name) const { return entryField(fields, name); }
};

}  // namespace sio::adapters::streams
