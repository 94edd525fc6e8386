// Asio implementation of Connection. One link at a time; each link has a generation
// number so that completions of an old link are ignored. Link life: resolve -> TCP
// connect (with a timeout) -> optional TLS handshake -> setup commands (AUTH, SELECT,
// CLIENT SETNAME, ROLE) -> Ready: pending commands are written in batches, one write in
// flight, replies matched in order against the commands written.
#include "sio/redis/connection.hpp"
#include "sio/log.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>

#include "reply_reader.hpp"

namespace sio::redis {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class AsioConnection final : public Connection,
                             public std::enable_shared_from_this<AsioConnection> {
 public:
  AsioConnection(asio::any_io_executor executor, ConnectionOptions options)
      : executor_(executor),
        options_(std::move(options)),
        backoff_(options_.backoff),
        resolver_(executor),
        socket_(executor),
        timer_(executor) {}

  void start() override {
    if (state_ != ConnectionState::Idle) return;
    connect();
  }

  void send(Command command, ReplyHandler handler) override {
    enqueue(std::move(command), std::move(handler), true);
  }

  void sendUnlessDisconnected(Command command, ReplyHandler handler) override {
    enqueue(std::move(command), std::move(handler), false);
  }

  void close() override {
    if (state_ == ConnectionState::Closed) return;
    setState(ConnectionState::Closed, make_error_code(Errc::Closed));
    dropLink();
    timer_.cancel();
    auto written = std::move(inFlight_);
    auto queued = std::move(pending_);
    inFlight_.clear();
    pending_.clear();
    pendingBytes_.clear();
    for (auto& handler : written) fail(std::move(handler), Errc::Closed);
    for (auto& entry : queued) fail(std::move(entry.handler), Errc::Closed);
    stateHandler_ = nullptr;
    pushHandler_ = nullptr;
  }

  void reconnect() override {
    if (state_ == ConnectionState::Closed) return;
    onLinkFailure(make_error_code(Errc::ConnectionLost), std::chrono::milliseconds(0));
  }

  void onState(StateHandler handler) override { stateHandler_ = std::move(handler); }
  void setPushHandler(PushHandler handler) override { pushHandler_ = std::move(handler); }
  ConnectionState state() const override { return state_; }
  uint64_t reconnects() const override { return reconnects_; }
  size_t pendingCount() const override { return pending_.size() + inFlight_.size(); }
  std::string address() const override { return host_ + ":" + std::to_string(port_); }

 private:
  template <class Fn>
  auto guard(Fn fn) {
    return [self = shared_from_this(), generation = generation_, fn](auto&&... args) mutable {
      if (self->generation_ != generation || self->state_ == ConnectionState::Closed) return;
      fn(*self, std::forward<decltype(args)>(args)...);
    };
  }

  void enqueue(Command command, ReplyHandler handler, bool carryOver) {
    if (state_ == ConnectionState::Closed) return fail(std::move(handler), Errc::Closed);
    // Not ready: it would only go out on a later link, which is exactly what is refused.
    if (!carryOver && state_ != ConnectionState::Ready)
      return fail(std::move(handler), Errc::NotSent);
    if (state_ != ConnectionState::Ready && pending_.size() >= options_.maxOfflineQueue)
      return fail(std::move(handler), Errc::OfflineQueueFull);
    size_t before = pendingBytes_.size();
    command.appendTo(pendingBytes_);
    pending_.push_back(Pending{std::move(handler), pendingBytes_.size() - before, carryOver});
    if (!carryOver) ++uncarried_;
    scheduleFlush();
  }

  // Writes at the end of this event-loop turn, so that every command issued in the turn
  // goes out in one write (one syscall) — the batching node-redis calls auto-pipelining.
  void scheduleFlush() {
    if (flushScheduled_ || writing_ || state_ != ConnectionState::Ready) return;
    flushScheduled_ = true;
    asio::post(executor_, [self = shared_from_this()] {
      self->flushScheduled_ = false;
      self->flush();
    });
  }

  // The first failure of a link that was up is a warning, and so is the first failed
  // attempt of a link never up yet (a node started while Redis is unreachable); the
  // attempts that follow while it stays down are info lines, each with the backoff before
  // the next one.
  void logLinkFailure(std::error_code ec, std::chrono::milliseconds wait) {
    std::string next = "; reconnecting in " + std::to_string(wait.count()) + " ms";
    if (!downSince_ && everReady_) {
      downSince_ = true;
      log::warn("redis: link to " + address() + " down (" + ec.message() + ")" + next);
    } else if (!everReady_ && failedAttempts_ == 0) {
      ++failedAttempts_;
      log::warn("redis: cannot reach " + address() + " (" + ec.message() + ")" + next +
                "; retrying until it answers (each attempt logged at info)");
    } else {
      ++failedAttempts_;
      if (log::enabled(log::Level::Info))
        log::info("redis: cannot reach " + address() + " (" + ec.message() + "), attempt " +
                  std::to_string(failedAttempts_) + next);
    }
  }

  void fail(ReplyHandler handler, Errc error) {
    if (!handler) return;
    asio::post(executor_,
               [handler = std::move(handler), error] { handler(make_error_code(error), Reply{}); });
  }

  void setState(ConnectionState state, std::error_code ec = {}) {
    state_ = state;
    if (stateHandler_) {
      auto handler = stateHandler_;
      handler(state, ec);
    }
  }

  void connect() {
    ++generation_;
    setState(everReady_ ? ConnectionState::Reconnecting : ConnectionState::Connecting);
    if (options_.resolveAddress) {
      options_.resolveAddress(
          guard([](AsioConnection& self, std::error_code ec, std::string host, uint16_t port) {
            if (ec) return self.onLinkFailure(ec);
            self.resolve(std::move(host), port);
          }));
    } else {
      resolve(options_.url.host, options_.url.port);
    }
  }

  void resolve(std::string host, uint16_t port) {
    host_ = std::move(host);
    port_ = port;
    timer_.expires_after(options_.connectTimeout);
    timer_.async_wait(guard([](AsioConnection& self, boost::system::error_code ec) {
      if (!ec && !self.linkUp_) self.onLinkFailure(std::make_error_code(std::errc::timed_out));
    }));
    resolver_.async_resolve(host_, std::to_string(port_),
                            guard([](AsioConnection& self, boost::system::error_code ec,
                                     tcp::resolver::results_type results) {
                              if (ec) return self.onLinkFailure(ec);
                              self.socket_ = tcp::socket(self.executor_);
                              asio::async_connect(
                                  self.socket_, results,
                                  self.guard([](AsioConnection& me, boost::system::error_code error,
                                                const tcp::endpoint&) {
                                    if (error) return me.onLinkFailure(error);
                                    me.onConnected();
                                  }));
                            }));
  }

  void onConnected() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (!options_.url.tls) return beginSetup();
    if (auto ec = makeTlsStream()) return onLinkFailure(ec);
    tls_->async_handshake(asio::ssl::stream_base::client,
                          guard([](AsioConnection& self, boost::system::error_code ec) {
                            if (ec) return self.onLinkFailure(ec);
                            self.beginSetup();
                          }));
  }

