// Client for a master found through Redis Sentinel: a standalone client whose connection
// asks the sentinels where the master is at every (re)connection and checks ROLE, and
// which reconnects as soon as a sentinel announces a switch (+switch-master) or a reply
// says READONLY. Built by Client::create when ClientOptions::sentinels is not empty.
#pragma once

#include "sio/redis/client.hpp"

namespace sio::redis {

// Throws std::invalid_argument for a malformed sentinel address or an empty master name.
std::shared_ptr<Client> createSentinelClient(boost::asio::any_io_executor executor,
                                             ClientOptions options, ConnectionOptions connection);

}  // namespace sio::redis
