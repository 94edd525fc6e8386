// Every option of the Engine.IO server, with the names and defaults of Node's engine.io
// 6.6, plus the limits that Node leaves unbounded (documented on each field).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engine/request.hpp"

namespace sio::engine {

using std::chrono::milliseconds;

// Cross-origin resource sharing, as the `cors` npm package does it.
struct CorsOptions {
  // Allowed origins. {"*"} (the default) answers `*` to everyone; otherwise the request's
  // Origin is echoed back when it is in the list or accepted by `originPredicate`.
  std::vector<std::string> origin{"*"};
  std::function<bool(std::string_view origin)> originPredicate;
  bool credentials = false;
  std::string methods = "GET,HEAD,PUT,PATCH,POST,DELETE";
  std::vector<std::string> allowedHeaders;  // empty: echo Access-Control-Request-Headers
  std::vector<std::string> exposedHeaders;
  std::optional<int> maxAge;  // seconds
};

// The session cookie (off unless set). Defaults as Node: `io`, path `/`, HttpOnly, Lax.
struct CookieOptions {
  std::string name = "io";
  std::string path = "/";
  bool httpOnly = true;
  std::string sameSite = "Lax";  // empty: no SameSite attribute
  bool secure = false;
  std::optional<int> maxAge;  // seconds
  std::string domain;
};

// WebSocket permessage-deflate (off unless set). Messages under `threshold` bytes are not
// compressed, as in Node.
struct PerMessageDeflateOptions {
  size_t threshold = 1024;
};

// gzip/deflate of polling responses when the client accepts them (on by default).
struct HttpCompressionOptions {
  size_t threshold = 1024;
};

// Asynchronous admission hook (Node's allowRequest): call `done(errorMessage, success)`.
using AllowRequestCallback = std::function<void(std::string errorMessage, bool success)>;
using AllowRequest = std::function<void(const Request&, AllowRequestCallback done)>;

struct ServerOptions {
  milliseconds pingInterval{25000};
  milliseconds pingTimeout{20000};
  milliseconds upgradeTimeout{10000};
  size_t maxHttpBufferSize = 1'000'000;  // bytes, per POST body and per WebSocket message
  std::vector<std::string> transports{"polling", "websocket"};
  bool allowUpgrades = true;
  std::string path = "/engine.io";  // a trailing slash is added, as in Node
  std::optional<CorsOptions> cors;
  AllowRequest allowRequest;
  std::optional<CookieOptions> cookie;
  std::optional<PerMessageDeflateOptions> perMessageDeflate;
  std::optional<HttpCompressionOptions> httpCompression = HttpCompressionOptions{};
  // Also serve Engine.IO v3 clients (socket.io-client 2.x, the Swift and Java clients on
  // EIO3): a request whose EIO is not "4" speaks v3, as engine.io decides. Off: such a
  // handshake gets 400 {"code":5,"message":"Unsupported protocol version"}.
  bool allowEIO3 = false;

  // A polling transport asked to close while no GET is pending waits this long for one.
  milliseconds closeTimeout{30000};
  // Outbound bytes a session may hold for a client that does not read: its write buffer
  // plus what its transport has not yet handed to the kernel. Node has no bound; here a
  // session past it is closed as a slow consumer ("transport error"), its TCP connection
  // aborted and its memory freed at once. The bound in force is never less than
  // maxHttpBufferSize (one packet of the largest size), and one packet alone on an empty
  // queue is always accepted. Volatile packets are dropped as soon as any backlog exists.
  // The trade: N stuck clients cost at most N x this bound, and a client whose link is
  // briefly slower than what it is sent is disconnected once it falls that far behind.
  // 0 disables the bound.
  size_t maxBufferedBytes = 1u << 20;
  // Engine.IO sessions at once (WebSocket handshakes in progress count). A handshake
  // beyond it is answered HTTP 503 "Too many connections"; existing sessions are not
  // affected. 0: no limit (Node's behaviour).
  size_t maxConnections = 0;
};

// HTTPS and WSS on the listener: PEM files read when listening starts and again on
// HttpServer::reloadTls(). TLS 1.2 is the oldest version accepted.
struct TlsOptions {
  std::string certificateChainFile;  // the server's certificate first, then intermediates
  std::string privateKeyFile;        // unencrypted PEM
};

// Options of the HTTP listener shared by every endpoint on one port.
struct HttpServerOptions {
  milliseconds headersTimeout{60000};   // from connection (or previous response) to headers
  milliseconds requestTimeout{300000};  // to receive a whole request body
  milliseconds keepAliveTimeout{5000};  // idle keep-alive connection after a response
  milliseconds responseTimeout{30000};  // to write one response (a client that does not read)
  size_t maxHeaderSize = 16 * 1024;     // Node's default; larger heads get 431
  std::optional<TlsOptions> tls;        // set: serve HTTPS and WSS only
  // Behind a reverse proxy: a request's client address comes from X-Forwarded-For and its
  // scheme from X-Forwarded-Proto; the TCP peer (the proxy) stays in Request::peerAddress().
  // Each proxy appends the address it saw to X-Forwarded-For: with `trustedProxyHops`
  // proxies of yours, the client is that many entries from the end (the last one for a
  // single proxy); what comes earlier may be forged by the client. X-Forwarded-Proto is
  // read at the same position (a proxy should overwrite it, as nginx's proxy_set_header
  // and HAProxy's set-header do). Off by default: with no proxy in front, anyone could
  // forge these headers.
  bool trustProxy = false;
  size_t trustedProxyHops = 1;
};

}  // namespace sio::engine
