// The TCP socket of an accepted connection, and the timers of its layers, typed on their
// io_context's executor. Asio's defaults carry an any_io_executor (56 bytes, type-erased),
// and so does every operation pending on them; typed on io_context::executor_type, a socket
// and its pending read-wait hold 8 bytes instead, and completions skip the executor's work
// tracking. The listener accepts straight into ConnectionSocket, so no socket is
// re-registered with the reactor on its way from accept to the WebSocket transport.
#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>

namespace sio::engine {

using ConnectionSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

using ConnectionTimer =
    boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                      boost::asio::wait_traits<std::chrono::steady_clock>,
                                      boost::asio::io_context::executor_type>;

}  // namespace sio::engine
