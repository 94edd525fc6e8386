// Incremental RESP2 parsing with hiredis's redisReader, building sio::redis::Reply trees
// directly (no hiredis reply objects). Sans-io: feed bytes, take complete replies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sio/redis/reply.hpp"

struct redisReader;

namespace sio::redis {

class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Adds received bytes. False if the reader is in an error state.
  bool feed(std::string_view bytes);
  // The next complete reply, if any. After a protocol error, error() is set and no more
  // replies come (the connection must be dropped).
  std::optional<Reply> next();
  const std::string& error() const { return error_; }
  void reset();

 private:
  redisReader* reader_ = nullptr;
  std::string error_;
};

}  // namespace sio::redis
