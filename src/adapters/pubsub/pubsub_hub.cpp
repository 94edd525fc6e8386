// The shared pub/sub connection (see pubsub_hub.hpp): started on the first subscription,
// closed after the last one; messages go to the handler of their channel, or of their
// pattern for pattern messages.
#include "pubsub_hub.hpp"
#include "sio/log.hpp"

namespace sio::adapters::pubsub {

PubSubHub::PubSubHub(std::shared_ptr<redis::Client> client, GapHandler onGap)
    : client_(std::move(client)), onGap_(std::move(onGap)) {}

PubSubHub::~PubSubHub() {
  if (subscriber_) subscriber_->close();
}

bool PubSubHub::linkReady() const {
  return subscriber_ && subscriber_->state() == redis::ConnectionState::Ready;
}

void PubSubHub::subscribe(Kind kind, std::vector<std::string> names, Handler handler,
                          redis::Subscriber::DoneHandler done) {
  for (const auto& name : names) routes_[{kind, name}] = handler;
  if (!subscriber_) {
    subscriber_ = client_->subscriber();
    std::weak_ptr<PubSubHub> weak = shared_from_this();
    subscriber_->onMessage([weak](const redis::PubSubMessage& message) {
      if (auto self = weak.lock()) self->onMessage(message);
    });
    subscriber_->onResubscribed([weak] {
      auto self = weak.lock();
      if (!self) return;
      ++self->stats_.gaps;
      log::warn("adapter: pub/sub resubscribed after a lost link (gap " +
                std::to_string(self->stats_.gaps) +
                "): messages published meanwhile did not reach this node");
      if (self->onGap_) self->onGap_(self->stats_.gaps);
    });
    subscriber_->start();
  }
  subscriber_->subscribe(kind, std::move(names), std::move(done));
}

void PubSubHub::unsubscribe(Kind kind, std::vector<std::string> names) {
  for (const auto& name : names) routes_.erase({kind, name});
  if (!subscriber_) return;
  if (routes_.empty()) {
    subscriber_->close();
    subscriber_.reset();
    return;
  }
  subscriber_->unsubscribe(kind, std::move(names));
}

void PubSubHub::onMessage(const redis::PubSubMessage& message) {
  using MessageKind = redis::PubSubMessage::Kind;
  auto route =
      message.kind == MessageKind::PatternMessage ? routes_.find({Kind::Pattern, message.pattern})
      : message.kind == MessageKind::ShardMessage ? routes_.find({Kind::Shard, message.channel})
                                                  : routes_.find({Kind::Channel, message.channel});
  if (route == routes_.end()) {
    ++stats_.unrouted;
    return;
  }
  Handler handler = route->second;  // the handler may unsubscribe (and erase the route)
  handler(message);
}

}  // namespace sio::adapters::pubsub
