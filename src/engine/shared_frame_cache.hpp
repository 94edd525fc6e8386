// Frames a broadcast once: the WebSocket frame of a payload that several connections send
// in a row (one broadcast walking its recipients) is built once, by the second recipient,
// into one immutable, reference-counted buffer that every further recipient queues by
// reference. A payload sent once (an ack, an echo) is never copied into a shared frame:
// its one connection frames it into its own bytes. Keyed by the payload's identity (the
// same shared bytes, held here so that the address cannot be reused) and the frame's form.
// Pure: unit-tested without sockets.
#pragma once
#include <cstdint>
#include <string>

#include "sio/engine/packet.hpp"
#include "websocket_frames.hpp"

namespace sio::engine {

// How a payload is framed: the opcode and an optional one-byte prefix (the Engine.IO type).
struct FrameForm {
  WebSocketOpcode opcode = WebSocketOpcode::Text;
  bool hasPrefix = false;
  char prefix = 0;

  std::string_view prefixView() const { return hasPrefix ? std::string_view(&prefix, 1) : ""; }
  bool operator==(const FrameForm&) const = default;
};

class SharedFrameCache {
 public:
  // The shared frame of `payload` in `form` when the same payload was framed in this form
  // just before; null otherwise (the caller frames it into its own bytes).
  SharedBytes frameFor(const SharedBytes& payload, FrameForm form) {
    if (!payload) return nullptr;
    if (payload == payload_ && form == form_) {
      if (!frame_) {
        std::string frame;
        appendServerFrame(form.opcode, form.prefixView(), *payload, frame);
        frame_ = makeBytes(std::move(frame));
      }
      return frame_;
    }
    payload_ = payload;
    form_ = form;
    frame_.reset();
    return nullptr;
  }

  // Lets go of the last payload and frame.
  void clear() {
    payload_.reset();
    frame_.reset();
  }

 private:
  SharedBytes payload_;
  FrameForm form_;
  SharedBytes frame_;
};

}  // namespace sio::engine
