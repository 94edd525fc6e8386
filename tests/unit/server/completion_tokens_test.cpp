// The completion-token forms of the asynchronous calls, without sockets: a broadcast with
// acks over an in-memory adapter whose fake sockets answer when the test says, the
// classic adapter's requests on the in-memory adapter, and a Server that never listens.
// Each token kind is checked: a callback `(error_code, result)`, asio::use_future,
// asio::use_awaitable (with and without as_tuple), asio::deferred; the callback forms of
// before still compile and get an sio::Error. Also the table from Node's messages to codes.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/adapter/errors.hpp"
#include "sio/server/server.hpp"

namespace {

namespace asio = boost::asio;
using namespace sio;
using namespace std::chrono_literals;
using boost::system::error_code;

class FakeSocket : public LocalSocket {
 public:
  FakeSocket(SocketId id, Adapter& adapter) : id_(std::move(id)), adapter_(adapter) {}
  const SocketId& id() const override { return id_; }
  void writeEncoded(const protocol::EncodedPacket&, const BroadcastFlags&) override {}
  void notifyOutgoing(const protocol::Packet&) override {}
  void expectAck(uint64_t id, std::function<void(Args)> onAck) override {
    acks[id] = std::move(onAck);
  }
  void join(const std::vector<Room>& rooms) override { adapter_.addAll(id_, rooms); }
  void leave(const Room& room) override { adapter_.del(id_, room); }
  void disconnectByAdapter(bool close) override {
    disconnected = close ? "close" : "leave";
    adapter_.delAll(id_);
  }
  SocketDetails details() const override { return SocketDetails{id_, Value::object(), {}, {}}; }
  // Answers the pending ack (the broadcast's) with `response`.
  void answer(Value response) {
    ASSERT_EQ(acks.size(), 1u);
    auto ack = std::move(acks.begin()->second);
    acks.clear();
    ack({std::move(response)});
  }

  std::map<uint64_t, std::function<void(Args)>> acks;
  std::string disconnected;

 private:
  SocketId id_;
  Adapter& adapter_;
};

class FakeHost : public AdapterHost {
 public:
  FakeHost() : adapter(std::make_shared<Adapter>(*this)) {}
  const std::string& name() const override { return name_; }
  LocalSocket* localSocket(const SocketId& id) override {
    auto it = sockets.find(id);
    return it == sockets.end() ? nullptr : it->second.get();
  }
  uint64_t nextAckId() override { return nextAck_++; }
  void emitServerSide(Args, std::function<void(Args)>) override {}
  bool recoveryEnabled() const override { return false; }
  std::chrono::milliseconds maxDisconnectionDuration() const override { return {}; }
  asio::any_io_executor executor() override { return io.get_executor(); }

  FakeSocket& connect(const SocketId& id, std::vector<Room> rooms = {}) {
    auto& socket = sockets[id];
    socket = std::make_unique<FakeSocket>(id, *adapter);
    rooms.insert(rooms.begin(), id);
    adapter->addAll(id, rooms);
    return *socket;
  }
  BroadcastOperator all(std::chrono::milliseconds timeout = 10s) const {
    return BroadcastOperator(adapter).timeout(timeout);
  }

  asio::io_context io;
  std::shared_ptr<Adapter> adapter;
  std::map<SocketId, std::unique_ptr<FakeSocket>> sockets;

 private:
  std::string name_ = "/";
  uint64_t nextAck_ = 0;
};

// Waits for `future` as a use_future user does: the context runs on another thread (and
// asio::use_future sets the value from the system executor's).
template <class T>
T await(asio::io_context& io, std::future<T>& future) {
  std::thread runner([&io] { io.run(); });
  future.wait();
  runner.join();
  return future.get();
}

// Runs `body` as a coroutine on `io` until it has finished; rethrows what it threw. (GCC 12
// rejects a braced list in a statement that co_awaits, and gtest's EXPECT_EQ in a coroutine,
// with "array used as initializer": the coroutines store what they got, the tests check it
// afterwards.)
void runCoroutine(asio::io_context& io, std::function<asio::awaitable<void>()> body) {
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
  });
  io.restart();
  io.run();
  ASSERT_TRUE(finished);
  if (failure) std::rethrow_exception(failure);
}

