// Follows master switches announced by Redis Sentinel: a Subscriber on one sentinel (the
// next one of the list whenever its link fails), subscribed to +switch-master. Its owner
// hears of every switch, and of every gap in the subscription (a switch may have been
// missed then). The Sentinel client keeps one per family of clients and subscribers.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel_resolver.hpp"
#include "sio/redis/subscriber.hpp"

namespace sio::redis {

// A +switch-master message: "<name> <old ip> <old port> <new ip> <new port>".
struct MasterSwitch {
  std::string master;
  SentinelAddress from, to;
};

std::optional<MasterSwitch> parseMasterSwitch(std::string_view payload);

struct SentinelWatchOptions {
  std::vector<SentinelAddress> sentinels;
  std::string password;
  std::chrono::milliseconds connectTimeout{1000};
  BackoffOptions backoff;
};

// The started Subscriber; close() it to stop watching.
std::shared_ptr<Subscriber> watchMasterSwitches(boost::asio::any_io_executor executor,
                                                SentinelWatchOptions options,
                                                std::function<void(const MasterSwitch&)> onSwitch,
                                                std::function<void()> onGap);

}  // namespace sio::redis
