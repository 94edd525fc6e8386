// The actions the Admin UI offers (admin-ui's feature handlers), listened to on each UI
// socket unless read-only:
//   emit        (nsp, filter, event, ...args)  io.of(nsp)[.in(filter)].emit(event, ...args)
//   join        (nsp, room, filter)            io.of(nsp)[.in(filter)].socketsJoin(room)
//   leave       (nsp, room, filter)            io.of(nsp)[.in(filter)].socketsLeave(room)
//   _disconnect (nsp, close, filter)           io.of(nsp)[.in(filter)].disconnectSockets(close)
// They reach the whole cluster through the adapter. `filter` is a room (a socket id for one
// socket) or an array of rooms; a falsy one (absent, null, false, 0, "") means none. A
// request whose arguments have other types is ignored (admin-ui passes them on unchecked:
// a number becomes a room, a reserved event name throws).
#pragma once

#include <memory>

namespace sio {
class Socket;
}

namespace sio::admin_ui {

class AdminUi;

void registerActions(Socket& uiSocket, std::weak_ptr<AdminUi> ui);

}  // namespace sio::admin_ui
