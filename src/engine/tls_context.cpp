// Builds the listener's OpenSSL context. Errors name the file and carry OpenSSL's reason,
// so an operator sees at once which path or key is wrong.
#include "tls_context.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace sio::engine {
namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> makeServerTlsContext(const TlsOptions& options) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code ec;
  context->use_certificate_chain_file(options.certificateChainFile, ec);
  if (ec) {
    throw std::runtime_error("TLS certificate chain " + options.certificateChainFile + ": " +
                             ec.message());
  }
  context->use_private_key_file(options.privateKeyFile, ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("TLS private key " + options.privateKeyFile + ": " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    throw std::runtime_error("TLS private key " + options.privateKeyFile +
                             " does not match the certificate " + options.certificateChainFile);
  }
  return context;
}

}  // namespace sio::engine