  std::error_code makeTlsStream() {
    tlsContext_.emplace(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    const auto& tls = options_.tls;
    if (tls.caFile.empty())
      tlsContext_->set_default_verify_paths(ec);
    else
      tlsContext_->load_verify_file(tls.caFile, ec);
    if (!ec && !tls.certFile.empty()) tlsContext_->use_certificate_chain_file(tls.certFile, ec);
    if (!ec && !tls.keyFile.empty())
      tlsContext_->use_private_key_file(tls.keyFile, asio::ssl::context::pem, ec);
    if (ec) return ec;
    tls_.emplace(std::move(socket_), *tlsContext_);
    socket_ = tcp::socket(executor_);
    std::string name = tls.serverName.empty() ? host_ : tls.serverName;
    if (tls.verifyPeer) {
      tls_->set_verify_mode(asio::ssl::verify_peer, ec);
      if (!ec) tls_->set_verify_callback(asio::ssl::host_name_verification(name), ec);
    } else {
      tls_->set_verify_mode(asio::ssl::verify_none, ec);
    }
    SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str());
    return ec;
  }

  // The setup commands go out alone; commands queued meanwhile wait until they succeed.
  void beginSetup() {
    linkUp_ = true;
    timer_.cancel();
    reader_.reset();
    std::vector<Command> setup;
    const auto& url = options_.url;
    if (!url.password.empty()) {
      if (url.user.empty())
        setup.push_back(Command{"AUTH", url.password});
      else
        setup.push_back(Command{"AUTH", url.user, url.password});
    }
    if (url.db != 0) setup.push_back(Command{"SELECT", std::to_string(url.db)});
    if (!options_.clientName.empty())
      setup.push_back(Command{"CLIENT", "SETNAME", options_.clientName});
    if (options_.requireMaster) setup.push_back(Command{"ROLE"});
    setupRemaining_ = setup.size();
    readNext();
    if (setup.empty()) return onReady();
    auto bytes = std::make_shared<std::string>();
    for (const auto& command : setup) command.appendTo(*bytes);
    writing_ = true;
    write(*bytes, guard([bytes](AsioConnection& self, boost::system::error_code ec, size_t) {
      self.writing_ = false;
      if (ec) self.onLinkFailure(ec);
    }));
  }

