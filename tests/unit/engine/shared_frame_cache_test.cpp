// SharedFrameCache: a payload framed twice in a row in one form shares one frame; a payload
// sent once is never put in a shared frame; another payload or form starts over.
#include "shared_frame_cache.hpp"

#include <gtest/gtest.h>

namespace sio::engine {
namespace {

const FrameForm kTextMessage{WebSocketOpcode::Text, true, '4'};

std::string frameOf(FrameForm form, std::string_view payload) {
  std::string out;
  appendServerFrame(form.opcode, form.prefixView(), payload, out);
  return out;
}

TEST(SharedFrameCache, TheSecondRecipientBuildsTheFrameTheRestShareIt) {
  SharedFrameCache cache;
  auto payload = makeBytes("2[\"tick\",1]");
  EXPECT_EQ(cache.frameFor(payload, kTextMessage), nullptr);  // the first frames it itself
  auto second = cache.frameFor(payload, kTextMessage);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(*second, frameOf(kTextMessage, *payload));
  EXPECT_EQ(cache.frameFor(payload, kTextMessage), second);  // the very same bytes
}

TEST(SharedFrameCache, AnotherPayloadWithTheSameBytesIsNotTheSame) {
  SharedFrameCache cache;
  auto first = makeBytes("x");
  auto equal = makeBytes("x");
  cache.frameFor(first, kTextMessage);
  EXPECT_EQ(cache.frameFor(equal, kTextMessage), nullptr);
  EXPECT_NE(cache.frameFor(equal, kTextMessage), nullptr);
}

TEST(SharedFrameCache, AnotherFormIsAnotherFrame) {
  SharedFrameCache cache;
  auto payload = makeBytes("bytes");
  const FrameForm binary{WebSocketOpcode::Binary, false, 0};
  const FrameForm v3Binary{WebSocketOpcode::Binary, true, 4};
  cache.frameFor(payload, binary);
  EXPECT_EQ(cache.frameFor(payload, v3Binary), nullptr);
  auto frame = cache.frameFor(payload, v3Binary);
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(*frame, frameOf(v3Binary, "bytes"));
}

TEST(SharedFrameCache, NoPayloadIsNeverShared) {
  SharedFrameCache cache;
  EXPECT_EQ(cache.frameFor(nullptr, kTextMessage), nullptr);
  EXPECT_EQ(cache.frameFor(nullptr, kTextMessage), nullptr);
}

TEST(SharedFrameCache, ClearLetsGoOfPayloadAndFrame) {
  SharedFrameCache cache;
  auto payload = makeBytes("p");
  cache.frameFor(payload, kTextMessage);
  auto frame = cache.frameFor(payload, kTextMessage);
  cache.clear();
  EXPECT_EQ(payload.use_count(), 1);
  EXPECT_EQ(frame.use_count(), 1);
  EXPECT_EQ(cache.frameFor(payload, kTextMessage), nullptr);
}

}  // namespace
}  // namespace sio::engine
