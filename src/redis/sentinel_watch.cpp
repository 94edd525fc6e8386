// watchMasterSwitches: the Subscriber's address resolver hands out the sentinels in turn,
// so each (re)connection after a failure goes to the next one; messages on +switch-master
// are parsed and passed on, resubscriptions are reported as gaps.
#include "sentinel_watch.hpp"

#include <boost/asio/post.hpp>
#include <charconv>
#include <sstream>

namespace sio::redis {

namespace {

constexpr const char* kSwitchChannel = "+switch-master";

std::optional<SentinelAddress> addressOf(const std::string& host, const std::string& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535)
    return std::nullopt;
  return SentinelAddress{host, static_cast<uint16_t>(value)};
}

}  // namespace

std::optional<MasterSwitch> parseMasterSwitch(std::string_view payload) {
  std::istringstream in{std::string(payload)};
  std::string name, fromHost, fromPort, toHost, toPort, extra;
  if (!(in >> name >> fromHost >> fromPort >> toHost >> toPort) || (in >> extra))
    return std::nullopt;
  auto from = addressOf(fromHost, fromPort);
  auto to = addressOf(toHost, toPort);
  if (!from || !to) return std::nullopt;
  return MasterSwitch{std::move(name), std::move(*from), std::move(*to)};
}

std::shared_ptr<Subscriber> watchMasterSwitches(boost::asio::any_io_executor executor,
                                                SentinelWatchOptions options,
                                                std::function<void(const MasterSwitch&)> onSwitch,
                                                std::function<void()> onGap) {
  ConnectionOptions link;
  link.url.password = options.password;
  link.connectTimeout = options.connectTimeout;
  link.backoff = options.backoff;
  auto next = std::make_shared<size_t>(0);
  link.resolveAddress = [executor, sentinels = std::move(options.sentinels), next](auto done) {
    const SentinelAddress& sentinel = sentinels[(*next)++ % sentinels.size()];
    boost::asio::post(
        executor, [done = std::move(done), sentinel] { done({}, sentinel.host, sentinel.port); });
  };
  auto subscriber = Subscriber::create(executor, std::move(link));
  subscriber->onMessage([onSwitch = std::move(onSwitch)](const PubSubMessage& message) {
    if (message.channel != kSwitchChannel) return;
    if (auto change = parseMasterSwitch(message.payload)) onSwitch(*change);
  });
  subscriber->onResubscribed(std::move(onGap));
  subscriber->subscribe({kSwitchChannel});
  subscriber->start();
  return subscriber;
}

}  // namespace sio::redis
