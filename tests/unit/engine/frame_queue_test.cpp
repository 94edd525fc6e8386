// FrameQueue: shared and owned frames leave in order, partial writes resume mid-segment,
// sizes count shared frames by their size, and a drained queue holds no memory: its
// segment array goes back to the thread's pool, for the next queue.
#include "frame_queue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sio::engine {
namespace {

// Concatenates what one scatter-gather write of at most `max` segments would send.
std::string gathered(const FrameQueue& queue, std::size_t max = 64) {
  iovec segments[64];
  std::size_t count = queue.gather(segments, max);
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out.append(static_cast<const char*>(segments[i].iov_base), segments[i].iov_len);
  return out;
}

void appendText(FrameQueue& queue, std::string_view text) {
  queue.appendOwned([&](std::string& out) { out.append(text); });
}

TEST(FrameQueue, KeepsSharedAndOwnedBytesInOrder) {
  FrameQueue queue;
  auto shared = makeBytes("SHARED");
  appendText(queue, "a");
  appendText(queue, "b");  // joins the owned segment before it
  queue.appendShared(shared);
  appendText(queue, "c");
  EXPECT_EQ(queue.size(), 9u);
  EXPECT_EQ(gathered(queue), "abSHAREDc");
  iovec segments[8];
  EXPECT_EQ(queue.gather(segments, 8), 3u);
}

TEST(FrameQueue, SharesTheFrameWithoutCopying) {
  FrameQueue first, second;
  auto shared = makeBytes("frame");
  first.appendShared(shared);
  second.appendShared(shared);
  iovec a[1], b[1];
  ASSERT_EQ(first.gather(a, 1), 1u);
  ASSERT_EQ(second.gather(b, 1), 1u);
  EXPECT_EQ(a[0].iov_base, shared->data());
  EXPECT_EQ(b[0].iov_base, shared->data());
  EXPECT_EQ(shared.use_count(), 3);
}

TEST(FrameQueue, ResumesAPartialWriteInsideASegment) {
  FrameQueue queue;
  appendText(queue, "hello");
  queue.appendShared(makeBytes("world"));
  queue.consume(3);
  EXPECT_EQ(queue.size(), 7u);
  EXPECT_EQ(gathered(queue), "loworld");
  queue.consume(4);
  EXPECT_EQ(gathered(queue), "rld");
  appendText(queue, "!");
  EXPECT_EQ(gathered(queue), "rld!");
  queue.consume(4);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(gathered(queue), "");
}

TEST(FrameQueue, GathersNoMoreSegmentsThanAsked) {
  FrameQueue queue;
  for (int i = 0; i < 10; ++i) queue.appendShared(makeBytes(std::to_string(i)));
  EXPECT_EQ(gathered(queue, 3), "012");
  queue.consume(3);
  EXPECT_EQ(gathered(queue, 3), "345");
}

TEST(FrameQueue, ReleasesAWrittenFrameAtOnce) {
  FrameQueue queue;
  auto shared = makeBytes("abc");
  queue.appendShared(shared);
  appendText(queue, "x");
  queue.consume(3);
  EXPECT_EQ(shared.use_count(), 1);
  EXPECT_EQ(queue.size(), 1u);
}

TEST(FrameQueue, AQueueAlwaysBehindDoesNotGrowWithWrittenSegments) {
  FrameQueue queue;
  auto shared = makeBytes("0123456789");
  for (int round = 0; round < 10000; ++round) {
    queue.appendShared(shared);
    queue.appendShared(shared);
    queue.consume(10);  // one frame out, one more in, each round
  }
  EXPECT_EQ(queue.size(), 10000u * 10);
  queue.consume(queue.size());
  EXPECT_TRUE(queue.empty());
}

TEST(FrameQueue, ClearDropsEverything) {
  FrameQueue queue;
  auto shared = makeBytes("abc");
  queue.appendShared(shared);
  appendText(queue, "x");
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(shared.use_count(), 1);
  queue.consume(5);  // nothing to consume: no effect
  EXPECT_EQ(queue.size(), 0u);
}

TEST(FrameQueue, ADrainedQueueLeavesItsStorageToTheNextOne) {
  FrameQueue::trimPooledStorage();
  FrameQueue::trimPooledStorage();  // nothing taken since: the pool is empty
  ASSERT_EQ(FrameQueue::pooledStorage(), 0u);
  FrameQueue first;
  first.appendShared(makeBytes("abc"));
  first.consume(3);
  EXPECT_EQ(FrameQueue::pooledStorage(), 1u);
  FrameQueue second;
  appendText(second, "xyz");
  EXPECT_EQ(FrameQueue::pooledStorage(), 0u);
  EXPECT_EQ(gathered(second), "xyz");
  second.clear();
  EXPECT_EQ(FrameQueue::pooledStorage(), 1u);
  FrameQueue::trimPooledStorage();  // one was taken this turn: kept
  EXPECT_EQ(FrameQueue::pooledStorage(), 1u);
  FrameQueue::trimPooledStorage();  // none taken: let go
  EXPECT_EQ(FrameQueue::pooledStorage(), 0u);
}

TEST(FrameQueue, IgnoresEmptyFrames) {
  FrameQueue queue;
  queue.appendShared(nullptr);
  queue.appendShared(makeBytes(""));
  appendText(queue, "");
  EXPECT_TRUE(queue.empty());
  iovec segments[4];
  EXPECT_EQ(queue.gather(segments, 4), 0u);
}

}  // namespace
}  // namespace sio::engine
