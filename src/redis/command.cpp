// RESP encoding of commands and readable rendering of replies.
#include "sio/redis/command.hpp"

#include <cctype>
#include <charconv>
#include <cstring>

#include "sio/redis/reply.hpp"

namespace sio::redis {

namespace {

// `*N\r\n` (an array's) or `$len\r\n` (a bulk string's), without a temporary string.
void appendHeader(std::string& out, char tag, size_t n) {
  char text[24];
  text[0] = tag;
  char* end = std::to_chars(text + 1, text + sizeof text - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.append(text, size_t(end - text));
}

}  // namespace

Command& Command::push(std::string_view arg) {
  appendHeader(body_, '$', arg.size());
  body_.append(arg);
  body_.append("\r\n");
  ++count_;
  return *this;
}

Command& Command::push(int64_t number) {
  char text[24];
  auto end = std::to_chars(text, text + sizeof text, number).ptr;
  return push(std::string_view(text, size_t(end - text)));
}

std::vector<std::string> Command::args() const {
  std::vector<std::string> args;
  args.reserve(count_);
  size_t at = 0;
  while (at < body_.size()) {  // `$len\r\n` then len bytes and `\r\n`
    size_t lineEnd = body_.find('\r', at);
    size_t length = 0;
    std::from_chars(body_.data() + at + 1, body_.data() + lineEnd, length);
    args.emplace_back(body_, lineEnd + 2, length);
    at = lineEnd + 2 + length + 2;
  }
  return args;
}

std::string Command::name() const {
  if (empty()) return {};
  std::string name = args().front();
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void Command::appendTo(std::string& out) const {
  out.reserve(out.size() + body_.size() + kFraming);
  appendHeader(out, '*', count_);
  out += body_;
}

std::string describe(const Reply& reply) {
  switch (reply.type) {
    case Reply::Type::Nil:
      return "(nil)";
    case Reply::Type::String:
      return "\"" + reply.str + "\"";
    case Reply::Type::Status:
      return reply.str;
    case Reply::Type::Error:
      return "(error) " + reply.str;
    case Reply::Type::Integer:
      return std::to_string(reply.integer);
    case Reply::Type::Array: {
      std::string out = "[";
      for (size_t i = 0; i < reply.elements.size(); ++i) {
        if (i) out += ",";
        out += describe(reply.elements[i]);
      }
      return out + "]";
    }
  }
  return "?";
}

}  // namespace sio::redis
