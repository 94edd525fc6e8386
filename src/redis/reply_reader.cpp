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

// A new, empty reply where hiredis is building: appended to the array being filled, or a
// heap-allocated root. The callers fill it in place (no temporary Reply to move around).
Reply* emplace(const redisReadTask* task, Reply::Type type) {
  Reply* reply;
  if (task->parent) {
    auto* parent = static_cast<Reply*>(task->parent->obj);
    reply = &parent->elements.emplace_back();
  } else {
    reply = new Reply();
  }
  reply->type = type;
  return reply;
}

void* createString(const redisReadTask* task, char* str, size_t len) {
  Reply::Type type = task->type == REDIS_REPLY_STATUS  ? Reply::Type::Status
                     : task->type == REDIS_REPLY_ERROR ? Reply::Type::Error
                                                       : Reply::Type::String;
  Reply* reply = emplace(task, type);
  reply->str.assign(str, len);
  return reply;
}

void* createArray(const redisReadTask* task, int elements) {
  Reply* reply = emplace(task, Reply::Type::Array);
  reply->elements.reserve(std::min<size_t>(elements > 0 ? size_t(elements) : 0, kReserveLimit));
  return reply;
}

void* createInteger(const redisReadTask* task, long long value) {
  Reply* reply = emplace(task, Reply::Type::Integer);
  reply->integer = value;
  return reply;
}

void* createNil(const redisReadTask* task) {
  return emplace(task, Reply::Type::Nil);
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
