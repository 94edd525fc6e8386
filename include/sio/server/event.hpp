// Handlers of incoming events. An event handler gets the arguments and an Ack, which is
// empty (false) when the sender asked for no acknowledgement and sends it at most once.
//
//   socket->on("chat", [](const sio::Args& args, const sio::Ack& ack) {
//     if (ack) ack({"received"});
//   });
#pragma once

#include <functional>
#include <memory>

#include "sio/adapter/types.hpp"

namespace sio {

class Ack {
 public:
  Ack() = default;
  explicit Ack(std::function<void(Args)> send)
      : state_(std::make_shared<State>(State{std::move(send), false})) {}

  explicit operator bool() const { return state_ != nullptr; }
  // Sends the acknowledgement with these arguments; later calls do nothing.
  void operator()(Args args = {}) const {
    if (!state_ || state_->sent) return;
    state_->sent = true;
    state_->send(std::move(args));
  }

 private:
  struct State {
    std::function<void(Args)> send;
    bool sent;
  };
  std::shared_ptr<State> state_;
};

using EventHandler = std::function<void(const Args& args, const Ack& ack)>;
using AnyHandler = std::function<void(const std::string& event, const Args& args)>;
using DisconnectHandler =
    std::function<void(const std::string& reason, const std::string& description)>;
using ErrorHandler = std::function<void(const Error& error)>;

// Middleware continuation: next() lets the connection (or packet) through, next(error)
// refuses it.
class Next {
 public:
  explicit Next(std::function<void(std::optional<Error>)> fn) : fn_(std::move(fn)) {}
  void operator()() const { fn_(std::nullopt); }
  void operator()(Error error) const { fn_(std::move(error)); }

 private:
  std::function<void(std::optional<Error>)> fn_;
};

}  // namespace sio
