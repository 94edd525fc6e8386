// Development mode listeners of one namespace. Handlers hold the monitor and the socket
// weakly; room_left is sent from a posted handler, as admin-ui defers it (process.nextTick):
// on a disconnect the UIs get socket_disconnected before the rooms it left.
#include "namespace_monitor.hpp"

#include <boost/asio/post.hpp>

#include "admin_ui.hpp"
#include "iso_time.hpp"
#include "sio/server/socket.hpp"
#include "socket_serializer.hpp"

namespace sio::admin_ui {
namespace {

std::string now() {
  return isoTime(std::chrono::system_clock::now());
}

// {_admin: {clientId, transport}, ...data}: _admin first, as admin-ui builds it.
Value withAdminData(const Value& data, Value admin) {
  Value::Object members{{kAdminDataKey, std::move(admin)}};
  if (data.isObject())
    for (const auto& member : data.asObject())
      if (member.first != kAdminDataKey) members.push_back(member);
  return Value(std::move(members));
}

Value eventArgs(const std::string& event, const Args& args) {
  Value::Array all;
  all.reserve(args.size() + 1);
  all.emplace_back(event);
  all.insert(all.end(), args.begin(), args.end());
  return Value(std::move(all));
}

}  // namespace

NamespaceMonitor::NamespaceMonitor(std::weak_ptr<AdminUi> ui, const std::shared_ptr<Namespace>& nsp,
                                   bool isUiNamespace)
    : ui_(std::move(ui)), nsp_(nsp), name_(nsp->name()), isUiNamespace_(isUiNamespace) {}

void NamespaceMonitor::send(const std::string& event, Args args) {
  if (auto ui = ui_.lock()) ui->broadcast(event, std::move(args));
}

void NamespaceMonitor::start() {
  auto nsp = nsp_.lock();
  if (!nsp) return;
  std::weak_ptr<NamespaceMonitor> weak = weak_from_this();
  nsp->prependConnection([weak](const std::shared_ptr<Socket>& socket) {
    if (auto self = weak.lock()) self->onConnection(socket);
  });
  nsp->adapter().onJoinRoom([weak](const Room& room, const SocketId& id) {
    if (auto self = weak.lock()) self->send("room_joined", {self->name_, room, id, now()});
  });
  auto executor = nsp->executor();
  nsp->adapter().onLeaveRoom([weak, executor](const Room& room, const SocketId& id) {
    boost::asio::post(executor, [weak, room, id, time = now()] {
      if (auto self = weak.lock()) self->send("room_left", {self->name_, room, id, time});
    });
  });
}

void NamespaceMonitor::onConnection(const std::shared_ptr<Socket>& socket) {
  auto& conn = socket->conn();
  Value admin = Value::object(
      {{"clientId", conn.id().substr(0, 12)}, {"transport", std::string(conn.transportName())}});
  socket->data() = withAdminData(socket->data(), std::move(admin));
  sentData_[socket->id()] = dataWithoutAdmin(socket->data());
  SocketDetails details = socket->details();
  send("socket_connected",
       {serializeSocket(details.id, name_, details.handshake, details.rooms, details.data), now()});
  watchSocket(socket);
}

void NamespaceMonitor::watchSocket(const std::shared_ptr<Socket>& socket) {
  std::weak_ptr<NamespaceMonitor> weak = weak_from_this();
  std::weak_ptr<Socket> weakSocket = socket;
  socket->onTransportUpgrade([weak, weakSocket](std::string_view transport) {
    auto self = weak.lock();
    auto socket = weakSocket.lock();
    if (!self || !socket) return;
    Value& data = socket->data();
    if (Value* admin = data.find(kAdminDataKey); admin && admin->isObject())
      admin->set("transport", std::string(transport));
    self->send("socket_updated", {Value::object({{"id", socket->id()},
                                                 {"nsp", self->name_},
                                                 {"transport", std::string(transport)}})});
  });
  if (!isUiNamespace_) {
    socket->onAny([weak, id = socket->id()](const std::string& event, const Args& args) {
      if (auto self = weak.lock())
        self->send("event_received", {self->name_, id, eventArgs(event, args), now()});
    });
    socket->onAnyOutgoing([weak, id = socket->id()](const std::string& event, const Args& args) {
      if (auto self = weak.lock())
        self->send("event_sent", {self->name_, id, eventArgs(event, args), now()});
    });
  }
  socket->onDisconnect([weak, id = socket->id()](const std::string& reason, const std::string&) {
    auto self = weak.lock();
    if (!self) return;
    self->sentData_.erase(id);
    self->send("socket_disconnected", {self->name_, id, reason, now()});
  });
}

bool NamespaceMonitor::reportDataChanges() {
  auto nsp = nsp_.lock();
  if (!nsp) return false;
  for (const auto& socket : nsp->sockets()) {
    auto sent = sentData_.find(socket->id());
    if (sent == sentData_.end()) continue;  // connected before instrument(): not watched
    Value data = dataWithoutAdmin(socket->data());
    if (data == sent->second) continue;
    sent->second = data;
    send("socket_updated",
         {Value::object({{"id", socket->id()}, {"nsp", name_}, {"data", std::move(data)}})});
  }
  return true;
}

}  // namespace sio::admin_ui
