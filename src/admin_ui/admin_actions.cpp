// Argument checks and the broadcast operator calls behind the UI's actions. Namespaces are
// looked up as io.of(nsp) does (created when missing, a leading "/" added).
#include "admin_actions.hpp"

#include <optional>
#include <stdexcept>

#include "admin_ui.hpp"
#include "sio/server/socket.hpp"

namespace sio::admin_ui {
namespace {

// A room name, or an array of them (as socketsJoin and in() take).
std::optional<std::vector<Room>> roomList(const Value& value) {
  if (value.isString()) return std::vector<Room>{value.asString()};
  if (!value.isArray()) return std::nullopt;
  std::vector<Room> list;
  for (const auto& item : value.asArray()) {
    if (!item.isString()) return std::nullopt;
    list.push_back(item.asString());
  }
  return list;
}

// The selection of an action: io.of(nsp), narrowed with in(filter) when the filter is truthy
// (a room, or an array of rooms); nullopt when nsp is not a string or the filter is truthy
// but neither.
std::optional<BroadcastOperator> select(Server& server, const Args& args, size_t nspIndex,
                                        size_t filterIndex) {
  if (args.size() <= nspIndex || !args[nspIndex].isString()) return std::nullopt;
  auto nsp = server.of(args[nspIndex].asString());
  BroadcastOperator selection = nsp->in(std::vector<Room>{});
  if (args.size() <= filterIndex || !args[filterIndex].truthy()) return selection;
  auto filter = roomList(args[filterIndex]);
  if (!filter) return std::nullopt;
  return selection.in(*filter);
}

// The room argument of join / leave.
std::optional<std::vector<Room>> rooms(const Args& args, size_t index) {
  if (args.size() <= index) return std::nullopt;
  return roomList(args[index]);
}

template <class Action>
EventHandler handler(std::weak_ptr<AdminUi> weak, Action action) {
  return [weak, action](const Args& args, const Ack&) {
    if (auto ui = weak.lock()) action(ui->server(), args);
  };
}

}  // namespace

void registerActions(Socket& uiSocket, std::weak_ptr<AdminUi> ui) {
  uiSocket.on("emit", handler(ui, [](Server& server, const Args& args) {
                auto selection = select(server, args, 0, 1);
                if (!selection || args.size() < 3 || !args[2].isString()) return;
                try {
                  selection->emit(args[2].asString(), Args(args.begin() + 3, args.end()));
                } catch (const std::invalid_argument&) {
                  // a reserved event name ("connect", …): nothing is sent
                }
              }));
  uiSocket.on("join", handler(ui, [](Server& server, const Args& args) {
                auto selection = select(server, args, 0, 2);
                auto list = rooms(args, 1);
                if (selection && list) selection->socketsJoin(*list);
              }));
  uiSocket.on("leave", handler(ui, [](Server& server, const Args& args) {
                auto selection = select(server, args, 0, 2);
                auto list = rooms(args, 1);
                if (selection && list) selection->socketsLeave(*list);
              }));
  uiSocket.on("_disconnect", handler(ui, [](Server& server, const Args& args) {
                auto selection = select(server, args, 0, 2);
                if (!selection) return;
                selection->disconnectSockets(args.size() > 1 && args[1].truthy());
              }));
}

}  // namespace sio::admin_ui