TEST(ErrorCodes, NodesMessagesMapToCodes) {
  auto code = [](const char* message) { return toErrorCode(Error{message, std::nullopt}); };
  EXPECT_EQ(code("operation has timed out"), Errc::AckTimeout);
  EXPECT_EQ(code("timeout reached: only 1 responses received out of 2"), Errc::RequestTimeout);
  EXPECT_EQ(code("timeout reached: missing 1 responses"), Errc::RequestTimeout);
  EXPECT_EQ(code("timeout reached while waiting for allRooms response"), Errc::RequestTimeout);
  EXPECT_EQ(code("timeout reached while waiting for remoteJoin response"), Errc::RequestTimeout);
  EXPECT_EQ(code("the adapter was closed"), Errc::AdapterClosed);
  EXPECT_EQ(code("acknowledgements are not supported on a parent namespace"), Errc::NotSupported);
  EXPECT_EQ(code("something else"), Errc::Failed);
  EXPECT_FALSE(toErrorCode(std::nullopt));
  // a code's message is Node's, and toError gives it back
  EXPECT_EQ(error_code(Errc::AckTimeout).message(), "operation has timed out");
  EXPECT_EQ(toErrorCode(toError(Errc::SocketNotFound)), Errc::SocketNotFound);
  EXPECT_STREQ(error_code(Errc::NotSupported).category().name(), "sio");
}

TEST(CompletionTokens, CallbackGetsCodeAndResponsesPostedNotInline) {
  FakeHost host;
  auto& a = host.connect("a");
  auto& b = host.connect("b");
  bool called = false;
  error_code code = Errc::Failed;
  Args responses;
  host.all().emitWithAck("question", {1}, [&](error_code ec, Args r) {
    called = true;
    code = ec;
    responses = std::move(r);
  });
  a.answer("from a");
  b.answer("from b");
  EXPECT_FALSE(called) << "a completion runs on the executor, not inside the call";
  host.io.run();
  ASSERT_TRUE(called);
  EXPECT_FALSE(code);
  EXPECT_EQ(responses, (Args{"from a", "from b"}));
}

TEST(CompletionTokens, UseFutureThrowsTheTimeoutCode) {
  FakeHost host;
  host.connect("a");
  auto& b = host.connect("b");
  auto future = host.all(20ms).emitWithAck("question", {}, asio::use_future);
  b.answer("only b");
  try {
    await(host.io, future);
    FAIL() << "no timeout";
  } catch (const boost::system::system_error& error) {
    EXPECT_EQ(error.code(), Errc::AckTimeout);
    EXPECT_EQ(error.code().message(), "operation has timed out");
  }
}

TEST(CompletionTokens, AwaitableAsTupleKeepsThePartialResponses) {
  FakeHost host;
  host.connect("a");
  auto& b = host.connect("b");
  error_code code;
  Args responses;
  runCoroutine(host.io, [&]() -> asio::awaitable<void> {
    // b answers once the broadcast is out (co_await starts it, before the posted answer)
    asio::post(host.io, [&] { b.answer("only b"); });
    std::tie(code, responses) =
        co_await host.all(20ms).emitWithAck("question", {}, asio::as_tuple(asio::use_awaitable));
  });
  EXPECT_EQ(code, Errc::AckTimeout);
  EXPECT_EQ(responses, Args{"only b"});  // Node's err.responses
}

