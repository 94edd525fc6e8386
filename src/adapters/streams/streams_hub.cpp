// The shared part of a Streams adapter factory: readers and the pub/sub connection start
// with the first namespace that needs them and stop with the last one; entries and
// messages are decoded once here and handed to the adapter of their namespace.
#include "streams_hub.hpp"

#include "message_codec.hpp"
#include "redis_streams_adapter.hpp"

namespace sio::adapters::streams {

StreamsHub::StreamsHub(std::shared_ptr<redis::Client> client, RedisStreamsOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

void StreamsHub::attach(const std::shared_ptr<RedisStreamsAdapter>& adapter,
                        boost::asio::any_io_executor executor) {
  adapters_[adapter->nsp().name()] = adapter;
  std::weak_ptr<StreamsHub> weak = shared_from_this();
  if (!subscriber_ &&
      options_.protocol != RedisStreamsProtocol::v0_2) {  // protocol 0.2 uses no pub/sub
    subscriber_ = client_->subscriber();
    subscriber_->onMessage([weak](const redis::PubSubMessage& message) {
      if (auto self = weak.lock()) self->onPubSubMessage(message);
    });
    subscriber_->onResubscribed([weak] {
      if (auto self = weak.lock())
        ++self->stats_.pubsubGaps;  // requests/responses in the gap were lost
    });
    subscriber_->start();
  }
  const std::string& stream = adapter->stream();
  if (!readers_.count(stream)) {
    auto reader =
        std::make_shared<StreamReader>(client_->duplicate(), executor, stream, options_.readCount,
                                       options_.blockTime, [weak](const StreamEntry& entry) {
                                         if (auto self = weak.lock()) self->onEntry(entry);
                                       });
    reader->measureLagWith(client_);
    readers_[stream] = reader;
    reader->start();
  }
}

void StreamsHub::detach(RedisStreamsAdapter& adapter) {
  auto it = adapters_.find(adapter.nsp().name());
  if (it != adapters_.end() && (it->second.expired() || it->second.lock().get() == &adapter))
    adapters_.erase(it);
  for (auto entry = adapters_.begin(); entry != adapters_.end();)
    entry = entry->second.expired() ? adapters_.erase(entry) : std::next(entry);
  if (!adapters_.empty()) return;
  for (auto& [name, reader] : readers_) reader->stop();
  readers_.clear();
  if (subscriber_) subscriber_->close();
  subscriber_.reset();
}

std::shared_ptr<StreamReader> StreamsHub::reader(const std::string& stream) const {
  auto it = readers_.find(stream);
  return it == readers_.end() ? nullptr : it->second;
}

std::shared_ptr<RedisStreamsAdapter> StreamsHub::adapterFor(const std::string& nsp) const {
  auto it = adapters_.find(nsp);
  return it == adapters_.end() ? nullptr : it->second.lock();
}

void StreamsHub::onEntry(const StreamEntry& entry) {
  // This node's own entries come back too: recognised by uid, skipped before decoding.
  const std::string* uid = entry.field("uid");
  const std::string* nsp = entry.field("nsp");
  if (uid && nsp) {
    if (auto adapter = adapterFor(*nsp); adapter && adapter->uid() == *uid)
      return adapter->countOwnMessage();
  }
  std::string problem;
  auto message = decodeStreamEntry(entry.fields, &problem);
  if (!message) {
    if (problem != "no nsp field")
      ++stats_.badEntries;  // entries without nsp are not ours (as Node)
    return;
  }
  auto adapter = adapterFor(message->nsp);
  if (!adapter) {
    ++stats_.unroutedEntries;
    return;
  }
  adapter->onStreamEntry(std::move(*message), entry.id);
}

void StreamsHub::onPubSubMessage(const redis::PubSubMessage& pubsub) {
  auto message = decodePubSubMessage(pubsub.payload);
  if (!message) {
    ++stats_.badMessages;
    return;
  }
  if (auto adapter = adapterFor(message->nsp)) adapter->onPubSub(std::move(*message));
}

}  // namespace sio::adapters::streams
