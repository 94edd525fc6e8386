// Proves the redis-fixture protocol (support/redis_fixture_dispatcher.hpp) that the Node.js
// tests use through the redis-fixture tool: request lines in, reply lines out (ids echoed,
// errors as replies, server states attached), a server driven by its handle, a cluster's
// nodes named by handles, and everything killed and removed when the input ends.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "sio/codec/json.hpp"
#include "support/redis_fixture_dispatcher.hpp"
#include "support/redis_processes.hpp"

namespace {

using namespace sio::redis_test;
using sio::Value;

Value Parse(const std::string& line) {
  std::optional<Value> v = sio::codec::parseJson(line);
  EXPECT_TRUE(v.has_value()) << line;
  return v ? *v : Value();
}

/// Sends a request to the dispatcher as a line and returns the parsed reply.
Value Call(FixtureDispatcher& d, const std::string& json) {
  return Parse(d.handleLine(json));
}

/// The "result" of a successful reply (fails the test on an error reply).
Value Result(const Value& reply) {
  const Value* ok = reply.find("ok");
  EXPECT_TRUE(ok && ok->isBool() && ok->asBool()) << sio::codec::toJson(reply);
  const Value* result = reply.find("result");
  return result ? *result : Value();
}

std::string Str(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->isString() ? f->asString() : "";
}

int Int(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->isInt() ? static_cast<int>(f->asInt()) : -1;
}

TEST(RedisFixtureDispatcher, AnswersEachLineWithItsIdAndReportsErrorsAsReplies) {
  FixtureDispatcher d;
  Value ports = Result(Call(d, R"({"id":7,"op":"freePorts","count":3})"));
  ASSERT_TRUE(ports.isArray());
  EXPECT_EQ(ports.size(), 3u);

  Value reply = Call(d, R"({"id":"x","op":"noSuchOp"})");
  EXPECT_EQ(Str(reply, "id"), "x");
  EXPECT_FALSE(reply.find("ok")->asBool());
  EXPECT_EQ(Str(reply, "error"), "noSuchOp: unknown operation");

  EXPECT_EQ(Str(Call(d, R"({"id":1,"op":"stop","handle":"s9"})"), "error"), "stop: no server 's9'");
  EXPECT_EQ(Str(Call(d, R"({"id":2,"op":"stop"})"), "error"), "stop: missing 'handle'");
  EXPECT_EQ(Str(Call(d, R"({"id":3,"op":"startServer","options":{"apendOnly":true}})"), "error"),
            "startServer: unknown option 'apendOnly'");
  EXPECT_EQ(Str(Call(d, R"({"id":4,"op":"startServer","options":{"appendOnly":"yes"}})"), "error"),
            "startServer: 'appendOnly' must be a boolean");

  Value bad = Call(d, "{not json");
  EXPECT_TRUE(bad.find("id")->isNull());
  EXPECT_NE(Str(bad, "error").find("not JSON"), std::string::npos);

  Value program = Result(Call(
      d, R"({"id":5,"op":"runProgram","argv":["sh","-c","echo $X; exit 3"],"env":{"X":"hi"}})"));
  EXPECT_EQ(Int(program, "code"), 3);
  EXPECT_EQ(Str(program, "stdout"), "hi\n");
}

TEST(RedisFixtureDispatcher, DrivesAServerByItsHandle) {
  FixtureDispatcher d;
  Value s = Result(
      Call(d, R"({"id":1,"op":"startServer","options":{"appendOnly":true,"password":"pw"}})"));
  const std::string handle = Str(s, "handle");
  const int port = Int(s, "port");
  EXPECT_EQ(handle, "s1");
  EXPECT_TRUE(s.find("running")->asBool());
  EXPECT_GT(Int(s, "pid"), 0);
  EXPECT_EQ(Str(s, "password"), "pw");
  EXPECT_TRUE(std::filesystem::exists(Str(s, "configFile")));

  const std::string ref = R"("handle":")" + handle + R"(")";
  EXPECT_EQ(
      Result(Call(d, R"({"id":2,"op":"cli",)" + ref + R"(,"args":["SET","k",1]})")).asString(),
      "OK");
  Value stopped = Call(d, R"({"id":3,"op":"stop",)" + ref + "}");
  EXPECT_FALSE(Result(stopped).find("running")->asBool());
  EXPECT_FALSE((*stopped.find("servers"))[handle].find("running")->asBool());
  EXPECT_THROW(RespCommand(port, {"PING"}), std::runtime_error);

  Value started = Result(Call(d, R"({"id":4,"op":"start",)" + ref + "}"));
  EXPECT_EQ(Int(started, "port"), port);
  EXPECT_EQ(Result(Call(d, R"({"id":5,"op":"cli",)" + ref + R"(,"args":["GET","k"]})")).asString(),
            "1");

  Result(Call(d, R"({"id":6,"op":"cleanup",)" + ref + "}"));
  EXPECT_FALSE(std::filesystem::exists(Str(s, "dir")));
  EXPECT_EQ(Str(Call(d, R"({"id":7,"op":"state",)" + ref + "}"), "error"), "state: no server 's1'");
}

TEST(RedisFixtureDispatcher, KillsAndRemovesEverythingWhenTheInputEnds) {
  std::istringstream in(
      "{\"id\":1,\"op\":\"startServer\"}\n"
      "\n"
      "{\"id\":2,\"op\":\"startServer\",\"options\":{\"sentinel\":false}}\n");
  std::ostringstream out;
  ServeFixtureRequests(in, out);

  std::istringstream lines(out.str());
  std::string line;
  std::vector<Value> servers;
  while (std::getline(lines, line)) servers.push_back(Result(Parse(line)));
  ASSERT_EQ(servers.size(), 2u);
  for (const Value& s : servers) {
    EXPECT_FALSE(std::filesystem::exists(Str(s, "dir")));
    EXPECT_THROW(RespCommand(Int(s, "port"), {"PING"}), std::runtime_error);
  }
}

TEST(RedisFixtureDispatcher, NamesTheNodesOfAClusterByHandle) {
  FixtureDispatcher d;
  Value c = Result(
      Call(d, R"({"id":1,"op":"startCluster","options":{"masters":3,"replicasPerMaster":0}})"));
  const std::string ref = R"("handle":")" + Str(c, "handle") + R"(")";
  const Value& nodes = *c.find("nodes");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(Result(Call(d, R"({"id":2,"op":"masters",)" + ref + "}")).size(), 3u);

  const int slot =
      Int(Call(d, R"({"id":3,"op":"keySlot",)" + ref + R"(,"key":"moving"})"), "result");
  const std::string from = Result(Call(d, R"({"id":4,"op":"nodeForSlot",)" + ref +
                                              ",\"slot\":" + std::to_string(slot) + "}"))
                               .asString();
  std::string to;
  for (const Value& n : nodes.asArray())
    if (Str(n, "handle") != from) to = Str(n, "handle");
  Result(Call(d, R"({"id":5,"op":"migrateSlot",)" + ref + ",\"slot\":" + std::to_string(slot) +
                     R"(,"from":")" + from + R"(","to":")" + to + R"("})"));
  EXPECT_EQ(Result(Call(d, R"({"id":6,"op":"nodeForSlot",)" + ref +
                               ",\"slot\":" + std::to_string(slot) + "}"))
                .asString(),
            to);

  // a node's own handle works with the server operations
  Value killed = Result(Call(d, R"({"id":7,"op":"kill","handle":")" + to + R"("})"));
  EXPECT_FALSE(killed.find("running")->asBool());
  Result(Call(d, R"({"id":8,"op":"cleanup",)" + ref + "}"));
  EXPECT_FALSE(std::filesystem::exists(Str(nodes[0], "dir")));
  EXPECT_NE(Str(Call(d, R"({"id":9,"op":"state","handle":")" + from + R"("})"), "error"), "");
}

}  // namespace
