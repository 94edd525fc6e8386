// A Redis command: its arguments as binary-safe byte strings, encoded as a RESP array of
// bulk strings (`*N\r\n$len\r\narg\r\n…`) straight into the connection's output buffer.
//
//   sio::redis::Command cmd{"XADD", stream, "MAXLEN", "~", "10000", "*", "type", "3"};
//   cmd.push(std::move(payload));  // or push(view) to copy
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sio::redis {

class Command {
 public:
  Command() = default;
  Command(std::initializer_list<std::string_view> args) {
    for (auto arg : args) args_.emplace_back(arg);
  }
  explicit Command(std::vector<std::string> args) : args_(std::move(args)) {}

  Command& push(std::string_view arg) {
    args_.emplace_back(arg);
    return *this;
  }
  Command& push(const char* arg) { return push(std::string_view(arg)); }
  // Takes the argument over (a payload encoded for this command is moved in, not copied).
  Command& push(std::string&& arg) {
    args_.push_back(std::move(arg));
    return *this;
  }
  Command& push(int64_t number) { return push(std::to_string(number)); }
  // Room for `count` more arguments (one allocation for a command built piece by piece).
  void reserve(size_t count) { args_.reserve(args_.size() + count); }

  const std::vector<std::string>& args() const { return args_; }
  bool empty() const { return args_.empty(); }
  // The command name in upper case ("" when empty).
  std::string name() const;

  // Appends the RESP encoding to `out`.
  void appendTo(std::string& out) const;
  std::string encode() const {
    std::string out;
    appendTo(out);
    return out;
  }

 private:
  std::vector<std::string> args_;
};

}  // namespace sio::redis
