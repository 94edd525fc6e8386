// Subscriber on a push-mode Connection. Subscription requests are remembered per kind and
// written whenever the link is ready; confirmations (`subscribe`, `psubscribe`,
// `ssubscribe` and their un- forms) complete the requests in the order they were sent;
// an error reply fails the oldest open request.
#include "sio/redis/subscriber.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <deque>
#include <map>

#include "key_slot.hpp"

namespace sio::redis {
namespace {

constexpr std::array<const char*, 3> kSubscribe = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};
constexpr std::array<const char*, 3> kUnsubscribe = {"UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"};

class RedisSubscriber final : public Subscriber,
                              public std::enable_shared_from_this<RedisSubscriber> {
 public:
  RedisSubscriber(boost::asio::any_io_executor executor, ConnectionOptions options)
      : executor_(executor), connection_(Connection::create(executor, std::move(options))) {}

  void start() override {
    std::weak_ptr<RedisSubscriber> weak = shared_from_this();
    connection_->setPushHandler([weak](Reply reply) {
      if (auto self = weak.lock()) self->onPush(std::move(reply));
    });
    connection_->onState([weak](ConnectionState state, std::error_code ec) {
      if (auto self = weak.lock()) self->onConnectionState(state, ec);
    });
    connection_->start();
  }

  void close() override {
    connection_->close();
    failRequests(make_error_code(Errc::Closed));
  }

  void reconnect() override { connection_->reconnect(); }

  void subscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    for (const auto& name : names) sets_[index(kind)].insert(name);
    request(kind, true, std::move(names), std::move(done));
  }

