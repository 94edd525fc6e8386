// Redis URLs are read as node-redis and ioredis read them; anything else is refused.
#include <gtest/gtest.h>

#include "sio/redis/url.hpp"

using sio::redis::parseRedisUrl;

TEST(RedisUrl, Defaults) {
  auto url = parseRedisUrl("redis://localhost");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(url->port, 6379);
  EXPECT_EQ(url->db, 0);
  EXPECT_FALSE(url->tls);
  EXPECT_TRUE(url->password.empty());
}

TEST(RedisUrl, EveryPart) {
  auto url = parseRedisUrl("rediss://al%40ice:p%3Ass@cache.example:6380/3");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->user, "al@ice");
  EXPECT_EQ(url->password, "p:ss");
  EXPECT_EQ(url->host, "cache.example");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 3);
}

TEST(RedisUrl, PasswordWithoutUser) {
  EXPECT_EQ(parseRedisUrl("redis://:secret@h:1")->password, "secret");
  EXPECT_EQ(parseRedisUrl("redis://:secret@h:1")->user, "");
  EXPECT_EQ(parseRedisUrl("redis://secret@h:1")->password, "secret");
}

TEST(RedisUrl, Ipv6InBrackets) {
  auto url = parseRedisUrl("redis://[::1]:7000");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 7000);
  EXPECT_EQ(url->hostPort(), "[::1]:7000");
}

TEST(RedisUrl, RefusesMalformed) {
  std::string error;
  EXPECT_FALSE(parseRedisUrl("http://h", &error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(parseRedisUrl("redis://")->hostPort(), "127.0.0.1:6379");  // as node-redis: defaults
  EXPECT_FALSE(parseRedisUrl("redis://h:0"));
  EXPECT_FALSE(parseRedisUrl("redis://h:65536"));
  EXPECT_FALSE(parseRedisUrl("redis://h:12x"));
  EXPECT_FALSE(parseRedisUrl("redis://h/abc"));
  EXPECT_FALSE(parseRedisUrl("redis://h/-1"));
  EXPECT_FALSE(parseRedisUrl("redis://::1:7000"));
  EXPECT_FALSE(parseRedisUrl("redis://[::1"));
}
