// Client over a Redis Cluster: commands routed by the hash slot of their key to the master
// serving it (one pipelined Connection per node), following MOVED / ASK redirections and
// retrying TRYAGAIN / CLUSTERDOWN with backoff; the slot map is kept current by a
// ClusterTopology (src/redis/cluster_topology.cpp). Built by Client::create when
// `options.cluster` is set; its subscriber() is a cluster subscriber (cluster_subscriber.hpp).
#pragma once

#include "sio/redis/client.hpp"

namespace sio::redis {

// `connection` gives credentials, db, TLS, client name, timeouts and backoff for every
// node; its url's host and port are ignored (the seeds are `options.urls`).
std::shared_ptr<Client> createClusterClient(boost::asio::any_io_executor executor,
                                            ClientOptions options, ConnectionOptions connection);

}  // namespace sio::redis
