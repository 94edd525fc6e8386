// Options of the Socket.IO server, with socket.io 4.8's names and defaults. The Engine.IO
// options (pingInterval, maxHttpBufferSize, cors, …) sit in `engine`; its path is taken
// from `path` here.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "sio/adapter/adapter.hpp"
#include "sio/engine/options.hpp"
#include "sio/protocol/parser.hpp"
#include "sio/server/handler_error.hpp"

namespace sio {

struct ConnectionStateRecoveryOptions {
  std::chrono::milliseconds maxDisconnectionDuration{120000};
  bool skipMiddlewares = true;
};

struct ServerOptions {
  std::string path = "/socket.io";
  std::chrono::milliseconds connectTimeout{45000};
  // Binary attachments one packet may announce (socket.io-parser's maxAttachments, same
  // default). A packet announcing more closes its connection at once ("parse error").
  size_t maxAttachments = 10;
  // Bytes of attachments held for one packet not yet complete. 0 (the default):
  // maxAttachments x engine.maxHttpBufferSize. Past it the connection closes ("parse error")
  // and what it held is freed.
  size_t maxAttachmentBytes = 0;
  // How packets are written and read (socket.io's `parser`): protocol::defaultParser()
  // (socket.io-parser) or protocol::msgpackParser() (socket.io-msgpack-parser 3.x); every
  // client must use the same. Null means the default parser.
  std::shared_ptr<const protocol::Parser> parser = protocol::defaultParser();
  std::optional<ConnectionStateRecoveryOptions> connectionStateRecovery;
  bool cleanupEmptyChildNamespaces = false;
  // Makes each namespace's adapter. Default: in memory (SessionAwareAdapter when
  // connection state recovery is on).
  AdapterFactory adapter;
  // An exception thrown by a user's handler, middleware or ack callback (not in Node's
  // options: there it always ends the process). DisconnectSocket (the default): logged at
  // `error`, passed to Server::onError hooks, and only that socket is disconnected with
  // "server handler error"; a connection middleware's throw refuses the connection as
  // next(Error{what()}) would. Rethrow: Node's behaviour, the exception leaves io.run().
  HandlerErrorPolicy onHandlerError = HandlerErrorPolicy::DisconnectSocket;
  engine::ServerOptions engine;
};

}  // namespace sio
