// Why an asynchronous call of the server or its adapter failed, as Boost.System error codes
// (category "sio"): what the completion-token forms (asio::use_awaitable, use_future, …)
// report, thrown as boost::system::system_error by use_awaitable and use_future. The
// callback forms report an sio::Error with Node's exact message instead; one table maps
// those messages to these codes.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <type_traits>

#include "sio/adapter/types.hpp"

namespace sio {

enum class Errc {
  // "operation has timed out": a client did not acknowledge in time (Node's message). A
  // broadcast reports the responses that came with it, as Node's `err.responses`.
  AckTimeout = 1,
  // "timeout reached": a server of the cluster did not answer a request in time (Node's
  // messages begin so: "timeout reached: only 1 responses received out of 2", "timeout
  // reached: missing 1 responses", "timeout reached while waiting for allRooms response").
  // serverSideEmitWithAck reports the responses that came with it.
  RequestTimeout,
  AdapterClosed,   // "the adapter was closed" while the request waited
  NotSupported,    // this adapter or namespace cannot do it (e.g. an ack on a parent namespace)
  SocketNotFound,  // no such socket (an adapter without other nodes: it would be here)
  Failed,          // any other failure (its message is in the callback form only)
};

const boost::system::error_category& errorCategory();

inline boost::system::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), errorCategory()};
}

// The code of an error reported to a callback (nothing: success).
boost::system::error_code toErrorCode(const std::optional<Error>& error);
// The error a callback gets for a code of this category (its message).
Error toError(Errc e);

}  // namespace sio

template <>
struct boost::system::is_error_code_enum<sio::Errc> : std::true_type {};
