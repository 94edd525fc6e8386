// The UI's socket shape. The address is the first of the cf-connecting-ip and
// x-forwarded-for headers that is set, else the TCP peer's, as admin-ui takes it. Members
// missing on the way in (a socket of a node that does not instrument) are left out, as JS
// leaves out undefined.
#include "socket_serializer.hpp"

namespace sio::admin_ui {
namespace {

// A non-empty string member of `headers` (JS truthiness of a header value).
const Value* presentHeader(const Value* headers, const char* name) {
  if (!headers) return nullptr;
  const Value* value = headers->find(name);
  if (!value || (value->isString() && value->asString().empty()) || value->isNull()) return nullptr;
  return value;
}

void copyMember(Value& to, const Value& from, const char* key) {
  if (const Value* member = from.find(key)) to.set(key, *member);
}

}  // namespace

Value dataWithoutAdmin(const Value& data) {
  if (!data.isObject()) return data;
  Value::Object members;
  for (const auto& member : data.asObject())
    if (member.first != kAdminDataKey) members.push_back(member);
  return Value(std::move(members));
}

Value serializeSocket(const SocketId& id, const std::string& nsp, const Value& handshake,
                      const std::vector<Room>& rooms, const Value& data) {
  Value socket = Value::object({{"id", id}});
  if (const Value* admin = data.find(kAdminDataKey)) {
    copyMember(socket, *admin, "clientId");
    copyMember(socket, *admin, "transport");
  }
  socket.set("nsp", nsp);
  socket.set("data", dataWithoutAdmin(data));

  const Value* headers = handshake.find("headers");
  Value details = Value::object();
  if (const Value* address = presentHeader(headers, "cf-connecting-ip"))
    details.set("address", *address);
  else if (const Value* forwarded = presentHeader(headers, "x-forwarded-for"))
    details.set("address", *forwarded);
  else
    copyMember(details, handshake, "address");
  for (const char* key : {"headers", "query", "issued", "secure", "time", "url", "xdomain"})
    copyMember(details, handshake, key);
  socket.set("handshake", std::move(details));

  Value list = Value::array();
  for (const auto& room : rooms) list.push(room);
  socket.set("rooms", std::move(list));
  return socket;
}

}  // namespace sio::admin_ui
