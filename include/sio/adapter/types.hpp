// Words shared by the adapter and the server: event arguments, rooms, socket ids, the
// error object (message + optional data, like a JS Error with `.data`), and the ack
// callback every emit-with-ack takes: `(error, responses)`.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sio/codec/value.hpp"

namespace sio {

using Args = std::vector<Value>;
using SocketId = std::string;
using Room = std::string;

struct Error {
  std::string message;
  std::optional<Value> data;
};

// Called once with (nullopt, args) on success, or with an error (e.g. "operation has timed
// out") and whatever arrived.
using AckCallback = std::function<void(const std::optional<Error>& error, Args args)>;

// A set of room names that remembers insertion order (as a JS Set does); small sets only.
class RoomSet {
 public:
  RoomSet() = default;
  RoomSet(std::initializer_list<Room> rooms) {
    for (const auto& room : rooms) insert(room);
  }
  explicit RoomSet(const std::vector<Room>& rooms) {
    for (const auto& room : rooms) insert(room);
  }
  bool contains(const Room& room) const {
    return std::find(rooms_.begin(), rooms_.end(), room) != rooms_.end();
  }
  bool insert(const Room& room) {
    if (contains(room)) return false;
    rooms_.push_back(room);
    return true;
  }
  bool erase(const Room& room) {
    auto it = std::find(rooms_.begin(), rooms_.end(), room);
    if (it == rooms_.end()) return false;
    rooms_.erase(it);
    return true;
  }
  bool empty() const { return rooms_.empty(); }
  size_t size() const { return rooms_.size(); }
  auto begin() const { return rooms_.begin(); }
  auto end() const { return rooms_.end(); }
  const std::vector<Room>& items() const { return rooms_; }
  bool operator==(const RoomSet& other) const = default;

 private:
  std::vector<Room> rooms_;
};

}  // namespace sio
