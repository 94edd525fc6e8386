// The Admin UI's login (admin-ui's basic authentication middleware on its namespace). A UI
// that brings a known session id (auth.sessionId) is let in; else auth.username must equal
// the configured one and auth.password match the bcrypt hash: then a new session id (16 hex
// digits) is saved in the store and sent to it in a `session` event before it connects.
// Anything else is refused with "invalid credentials". The bcrypt check runs on a worker
// thread of its own (it takes tens of milliseconds), at most kMaxPendingChecks at once.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <map>
#include <memory>

#include "sio/server/admin_ui.hpp"
#include "sio/server/event.hpp"

namespace sio {
class Socket;
}

namespace sio::admin_ui {

class BasicAuth : public std::enable_shared_from_this<BasicAuth> {
 public:
  // Logins waiting for their bcrypt check; one more is refused at once ("too many logins
  // in progress"), so that a flood of attempts cannot queue work without bound.
  static constexpr size_t kMaxPendingChecks = 32;

  BasicAuth(boost::asio::any_io_executor executor, AdminUiBasicAuth credentials,
            std::shared_ptr<AdminUiStore> store);
  ~BasicAuth();  // waits for the check running on the worker, drops the queued ones

  // The namespace middleware.
  void check(Socket& socket, Next next);

 private:
  struct Pending {
    std::shared_ptr<Socket> socket;
    Next next;
  };
  void checkCredentials(const std::shared_ptr<Socket>& socket, Next next);
  void finish(uint64_t id, bool matched);

  boost::asio::any_io_executor executor_;
  AdminUiBasicAuth credentials_;
  std::shared_ptr<AdminUiStore> store_;
  std::map<uint64_t, Pending> pending_;
  uint64_t nextId_ = 0;
  boost::asio::thread_pool worker_{1};
};

}  // namespace sio::admin_ui
