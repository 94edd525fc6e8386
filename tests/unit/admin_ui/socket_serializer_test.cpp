// The socket shape of the Admin UI: admin-ui's key order, clientId and transport taken from
// data._admin (and data shown without it), the address from cf-connecting-ip, then
// x-forwarded-for, then the peer, and whatever is missing (a node that does not
// instrument) left out.
#include "socket_serializer.hpp"

#include <gtest/gtest.h>

namespace sio::admin_ui {
namespace {

std::vector<std::string> keys(const Value& object) {
  std::vector<std::string> names;
  for (const auto& member : object.asObject()) names.push_back(member.first);
  return names;
}

Value handshake(Value headers) {
  return Value::object({{"headers", std::move(headers)},
                        {"time", "Mon Dec 07 2026 06:40:43 GMT+0000 (Coordinated Universal Time)"},
                        {"address", "10.1.2.3"},
                        {"xdomain", true},
                        {"secure", false},
                        {"issued", int64_t(1796625643946)},
                        {"url", "/socket.io/?EIO=4&transport=polling"},
                        {"query", Value::object({{"EIO", "4"}})},
                        {"auth", Value::object({{"token", "hidden"}})}});
}

TEST(SocketSerializer, HasAdminUisShape) {
  Value data = Value::object(
      {{"_admin", Value::object({{"clientId", "abcdefghijkl"}, {"transport", "polling"}})},
       {"name", "ada"}});
  Value s = serializeSocket("sid1", "/chat", handshake(Value::object({{"host", "h"}})),
                            {"sid1", "room"}, data);
  EXPECT_EQ(keys(s), (std::vector<std::string>{"id", "clientId", "transport", "nsp", "data",
                                               "handshake", "rooms"}));
  EXPECT_EQ(s["id"], Value("sid1"));
  EXPECT_EQ(s["clientId"], Value("abcdefghijkl"));
  EXPECT_EQ(s["transport"], Value("polling"));
  EXPECT_EQ(s["nsp"], Value("/chat"));
  EXPECT_EQ(s["data"], Value::object({{"name", "ada"}}));
  EXPECT_EQ(s["rooms"], Value::array({"sid1", "room"}));
  const Value& h = s["handshake"];
  EXPECT_EQ(keys(h), (std::vector<std::string>{"address", "headers", "query", "issued", "secure",
                                               "time", "url", "xdomain"}));
  EXPECT_EQ(h.find("auth"), nullptr) << "auth stays out";
  EXPECT_EQ(h.find("address")->asString(), "10.1.2.3");
}

TEST(SocketSerializer, TakesTheAddressFromProxyHeadersFirst) {
  auto address = [](Value headers) {
    return serializeSocket("s", "/", handshake(std::move(headers)), {},
                           Value::object())["handshake"]["address"];
  };
  EXPECT_EQ(
      address(Value::object({{"x-forwarded-for", "1.1.1.1"}, {"cf-connecting-ip", "2.2.2.2"}})),
      Value("2.2.2.2"));
  EXPECT_EQ(address(Value::object({{"x-forwarded-for", "1.1.1.1, 3.3.3.3"}})),
            Value("1.1.1.1, 3.3.3.3"));
  EXPECT_EQ(address(Value::object({{"x-forwarded-for", ""}})), Value("10.1.2.3"));
  EXPECT_EQ(address(Value::object()), Value("10.1.2.3"));
}

TEST(SocketSerializer, LeavesOutWhatIsMissing) {
  // a socket of a node without instrument(): no _admin, and odd handshake or data
  Value s = serializeSocket("s", "/", Value::object(), {}, Value::object({{"n", 1}}));
  EXPECT_EQ(keys(s), (std::vector<std::string>{"id", "nsp", "data", "handshake", "rooms"}));
  EXPECT_EQ(s["handshake"], Value::object());
  EXPECT_EQ(s["rooms"], Value::array());
  Value odd = serializeSocket("s", "/", Value("not an object"), {}, Value(42));
  EXPECT_EQ(odd["data"], Value(42));
  Value adminNotObject = serializeSocket("s", "/", Value(), {}, Value::object({{"_admin", 5}}));
  EXPECT_EQ(adminNotObject["data"], Value::object());
  EXPECT_EQ(adminNotObject.find("clientId"), nullptr);
}

TEST(SocketSerializer, DataWithoutAdmin) {
  EXPECT_EQ(dataWithoutAdmin(Value::object({{"a", 1}, {"_admin", Value::object()}, {"b", 2}})),
            Value::object({{"a", 1}, {"b", 2}}));
  EXPECT_EQ(dataWithoutAdmin(Value::array({1})), Value::array({1}));
  EXPECT_EQ(dataWithoutAdmin(Value()), Value());
}

}  // namespace
}  // namespace sio::admin_ui
