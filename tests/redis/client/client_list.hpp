// Test helper: finds a client connection in CLIENT LIST by its CLIENT SETNAME name, so
// tests can CLIENT KILL exactly the connection they want to break.
#pragma once

#include <string>

#include "redis_processes.hpp"

namespace sio::redis_test {

// The id of the client connection named `name`, from CLIENT LIST ("" when not found).
inline std::string clientId(const RedisServer& server, const std::string& name) {
  std::string list = server.cli({"CLIENT", "LIST"});
  size_t at = list.find("name=" + name + " ");
  if (at == std::string::npos) return {};
  size_t line = list.rfind('\n', at);
  line = line == std::string::npos ? 0 : line + 1;
  size_t id = list.find("id=", line);
  return list.substr(id + 3, list.find(' ', id) - id - 3);
}

}  // namespace sio::redis_test
