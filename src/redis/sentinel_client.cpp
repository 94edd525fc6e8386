// The Sentinel client. A client, its duplicates and all their subscribers form a family
// that shares the SentinelResolver their connections ask, one watch on +switch-master and
// weak references to each member, so that a switch reconnects every member still alive.
// The watch runs while some member is started and not closed; when the last one closes,
// the watch and the questions in flight at the sentinels are closed too.
#include "sentinel_client.hpp"
#include "sio/log.hpp"

#include <algorithm>
#include <stdexcept>

#include "sentinel_resolver.hpp"
#include "sentinel_watch.hpp"
#include "standalone_client.hpp"

namespace sio::redis {
namespace {

namespace asio = boost::asio;

bool isReadOnly(const Reply& reply) {
  return reply.isError() && reply.str.rfind("READONLY", 0) == 0;
}

// A client or subscriber of the family.
class SentinelMember {
 public:
  virtual ~SentinelMember() = default;
  // Drops the link and asks the sentinels again, unless it is known to be up to `master`.
  virtual void follow(const std::string& master) = 0;
  virtual bool open() const = 0;  // started and not closed
};

class SentinelFamily : public std::enable_shared_from_this<SentinelFamily> {
 public:
  SentinelFamily(asio::any_io_executor executor, ClientOptions options,
                 ConnectionOptions connection, std::shared_ptr<SentinelResolver> resolver,
                 SentinelWatchOptions watchOptions)
      : executor_(std::move(executor)),
        options_(std::move(options)),
        connection_(std::move(connection)),
        resolver_(std::move(resolver)),
        watchOptions_(std::move(watchOptions)) {}

  const asio::any_io_executor& executor() const { return executor_; }
  const ClientOptions& clientOptions() const { return options_; }
  // For every data connection: the resolver decides the address, ROLE must say master.
  const ConnectionOptions& connectionOptions() const { return connection_; }

  void join(std::weak_ptr<SentinelMember> member) {
    std::erase_if(members_, [](const auto& weak) { return weak.expired(); });
    members_.push_back(std::move(member));
  }

  void memberStarted() {
    if (watch_) return;
    std::weak_ptr<SentinelFamily> weak = shared_from_this();
    watch_ = watchMasterSwitches(
        executor_, watchOptions_,
        [weak](const MasterSwitch& change) {
          if (auto self = weak.lock()) self->onSwitch(change);
        },
        [weak] {
          if (auto self = weak.lock()) self->onWatchGap();
        });
  }

  void memberClosed() {
    if (!openMembers().empty()) return;
    if (watch_) watch_->close();
    watch_.reset();
    resolver_->cancel();
  }

 private:
  std::vector<std::shared_ptr<SentinelMember>> openMembers() const {
    std::vector<std::shared_ptr<SentinelMember>> open;
    for (const auto& weak : members_)
      if (auto member = weak.lock(); member && member->open()) open.push_back(std::move(member));
    return open;
  }

  // Every member not yet connected to `master` drops its link and asks again (this may run
  // user callbacks, which may add members: iterate over a copy).
  void followAll(const std::string& master) {
    for (const auto& member : openMembers()) member->follow(master);
  }

  void onSwitch(const MasterSwitch& change) {
    if (change.master != options_.sentinelMaster) return;
    log::warn("redis: sentinel master " + change.master + " switched to " + change.to.host + ":" +
              std::to_string(change.to.port) + "; following");
    resolver_->announce(change.to.host, change.to.port);
    followAll(change.to.host + ":" + std::to_string(change.to.port));
  }

  // The watch was away: if the master changed meanwhile, follow it now.
  void onWatchGap() {
    std::string before = resolver_->lastMaster();
    std::weak_ptr<SentinelFamily> weak = shared_from_this();
    resolver_->resolve([weak, before](std::error_code ec, const std::string& host, uint16_t port) {
      auto self = weak.lock();
      std::string master = host + ":" + std::to_string(port);
      if (self && !ec && !before.empty() && before != master) {
        log::warn("redis: sentinel master moved from " + before + " to " + master +
                  " while the watch was away; following");
        self->followAll(master);
      }
    });
  }

  asio::any_io_executor executor_;
  ClientOptions options_;
  ConnectionOptions connection_;
  std::shared_ptr<SentinelResolver> resolver_;
  SentinelWatchOptions watchOptions_;
  std::shared_ptr<Subscriber> watch_;
  std::vector<std::weak_ptr<SentinelMember>> members_;
};

class SentinelSubscriber final : public Subscriber, public SentinelMember {
 public:
  static std::shared_ptr<SentinelSubscriber> create(const std::shared_ptr<SentinelFamily>& family) {
    auto subscriber = std::make_shared<SentinelSubscriber>(family);
    family->join(subscriber);
    return subscriber;
  }

  explicit SentinelSubscriber(std::shared_ptr<SentinelFamily> family)
      : family_(std::move(family)),
        inner_(Subscriber::create(family_->executor(), family_->connectionOptions())) {}
  ~SentinelSubscriber() override { family_->memberClosed(); }

  void start() override {
    if (started_ || closed_) return;
    started_ = true;
    family_->memberStarted();
    inner_->start();
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    inner_->close();
    family_->memberClosed();
  }
  void reconnect() override { inner_->reconnect(); }
  void follow(const std::string&) override { inner_->reconnect(); }  // its address is not known
  bool open() const override { return started_ && !closed_; }