TEST(CompletionTokens, AwaitableThrowsSystemError) {
  FakeHost host;
  host.connect("silent");
  error_code thrown;
  std::optional<Args> none;
  runCoroutine(host.io, [&]() -> asio::awaitable<void> {
    try {
      co_await host.all(10ms).emitWithAck("question", {}, asio::use_awaitable);
    } catch (const boost::system::system_error& error) {
      thrown = error.code();
    }
    // nobody selected: done at once, with no responses
    none = co_await host.all().to("empty-room").emitWithAck("q", {}, asio::use_awaitable);
  });
  EXPECT_EQ(thrown, Errc::AckTimeout);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(CompletionTokens, ReservedEventThrowsAtTheCallNotLater) {
  FakeHost host;
  EXPECT_THROW(host.all().emitWithAck("disconnect", {}, asio::use_awaitable),
               std::invalid_argument);
  EXPECT_THROW(host.all().emitWithAck("connect", {}, asio::use_future), std::invalid_argument);
}

TEST(CompletionTokens, CallbackFormsOfBeforeStillGetAnSioError) {
  FakeHost host;
  host.connect("silent");
  std::optional<Error> seen;
  bool called = false;
  // a generic lambda, as the README writes them: still the callback form
  host.all(10ms).emitWithAck("q", {}, [&](const auto& error, Args) {
    called = true;
    seen = error;
  });
  host.io.run();
  ASSERT_TRUE(called);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->message, "operation has timed out");

  bool fetched = false;
  BroadcastOperator(host.adapter).fetchSockets([&](std::vector<RemoteSocket> sockets, auto& error) {
    fetched = true;
    EXPECT_FALSE(error);
    EXPECT_EQ(sockets.size(), 1u);
  });
  EXPECT_TRUE(fetched);  // the callback form answers at once in memory, as before
}

TEST(CompletionTokens, FetchAndAllSocketsWithTokens) {
  FakeHost host;
  host.connect("a", {"red"});
  host.connect("b", {"red", "blue"});
  host.connect("c");
  auto future = BroadcastOperator(host.adapter).to("red").fetchSockets(asio::use_future);
  auto sockets = await(host.io, future);
  std::set<SocketId> ids;
  for (const auto& socket : sockets) ids.insert(socket.id());
  EXPECT_EQ(ids, (std::set<SocketId>{"a", "b"}));

  std::set<SocketId> all, blue, local;
  runCoroutine(host.io, [&]() -> asio::awaitable<void> {
    all = co_await BroadcastOperator(host.adapter).allSockets(asio::use_awaitable);
    blue = co_await BroadcastOperator(host.adapter)
               .in("blue")
               .except("b")
               .allSockets(asio::use_awaitable);
    local =
        co_await BroadcastOperator(host.adapter).local().in("red").allSockets(asio::use_awaitable);
  });
  EXPECT_EQ(all, (std::set<SocketId>{"a", "b", "c"}));
  // except is not applied (as Node's allSockets), local() changes nothing in memory
  EXPECT_EQ(blue, (std::set<SocketId>{"b"}));
  EXPECT_EQ(local, (std::set<SocketId>{"a", "b"}));
}

TEST(CompletionTokens, ClassicRequestsOnTheInMemoryAdapter) {
  FakeHost host;
  host.connect("a", {"red"});
  auto& b = host.connect("b");
  Adapter& adapter = *host.adapter;
  std::set<Room> rooms;
  std::set<SocketId> red, joined, left;
  error_code unknown;
  const std::set<Room> redRoom{"red"};  // (GCC 12: no braced list in a statement that co_awaits)
  runCoroutine(host.io, [&]() -> asio::awaitable<void> {
    rooms = co_await adapter.allRooms(asio::use_awaitable);
    red = co_await adapter.sockets(redRoom, asio::use_awaitable);
    co_await adapter.remoteJoin("b", "red", asio::use_awaitable);
    joined = co_await adapter.sockets(redRoom, asio::use_awaitable);
    co_await adapter.remoteLeave("a", "red", asio::use_awaitable);
    left = co_await adapter.sockets(redRoom, asio::use_awaitable);
    co_await adapter.remoteDisconnect("b", true, asio::use_awaitable);
    try {
      co_await adapter.remoteJoin("nobody", "red", asio::use_awaitable);
    } catch (const boost::system::system_error& error) {
      unknown = error.code();
    }
  });
  EXPECT_EQ(rooms, (std::set<Room>{"a", "b", "red"}));
  EXPECT_EQ(red, (std::set<SocketId>{"a"}));
  EXPECT_EQ(joined, (std::set<SocketId>{"a", "b"}));
  EXPECT_EQ(left, (std::set<SocketId>{"b"}));
  EXPECT_EQ(b.disconnected, "close");
  EXPECT_EQ(unknown, Errc::SocketNotFound);

  // asio::deferred: nothing happens until the deferred operation is launched
  auto deferred = adapter.allRooms(asio::deferred);
  bool called = false;
  std::move(deferred)([&](error_code ec, std::set<Room> rooms) {
    called = true;
    EXPECT_FALSE(ec);
    EXPECT_TRUE(rooms.contains("a"));
  });
  host.io.restart();
  host.io.run();
  EXPECT_TRUE(called);
}

