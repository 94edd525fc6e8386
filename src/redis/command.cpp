// RESP encoding of commands and readable rendering of replies.
#include "sio/redis/command.hpp"

#include <cctype>

#include "sio/redis/reply.hpp"

namespace sio::redis {

std::string Command::name() const {
  if (args_.empty()) return {};
  std::string name = args_.front();
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void Command::appendTo(std::string& out) const {
  size_t size = 16;
  for (const auto& arg : args_) size += arg.size() + 16;
  out.reserve(out.size() + size);
  out.push_back('*');
  out += std::to_string(args_.size());
  out += "\r\n";
  for (const auto& arg : args_) {
    out.push_back('$');
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
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
