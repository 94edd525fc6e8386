// Containing a user's exception: one log line at `error` (event, namespace, socket,
// what()), then the server's hooks. A hook that throws is logged and otherwise ignored,
// so that reporting an error can never end the process.
#include "handler_guard.hpp"

#include "sio/log.hpp"

namespace sio {

HandlerError HandlerGuard::contain(const HandlerSite& site, std::string_view message) const {
  HandlerError error{std::string(site.socket), std::string(site.nsp), std::string(site.event),
                     std::string(message)};
  std::string line = "exception in the \"" + error.event + "\" handler (namespace " + error.nsp;
  if (!error.socket.empty()) line += ", socket " + error.socket;
  line += "): " + error.message;
  log::error(line);
  auto hooks = hooks_;  // a hook may add hooks
  for (auto& hook : hooks) {
    try {
      hook(error);
    } catch (const std::exception& failure) {
      log::error(std::string("exception in a handler-error hook: ") + failure.what());
    } catch (...) {
      log::error("exception in a handler-error hook: unknown exception");
    }
  }
  return error;
}

}  // namespace sio
