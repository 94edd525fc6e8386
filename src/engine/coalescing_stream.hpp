// A stream layer under Beast's WebSocket stream that gathers the bytes of Beast's writes
// and hands them to the kernel in one system call: a write is copied into a pending buffer
// and completes at once; one socket write is in flight at a time, and whatever was
// appended meanwhile goes out in the next. Used for the upgrade handshake and by the
// transport in which Beast frames (permessage-deflate, TLS). Reads pass straight through.
// Included only by websocket_transport.cpp.
#pragma once
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "connection_stream.hpp"

namespace sio::engine {

class CoalescingStream {
 public:
  using next_layer_type = ConnectionStream;
  using executor_type = next_layer_type::executor_type;

  explicit CoalescingStream(next_layer_type stream) : stream_(std::move(stream)) {}
  // Moving is allowed only while idle (no socket write in flight: see whenIdle).
  CoalescingStream(CoalescingStream&&) = default;

  executor_type get_executor() { return stream_.get_executor(); }
  next_layer_type& next_layer() { return stream_; }
  const next_layer_type& next_layer() const { return stream_; }

  // Who the in-flight write keeps alive, and who hears when a write ends (with its error).
  void setOwner(std::weak_ptr<void> owner,
                std::function<void(boost::system::error_code)> onFlushed) {
    owner_ = std::move(owner);
    onFlushed_ = std::move(onFlushed);
  }

  // A socket write is in flight: appended bytes wait for it.
  bool busy() const { return !inFlight_.empty(); }
  std::size_t pendingBytes() const { return pending_.size(); }
  // Bytes not yet known to be written: the write in flight and what waits behind it.
  std::size_t unsentBytes() const { return inFlight_.size() + pending_.size(); }
  // Drops what waits behind the write in flight (a hard teardown); that write's buffer
  // goes when its operation ends, which closing the socket makes immediate.
  void discardPending() { std::string().swap(pending_); }

  void flush() {
    if (busy() || pending_.empty() || error_) return;
    inFlight_.swap(pending_);
    pending_.clear();
    auto keepAlive = owner_.lock();
    boost::asio::async_write(
        stream_, boost::asio::buffer(inFlight_),
        [this, keepAlive](boost::system::error_code ec, std::size_t) { onWritten(ec); });
  }

  // Runs `done` once everything appended so far is written (or the writing failed).
  void whenIdle(std::function<void()> done) {
    if (!busy() && (pending_.empty() || error_)) {
      boost::asio::post(stream_.get_executor(), std::move(done));
      return;
    }
    idleWaiters_.push_back(std::move(done));
  }

  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return stream_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  // Beast's writes (handshake response, control frames, deflated messages): copied, then
  // completed as if written; a failed socket write fails every later one.
  template <class ConstBuffers, class WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(boost::system::error_code, std::size_t)>(
        [this](auto completion, const ConstBuffers& data) {
          std::size_t size = 0;
          // Beast answers pings by itself: a peer that pings and never reads is cut off.
          if (busy() && pending_.size() > kMaxPendingWhileBusy)
            error_ = boost::asio::error::no_buffer_space;
          if (!error_) {
            for (auto it = boost::asio::buffer_sequence_begin(data);
                 it != boost::asio::buffer_sequence_end(data); ++it) {
              boost::asio::const_buffer buffer(*it);
              pending_.append(static_cast<const char*>(buffer.data()), buffer.size());
              size += buffer.size();
            }
            flush();
          }
          auto executor = boost::asio::get_associated_executor(completion, get_executor());
          boost::asio::post(executor,
                            boost::beast::bind_front_handler(std::move(completion), error_, size));
        },
        handler, buffers);
  }

 private:
  void onWritten(boost::system::error_code ec) {
    std::string().swap(inFlight_);  // an idle connection keeps no write buffer
    if (ec && !error_) error_ = ec;
    if (!error_) flush();
    std::vector<std::function<void()>> waiters;
    if (!busy()) waiters.swap(idleWaiters_);
    if (onFlushed_) onFlushed_(ec);
    for (auto& waiter : waiters) waiter();  // last: a waiter may move this stream away
  }

  static constexpr std::size_t kMaxPendingWhileBusy = 1024 * 1024;

  next_layer_type stream_;
  std::string pending_;
  std::string inFlight_;
  boost::system::error_code error_;
  std::weak_ptr<void> owner_;
  std::function<void(boost::system::error_code)> onFlushed_;
  std::vector<std::function<void()>> idleWaiters_;
};

// Beast's close handshake ends with a teardown: first let the close frame reach the kernel.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream,
                    TeardownHandler&& handler) {
  auto shared =
      std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler));
  stream.whenIdle(
      [role, &stream, shared] { stream.next_layer().asyncTeardown(role, std::move(*shared)); });
}

inline void teardown(boost::beast::role_type role, CoalescingStream& stream,
                     boost::system::error_code& ec) {
  stream.next_layer().teardown(role, ec);
}

}  // namespace sio::engine
