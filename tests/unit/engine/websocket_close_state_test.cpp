// WebSocketCloseState: one close frame per side, the end after ours is written once the
// peer's came, a failure answered with its code, and finish once.
#include "websocket_close_state.hpp"

#include <gtest/gtest.h>

namespace sio::engine {
namespace {

TEST(WebSocketCloseState, StartsOpen) {
  WebSocketCloseState state;
  EXPECT_TRUE(state.open());
  EXPECT_FALSE(state.closeSent());
  EXPECT_FALSE(state.peerClosed());
  EXPECT_FALSE(state.closed());
}

TEST(WebSocketCloseState, WeCloseThenThePeerAnswers) {
  WebSocketCloseState state;
  auto step = state.closeByUs(1000);
  EXPECT_TRUE(step.sendCloseFrame);
  EXPECT_EQ(step.code, 1000);
  EXPECT_FALSE(step.finishWhenWritten);  // we wait for the peer's close frame
  EXPECT_FALSE(state.open());
  EXPECT_TRUE(state.closeSent());
  EXPECT_FALSE(state.closeByUs(1000).sendCloseFrame);  // once
  auto answer = state.peerClose(1000);
  EXPECT_FALSE(answer.sendCloseFrame);  // ours is already out
  EXPECT_TRUE(answer.finishWhenWritten);
  EXPECT_TRUE(state.peerClosed());
  EXPECT_TRUE(state.finish());
  EXPECT_TRUE(state.closed());
}

TEST(WebSocketCloseState, ThePeerClosesFirstAndWeEchoItsCode) {
  WebSocketCloseState state;
  auto step = state.peerClose(4001);
  EXPECT_TRUE(step.sendCloseFrame);
  EXPECT_EQ(step.code, 4001);
  EXPECT_TRUE(step.finishWhenWritten);
  EXPECT_FALSE(state.open());
  EXPECT_TRUE(state.peerClosed());
  EXPECT_FALSE(state.closeByUs(1000).sendCloseFrame);
}

TEST(WebSocketCloseState, AFailureIsAnsweredWithItsCodeAndReadsNothingMore) {
  WebSocketCloseState state;
  auto step = state.peerClose(1002);
  EXPECT_TRUE(step.sendCloseFrame);
  EXPECT_EQ(step.code, 1002);
  EXPECT_TRUE(state.peerClosed());
}

TEST(WebSocketCloseState, AbortSendsNothingAndFinishesOnce) {
  WebSocketCloseState state;
  state.abort();
  EXPECT_FALSE(state.open());
  EXPECT_FALSE(state.closeSent());
  EXPECT_TRUE(state.finish());
  EXPECT_FALSE(state.finish());
  EXPECT_FALSE(state.closeByUs(1000).sendCloseFrame);
  EXPECT_FALSE(state.peerClose(1000).sendCloseFrame);
}

}  // namespace
}  // namespace sio::engine
