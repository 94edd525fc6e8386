// A Redis reply (RESP2), typed: bulk strings and status/error lines are binary-safe byte
// strings, integers are int64, arrays nest, nil is its own type. A `-ERR …` reply is a
// value of type Error, not a failure of the connection: callers look at it per command.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sio::redis {

struct Reply {
  enum class Type { Nil, String, Status, Error, Integer, Array };

  Type type = Type::Nil;
  std::string str;  // String, Status, Error
  int64_t integer = 0;
  std::vector<Reply> elements;

  bool isNil() const { return type == Type::Nil; }
  bool isString() const { return type == Type::String; }
  bool isStatus() const { return type == Type::Status; }
  bool isError() const { return type == Type::Error; }
  bool isInteger() const { return type == Type::Integer; }
  bool isArray() const { return type == Type::Array; }
  // A string-like reply (bulk string or status line).
  bool isText() const { return type == Type::String || type == Type::Status; }
  bool isOk() const { return type == Type::Status && str == "OK"; }

  static Reply nil() { return Reply{}; }
  static Reply string(std::string s) { return Reply{Type::String, std::move(s), 0, {}}; }
  static Reply status(std::string s) { return Reply{Type::Status, std::move(s), 0, {}}; }
  static Reply error(std::string s) { return Reply{Type::Error, std::move(s), 0, {}}; }
  static Reply number(int64_t n) { return Reply{Type::Integer, {}, n, {}}; }
  static Reply array(std::vector<Reply> items) {
    return Reply{Type::Array, {}, 0, std::move(items)};
  }

  bool operator==(const Reply& other) const = default;
};

// A readable rendering for logs and test failures, e.g. `["message","ch","x"]`.
std::string describe(const Reply& reply);

}  // namespace sio::redis
