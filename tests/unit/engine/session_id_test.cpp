// Session ids are 20 URL-safe base64 characters and do not repeat.
#include <gtest/gtest.h>

#include <set>

#include "sio/engine/session_id.hpp"

TEST(SessionId, IsTwentyUrlSafeCharacters) {
  for (int i = 0; i < 200; ++i) {
    auto id = sio::engine::generateSessionId();
    ASSERT_EQ(id.size(), 20u);
    for (char c : id)
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << id;
  }
}

TEST(SessionId, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(sio::engine::generateSessionId()).second);
}
