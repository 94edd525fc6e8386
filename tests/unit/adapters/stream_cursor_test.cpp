// StreamCursor: the Streams adapter's read loop without Redis. Each test plays one
// sequence of XREVRANGE / XREAD answers, failures, retries and trimming, and checks which
// command comes next and from which id, which entries are handed on (never one twice,
// none lost), and what is reported as a gap.
#include "stream_cursor.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "stream_id.hpp"

namespace sio::adapters::streams {
namespace {

// A stream whose entries are `<ms>-0`, as XADD makes them.
StreamEntry entry(const std::string& id) {
  return {id, {"uid", "other", "nsp", "/"}};
}

struct StreamCursorTest : ::testing::Test {
  StreamCursor cursor;
  std::vector<std::string> handedOn;  // ids, in the order they were handed on
  std::vector<std::string> commands;  // "XREVRANGE", "XREAD <id>", "RETRY", "XRANGE-OLDEST"

  void apply(const StreamCursor::Actions& actions) {
    if (actions.findStart) commands.push_back("XREVRANGE");
    if (actions.read) commands.push_back("XREAD " + cursor.readFrom());
    if (actions.retryLater) commands.push_back("RETRY");
  }
  // An XREAD answered with these entries (none: its BLOCK timed out), as the reader does.
  void read(const std::vector<std::string>& ids, int64_t nowMs = 0) {
    if (cursor.onReadAnswer()) commands.push_back("XRANGE-OLDEST");
    for (const auto& id : ids) {
      cursor.handOn(id);
      handedOn.push_back(id);
    }
    apply(cursor.onReadDone(!ids.empty(), nowMs));
  }
  // The XREAD the stream answers after `from`, given its entries.
  static std::vector<std::string> after(const std::string& from,
                                        const std::vector<std::string>& stream) {
    std::vector<std::string> ids;
    for (const auto& id : stream)
      if (compareStreamIds(id, from) > 0) ids.push_back(id);
    return ids;
  }
  std::string last() const { return commands.empty() ? "" : commands.back(); }
};

TEST_F(StreamCursorTest, StartsFromTheStreamsLastEntryNotDollar) {
  apply(cursor.start());
  EXPECT_EQ(commands, (std::vector<std::string>{"XREVRANGE"}));
  EXPECT_TRUE(cursor.readFrom().empty());
  EXPECT_FALSE(cursor.behindFrom());
  apply(cursor.onStart({entry("1700-3")}));
  EXPECT_EQ(last(), "XREAD 1700-3");
  EXPECT_EQ(cursor.behindFrom(), "1700-4");
}

TEST_F(StreamCursorTest, AnEmptyStreamIsReadFromTheBeginning) {
  apply(cursor.start());
  apply(cursor.onStart({}));
  EXPECT_EQ(last(), "XREAD 0-0");
}

TEST_F(StreamCursorTest, StartsOnlyOnce) {
  apply(cursor.start());
  apply(cursor.start());
  EXPECT_EQ(commands, (std::vector<std::string>{"XREVRANGE"}));
}

TEST_F(StreamCursorTest, EachReadStartsAfterTheLastEntryHandedOn) {
  apply(cursor.start());
  apply(cursor.onStart({entry("100-0")}));
  read({"101-0", "102-0"});
  EXPECT_EQ(last(), "XREAD 102-0");
  read({});  // BLOCK timed out: same id again
  EXPECT_EQ(last(), "XREAD 102-0");
  read({"103-0"});
  EXPECT_EQ(last(), "XREAD 103-0");
  EXPECT_EQ(handedOn, (std::vector<std::string>{"101-0", "102-0", "103-0"}));
  EXPECT_EQ(cursor.stats().entries, 3u);
}

TEST_F(StreamCursorTest, AFailedStartIsRetriedFromTheStart) {
  apply(cursor.start());
  apply(cursor.onFailure());
  EXPECT_EQ(last(), "RETRY");
  EXPECT_EQ(cursor.stats().errors, 1u);
  apply(cursor.onRetry());
  EXPECT_EQ(last(), "XREVRANGE");  // the last id is still unknown
  apply(cursor.onStart({entry("5-0")}));
  EXPECT_EQ(last(), "XREAD 5-0");
}

TEST_F(StreamCursorTest, AfterAFailedReadItResumesAfterTheLastEntryWithoutLossOrRepeat) {
  std::vector<std::string> stream = {"10-0", "11-0", "12-0"};
  apply(cursor.start());
  apply(cursor.onStart({entry("10-0")}));
  read(after("10-0", stream));
  EXPECT_EQ(last(), "XREAD 12-0");
  // the link breaks; meanwhile others write
  apply(cursor.onFailure());
  apply(cursor.onFailure());  // the retry's read failed too
  EXPECT_EQ(cursor.stats().errors, 2u);
  stream.insert(stream.end(), {"13-0", "14-0"});
  apply(cursor.onRetry());
  EXPECT_EQ(last(), "XREAD 12-0");
  read(after(cursor.readFrom(), stream));
  EXPECT_EQ(handedOn, (std::vector<std::string>{"11-0", "12-0", "13-0", "14-0"}));
  EXPECT_EQ(last(), "XREAD 14-0");
}

TEST_F(StreamCursorTest, TheFirstReadAfterAFailureChecksForTrimmingOnce) {
  apply(cursor.start());
  apply(cursor.onStart({entry("10-0")}));
  read({});
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "XRANGE-OLDEST"), 0);
  apply(cursor.onFailure());
  apply(cursor.onRetry());
  read({});
  read({});
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "XRANGE-OLDEST"), 1);
}

