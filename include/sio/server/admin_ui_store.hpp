// Where the Admin UI's login sessions are kept (@socket.io/admin-ui's `store`): a UI that
// logged in with its credentials gets a session id (the `session` event) and may come back
// with it instead of the password. The default keeps them in memory, as the package's
// InMemoryStore does; an application with several nodes behind a load balancer may give
// one store shared by all of them (over its own database).
#pragma once

#include <functional>
#include <string>
#include <unordered_set>

namespace sio {

class AdminUiStore {
 public:
  virtual ~AdminUiStore() = default;
  // Answers through `done` (at once or later, on the server's thread).
  virtual void doesSessionExist(const std::string& sessionId, std::function<void(bool)> done) = 0;
  virtual void saveSession(const std::string& sessionId) = 0;
};

// Sessions in a set, for the life of the process.
class AdminUiInMemoryStore final : public AdminUiStore {
 public:
  void doesSessionExist(const std::string& sessionId, std::function<void(bool)> done) override {
    done(sessions_.count(sessionId) > 0);
  }
  void saveSession(const std::string& sessionId) override { sessions_.insert(sessionId); }

 private:
  std::unordered_set<std::string> sessions_;
};

}  // namespace sio
