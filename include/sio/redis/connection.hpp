// One connection to one Redis server, on Asio: commands are pipelined (many in flight,
// replies matched in order), the connection is set up with AUTH / SELECT / CLIENT SETNAME
// and re-established with backoff after any failure. While it is down, new commands wait
// in a bounded offline queue and go out, in order, once it is back; commands already
// written when it broke fail with Errc::ConnectionLost (they may have run). In push mode
// (pub/sub) every reply goes to the push handler instead.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "sio/redis/backoff.hpp"
#include "sio/redis/command.hpp"
#include "sio/redis/errors.hpp"
#include "sio/redis/reply.hpp"
#include "sio/redis/url.hpp"

namespace sio::redis {

enum class ConnectionState { Idle, Connecting, Ready, Reconnecting, Closed };

const char* toString(ConnectionState state);

struct TlsOptions {
  std::string caFile;  // empty: the system's default trust store
  bool verifyPeer = true;
  std::string serverName;         // SNI and host name check; empty: the URL's host
  std::string certFile, keyFile;  // client certificate, when the server asks for one
};

// Where to connect now (Sentinel answers this anew at every reconnection).
using AddressResolver =
    std::function<void(std::function<void(std::error_code, std::string host, uint16_t port)>)>;

struct ConnectionOptions {
  RedisUrl url;
  std::string clientName;  // CLIENT SETNAME when not empty
  std::chrono::milliseconds connectTimeout{5000};
  BackoffOptions backoff;
  size_t maxOfflineQueue = 100000;  // commands waiting while disconnected
  TlsOptions tls;
  AddressResolver resolveAddress;  // overrides url.host / url.port
  bool requireMaster = false;      // check ROLE on connect (Sentinel)
};

class Connection {
 public:
  using ReplyHandler = std::function<void(std::error_code, Reply)>;
  using StateHandler = std::function<void(ConnectionState, std::error_code)>;
  using PushHandler = std::function<void(Reply)>;

  static std::shared_ptr<Connection> create(boost::asio::any_io_executor executor,
                                            ConnectionOptions options);
  virtual ~Connection() = default;

  virtual void start() = 0;
  // Queues `command`; `handler` (optional) gets the reply or a transport error.
  virtual void send(Command command, ReplyHandler handler = {}) = 0;
  // Like send, but the command only ever goes out on the current link: sent while the
  // link is not ready, or not yet written when it breaks, it fails with Errc::NotSent
  // (for callers that must reconcile before anything of theirs is written again).
  virtual void sendUnlessDisconnected(Command command, ReplyHandler handler) = 0;
  // Fails everything pending with Errc::Closed and stops reconnecting.
  virtual void close() = 0;
  // Drops the link now and connects again (e.g. after a Sentinel master switch).
  virtual void reconnect() = 0;

  virtual void onState(StateHandler handler) = 0;
  // Push mode: every reply after the connection setup goes here (replies are not matched
  // to commands, and the handlers given to send() are not called).
  virtual void setPushHandler(PushHandler handler) = 0;

  virtual ConnectionState state() const = 0;
  virtual uint64_t reconnects() const = 0;  // completed re-connections after the first
  virtual size_t pendingCount() const = 0;  // queued plus awaiting a reply
  virtual std::string address() const = 0;  // "host:port" of the current (or last) link
};

}  // namespace sio::redis
