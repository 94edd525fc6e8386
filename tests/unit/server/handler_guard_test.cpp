// The dispatch boundary between the server and user code (src/server/handler_guard.hpp):
// under DisconnectSocket a throw is caught, logged at `error` with its event, namespace and
// socket, and handed to the hooks; under Rethrow it propagates unchanged.
#include "handler_guard.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>

#include "sio/log.hpp"

namespace sio {
namespace {

// Captures the library log for one test.
class CapturedLog {
 public:
  CapturedLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream_);
    sink->set_pattern("%l %v");
    log::setLogger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~CapturedLog() {
    log::setLogger(std::make_shared<spdlog::logger>(
        "stderr", std::make_shared<spdlog::sinks::ostream_sink_st>(std::cerr)));
  }
  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
};

const HandlerSite kSite{"sid1", "/chat", "message"};

TEST(HandlerGuard, CodeThatReturnsIsCalledOnceAndReportsNothing) {
  HandlerGuard guard(HandlerErrorPolicy::DisconnectSocket);
  int calls = 0, hooks = 0;
  guard.addHook([&](const HandlerError&) { ++hooks; });
  EXPECT_FALSE(guard.call(kSite, [&] { ++calls; }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hooks, 0);
}

TEST(HandlerGuard, StdExceptionIsContainedLoggedAndReported) {
  CapturedLog captured;
  HandlerGuard guard(HandlerErrorPolicy::DisconnectSocket);
  std::vector<HandlerError> seen;
  guard.addHook([&](const HandlerError& error) { seen.push_back(error); });
  auto error = guard.call(kSite, [] { throw std::runtime_error("boom"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->socket, "sid1");
  EXPECT_EQ(error->nsp, "/chat");
  EXPECT_EQ(error->event, "message");
  EXPECT_EQ(error->message, "boom");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].message, "boom");
  EXPECT_EQ(captured.text(),
            "error exception in the \"message\" handler (namespace /chat, socket sid1): boom\n");
}

TEST(HandlerGuard, AnythingElseIsAnUnknownException) {
  HandlerGuard guard(HandlerErrorPolicy::DisconnectSocket);
  auto error = guard.call(HandlerSite{"", "/", "ack"}, [] { throw 42; });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "unknown exception");
  EXPECT_EQ(error->socket, "");
}

TEST(HandlerGuard, RethrowLetsTheExceptionThroughWithoutReportingIt) {
  HandlerGuard guard(HandlerErrorPolicy::Rethrow);
  int hooks = 0;
  guard.addHook([&](const HandlerError&) { ++hooks; });
  EXPECT_THROW(guard.call(kSite, [] { throw std::logic_error("node would exit"); }),
               std::logic_error);
  EXPECT_THROW(guard.call(kSite, [] { throw 7; }), int);
  EXPECT_EQ(hooks, 0);
  EXPECT_FALSE(guard.call(kSite, [] {}));
}

TEST(HandlerGuard, AHookThatThrowsIsLoggedAndTheOthersStillRun) {
  CapturedLog captured;
  HandlerGuard guard(HandlerErrorPolicy::DisconnectSocket);
  int later = 0;
  guard.addHook([](const HandlerError&) { throw std::runtime_error("hook failed"); });
  guard.addHook([&](const HandlerError&) { ++later; });
  EXPECT_TRUE(guard.call(kSite, [] { throw std::runtime_error("boom"); }));
  EXPECT_EQ(later, 1);
  EXPECT_NE(captured.text().find("exception in a handler-error hook: hook failed"),
            std::string::npos);
}

}  // namespace
}  // namespace sio
