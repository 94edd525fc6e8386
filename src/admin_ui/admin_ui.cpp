// The instrumented server: wiring at start, the UI's connection (its actions, `config`, then
// in development mode `all_sockets` from fetchSockets on every namespace across the
// cluster), and the periodic `server_stats`.
#include "admin_ui.hpp"

#include "admin_actions.hpp"
#include "basic_auth.hpp"
#include "namespace_monitor.hpp"
#include "process_info.hpp"
#include "sio/log.hpp"
#include "socket_serializer.hpp"

namespace sio::admin_ui {

AdminUi::AdminUi(Server& server, AdminUiOptions options)
    : server_(server),
      options_(std::move(options)),
      hostname_(hostName()),
      engineEvents_(server.engine().stats()),
      statsTimer_(server.context()) {
  serverId_ = options_.serverId ? *options_.serverId : hostname_;
  if (!options_.store) options_.store = std::make_shared<AdminUiInMemoryStore>();
}

AdminUi::~AdminUi() = default;

void AdminUi::start() {
  adminNsp_ = server_.of(options_.namespaceName);
  if (const auto* basic = std::get_if<AdminUiBasicAuth>(&*options_.auth)) {
    auth_ = std::make_shared<BasicAuth>(server_.context().get_executor(), *basic, options_.store);
    adminNsp_->use([weak = std::weak_ptr<BasicAuth>(auth_)](Socket& socket, Next next) {
      if (auto auth = weak.lock()) return auth->check(socket, std::move(next));
      next(Error{"invalid credentials", std::nullopt});
    });
  } else {
    log::warn("admin UI: authentication is disabled on " + adminNsp_->name());
  }
  std::weak_ptr<AdminUi> weak = weak_from_this();
  adminNsp_->onConnection([weak](const std::shared_ptr<Socket>& socket) {
    if (auto self = weak.lock()) self->onUiConnection(socket);
  });
  if (development()) {
    server_.forEachNamespace([this](Namespace& nsp) { watch(nsp.shared_from_this()); });
    server_.onNewNamespace([weak](const std::shared_ptr<Namespace>& nsp) {
      if (auto self = weak.lock()) self->watch(nsp);
    });
  }
  // The server's close hook owns this object from here on.
  server_.onClose([self = shared_from_this()] { self->stop(); });
  reportStats();
  scheduleStats();
}

void AdminUi::broadcast(const std::string& event, Args args) {
  adminNsp_->emit(event, std::move(args));
}

Value AdminUi::supportedFeatures() const {
  Value features = Value::array();
  if (!options_.readonly)
    for (const char* feature :
         {"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"})
      features.push(feature);
  features.push("AGGREGATED_EVENTS");
  if (development()) features.push("ALL_EVENTS");
  return features;
}

void AdminUi::onUiConnection(const std::shared_ptr<Socket>& socket) {
  if (!options_.readonly) registerActions(*socket, weak_from_this());
  socket->emit("config", {Value::object({{"supportedFeatures", supportedFeatures()}})});
  if (development()) sendAllSockets(socket);
}

void AdminUi::sendAllSockets(const std::shared_ptr<Socket>& socket) {
  std::vector<std::shared_ptr<Namespace>> namespaces;
  server_.forEachNamespace([&](Namespace& nsp) { namespaces.push_back(nsp.shared_from_this()); });
  struct Gathering {
    std::vector<Value::Array> perNamespace;
    size_t pending;
  };
  auto gathering = std::make_shared<Gathering>(
      Gathering{std::vector<Value::Array>(namespaces.size()), namespaces.size()});
  std::weak_ptr<Socket> weakSocket = socket;
  auto finish = [gathering, weakSocket] {
    auto ui = weakSocket.lock();
    if (!ui || !ui->connected()) return;
    Value::Array all;
    for (auto& sockets : gathering->perNamespace)
      for (auto& entry : sockets) all.push_back(std::move(entry));
    ui->emit("all_sockets", {Value(std::move(all))});
  };
  if (namespaces.empty()) return finish();
  for (size_t i = 0; i < namespaces.size(); ++i) {
    // A node that did not answer in time leaves its sockets out; the others' are sent
    // (Node's instrument() sends nothing then).
    namespaces[i]->fetchSockets(
        [gathering, finish, i, name = namespaces[i]->name()](std::vector<RemoteSocket> sockets,
                                                             const std::optional<Error>&) {
          auto& list = gathering->perNamespace[i];
          for (const auto& remote : sockets)
            list.push_back(serializeSocket(remote.id(), name, remote.handshake(), remote.rooms(),
                                           remote.data()));
          if (--gathering->pending == 0) finish();
        });
  }
}

void AdminUi::watch(const std::shared_ptr<Namespace>& nsp) {
  auto monitor =
      std::make_shared<NamespaceMonitor>(weak_from_this(), nsp, nsp.get() == adminNsp_.get());
  monitor->start();
  monitors_.push_back(std::move(monitor));
}

void AdminUi::reportStats() {
  if (development())
    std::erase_if(monitors_, [](const auto& monitor) { return !monitor->reportDataChanges(); });
  Value namespaces = Value::array();
  server_.forEachNamespace([&](Namespace& nsp) {
    namespaces.push(Value::object({{"name", nsp.name()}, {"socketsCount", nsp.sockets().size()}}));
  });
  auto& engine = server_.engine();
  auto byTransport = engine.sessionsByTransport();
  auto polling = byTransport.find("polling");
  Value stats = Value::object({
      {"serverId", serverId_},
      {"hostname", hostname_},
      {"pid", processId()},
      {"uptime", processUptimeSeconds()},
      {"clientsCount", engine.clientsCount()},
      {"pollingClientsCount", polling == byTransport.end() ? size_t(0) : polling->second},
      {"aggregatedEvents", engineEvents_.take(engine.stats(), std::chrono::system_clock::now())},
      {"namespaces", std::move(namespaces)},
  });
  broadcast("server_stats", {std::move(stats)});
}

void AdminUi::scheduleStats() {
  if (stopped_) return;
  statsTimer_.expires_after(kStatsInterval);
  statsTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->reportStats();
    self->scheduleStats();
  });
}

void AdminUi::stop() {
  stopped_ = true;
  statsTimer_.cancel();
}

}  // namespace sio::admin_ui
