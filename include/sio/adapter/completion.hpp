// Asio completion tokens for the asynchronous calls of the server and its adapters. Each
// call has a non-template core that reports `(error_code, results...)` once to a
// Completion; startAsync() turns any completion token (a callback, asio::use_future,
// asio::use_awaitable, asio::deferred, asio::as_tuple(...), …) into such a Completion.
// The handler is always posted to its associated executor (the namespace's io_context when
// it has none), never run inside the call that started the operation.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace sio {

// What a core calls once with the outcome: an error code (sio/adapter/errors.hpp) and the
// results, which may be partial when the code says so.
template <class... Results>
using Completion = std::function<void(boost::system::error_code, Results...)>;

// True for a token of the completion-token form of a call that also has a callback form
// taking `OldArgs`: anything but a callback invocable with OldArgs, which keeps the callback
// form and its signature (so existing code compiles and behaves unchanged).
template <class Token, class... OldArgs>
inline constexpr bool kAsioToken = !std::is_invocable_v<std::decay_t<Token>&, OldArgs...>;

namespace detail {

// A copyable Completion around a (maybe move-only) handler: the first call posts it.
template <class Handler, class... Results>
class PostedCompletion {
 public:
  PostedCompletion(boost::asio::any_io_executor fallback, Handler handler)
      : fallback_(std::move(fallback)),
        handler_(std::make_shared<std::optional<Handler>>(std::move(handler))) {}

  void operator()(boost::system::error_code ec, Results... results) const {
    if (!*handler_) return;
    Handler handler = std::move(**handler_);
    handler_->reset();
    auto executor = boost::asio::get_associated_executor(handler, fallback_);
    boost::asio::post(executor, boost::asio::append(std::move(handler), ec, std::move(results)...));
  }

 private:
  boost::asio::any_io_executor fallback_;
  std::shared_ptr<std::optional<Handler>> handler_;
};

}  // namespace detail

// Starts an operation whose completion signature is void(error_code, Results...): `start`
// gets the Completion<Results...> to call once. With a deferring token (use_awaitable,
// deferred) `start` runs when the operation is awaited or launched, so it must own what it
// needs (capture by value).
template <class... Results, class Token, class Start>
auto startAsync(boost::asio::any_io_executor executor, Token&& token, Start&& start) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, Results...)>(
      [](auto handler, boost::asio::any_io_executor fallback, std::decay_t<Start> begin) {
        using Handler = decltype(handler);
        begin(Completion<Results...>(detail::PostedCompletion<Handler, Results...>(
            std::move(fallback), std::move(handler))));
      },
      token, std::move(executor), std::forward<Start>(start));
}

}  // namespace sio
