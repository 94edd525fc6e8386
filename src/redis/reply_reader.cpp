// hiredis's reader drives parsing; these object functions build Reply trees. The root is
// heap-allocated and handed out; children are appended to their parent's vector (only
// the chain of arrays still being filled is referenced by hiredis, and each of them is
// the last element of its parent, so appending never moves an object in use).
#include "reply_reader.hpp"

#include <hiredis/read.h>

#include <memory>

namespace sio::redis {
namespace {

constexpr size_t kReserveLimit = 1024;  // a claimed array size is not trusted up front

Reply* place(const redisReadTask* task, Reply value) {
  if (task->parent) {
    auto* parent = static_cast<Reply*>(task->parent->obj);
    parent->elements.push_back(std::move(value));
    return &parent->elements.back();
  }
  return new Reply(std::move(value));
}

void* createString(const redisReadTask* task, char* str, size_t len) {
  Reply reply;
  switch (task->type) {
    case REDIS_REPLY_STATUS:
      reply.type = Reply::Type::Status;
      break;
    case REDIS_REPLY_ERROR:
      reply.type = Reply::Type::Error;
      break;
    default:
      reply.type = Reply::Type::String;
      break;
  }
  reply.str.assign(str, len);
  return place(task, std::move(reply));
}

void* createArray(const redisReadTask* task, int elements) {
  Reply reply;
  reply.type = Reply::Type::Array;
  reply.elements.reserve(std::min<size_t>(elements > 0 ? size_t(elements) : 0, kReserveLimit));
  return place(task, std::move(reply));
}

void* createInteger(const redisReadTask* task, long long value) {
  return place(task, Reply::number(value));
}

void* createNil(const redisReadTask* task) {
  return place(task, Reply::nil());
}

void freeObject(void* object) {
  delete static_cast<Reply*>(object);
}

redisReplyObjectFunctions kFunctions = {createString, createArray, createInteger, createNil,
                                        freeObject};

}  // namespace

ReplyReader::ReplyReader() : reader_(redisReaderCreateWithFunctions(&kFunctions)) {}

ReplyReader::~ReplyReader() {
  if (reader_) redisReaderFree(reader_);
}

void ReplyReader::reset() {
  if (reader_) redisReaderFree(reader_);
  reader_ = redisReaderCreateWithFunctions(&kFunctions);
  error_.clear();
}

bool ReplyReader::feed(std::string_view bytes) {
  if (!reader_ || !error_.empty()) return false;
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK) {
    error_ = reader_->errstr[0] ? reader_->errstr : "reader error";
    return false;
  }
  return true;
}

std::optional<Reply> ReplyReader::next() {
  if (!reader_ || !error_.empty()) return std::nullopt;
  void* object = nullptr;
  if (redisReaderGetReply(reader_, &object) != REDIS_OK) {
    error_ = reader_->errstr[0] ? reader_->errstr : "protocol error";
    return std::nullopt;
  }
  if (!object) return std::nullopt;
  std::unique_ptr<Reply> root(static_cast<Reply*>(object));
  return std::move(*root);
}

}  // namespace sio::redis