  void onSetupReply(const Reply& reply) {
    bool refused = reply.isError();
    if (options_.requireMaster && setupRemaining_ == 1) {
      refused = !reply.isArray() || reply.elements.empty() || reply.elements[0].str != "master";
    }
    if (refused) return onLinkFailure(make_error_code(Errc::HandshakeFailed));
    if (--setupRemaining_ == 0) onReady();
  }

  void onReady() {
    if (everReady_) ++reconnects_;
    if (downSince_) {
      log::warn("redis: link to " + address() + " up again after " +
                std::to_string(failedAttempts_) + " failed attempt(s)");
    } else if (!everReady_ && failedAttempts_ > 0) {
      log::warn("redis: connected to " + address() + " after " + std::to_string(failedAttempts_) +
                " failed attempt(s)");
    } else if (!everReady_) {
      log::info("redis: connected to " + address());
    }
    downSince_ = false;
    failedAttempts_ = 0;
    everReady_ = true;
    backoff_.reset();
    setState(ConnectionState::Ready);
    flush();
  }

  void flush() {
    if (state_ != ConnectionState::Ready || writing_ || pendingBytes_.empty()) return;
    writing_ = true;
    std::swap(writeBuffer_, pendingBytes_);  // both keep their capacity for the next batch
    pendingBytes_.clear();
    // In push mode replies are not matched to commands: nothing waits for one.
    if (!pushHandler_)
      for (auto& entry : pending_) inFlight_.push_back(std::move(entry.handler));
    pending_.clear();
    uncarried_ = 0;
    write(writeBuffer_, guard([](AsioConnection& self, boost::system::error_code ec, size_t) {
            self.writing_ = false;
            self.writeBuffer_.clear();
            if (ec) return self.onLinkFailure(ec);
            self.flush();
          }));
  }

  template <class Handler>
  void write(const std::string& bytes, Handler handler) {
    if (tls_)
      asio::async_write(*tls_, asio::buffer(bytes), std::move(handler));
    else
      asio::async_write(socket_, asio::buffer(bytes), std::move(handler));
  }

  void readNext() {
    auto done = guard([](AsioConnection& self, boost::system::error_code ec, size_t size) {
      if (ec) return self.onLinkFailure(ec);
      self.onBytes(std::string_view(self.readBuffer_.data(), size));
    });
    if (tls_)
      tls_->async_read_some(asio::buffer(readBuffer_), std::move(done));
    else
      socket_.async_read_some(asio::buffer(readBuffer_), std::move(done));
  }

  void onBytes(std::string_view bytes) {
    uint64_t generation = generation_;
    auto self = shared_from_this();
    reader_.feed(bytes);
    while (auto reply = reader_.next()) {
      dispatch(std::move(*reply));
      if (generation != generation_ || state_ == ConnectionState::Closed) return;
    }
    if (!reader_.error().empty()) return onLinkFailure(make_error_code(Errc::ProtocolError));
    readNext();
  }