  void unsubscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    for (const auto& name : names) sets_[index(kind)].erase(name);
    request(kind, false, std::move(names), std::move(done));
  }

  void onMessage(MessageHandler handler) override { onMessage_ = std::move(handler); }
  void onResubscribed(std::function<void()> handler) override {
    onResubscribed_ = std::move(handler);
  }
  void onState(Connection::StateHandler handler) override { onState_ = std::move(handler); }
  void onServerUnsubscribe(std::function<void(Kind, const std::string&)> handler) override {
    onServerUnsubscribe_ = std::move(handler);
  }
  const std::set<std::string>& subscriptions(Kind kind) const override {
    return sets_[index(kind)];
  }
  uint64_t gaps() const override { return gaps_; }
  ConnectionState state() const override { return connection_->state(); }

 private:
  struct Request {
    Kind kind;
    bool subscribe;
    std::multiset<std::string> waiting;  // names not confirmed yet
    DoneHandler done;
    // A resubscription carries the callbacks of requests made while the link was down.
    bool resubscription = false;
    std::vector<DoneHandler> carried;
  };

  static size_t index(Kind kind) { return static_cast<size_t>(kind); }

  void request(Kind kind, bool subscribe, std::vector<std::string> names, DoneHandler done,
               bool resubscription = false) {
    if (names.empty()) {
      if (done) boost::asio::post(executor_, [done] { done({}); });
      return;
    }
    Request entry{kind,
                  subscribe,
                  std::multiset<std::string>(names.begin(), names.end()),
                  std::move(done),
                  resubscription,
                  {}};
    if (connection_->state() != ConnectionState::Ready) {
      // Sent by resubscribe() when the link is ready; the request completes then.
      if (subscribe)
        parked_.push_back(std::move(entry));
      else if (entry.done)
        boost::asio::post(executor_, [done = entry.done] { done({}); });
      return;
    }
    send(std::move(entry), names);
  }

  void send(Request entry, const std::vector<std::string>& names) {
    Command command{(entry.subscribe ? kSubscribe : kUnsubscribe)[index(entry.kind)]};
    for (const auto& name : names) command.push(name);
    open_.push_back(std::move(entry));
    connection_->send(std::move(command));
  }

  void onConnectionState(ConnectionState state, std::error_code ec) {
    if (state == ConnectionState::Ready) resubscribe();
    if (state == ConnectionState::Reconnecting) parkOpenRequests();
    if (onState_) onState_(state, ec);
  }

  // The link broke: subscriptions will be written again in full when it is back, and the
  // requests waiting for them complete then. Unsubscriptions are already done.
  void parkOpenRequests() {
    auto open = std::move(open_);
    open_.clear();
    for (auto& entry : open) {
      for (auto& done : entry.carried)
        parked_.push_back(Request{entry.kind, true, {}, std::move(done)});
      if (entry.resubscription) continue;
      if (entry.subscribe)
        parked_.push_back(std::move(entry));
      else if (entry.done)
        entry.done({});
    }
  }

  // Writes every remembered subscription; after a reconnection, reports the gap once all
  // are confirmed.
  void resubscribe() {
    bool afterGap = everReady_;
    everReady_ = true;
    auto parked = std::move(parked_);
    parked_.clear();
    auto remaining = std::make_shared<size_t>(0);
    std::weak_ptr<RedisSubscriber> weak = shared_from_this();
    for (Kind kind : {Kind::Channel, Kind::Pattern, Kind::Shard}) {
      const auto& names = sets_[index(kind)];
      if (names.empty()) continue;
      // Sharded channels of different slots cannot share an SSUBSCRIBE (CROSSSLOT in a
      // cluster): one per slot. The requests parked meanwhile complete with the last one.
      std::vector<std::vector<std::string>> groups;
      if (kind == Kind::Shard) {
        std::map<int, std::vector<std::string>> bySlot;
        for (const auto& name : names) bySlot[keySlot(name)].push_back(name);
        for (auto& [slot, group] : bySlot) groups.push_back(std::move(group));
      } else {
        groups.emplace_back(names.begin(), names.end());
      }
      for (size_t g = 0; g < groups.size(); ++g) {
        const auto& list = groups[g];
        ++*remaining;
        Request entry{kind,    true, std::multiset<std::string>(list.begin(), list.end()),
                      nullptr, true, {}};
        if (g + 1 == groups.size())
          for (auto& waiting : parked)
            if (waiting.kind == kind && waiting.done)
              entry.carried.push_back(std::move(waiting.done));
        entry.done = [weak, remaining, afterGap](std::error_code) {
          auto self = weak.lock();
          if (!self || --*remaining > 0 || !afterGap) return;
          self->reportGap();
        };
        send(std::move(entry), list);
      }
    }
    for (auto& waiting : parked)  // their names were unsubscribed meanwhile
      if (waiting.done) waiting.done({});
    if (*remaining == 0 && afterGap) reportGap();
  }

  void reportGap() {
    ++gaps_;
    if (onResubscribed_) onResubscribed_();
  }

  void onPush(Reply reply) {
    if (reply.isError()) return failOldest(reply.str);
    if (!reply.isArray() || reply.elements.empty() || !reply.elements[0].isText()) return;
    const std::string& type = reply.elements[0].str;
    auto& items = reply.elements;
    if ((type == "message" || type == "smessage") && items.size() == 3) {
      PubSubMessage message{
          type == "message" ? PubSubMessage::Kind::Message : PubSubMessage::Kind::ShardMessage,
          std::move(items[1].str),
          {},
          std::move(items[2].str)};
      if (onMessage_) onMessage_(message);
    } else if (type == "pmessage" && items.size() == 4) {
      PubSubMessage message{PubSubMessage::Kind::PatternMessage, std::move(items[2].str),
                            std::move(items[1].str), std::move(items[3].str)};
      if (onMessage_) onMessage_(message);
    } else if (items.size() >= 2) {
      confirm(type, items[1].isNil() ? std::string() : items[1].str);
    }
  }

  void confirm(const std::string& type, const std::string& name) {
    static const std::array<std::pair<const char*, std::pair<Kind, bool>>, 6> kTypes = {
        {{"subscribe", {Kind::Channel, true}},
         {"psubscribe", {Kind::Pattern, true}},
         {"ssubscribe", {Kind::Shard, true}},
         {"unsubscribe", {Kind::Channel, false}},
         {"punsubscribe", {Kind::Pattern, false}},
         {"sunsubscribe", {Kind::Shard, false}}}};
    for (const auto& [text, meaning] : kTypes) {
      if (type != text) continue;
      for (auto it = open_.begin(); it != open_.end(); ++it) {
        if (it->kind != meaning.first || it->subscribe != meaning.second) continue;
        auto found = it->waiting.find(name);
        if (found == it->waiting.end()) continue;
        it->waiting.erase(found);
        if (it->waiting.empty()) {
          Request finished = std::move(*it);
          open_.erase(it);
          complete(finished, {});
        }
        return;
      }
      // An unsubscription nobody asked for: Redis dropped the name (a moved slot).
      if (!meaning.second && sets_[index(meaning.first)].erase(name) > 0 && onServerUnsubscribe_)
        onServerUnsubscribe_(meaning.first, name);
      return;
    }
  }

  static void complete(Request& request, std::error_code ec) {
    for (auto& done : request.carried) done(ec);
    if (request.done) request.done(ec);
  }

  // Redis refused a (un)subscription (e.g. a sharded channel of another slot).
  void failOldest(const std::string&) {
    if (open_.empty()) return;
    Request refused = std::move(open_.front());
    open_.pop_front();
    complete(refused, make_error_code(Errc::HandshakeFailed));
  }

  void failRequests(std::error_code ec) {
    auto open = std::move(open_);
    auto parked = std::move(parked_);
    open_.clear();
    parked_.clear();
    for (auto& entry : open) complete(entry, ec);
    for (auto& entry : parked) complete(entry, ec);
  }

  boost::asio::any_io_executor executor_;
  std::shared_ptr<Connection> connection_;
  std::array<std::set<std::string>, 3> sets_;
  std::deque<Request> open_;     // sent, awaiting confirmations
  std::vector<Request> parked_;  // asked while the link was down
  bool everReady_ = false;
  uint64_t gaps_ = 0;
  MessageHandler onMessage_;
  std::function<void()> onResubscribed_;
  Connection::StateHandler onState_;
  std::function<void(Kind, const std::string&)> onServerUnsubscribe_;
};

}  // namespace

std::shared_ptr<Subscriber> Subscriber::create(boost::asio::any_io_executor executor,
                                               ConnectionOptions options) {
  return std::make_shared<RedisSubscriber>(std::move(executor), std::move(options));
}

}  // namespace sio::redis