TEST(CompletionTokens, ServerWithoutSockets) {
  asio::io_context io;
  Server server(io);
  std::vector<std::string> heard;
  server.on("ping", [&](const Args&, const Ack&) { heard.push_back("ping"); });
  EXPECT_THROW(server.on("connection", [](const Args&, const Ack&) {}), std::invalid_argument);
  EXPECT_THROW(server.of("/x")->on("connect", [](const Args&, const Ack&) {}),
               std::invalid_argument);
  EXPECT_THROW(server.serverSideEmitWithAck("connect", {}, asio::use_awaitable),
               std::invalid_argument);
  size_t results = 0;
  const Args one{1};  // (GCC 12: no braced list in a statement that co_awaits)
  runCoroutine(io, [&]() -> asio::awaitable<void> {
    results += (co_await server.fetchSockets(asio::use_awaitable)).size();
    results += (co_await server.allSockets(asio::use_awaitable)).size();
    results += (co_await server.of("/custom")->allSockets(asio::use_awaitable)).size();
    // no other server: no responses, at once
    results += (co_await server.serverSideEmitWithAck("ping", one, asio::use_awaitable)).size();
    results += (co_await server.sockets().adapter().allRooms(asio::use_awaitable)).size();
    results += 100;
    server.close();
  });
  EXPECT_EQ(results, 100u) << "every call completed, with nothing in it";
  // the listener is the main namespace's: a server-side event from another node reaches it
  server.sockets().emitServerSide({"ping"}, nullptr);
  EXPECT_EQ(heard, std::vector<std::string>{"ping"});
}

}  // namespace

// An operator kept after its namespace is gone reaches nothing through the adapter: emits
// do nothing and report it, requests fail with "the adapter was closed".
TEST(OperatorAfterNamespace, ReachesNothingAndReportsTheAdapterClosed) {
  FakeHost host;
  auto& a = host.connect("a", {"room"});
  auto op = host.all();
  host.adapter->detachHost();  // what ~Namespace does
  EXPECT_FALSE(op.emit("plain", {1}));
  error_code code;
  bool called = false;
  op.emitWithAck("question", {1}, [&](error_code ec, Args) {
    called = true;
    code = ec;
  });
  std::set<SocketId> ids{"x"};
  error_code idsCode;
  op.allSockets([&](error_code ec, std::set<SocketId> found) {
    idsCode = ec;
    ids = std::move(found);
  });
  op.disconnectSockets(true);
  op.socketsLeave({"room"});
  host.io.run();
  EXPECT_TRUE(called);
  EXPECT_EQ(code, make_error_code(Errc::AdapterClosed));
  EXPECT_EQ(idsCode, make_error_code(Errc::AdapterClosed));
  EXPECT_TRUE(ids.empty());
  EXPECT_TRUE(a.acks.empty()) << "the socket was not asked for an ack";
  EXPECT_EQ(a.disconnected, "");
  EXPECT_EQ(host.adapter->sockets({"room"}).size(), 1u);
}
