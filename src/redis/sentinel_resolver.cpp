// SentinelResolver: one Query per resolve() call walks the sentinels, starting with the one
// that answered last. Each step opens a Connection to one sentinel (which does the AUTH),
// sends SENTINEL get-master-addr-by-name and arms a timer; the first of reply, link failure
// or timeout ends the step (an attempt number makes the others no-ops) and closes the link.
#include "sentinel_resolver.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>

namespace sio::redis {
namespace {

namespace asio = boost::asio;

std::optional<uint16_t> parsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

}  // namespace

std::optional<SentinelAddress> parseSentinelAddress(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // a bare IPv6 address is ambiguous
  }
  auto port = parsePort(std::string_view(text).substr(colon + 1));
  if (!port) return std::nullopt;
  return SentinelAddress{std::move(host), *port};
}

struct SentinelResolver::Query {
  explicit Query(asio::any_io_executor executor) : timer(executor) {}
  Done done;
  size_t asked = 0;      // sentinels tried so far
  uint64_t attempt = 0;  // the step in progress; completions of older steps are ignored
  std::shared_ptr<Connection> link;
  asio::steady_timer timer;
};

std::shared_ptr<SentinelResolver> SentinelResolver::create(asio::any_io_executor executor,
                                                           SentinelResolverOptions options) {
  return std::make_shared<SentinelResolver>(std::move(executor), std::move(options));
}

SentinelResolver::SentinelResolver(asio::any_io_executor executor, SentinelResolverOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

SentinelResolver::~SentinelResolver() {
  for (const auto& query : queries_)
    if (query->link) query->link->close();
}

void SentinelResolver::resolve(Done done) {
  if (announced_ && std::chrono::steady_clock::now() - announcedAt_ < options_.trustAnnouncement) {
    lastMaster_ = announced_->host + ":" + std::to_string(announced_->port);
    asio::post(executor_, [done = std::move(done), master = *announced_] {
      done({}, master.host, master.port);
    });
    return;
  }
  auto query = std::make_shared<Query>(executor_);
  query->done = std::move(done);
  queries_.insert(query);
  askNext(query);
}

void SentinelResolver::announce(std::string host, uint16_t port) {
  announced_ = SentinelAddress{std::move(host), port};
  announcedAt_ = std::chrono::steady_clock::now();
}

void SentinelResolver::cancel() {
  auto queries = queries_;
  for (const auto& query : queries) finish(query, make_error_code(Errc::Closed));
}

void SentinelResolver::askNext(const std::shared_ptr<Query>& query) {
  if (query->link) query->link->close();
  query->link.reset();
  const size_t count = options_.sentinels.size();
  if (query->asked == count) return finish(query, make_error_code(Errc::NoMaster));
  const size_t index = (first_ + query->asked++) % count;
  const uint64_t attempt = ++query->attempt;

  ConnectionOptions link;
  link.url.host = options_.sentinels[index].host;
  link.url.port = options_.sentinels[index].port;
  link.url.password = options_.password;
  link.connectTimeout = options_.timeout;
  query->link = Connection::create(executor_, std::move(link));

  std::weak_ptr<SentinelResolver> weakSelf = shared_from_this();
  std::weak_ptr<Query> weakQuery = query;
  // Runs `step` on this resolver and query unless the step is over.
  auto current = [weakSelf, weakQuery, attempt](auto step) {
    auto self = weakSelf.lock();
    auto query = weakQuery.lock();
    if (self && query && query->attempt == attempt && self->queries_.count(query))
      step(*self, query);
  };
  auto giveUp = [current] {
    current(
        [](SentinelResolver& self, const std::shared_ptr<Query>& query) { self.askNext(query); });
  };

  query->link->onState([executor = executor_, giveUp](ConnectionState state, std::error_code ec) {
    if (state == ConnectionState::Reconnecting && ec) asio::post(executor, giveUp);
  });
  Command ask{"SENTINEL", "get-master-addr-by-name", options_.masterName};
  query->link->send(std::move(ask), [current, giveUp, index](std::error_code ec, Reply reply) {
    if (ec) return giveUp();
    auto& items = reply.elements;
    std::optional<uint16_t> port;
    if (reply.isArray() && items.size() == 2 && items[0].isText() && items[1].isText())
      port = parsePort(items[1].str);
    if (!port) return giveUp();  // nil (does not know the name), an error, or nonsense
    current([&](SentinelResolver& self, const std::shared_ptr<Query>& query) {
      self.first_ = index;
      self.lastMaster_ = items[0].str + ":" + std::to_string(*port);
      self.finish(query, {}, std::move(items[0].str), *port);
    });
  });
  query->link->start();
  query->timer.expires_after(options_.timeout);
  query->timer.async_wait([giveUp](boost::system::error_code ec) {
    if (!ec) giveUp();
  });
}

void SentinelResolver::finish(const std::shared_ptr<Query>& query, std::error_code ec,
                              std::string host, uint16_t port) {
  queries_.erase(query);
  ++query->attempt;
  query->timer.cancel();
  if (query->link) query->link->close();
  query->link.reset();
  asio::post(executor_, [done = std::move(query->done), ec, host = std::move(host), port] {
    if (done) done(ec, host, port);
  });
}

}  // namespace sio::redis
