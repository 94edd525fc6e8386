// Client over one server (or one master behind Sentinel, through an AddressResolver): a
// single pipelined Connection; every key routes to it.
#pragma once

#include "sio/redis/client.hpp"

namespace sio::redis {

std::shared_ptr<Client> createStandaloneClient(boost::asio::any_io_executor executor,
                                               ClientOptions options, ConnectionOptions connection);
// The same over a Connection the caller made from `connection` (and keeps a handle on, e.g.
// to force reconnections); duplicates still make their own.
std::shared_ptr<Client> createStandaloneClient(boost::asio::any_io_executor executor,
                                               ClientOptions options, ConnectionOptions connection,
                                               std::shared_ptr<Connection> link);

}  // namespace sio::redis
