// One instrumented server (what instrument() sets up and keeps): the UI's namespace and its
// connection handler (actions, `config`, `all_sockets`), the `server_stats` report every
// 2 s, and in development mode a NamespaceMonitor per namespace. Everything the UIs are
// sent goes through the UI namespace's adapter, so UIs on every node of a cluster get it.
// The server owns it (through its close hook) and it stops with the server's close();
// every other handler holds it weakly.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine_events.hpp"
#include "sio/server/admin_ui.hpp"
#include "sio/server/server.hpp"

namespace sio::admin_ui {

class BasicAuth;
class NamespaceMonitor;

// The stats report period (admin-ui's, fixed).
inline constexpr std::chrono::milliseconds kStatsInterval{2000};

class AdminUi : public std::enable_shared_from_this<AdminUi> {
 public:
  AdminUi(Server& server, AdminUiOptions options);
  ~AdminUi();

  // Sets everything up (call once, right after construction).
  void start();

  Server& server() { return server_; }
  bool development() const { return options_.mode == AdminUiMode::Development; }
  const std::string& namespaceName() const { return adminNsp_->name(); }
  // Sends `event` to every UI of the cluster (adminNamespace.emit).
  void broadcast(const std::string& event, Args args);

 private:
  void onUiConnection(const std::shared_ptr<Socket>& socket);
  void sendAllSockets(const std::shared_ptr<Socket>& socket);
  void watch(const std::shared_ptr<Namespace>& nsp);
  void reportStats();
  void scheduleStats();
  void stop();
  Value supportedFeatures() const;

  Server& server_;
  AdminUiOptions options_;
  std::shared_ptr<Namespace> adminNsp_;
  std::string serverId_;
  std::string hostname_;
  EngineEvents engineEvents_;
  boost::asio::steady_timer statsTimer_;
  std::shared_ptr<BasicAuth> auth_;
  std::vector<std::shared_ptr<NamespaceMonitor>> monitors_;
  bool stopped_ = false;
};

}  // namespace sio::admin_ui
