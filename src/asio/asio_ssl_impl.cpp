// The one translation unit that compiles Asio's SSL support (separate compilation), for
// the HTTPS/WSS listener and for TLS connections to Redis.
#include <boost/asio/ssl/impl/src.hpp>
