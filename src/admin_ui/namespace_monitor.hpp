// Development mode's view of one namespace (admin-ui's verbose listeners): each socket that
// connects gets data._admin = {clientId, transport} and is announced (`socket_connected`);
// then its transport upgrade and changes to its data (`socket_updated`), its events both
// ways (`event_received`, `event_sent`; not on the UI's own namespace), its rooms
// (`room_joined`, `room_left`) and its end (`socket_disconnected`) are sent to the UIs.
// Data changes are found by comparing each socket's data at every stats report (C++ has
// no property traps), so one is sent at most every 2 s, with the data as it is then.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "sio/server/namespace.hpp"

namespace sio::admin_ui {

class AdminUi;

class NamespaceMonitor : public std::enable_shared_from_this<NamespaceMonitor> {
 public:
  NamespaceMonitor(std::weak_ptr<AdminUi> ui, const std::shared_ptr<Namespace>& nsp,
                   bool isUiNamespace);

  // Registers its connection handler (first of all) and room listeners.
  void start();
  // Sends `socket_updated` for each socket whose data changed since it was last sent.
  // False once the namespace is gone (the monitor can go too).
  bool reportDataChanges();

 private:
  void onConnection(const std::shared_ptr<Socket>& socket);
  void watchSocket(const std::shared_ptr<Socket>& socket);
  void send(const std::string& event, Args args);

  std::weak_ptr<AdminUi> ui_;
  std::weak_ptr<Namespace> nsp_;
  std::string name_;
  bool isUiNamespace_;
  // Each announced socket's data (without _admin) as the UIs last got it.
  std::unordered_map<SocketId, Value> sentData_;
};

}  // namespace sio::admin_ui
