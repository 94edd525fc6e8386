// The `op` requests of sio-testserver (shared/spec/test-server.md): each op performs one
// server-side operation for the calling socket and answers {"ok":true,"result":…} or
// {"ok":false,"error":"…"}.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sio/server/server.hpp"

namespace sio::testserver {

struct NodeState : std::enable_shared_from_this<NodeState> {
  std::string serverId;
  std::string adapter;          // the --adapter flag
  std::vector<Value> received;  // server-side `ping` events, oldest first
};

// Runs `request` for `socket` on `nsp`; `reply` gets the ack object.
void runOp(const std::shared_ptr<NodeState>& node, Namespace& nsp,
           const std::shared_ptr<Socket>& socket, const Value& request,
           std::function<void(Value)> reply);

}  // namespace sio::testserver
