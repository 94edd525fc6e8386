// The server's TLS context, made from TlsOptions: the certificate chain and key read from
// their PEM files, TLS 1.2 or newer, no compression or renegotiation.
#pragma once

#include <memory>

#include "sio/engine/options.hpp"

namespace boost::asio::ssl {
class context;
}

namespace sio::engine {

// Throws std::runtime_error naming the file and OpenSSL's reason when a file cannot be
// read, or when the key does not match the certificate.
std::shared_ptr<boost::asio::ssl::context> makeServerTlsContext(const TlsOptions& options);

}  // namespace sio::engine
