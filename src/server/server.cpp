// The Socket.IO server: an Engine.IO server at `path` whose connections become Clients,
// the namespace table (static names and dynamic parents tried in order), and shutdown.
#include "sio/server/server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sio/log.hpp"

#include "client.hpp"
#include "handler_guard.hpp"
#include "sio/server/disconnect_reason.hpp"

namespace sio {
namespace {

engine::ServerOptions engineOptions(const ServerOptions& options) {
  engine::ServerOptions engine = options.engine;
  engine.path = options.path;
  return engine;
}

}  // namespace

Server::Server(boost::asio::io_context& io, ServerOptions options)
    : io_(io),
      options_(std::move(options)),
      guard_(std::make_shared<HandlerGuard>(options_.onHandlerError)),
      engine_(io, engineOptions(options_)) {
  if (!options_.parser) options_.parser = protocol::defaultParser();
  engine_.onConnection(
      [this](std::shared_ptr<engine::Socket> conn) { onEngineConnection(std::move(conn)); });
  mainNamespace_ = of("/");
}

Server::~Server() {
  close();
}

std::shared_ptr<Namespace> Server::of(std::string name) {
  if (name.empty() || name[0] != '/') name.insert(name.begin(), '/');
  if (auto existing = findNamespace(name)) return existing;
  auto nsp = std::make_shared<Namespace>(*this, name);
  nsp->initAdapter();
  namespaces_[name] = nsp;
  announce(nsp);
  return nsp;
}

void Server::announce(const std::shared_ptr<Namespace>& nsp) {
  auto hooks = newNamespaceHooks_;  // a hook may add another
  for (auto& hook : hooks) hook(nsp);
}

std::shared_ptr<ParentNamespace> Server::of(const std::regex& pattern) {
  return of([pattern](const std::string& name, const Value&, std::function<void(bool)> done) {
    done(std::regex_match(name, pattern));
  });
}

std::shared_ptr<ParentNamespace> Server::of(NamespaceMatcher matcher) {
  auto parent = std::make_shared<ParentNamespace>(*this, std::move(matcher));
  parent->initAdapter();
  parents_.push_back(parent);
  return parent;
}

std::shared_ptr<Namespace> Server::findNamespace(const std::string& name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : it->second;
}

void Server::checkNamespace(const std::string& name, const Value& auth,
                            std::function<void(std::shared_ptr<Namespace>)> done) {
  auto parents = parents_;
  auto tryNext = std::make_shared<std::function<void(size_t)>>();
  *tryNext = [this, parents, name, auth, done, tryNext](size_t index) {
    if (index >= parents.size()) {
      done(nullptr);
      *tryNext = nullptr;  // break the self-reference
      return;
    }
    auto parent = parents[index];
    auto answered = std::make_shared<bool>(false);
    auto answer = [this, parent, name, done, tryNext, index, answered](bool allowed) {
      if (std::exchange(*answered, true)) return;
      if (!allowed) return (*tryNext)(index + 1);
      auto existing = findNamespace(name);
      *tryNext = nullptr;
      done(existing ? existing : parent->createChild(name));
    };
    // A matcher that throws (contained) refuses the name.
    if (guard_->call({"", name, "namespace"}, [&] { parent->matches(name, auth, answer); }))
      answer(false);
  };
  (*tryNext)(0);
}

void Server::onError(HandlerErrorHook hook) {
  guard_->addHook(std::move(hook));
}

void Server::registerChild(const std::shared_ptr<Namespace>& child) {
  namespaces_[child->name()] = child;
  announce(child);
}

void Server::removeNamespace(const std::string& name) {
  namespaces_.erase(name);
}

void Server::onEngineConnection(std::shared_ptr<engine::Socket> conn) {
  auto client = std::make_shared<Client>(*this, std::move(conn));
  client->start();
}

void Server::attach(engine::HttpServer& http) {
  http.attach(engine_);
}

uint16_t Server::listen(const std::string& host, uint16_t port) {
  ownHttp_.emplace(io_);
  ownHttp_->attach(engine_);
  return ownHttp_->listen(host, port);
}

void Server::drain(std::chrono::milliseconds timeout, std::function<void()> done) {
  if (closed_) {
    boost::asio::post(io_, std::move(done));
    return;
  }
  draining_ = true;
  engine_.refuseHandshakes();
  log::info("server: draining: " + std::to_string(engine_.clientsCount()) + " sessions");
  // Every adapter, before close() lets go of them.
  std::vector<std::shared_ptr<Adapter>> adapters;
  for (auto& [name, nsp] : namespaces_) adapters.push_back(nsp->adapterPtr());
  for (auto& parent : parents_) adapters.push_back(parent->adapterPtr());
  // The sockets close as on close() (sessions persisted for recovery, transports closed),
  // but the listener stays up for health checks until `done`.
  close();
  struct Wait {
    Server* server;
    size_t pending;
    std::function<void()> done;
    boost::asio::steady_timer timer;
    void finish() {
      if (!done) return;
      timer.cancel();
      if (server->ownHttp_) server->ownHttp_->close();
      log::info("server: drained");
      std::exchange(done, nullptr)();
    }
  };
  auto wait = std::make_shared<Wait>(
      Wait{this, adapters.size() + 1, std::move(done), boost::asio::steady_timer(io_, timeout)});
  wait->timer.async_wait([wait](const boost::system::error_code& ec) {
    if (ec) return;
    log::warn("server: drain timed out before every adapter write was acknowledged");
    wait->finish();
  });
  auto oneIdle = [wait] {
    if (--wait->pending == 0) wait->finish();
  };
  for (auto& adapter : adapters) adapter->whenIdle(oneIdle);
  oneIdle();
}

void Server::close() {
  if (closed_) return;
  closed_ = true;
  auto hooks = closeHooks_;
  for (auto& hook : hooks) hook();
  auto namespaces = namespaces_;
  for (auto& [name, nsp] : namespaces)
    nsp->closeAll(std::string(disconnect_reason::kServerShuttingDown));
  for (auto& parent : parents_) parent->adapter().close();
  engine_.close();
  if (ownHttp_ && !draining_) ownHttp_->close();  // a drain closes it when done
}

}  // namespace sio
