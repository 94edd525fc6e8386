// Pub/sub over a Redis Cluster, behind the Subscriber interface: plain channels and
// patterns live on one node's Subscriber (any node hears every PUBLISH; moved to another
// node when that one dies), sharded channels on the Subscriber of the master owning their
// slot, one SSUBSCRIBE per slot. When an owner changes (failover, slot migration) the
// channels are subscribed again at the new owner and that counts as a gap. Built by the
// cluster client's subscriber() (src/redis/cluster_client.cpp).
#pragma once

#include "sio/redis/client.hpp"
#include "sio/redis/subscriber.hpp"

namespace sio::redis {

std::shared_ptr<Subscriber> createClusterSubscriber(boost::asio::any_io_executor executor,
                                                    ClientOptions options,
                                                    ConnectionOptions connection);

}  // namespace sio::redis
