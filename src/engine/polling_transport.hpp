// The HTTP long-polling transport: a GET waits until the session has packets (or a ping)
// and takes them all as one payload; a POST carries packets from the client. Payloads are
// in the client's Engine.IO revision (v4: joined by 0x1e; v3: payload_v3.hpp), inside a
// script for JSONP clients (jsonp.hpp). Knows HTTP only through HttpExchange, so it
// compiles without Beast.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "http_endpoint.hpp"
#include "sio/engine/options.hpp"
#include "transport.hpp"
#include "wire_format.hpp"

namespace sio::engine {

class PollingTransport final : public Transport,
                               public std::enable_shared_from_this<PollingTransport> {
 public:
  // Adds headers every response of this endpoint carries (CORS).
  using Decorator = std::function<void(const Request&, HttpResponse&)>;

  PollingTransport(boost::asio::io_context& io, std::shared_ptr<const ServerOptions> options,
                   Decorator decorate, WireFormat wire = {});

  // A GET or POST for this session. `extraHeaders` go on this request's response only
  // (the handshake's Set-Cookie).
  void onRequest(std::shared_ptr<HttpExchange> exchange, HeaderList extraHeaders = {});

  std::string_view name() const override { return "polling"; }
  bool writable() const override { return poll_ != nullptr && !closed_; }
  void send(std::vector<Packet> packets, bool compress) override;
  void close() override;
  void abort() override;
  void discard() override { discarded_ = true; }

 private:
  void onPollRequest(std::shared_ptr<HttpExchange> exchange);
  void onDataRequest(const std::shared_ptr<HttpExchange>& exchange);
  // Delivers the packets of a POST body until a close packet or a malformed one.
  void deliverPayload(std::string_view payload, bool binary);
  void deliverPayloadV4(std::string_view payload);
  void deliverPayloadV3(std::string_view payload, bool binary);
  // The body and Content-Type of a GET's response carrying `packets`.
  std::pair<std::string, const char*> encode(const std::vector<Packet>& packets) const;
  void onPeerClose();
  void fail(std::string_view message);
  void finishClose();
  void respond(HttpExchange& exchange, HttpResponse response);

  std::shared_ptr<const ServerOptions> options_;
  Decorator decorate_;
  WireFormat wire_;
  std::shared_ptr<HttpExchange> poll_;  // the pending GET, while writable
  HeaderList pollHeaders_;
  boost::asio::steady_timer closeTimer_;
  bool shouldClose_ = false;  // close() waits for the next GET to deliver the close packet
  bool discarded_ = false;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace sio::engine
