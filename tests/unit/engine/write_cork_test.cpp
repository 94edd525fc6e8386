// WriteCork: each writer is written once per drain, one drain is asked for per batch, and a
// writer added during a drain waits for the next one.
#include "write_cork.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace sio::engine {
namespace {

struct CountingWriter : CorkedWriter {
  int writes = 0;
  std::function<void()> onWrite;
  void writeCorked() override {
    ++writes;
    if (onWrite) onWrite();
  }
};

TEST(WriteCork, AsksForOneDrainPerBatch) {
  WriteCork cork;
  auto a = std::make_shared<CountingWriter>();
  auto b = std::make_shared<CountingWriter>();
  EXPECT_TRUE(cork.add(a));
  EXPECT_FALSE(cork.add(b));
  EXPECT_EQ(cork.size(), 2u);
  cork.drain();
  EXPECT_EQ(a->writes, 1);
  EXPECT_EQ(b->writes, 1);
  EXPECT_EQ(cork.size(), 0u);
  EXPECT_TRUE(cork.add(a));  // a new batch asks for a new drain
}

TEST(WriteCork, AWriterAddedDuringADrainWaitsForTheNext) {
  WriteCork cork;
  auto a = std::make_shared<CountingWriter>();
  auto b = std::make_shared<CountingWriter>();
  bool askedForDrain = false;
  a->onWrite = [&] { askedForDrain = cork.add(b); };
  cork.add(a);
  cork.drain();
  EXPECT_TRUE(askedForDrain);
  EXPECT_EQ(b->writes, 0);
  cork.drain();
  EXPECT_EQ(b->writes, 1);
}

TEST(WriteCork, KeepsWritersAliveUntilDrainedAndClearForgetsThem) {
  WriteCork cork;
  auto a = std::make_shared<CountingWriter>();
  std::weak_ptr<CountingWriter> weak = a;
  cork.add(std::move(a));
  EXPECT_FALSE(weak.expired());
  cork.clear();
  EXPECT_TRUE(weak.expired());
  cork.drain();  // nothing left
}

}  // namespace
}  // namespace sio::engine
