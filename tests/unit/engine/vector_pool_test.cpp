// VectorPool: emptied vectors are reused with their storage, within the pool's bounds, and
// a turn's trim keeps only what that turn took.
#include "vector_pool.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace sio::engine {
namespace {

TEST(VectorPool, ReusesTheStorageOfAGivenVector) {
  VectorPool<int> pool(4, 64);
  auto first = pool.take(4);
  EXPECT_GE(first.capacity(), 4u);
  first.assign({1, 2, 3, 4, 5, 6});
  const int* storage = first.data();
  pool.give(std::move(first));
  EXPECT_EQ(pool.size(), 1u);
  auto second = pool.take(4);
  EXPECT_TRUE(second.empty());
  EXPECT_EQ(second.data(), storage);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(VectorPool, DestroysTheElementsOfAGivenVectorAtOnce) {
  VectorPool<std::shared_ptr<int>> pool(4, 64);
  auto shared = std::make_shared<int>(7);
  auto used = pool.take(2);
  used.push_back(shared);
  pool.give(std::move(used));
  EXPECT_EQ(shared.use_count(), 1);
}

TEST(VectorPool, KeepsNoMoreOrLargerVectorsThanItsBounds) {
  VectorPool<int> pool(2, 8);
  for (int i = 0; i < 3; ++i) pool.give(std::vector<int>(4));
  EXPECT_EQ(pool.size(), 2u);
  pool.give(std::vector<int>(9));  // too large: freed
  EXPECT_EQ(pool.size(), 2u);
  pool.release();
  EXPECT_EQ(pool.size(), 0u);
  pool.give(std::vector<int>());  // no storage: nothing to keep
  EXPECT_EQ(pool.size(), 0u);
}

TEST(VectorPool, TrimKeepsWhatTheLastTurnTook) {
  VectorPool<int> pool(16, 8);
  std::vector<std::vector<int>> taken;
  for (int i = 0; i < 5; ++i) taken.push_back(pool.take(4));
  for (auto& vector : taken) pool.give(std::move(vector));
  pool.trimToDemand();  // five taken this turn: five kept
  EXPECT_EQ(pool.size(), 5u);
  auto one = pool.take(4);
  pool.give(std::move(one));
  pool.trimToDemand();  // a quieter turn took one
  EXPECT_EQ(pool.size(), 1u);
  pool.trimToDemand();  // none
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace sio::engine
