// Client::create: reads the options and builds the client for the deployment they
// describe (Sentinel when sentinels are given, Cluster when asked, else one server).
#include "sio/redis/client.hpp"

#include <stdexcept>

#include "cluster_client.hpp"
#include "sentinel_client.hpp"
#include "standalone_client.hpp"

namespace sio::redis {

std::shared_ptr<Client> Client::create(boost::asio::any_io_executor executor,
                                       ClientOptions options) {
  if (options.urls.empty()) throw std::invalid_argument("no Redis URL given");
  std::vector<RedisUrl> urls;
  for (const auto& text : options.urls) {
    std::string error;
    auto url = parseRedisUrl(text, &error);
    if (!url) throw std::invalid_argument("invalid Redis URL '" + text + "': " + error);
    urls.push_back(*url);
  }
  ConnectionOptions connection = options.connection;
  connection.url = urls.front();
  if (!options.clientName.empty()) connection.clientName = options.clientName;
  if (urls.size() > 1 && !options.cluster)
    throw std::invalid_argument("several Redis URLs are only allowed for a cluster");
  if (options.cluster) {
    if (!options.sentinels.empty())
      throw std::invalid_argument("a cluster is not found through Sentinel");
    return createClusterClient(std::move(executor), std::move(options), std::move(connection));
  }
  if (!options.sentinels.empty())
    return createSentinelClient(std::move(executor), std::move(options), std::move(connection));
  return createStandaloneClient(std::move(executor), std::move(options), std::move(connection));
}

}  // namespace sio::redis