TEST_F(StreamCursorTest, EntriesTrimmedAwayUnreadAreAGap) {
  apply(cursor.start());
  apply(cursor.onStart({entry("10-0")}));
  apply(cursor.onFailure());
  apply(cursor.onRetry());
  read({});
  auto gap = cursor.onOldest({entry("20-0")});
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->after, "10-0");
  EXPECT_EQ(gap->upTo, "20-0");
  EXPECT_EQ(cursor.stats().trimGaps, 1u);
}

TEST_F(StreamCursorTest, NoGapWhenTheOldestEntryIsNotNewerThanTheLastRead) {
  apply(cursor.start());
  apply(cursor.onStart({entry("10-0")}));
  EXPECT_FALSE(cursor.onOldest({entry("10-0")}));
  EXPECT_FALSE(cursor.onOldest({entry("3-7")}));
  EXPECT_FALSE(cursor.onOldest({}));  // the stream is empty
  EXPECT_EQ(cursor.stats().trimGaps, 0u);
}

TEST_F(StreamCursorTest, NoGapWhenNothingWasEverRead) {
  apply(cursor.start());
  apply(cursor.onStart({}));  // read from 0-0
  EXPECT_FALSE(cursor.onOldest({entry("20-0")}));
  EXPECT_EQ(cursor.stats().trimGaps, 0u);
}

TEST_F(StreamCursorTest, IdsCompareAsNumbersNotText) {
  apply(cursor.start());
  apply(cursor.onStart({entry("9-0")}));
  auto gap = cursor.onOldest({entry("10-0")});  // "10-0" < "9-0" as text
  ASSERT_TRUE(gap);
  EXPECT_FALSE(cursor.onOldest({entry("9-0")}));
}

TEST_F(StreamCursorTest, LagIsTheAgeOfTheLastEntryRead) {
  apply(cursor.start());
  apply(cursor.onStart({entry("1000-0")}));
  read({"1500-0", "1600-0"}, 1750);
  EXPECT_EQ(cursor.stats().lagMs, 150u);
  read({}, 5000);  // caught up
  EXPECT_EQ(cursor.stats().lagMs, 0u);
  read({"1700-0"}, 1600);  // a clock behind the writer's
  EXPECT_EQ(cursor.stats().lagMs, 0u);
}

TEST_F(StreamCursorTest, NothingMoreOnceStopped) {
  apply(cursor.start());
  apply(cursor.onStart({entry("10-0")}));
  cursor.stop();
  auto before = commands;
  apply(cursor.onFailure());
  apply(cursor.onRetry());
  apply(cursor.onReadDone(false, 0));
  apply(cursor.start());
  EXPECT_EQ(commands, before);
  EXPECT_EQ(cursor.stats().errors, 0u);
}

TEST(StreamId, ComparesAndSteps) {
  EXPECT_LT(compareStreamIds("9-0", "10-0"), 0);
  EXPECT_GT(compareStreamIds("10-1", "10-0"), 0);
  EXPECT_EQ(compareStreamIds("10-0", "10-0"), 0);
  EXPECT_EQ(nextStreamId("10-9"), "10-10");
  EXPECT_EQ(streamIdMs("1700000000000-3"), 1700000000000u);
}

}  // namespace
}  // namespace sio::adapters::streams
