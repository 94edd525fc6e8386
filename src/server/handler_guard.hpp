// The dispatch boundary between the server and user code. Every call into a user's
// handler, middleware or callback goes through HandlerGuard::call, which applies the
// server's HandlerErrorPolicy: under Rethrow it calls straight through; otherwise it
// catches what the code throws, logs one line, calls the hooks and returns the error, and
// the caller applies the consequence (disconnect its socket, refuse the connection).
#pragma once

#include <exception>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/server/handler_error.hpp"

namespace sio {

// Where user code runs: its socket (empty for none), namespace and event (see HandlerError).
struct HandlerSite {
  std::string_view socket;
  std::string_view nsp;
  std::string_view event;
};

class HandlerGuard {
 public:
  explicit HandlerGuard(HandlerErrorPolicy policy) : policy_(policy) {}

  HandlerErrorPolicy policy() const { return policy_; }
  void addHook(HandlerErrorHook hook) { hooks_.push_back(std::move(hook)); }

  // Runs fn(). Returns nullopt when it returned, or the error it threw once that was
  // logged and handed to the hooks. Under Rethrow the exception propagates unchanged.
  template <class Fn>
  std::optional<HandlerError> call(const HandlerSite& site, Fn&& fn) const {
    if (policy_ == HandlerErrorPolicy::Rethrow) {
      std::forward<Fn>(fn)();
      return std::nullopt;
    }
    try {
      std::forward<Fn>(fn)();
      return std::nullopt;
    } catch (const std::exception& error) {
      return contain(site, error.what());
    } catch (...) {
      return contain(site, "unknown exception");
    }
  }

 private:
  HandlerError contain(const HandlerSite& site, std::string_view message) const;

  HandlerErrorPolicy policy_;
  std::vector<HandlerErrorHook> hooks_;
};

}  // namespace sio