  void dispatch(Reply reply) {
    if (setupRemaining_ > 0) return onSetupReply(reply);
    if (pushHandler_) {
      auto handler = pushHandler_;
      return handler(std::move(reply));
    }
    if (inFlight_.empty()) return;  // nothing asked: a server bug; ignore
    auto handler = std::move(inFlight_.front());
    inFlight_.pop_front();
    if (handler) handler({}, std::move(reply));
  }

  void dropLink() {
    ++generation_;
    linkUp_ = false;
    writing_ = false;
    writeBuffer_.clear();
    setupRemaining_ = 0;
    boost::system::error_code ignored;
    resolver_.cancel();
    if (tls_) {
      tls_->lowest_layer().close(ignored);
      tls_.reset();
    }
    socket_.close(ignored);
  }

  // Queued commands sent with sendUnlessDisconnected fail now (NotSent) instead of going
  // out on the next link; the others keep their place.
  void dropUncarried() {
    if (uncarried_ == 0) return;
    std::string kept;
    std::deque<Pending> keptEntries;
    size_t offset = 0;
    for (auto& entry : pending_) {
      if (entry.carryOver) {
        kept.append(pendingBytes_, offset, entry.size);
        keptEntries.push_back(std::move(entry));
      } else {
        fail(std::move(entry.handler), Errc::NotSent);
      }
      offset += entry.size;
    }
    pendingBytes_ = std::move(kept);
    pending_ = std::move(keptEntries);
    uncarried_ = 0;
  }

  // The link is gone: what was written fails (it may have run), what was queued stays.
  void onLinkFailure(std::error_code ec,
                     std::optional<std::chrono::milliseconds> delay = std::nullopt) {
    if (state_ == ConnectionState::Closed) return;
    auto self = shared_from_this();
    dropLink();
    auto written = std::move(inFlight_);
    inFlight_.clear();
    for (auto& handler : written) fail(std::move(handler), Errc::ConnectionLost);
    dropUncarried();
    setState(ConnectionState::Reconnecting, ec);
    if (state_ == ConnectionState::Closed) return;
    auto wait = delay.value_or(backoff_.next());
    logLinkFailure(ec, wait);
    timer_.expires_after(wait);
    timer_.async_wait(guard([](AsioConnection& me, boost::system::error_code error) {
      if (!error) me.connect();
    }));
  }

  asio::any_io_executor executor_;
  ConnectionOptions options_;
  Backoff backoff_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::optional<asio::ssl::context> tlsContext_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  asio::steady_timer timer_;
  ReplyReader reader_;
  std::array<char, 64 * 1024> readBuffer_{};
  struct Pending {
    ReplyHandler handler;
    size_t size;     // bytes of its command in pendingBytes_
    bool carryOver;  // may go out on a later link
  };
  std::string pendingBytes_;           // encoded commands not written yet
  std::deque<Pending> pending_;        // their handlers
  size_t uncarried_ = 0;               // queued commands that must not outlive the link
  std::deque<ReplyHandler> inFlight_;  // handlers of written commands, in order
  std::string writeBuffer_;
  bool writing_ = false;
  bool flushScheduled_ = false;
  bool linkUp_ = false;
  bool everReady_ = false;
  size_t setupRemaining_ = 0;
  uint64_t generation_ = 0;
  uint64_t reconnects_ = 0;
  bool downSince_ = false;       // the link was up, went down, and is not back yet
  uint64_t failedAttempts_ = 0;  // connection attempts failed since then (or since start)
  std::string host_;
  uint16_t port_ = 0;
  ConnectionState state_ = ConnectionState::Idle;
  StateHandler stateHandler_;
  PushHandler pushHandler_;
};

}  // namespace

const char* toString(ConnectionState state) {
  switch (state) {
    case ConnectionState::Idle:
      return "idle";
    case ConnectionState::Connecting:
      return "connecting";
    case ConnectionState::Ready:
      return "ready";
    case ConnectionState::Reconnecting:
      return "reconnecting";
    case ConnectionState::Closed:
      return "closed";
  }
  return "?";
}

std::shared_ptr<Connection> Connection::create(asio::any_io_executor executor,
                                               ConnectionOptions options) {
  return std::make_shared<AsioConnection>(std::move(executor), std::move(options));
}

}  // namespace sio::redis
