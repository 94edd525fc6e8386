// Commands encode as RESP arrays of bulk strings, binary-safe.
#include <gtest/gtest.h>

#include "sio/redis/command.hpp"

using sio::redis::Command;

TEST(RedisCommand, EncodesRespArray) {
  EXPECT_EQ((Command{"SET", "k", "v"}).encode(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ((Command{"PING"}).encode(), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(Command{}.encode(), "*0\r\n");
}

TEST(RedisCommand, IsBinarySafe) {
  std::string bytes("a\0\r\nb", 5);
  Command command{"SET", "k"};
  command.push(bytes);
  const char expected[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0\r\nb\r\n";
  EXPECT_EQ(command.encode(), std::string(expected, sizeof(expected) - 1));
}

TEST(RedisCommand, NameInUpperCaseAndNumbers) {
  Command command{"xadd", "s"};
  command.push(int64_t(42));
  EXPECT_EQ(command.name(), "XADD");
  EXPECT_EQ(command.args().back(), "42");
}
