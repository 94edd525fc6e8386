// Finds the current master through Redis Sentinel: asks the sentinels in turn
// (SENTINEL get-master-addr-by-name, over a short-lived Connection each, AUTH when a
// password is set, a short time limit per sentinel) and answers with the first address one
// knows, or Errc::NoMaster. A master announced by +switch-master is trusted for a moment,
// so that reconnections after a switch do not meet a sentinel that has not heard of it yet.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "sio/redis/connection.hpp"

namespace sio::redis {

struct SentinelAddress {
  std::string host;
  uint16_t port = 0;
};

// "host:port" or "[v6]:port"; nullopt when it is not one.
std::optional<SentinelAddress> parseSentinelAddress(const std::string& text);

struct SentinelResolverOptions {
  std::vector<SentinelAddress> sentinels;
  std::string masterName;
  std::string password;                     // AUTH at the sentinels when not empty
  std::chrono::milliseconds timeout{1000};  // per sentinel: connect, AUTH and answer
  std::chrono::milliseconds trustAnnouncement{5000};
};

class SentinelResolver : public std::enable_shared_from_this<SentinelResolver> {
 public:
  using Done = std::function<void(std::error_code, std::string host, uint16_t port)>;

  static std::shared_ptr<SentinelResolver> create(boost::asio::any_io_executor executor,
                                                  SentinelResolverOptions options);
  SentinelResolver(boost::asio::any_io_executor executor, SentinelResolverOptions options);
  ~SentinelResolver();

  // Answers (always asynchronously) with the master's address; usable as an AddressResolver.
  void resolve(Done done);
  // A sentinel announced this master (+switch-master): answer it without asking for a while.
  void announce(std::string host, uint16_t port);
  // Ends the questions in flight with Errc::Closed and closes their connections.
  void cancel();
  // "host:port" of the last answer, empty before the first.
  const std::string& lastMaster() const { return lastMaster_; }

 private:
  struct Query;
  void askNext(const std::shared_ptr<Query>& query);
  void finish(const std::shared_ptr<Query>& query, std::error_code ec, std::string host = {},
              uint16_t port = 0);

  boost::asio::any_io_executor executor_;
  SentinelResolverOptions options_;
  size_t first_ = 0;  // the sentinel asked first: the last one that answered
  std::string lastMaster_;
  std::optional<SentinelAddress> announced_;
  std::chrono::steady_clock::time_point announcedAt_;
  std::set<std::shared_ptr<Query>> queries_;
};

}  // namespace sio::redis
