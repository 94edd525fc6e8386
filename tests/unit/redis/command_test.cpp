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

TEST(RedisCommand, ArgsDecodeFromTheEncoding) {
  std::string bytes("x\r\n$3\r\ny", 8);
  Command command{"XADD", "stream", ""};
  command.push(bytes).push(int64_t(-7));
  EXPECT_EQ(command.size(), 5u);
  EXPECT_EQ(command.args(), (std::vector<std::string>{"XADD", "stream", "", bytes, "-7"}));
  EXPECT_EQ(command.encode(),
            "*5\r\n$4\r\nXADD\r\n$6\r\nstream\r\n$0\r\n\r\n$8\r\n" + bytes + "\r\n$2\r\n-7\r\n");
}

TEST(RedisCommand, AppendsToWhatIsThere) {
  std::string out = "before";
  Command command{"GET", "k"};
  command.appendTo(out);
  EXPECT_EQ(out, "before*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  EXPECT_TRUE(Command{}.empty());
  EXPECT_EQ(Command{}.name(), "");
}
