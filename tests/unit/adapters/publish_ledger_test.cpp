// PublishLedger: exactly-once, in-order XADDs without Redis. Each test plays one
// interleaving of publishes, answers, a broken link and the read-back, and checks what is
// written (and how often), what is read back from, and the order of the `done` callbacks.
#include "publish_ledger.hpp"

#include <gtest/gtest.h>

#include "sio/redis/errors.hpp"

namespace sio::adapters::streams {
namespace {

const std::error_code kLost = make_error_code(redis::Errc::ConnectionLost);
const std::error_code kNotSent = make_error_code(redis::Errc::NotSent);
const std::error_code kServerError = make_error_code(redis::Errc::ServerError);

struct PublishLedgerTest : ::testing::Test {
  PublishLedger ledger{"socket.io", "me"};
  std::vector<std::string> completed;  // "name=id" or "name!error", in callback order
  std::vector<std::string> written;    // names, in write order (rewrites included)
  bool readBackAsked = false;

  PublishLedger::ItemPtr lastWritten;

  void apply(const PublishLedger::Actions& actions) {
    for (const auto& item : actions.write) written.push_back(item->fields[1]);
    if (actions.readBack) readBackAsked = true;
  }
  // Publishes an entry named `name`; returns its item when it was written now.
  PublishLedger::ItemPtr publish(const std::string& name) {
    auto actions = ledger.publish(
        {"name", name, "uid", "me"}, [this, name](std::error_code ec, std::string id) {
          completed.push_back(ec ? name + "!" + ec.message() : name + "=" + id);
        });
    apply(actions);
    return actions.write.empty() ? nullptr : actions.write.back();
  }
  void answer(const PublishLedger::ItemPtr& item, std::error_code ec, std::string id = {}) {
    apply(ledger.onAnswer(item, ec, std::move(id)));
  }
  PublishLedger::Actions readBack(std::vector<StreamEntry> entries) {
    auto actions = ledger.onReadBack(entries);
    apply(actions);
    return actions;
  }
  static StreamEntry ours(std::string id) { return {std::move(id), {"uid", "me", "nsp", "/"}}; }
  static StreamEntry theirs(std::string id) {
    return {std::move(id), {"uid", "other", "nsp", "/"}};
  }
};

TEST_F(PublishLedgerTest, AnswersCompleteInPublishOrderEvenWhenTheyComeOutOfOrder) {
  auto a = publish("a"), b = publish("b"), c = publish("c");
  answer(b, {}, "1-1");
  EXPECT_TRUE(completed.empty());  // b waits for a
  answer(a, {}, "1-0");
  answer(c, {}, "1-2");
  EXPECT_EQ(completed, (std::vector<std::string>{"a=1-0", "b=1-1", "c=1-2"}));
  EXPECT_FALSE(readBackAsked);
  EXPECT_EQ(ledger.stats().written, 3u);
}

TEST_F(PublishLedgerTest, ABrokenLinkHoldsNewEntriesReadsBackAndWritesEachExactlyOnce) {
  auto a = publish("a"), b = publish("b"), c = publish("c");
  answer(a, {}, "5-0");
  answer(b, kLost);
  EXPECT_TRUE(ledger.reconciling());
  EXPECT_FALSE(readBackAsked);       // c has no answer yet
  EXPECT_EQ(publish("d"), nullptr);  // held while reconciling
  answer(c, kLost);
  ASSERT_TRUE(readBackAsked);
  EXPECT_EQ(ledger.readBackFrom(), "5-1");
  // b ran (its entry is there, after another node's), c did not
  auto actions = readBack({theirs("5-3"), ours("6-0")});
  ASSERT_EQ(actions.write.size(), 2u);
  EXPECT_EQ(written, (std::vector<std::string>{"a", "b", "c", "c", "d"}));
  answer(actions.write[0], {}, "7-0");
  answer(actions.write[1], {}, "7-1");
  EXPECT_EQ(completed, (std::vector<std::string>{"a=5-0", "b=6-0", "c=7-0", "d=7-1"}));
  EXPECT_EQ(ledger.stats().foundAfterFailure, 1u);
  EXPECT_EQ(ledger.stats().rewritten, 1u);
  EXPECT_FALSE(ledger.reconciling());
}

TEST_F(PublishLedgerTest, NothingRanEverythingIsWrittenAgainInOrder) {
  auto a = publish("a"), b = publish("b");
  answer(a, kNotSent);
  answer(b, kNotSent);
  ASSERT_TRUE(readBackAsked);
  EXPECT_EQ(ledger.readBackFrom(), "-");  // nothing acknowledged yet: the whole stream
  auto actions = readBack({theirs("1-0")});
  EXPECT_EQ(written, (std::vector<std::string>{"a", "b", "a", "b"}));
  answer(actions.write[0], {}, "2-0");
  answer(actions.write[1], {}, "2-1");
  EXPECT_EQ(completed, (std::vector<std::string>{"a=2-0", "b=2-1"}));
}

TEST_F(PublishLedgerTest, EverythingRanNothingIsWrittenAgain) {
  auto a = publish("a"), b = publish("b");
  answer(a, kLost);
  answer(b, kLost);
  auto actions = readBack({ours("3-0"), ours("3-1")});
  EXPECT_TRUE(actions.write.empty());
  EXPECT_EQ(completed, (std::vector<std::string>{"a=3-0", "b=3-1"}));
  EXPECT_EQ(written.size(), 2u);
}

TEST_F(PublishLedgerTest, AnAcknowledgedEntryBehindALostOneIsNotTakenForItNorWrittenTwice) {
  // a is lost before it reached Redis; b, on the new connection, ran and was acknowledged
  auto a = publish("a"), b = publish("b");
  answer(b, {}, "8-0");
  answer(a, kNotSent);
  ASSERT_TRUE(readBackAsked);
  auto actions = readBack({ours("8-0")});
  ASSERT_EQ(actions.write.size(), 1u);
  EXPECT_EQ(actions.write[0], a);  // only a is written again
  EXPECT_TRUE(completed.empty());  // b keeps its place behind a
  answer(a, {}, "9-0");
  EXPECT_EQ(completed, (std::vector<std::string>{"a=9-0", "b=8-0"}));
  EXPECT_EQ(ledger.stats().foundAfterFailure, 0u);
  // the next read-back starts after the newest acknowledged id
  auto c = publish("c");
  answer(c, kLost);
  EXPECT_EQ(ledger.readBackFrom(), "9-1");
}

TEST_F(PublishLedgerTest, ADefiniteErrorFailsThatEntryOnlyAndNeedsNoReadBack) {
  auto a = publish("a"), b = publish("b");
  answer(a, kServerError);
  answer(b, {}, "1-0");
  EXPECT_FALSE(readBackAsked);
  ASSERT_EQ(completed.size(), 2u);
  EXPECT_EQ(completed[0].substr(0, 2), "a!");
  EXPECT_EQ(completed[1], "b=1-0");
  EXPECT_EQ(ledger.stats().failed, 1u);
}

TEST_F(PublishLedgerTest, AFailedReadBackIsRetriedFromTheSamePlace) {
  auto a = publish("a");
  answer(a, {}, "4-0");
  auto b = publish("b");
  answer(b, kLost);
  ASSERT_TRUE(readBackAsked);
  EXPECT_EQ(ledger.readBackFrom(), "4-1");
  EXPECT_EQ(ledger.readBackFrom(), "4-1");  // the driver retries after an error
  EXPECT_EQ(ledger.stats().reconciliations, 2u);
  readBack({});
  EXPECT_EQ(written, (std::vector<std::string>{"a", "b", "b"}));
}

TEST_F(PublishLedgerTest, ALateSecondAnswerOrAStrayReadBackChangesNothing) {
  auto a = publish("a");
  answer(a, {}, "1-0");
  answer(a, kLost);  // ignored: a is settled
  EXPECT_FALSE(ledger.reconciling());
  EXPECT_TRUE(readBack({ours("2-0")}).write.empty());  // no read-back was asked for
  EXPECT_EQ(completed, (std::vector<std::string>{"a=1-0"}));
}

TEST_F(PublishLedgerTest, EntriesHeldDuringAReadBackAreWrittenAfterTheRewrites) {
  auto a = publish("a");
  answer(a, kLost);
  ASSERT_TRUE(readBackAsked);
  EXPECT_EQ(publish("b"), nullptr);
  EXPECT_EQ(publish("c"), nullptr);
  EXPECT_EQ(ledger.held(), 2u);
  auto actions = readBack({});
  EXPECT_EQ(written, (std::vector<std::string>{"a", "a", "b", "c"}));
  EXPECT_EQ(ledger.held(), 0u);
  EXPECT_EQ(ledger.inFlight(), 3u);
}

}  // namespace
}  // namespace sio::adapters::streams
