// The shared part of a Streams adapter factory: readers start with the first namespace of
// their stream and stop with the last namespace; the pub/sub connection is a PubSubHub,
// which opens with the first subscription and closes after the last one. Entries and
// messages are decoded once here and go to the handlers of their namespace.
#include "streams_hub.hpp"

namespace sio::adapters::streams {

StreamsHub::StreamsHub(std::shared_ptr<redis::Client> client, RedisStreamsOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      pubsub_(std::make_shared<pubsub::PubSubHub>(client_, nullptr)) {}

uint64_t StreamsHub::attach(const std::string& nsp, const std::string& stream, Route route,
                            boost::asio::any_io_executor executor) {
  const uint64_t ticket = nextTicket_++;
  routes_[nsp] = Registered{std::make_shared<const Route>(std::move(route)), ticket};
  if (!readers_.count(stream)) {
    std::weak_ptr<StreamsHub> weak = shared_from_this();
    auto reader =
        std::make_shared<StreamReader>(client_->duplicate(), executor, stream, options_.readCount,
                                       options_.blockTime, [weak](StreamEntry&& entry) {
                                         if (auto self = weak.lock())
                                           self->onEntry(std::move(entry));
                                       });
    reader->measureLagWith(client_);
    readers_[stream] = reader;
    reader->start();
  }
  return ticket;
}

void StreamsHub::detach(const std::string& nsp, uint64_t ticket) {
  auto it = routes_.find(nsp);
  if (it != routes_.end() && it->second.ticket == ticket) routes_.erase(it);
  if (!routes_.empty()) return;
  for (auto& [name, reader] : readers_) reader->stop();
  readers_.clear();
}

std::shared_ptr<StreamReader> StreamsHub::reader(const std::string& stream) const {
  auto it = readers_.find(stream);
  return it == readers_.end() ? nullptr : it->second;
}

void StreamsHub::subscribe(redis::Subscriber::Kind kind, std::vector<std::string> channels,
                           const std::string& nsp, MessageHandler handler,
                           redis::Subscriber::DoneHandler done) {
  std::weak_ptr<StreamsHub> weak = shared_from_this();
  auto route = [weak, nsp, handler = std::move(handler)](const redis::PubSubMessage& pubsub) {
    auto self = weak.lock();
    if (!self) return;
    auto message = decodePubSubMessage(pubsub.payload);
    if (!message) {
      ++self->stats_.badMessages;
      return;
    }
    if (message->nsp != nsp) {
      ++self->stats_.foreignMessages;
      return;
    }
    handler(std::move(*message));
  };
  pubsub_->subscribe(kind, std::move(channels), std::move(route), std::move(done));
}

void StreamsHub::unsubscribe(redis::Subscriber::Kind kind, std::vector<std::string> channels) {
  pubsub_->unsubscribe(kind, std::move(channels));
}

void StreamsHub::onEntry(StreamEntry&& entry) {
  // This node's own entries come back too: recognised by uid, skipped before decoding.
  const std::string* uid = entry.field("uid");
  const std::string* nsp = entry.field("nsp");
  if (uid && nsp) {
    auto own = routes_.find(*nsp);
    if (own != routes_.end() && own->second.route->uid == *uid) {
      auto route = own->second.route;
      return route->onOwnEntry();
    }
  }
  std::string problem;
  auto message = decodeStreamEntry(std::move(entry.fields), &problem);
  if (!message) {
    if (problem != "no nsp field")
      ++stats_.badEntries;  // entries without nsp are not ours (as Node)
    return;
  }
  auto it = routes_.find(message->nsp);
  if (it == routes_.end()) {
    ++stats_.unroutedEntries;
    return;
  }
  auto route = it->second.route;
  route->onEntry(std::move(*message), entry.id);
}

}  // namespace sio::adapters::streams
