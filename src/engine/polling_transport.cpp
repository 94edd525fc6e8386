// Long-polling as Node's engine.io 6.6 does it: overlapping GETs are an error, a GET the
// client aborts ends the session, a POST is decoded packet by packet and answered `ok`,
// a close waits for the next GET to carry the close packet (or for closeTimeout). v3
// clients may POST the binary payload form (Content-Type application/octet-stream) and,
// when they take binary, get it back for a batch that holds a binary packet. JSONP
// clients (`j=`) get their payload inside a script and POST it as a form.
#include "polling_transport.hpp"

#include "http_compression.hpp"
#include "jsonp.hpp"
#include "payload_v3.hpp"

namespace sio::engine {

PollingTransport::PollingTransport(boost::asio::io_context& io,
                                   std::shared_ptr<const ServerOptions> options, Decorator decorate,
                                   WireFormat wire)
    : options_(std::move(options)), decorate_(std::move(decorate)), wire_(wire), closeTimer_(io) {}

void PollingTransport::onRequest(std::shared_ptr<HttpExchange> exchange, HeaderList extraHeaders) {
  std::string_view method = exchange->request().method();
  if (method == "GET") {
    pollHeaders_ = std::move(extraHeaders);
    onPollRequest(std::move(exchange));
  } else if (method == "POST") {
    onDataRequest(exchange);
  } else {
    respond(*exchange, HttpResponse{500, {}, {}});
  }
}

void PollingTransport::respond(HttpExchange& exchange, HttpResponse response) {
  response.set("cache-control", "no-store");  // as engine.io 6.6: polls are never cached
  if (decorate_) decorate_(exchange.request(), response);
  exchange.respond(std::move(response));
}

void PollingTransport::onPollRequest(std::shared_ptr<HttpExchange> exchange) {
  if (closed_) {
    respond(*exchange, HttpResponse{400, {}, {}});
    return;
  }
  if (poll_) {
    auto self = shared_from_this();
    fail("overlap from client");  // the session closes: the first GET gets the close packet
    respond(*exchange, HttpResponse{400, {}, {}});
    return;
  }
  poll_ = std::move(exchange);
  poll_->onAbort([weak = weak_from_this(), poll = std::weak_ptr<HttpExchange>(poll_)] {
    auto self = weak.lock();
    if (!self || self->poll_ != poll.lock()) return;
    self->poll_.reset();
    self->fail("poll connection closed prematurely");
  });
  auto self = shared_from_this();
  if (auto listener = this->listener()) listener->onTransportReady(*this);
  if (writable() && shouldClose_) send({makePacket(PacketType::Noop)}, false);
}

void PollingTransport::onDataRequest(const std::shared_ptr<HttpExchange>& exchange) {
  auto contentType = exchange->request().header("content-type");
  auto self = shared_from_this();
  bool binary = contentType && *contentType == "application/octet-stream";
  if (binary && wire_.protocol != 3) {
    respond(*exchange, HttpResponse{400, {}, {}});
    fail("invalid content");
    return;
  }
  if (!wire_.jsonpIndex) {
    deliverPayload(exchange->body(), binary);
  } else if (auto form = unwrapJsonpBody(exchange->body())) {
    deliverPayload(*form, false);  // JSONP: the form's `d` (engine.io ignores a form without)
  }
  HttpResponse ok{200, {{"Content-Type", "text/html"}}, "ok"};
  respond(*exchange, std::move(ok));
}

void PollingTransport::deliverPayload(std::string_view payload, bool binary) {
  if (wire_.protocol == 3)
    deliverPayloadV3(payload, binary);
  else
    deliverPayloadV4(payload);
}

// Packets before a bad one are delivered, then the bad one ends the session.
void PollingTransport::deliverPayloadV4(std::string_view payload) {
  while (!closed_) {
    auto sep = payload.find(kRecordSeparator);
    auto packet = decodePacket(payload.substr(0, sep));
    auto listener = this->listener();
    if (!packet) {
      if (listener) listener->onTransportParseError(*this);
      break;
    }
    if (packet->type == PacketType::Close) {
      onPeerClose();
      break;
    }
    if (listener) listener->onTransportPacket(*this, std::move(*packet));
    if (sep == std::string_view::npos) break;
    payload.remove_prefix(sep + 1);
  }
}

void PollingTransport::deliverPayloadV3(std::string_view payload, bool binary) {
  v3::PayloadReader reader(payload, binary);
  while (!closed_) {
    auto packet = reader.next();
    auto listener = this->listener();
    if (!packet) {
      if (reader.failed() && listener) listener->onTransportParseError(*this);
      break;
    }
    if (packet->type == PacketType::Close) {
      onPeerClose();
      break;
    }
    if (listener) listener->onTransportPacket(*this, std::move(*packet));
  }
}

std::pair<std::string, const char*> PollingTransport::encode(
    const std::vector<Packet>& packets) const {
  constexpr const char* kText = "text/plain; charset=UTF-8";
  if (wire_.jsonpIndex) {  // a script: binary always in base64
    auto payload = wire_.protocol == 3 ? v3::encodeStringPayload(packets) : encodePayload(packets);
    return {wrapJsonp(*wire_.jsonpIndex, payload), kText};
  }
  if (wire_.protocol != 3) return {encodePayload(packets), kText};
  if (wire_.supportsBinary && v3::hasBinary(packets))
    return {v3::encodeBinaryPayload(packets), "application/octet-stream"};
  return {v3::encodeStringPayload(packets), kText};
}

void PollingTransport::send(std::vector<Packet> packets, bool compress) {
  if (!writable()) return;
  bool closing = shouldClose_;
  if (closing) {
    packets.push_back(makePacket(PacketType::Close));
    shouldClose_ = false;
  }
  auto exchange = std::move(poll_);
  poll_.reset();
  auto [payload, contentType] = encode(packets);
  HttpResponse response{200, {{"Content-Type", contentType}}, {}};
  for (auto& header : pollHeaders_) response.headers.push_back(std::move(header));
  pollHeaders_.clear();
  const auto& compression = options_->httpCompression;
  auto accept = exchange->request().header("accept-encoding");
  if (compression && compress && accept && payload.size() >= compression->threshold) {
    if (auto encoding = chooseEncoding(*accept)) {
      if (auto body = compressBody(payload, *encoding)) {
        payload = std::move(*body);
        response.set("Content-Encoding", std::string(encodingName(*encoding)));
      }
    }
  }
  response.body = std::move(payload);
  respond(*exchange, std::move(response));
  auto self = shared_from_this();
  if (auto listener = this->listener()) listener->onTransportDrain(*this);
  if (closing) finishClose();
}

void PollingTransport::close() {
  if (closed_) return;
  auto self = shared_from_this();
  if (writable()) {
    // After an upgrade the client has moved on: release its poll with a noop instead.
    send({makePacket(discarded_ ? PacketType::Noop : PacketType::Close)}, false);
    finishClose();
  } else if (discarded_ || failed_) {
    finishClose();
  } else {
    shouldClose_ = true;
    closeTimer_.expires_after(options_->closeTimeout);
    closeTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec) self->finishClose();
    });
  }
}

// A pending poll is released with the close packet (it is not what is stuck: a client
// that does not read has no poll pending); the transport ends without waiting for one.
void PollingTransport::abort() {
  if (closed_) return;
  auto self = shared_from_this();
  clearListener();
  if (writable()) send({makePacket(PacketType::Close)}, false);
  finishClose();
}

// The client sent a close packet: release a pending poll with a noop, then we are gone.
void PollingTransport::onPeerClose() {
  if (writable()) send({makePacket(PacketType::Noop)}, false);
  finishClose();
}

void PollingTransport::fail(std::string_view message) {
  failed_ = true;
  if (auto listener = this->listener()) listener->onTransportError(*this, message);
}

void PollingTransport::finishClose() {
  if (closed_) return;
  closed_ = true;
  shouldClose_ = false;
  closeTimer_.cancel();
  if (auto listener = this->listener()) listener->onTransportClose(*this);
}

}  // namespace sio::engine
