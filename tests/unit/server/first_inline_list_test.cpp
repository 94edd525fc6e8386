// FirstInlineList: the order of its elements across push_back and erase (the first one
// inline, the others in the vector), findIf, and snapshot/takeAll.
#include "first_inline_list.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace sio {
namespace {

using List = FirstInlineList<std::shared_ptr<int>>;

std::vector<int> values(const std::vector<std::shared_ptr<int>>& items) {
  std::vector<int> out;
  for (const auto& item : items) out.push_back(*item);
  return out;
}

std::shared_ptr<int>* find(List& list, int value) {
  return list.findIf([value](const auto& item) { return *item == value; });
}

TEST(FirstInlineList, KeepsTheOrderOfInsertion) {
  List list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  for (int i = 1; i <= 4; ++i) list.push_back(std::make_shared<int>(i));
  EXPECT_EQ(list.size(), 4u);
  EXPECT_EQ(values(list.snapshot()), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(list.size(), 4u);  // a snapshot copies
  EXPECT_EQ(find(list, 5), nullptr);
  ASSERT_NE(find(list, 3), nullptr);
  EXPECT_EQ(**find(list, 3), 3);
}

TEST(FirstInlineList, ErasingTheFirstBringsTheNextForward) {
  List list;
  for (int i = 1; i <= 3; ++i) list.push_back(std::make_shared<int>(i));
  list.erase(find(list, 1));
  EXPECT_EQ(values(list.snapshot()), (std::vector<int>{2, 3}));
  list.erase(find(list, 3));
  EXPECT_EQ(values(list.snapshot()), (std::vector<int>{2}));
  list.push_back(std::make_shared<int>(5));
  EXPECT_EQ(values(list.snapshot()), (std::vector<int>{2, 5}));
  list.erase(find(list, 2));
  list.erase(find(list, 5));
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(list.snapshot().empty());
}

TEST(FirstInlineList, TakeAllEmptiesIt) {
  List list;
  EXPECT_TRUE(list.takeAll().empty());
  for (int i = 1; i <= 3; ++i) list.push_back(std::make_shared<int>(i));
  EXPECT_EQ(values(list.takeAll()), (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(list.empty());
  list.push_back(std::make_shared<int>(7));
  EXPECT_EQ(values(list.takeAll()), (std::vector<int>{7}));
}

}  // namespace
}  // namespace sio
