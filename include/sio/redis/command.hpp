// A Redis command: its arguments as binary-safe byte strings, kept already encoded as RESP
// bulk strings in one buffer (no string per argument), and written as a RESP array
// (`*N\r\n$len\r\narg\r\n…`) straight into the connection's output buffer.
//
//   sio::redis::Command cmd{"XADD", stream, "MAXLEN", "~", "10000", "*", "type", "3"};
//   cmd.push(payload);
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
    size_t bytes = 0;
    for (auto arg : args) bytes += arg.size() + kFraming;
    body_.reserve(bytes);
    for (auto arg : args) push(arg);
  }
  explicit Command(const std::vector<std::string>& args) {
    for (const auto& arg : args) push(arg);
  }

  // Appends an argument (its bytes are copied into the command's encoding).
  Command& push(std::string_view arg);
  Command& push(const char* arg) { return push(std::string_view(arg)); }
  Command& push(const std::string& arg) { return push(std::string_view(arg)); }
  Command& push(int64_t number);
  // Room for `count` more arguments of about `bytes` bytes in all (a command built piece
  // by piece grows its buffer once).
  void reserve(size_t count, size_t bytes = 0) {
    body_.reserve(body_.size() + count * kFraming + bytes);
  }

  // The arguments, decoded from the encoding (for tests and diagnostics).
  std::vector<std::string> args() const;
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
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
  static constexpr size_t kFraming = 25;  // `$`, the length (20 digits), two CRLFs

  size_t count_ = 0;
  std::string body_;  // the arguments as RESP bulk strings, in order (`$len\r\narg\r\n`…)
};

}  // namespace sio::redis
