// Client over one server (or one master behind Sentinel, through an AddressResolver): a
// single pipelined Connection; every key routes to it.
#pragma once

#include "sio/redis/client.hpp"

namespace sio::redis {

std::shared_ptr<Client> createStandaloneClient(boost::asio::any_io_executor executor, ClientOptions options,
                                               ConnectionOptions connection);

}  // namespace sio::redis