  void subscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    inner_->subscribe(kind, std::move(names), std::move(done));
  }
  void unsubscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    inner_->unsubscribe(kind, std::move(names), std::move(done));
  }
  void onMessage(MessageHandler handler) override { inner_->onMessage(std::move(handler)); }
  void onResubscribed(std::function<void()> handler) override {
    inner_->onResubscribed(std::move(handler));
  }
  void onState(Connection::StateHandler handler) override { inner_->onState(std::move(handler)); }
  const std::set<std::string>& subscriptions(Kind kind) const override {
    return inner_->subscriptions(kind);
  }
  uint64_t gaps() const override { return inner_->gaps(); }
  ConnectionState state() const override { return inner_->state(); }

 private:
  std::shared_ptr<SentinelFamily> family_;
  std::shared_ptr<Subscriber> inner_;
  bool started_ = false;
  bool closed_ = false;
};

class SentinelClient final : public Client,
                             public SentinelMember,
                             public std::enable_shared_from_this<SentinelClient> {
 public:
  static std::shared_ptr<SentinelClient> create(const std::shared_ptr<SentinelFamily>& family) {
    auto client = std::make_shared<SentinelClient>(family);
    family->join(client);
    return client;
  }

  explicit SentinelClient(std::shared_ptr<SentinelFamily> family)
      : family_(std::move(family)),
        link_(Connection::create(family_->executor(), family_->connectionOptions())),
        inner_(createStandaloneClient(family_->executor(), family_->clientOptions(),
                                      family_->connectionOptions(), link_)) {}
  ~SentinelClient() override { family_->memberClosed(); }

  void start() override {
    if (started_ || closed_) return;
    started_ = true;
    family_->memberStarted();
    inner_->start();
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    inner_->close();
    family_->memberClosed();
  }
  void follow(const std::string& master) override {
    if (link_->state() != ConnectionState::Ready || link_->address() != master) link_->reconnect();
  }
  bool open() const override { return started_ && !closed_; }

  void send(std::string_view key, Command command, ReplyHandler handler) override {
    std::weak_ptr<SentinelClient> weak = shared_from_this();
    inner_->send(key, std::move(command),
                 [weak, handler = std::move(handler)](std::error_code ec, Reply reply) {
                   if (!ec && isReadOnly(reply)) onReadOnly(weak);
                   if (handler) handler(ec, std::move(reply));
                 });
  }

  void sendToMasters(Command command, MultiHandler handler) override {
    std::weak_ptr<SentinelClient> weak = shared_from_this();
    inner_->sendToMasters(std::move(command), [weak, handler = std::move(handler)](
                                                  std::error_code ec, std::vector<Reply> replies) {
      if (!ec && std::any_of(replies.begin(), replies.end(), isReadOnly)) onReadOnly(weak);
      if (handler) handler(ec, std::move(replies));
    });
  }

  std::shared_ptr<Client> duplicate() const override { return SentinelClient::create(family_); }
  std::shared_ptr<Subscriber> subscriber() const override {
    return SentinelSubscriber::create(family_);
  }

  void onState(Connection::StateHandler handler) override { inner_->onState(std::move(handler)); }
  bool ready() const override { return inner_->ready(); }
  LinkStats linkStats() const override { return inner_->linkStats(); }
  bool isCluster() const override { return false; }

 private:
  // The master we talk to has become a replica: ask the sentinels again.
  static void onReadOnly(const std::weak_ptr<SentinelClient>& weak) {
    if (auto self = weak.lock(); self && self->open()) self->link_->reconnect();
  }

  std::shared_ptr<SentinelFamily> family_;
  std::shared_ptr<Connection> link_;
  std::shared_ptr<Client> inner_;
  bool started_ = false;
  bool closed_ = false;
};

std::vector<SentinelAddress> parseSentinels(const std::vector<std::string>& texts) {
  std::vector<SentinelAddress> sentinels;
  for (const auto& text : texts) {
    auto address = parseSentinelAddress(text);
    if (!address)
      throw std::invalid_argument("invalid sentinel address '" + text + "' (expected host:port)");
    sentinels.push_back(std::move(*address));
  }
  return sentinels;
}

}  // namespace

std::shared_ptr<Client> createSentinelClient(asio::any_io_executor executor, ClientOptions options,
                                             ConnectionOptions connection) {
  if (options.sentinelMaster.empty()) throw std::invalid_argument("Sentinel: no master name given");
  auto sentinels = parseSentinels(options.sentinels);
  const auto timeout = std::min(connection.connectTimeout, std::chrono::milliseconds(1000));

  SentinelResolverOptions resolverOptions{sentinels, options.sentinelMaster,
                                          options.sentinelPassword, timeout};
  auto resolver = SentinelResolver::create(executor, std::move(resolverOptions));
  connection.resolveAddress = [resolver](auto done) { resolver->resolve(std::move(done)); };
  connection.requireMaster = true;

  SentinelWatchOptions watchOptions{std::move(sentinels), options.sentinelPassword, timeout,
                                    connection.backoff};
  auto family =
      std::make_shared<SentinelFamily>(executor, std::move(options), std::move(connection),
                                       std::move(resolver), std::move(watchOptions));
  return SentinelClient::create(family);
}

}  // namespace sio::redis
