// The close sequence of a WebSocket connection that frames by itself (RFC 6455 7.1), as a
// plain class: each side sends one close frame; the connection ends once ours is written
// and the peer's has come (a frame that breaks the protocol counts as the peer's last), or
// when a grace period runs out, or at once on a hard abort. It answers what to do next;
// the transport writes the frames and keeps the timer. Unit-tested without sockets.
#pragma once
#include <cstdint>

namespace sio::engine {

class WebSocketCloseState {
 public:
  struct Step {
    bool sendCloseFrame = false;  // write our close frame with `code` (and start the grace timer)
    std::uint16_t code = 0;
    bool finishWhenWritten = false;  // end the connection once the queued bytes are written
  };

  // Neither side began to close: messages flow both ways.
  bool open() const { return !closing_ && !closed_; }
  bool closeSent() const { return closeSent_; }
  // The peer's close frame came (or a broken frame): nothing more is read.
  bool peerClosed() const { return peerClosed_; }
  bool closed() const { return closed_; }

  // We close (close() on the transport): our close frame, then wait for the peer's.
  Step closeByUs(std::uint16_t code) {
    if (closed_) return {};
    closing_ = true;
    return sendOnce(code);
  }

  // The peer's close frame came, or a frame that fails the connection (`answer` is the
  // code we send: the peer's own, 1000 for none, or the failure's).
  Step peerClose(std::uint16_t answer) {
    if (closed_) return {};
    closing_ = true;
    peerClosed_ = true;
    Step step = sendOnce(answer);
    step.finishWhenWritten = true;
    return step;
  }

  // A hard teardown: no frames.
  void abort() { closing_ = true; }

  // The connection is gone. False when it already was (finish once).
  bool finish() {
    if (closed_) return false;
    closing_ = true;
    closed_ = true;
    return true;
  }

 private:
  Step sendOnce(std::uint16_t code) {
    if (closeSent_) return {};
    closeSent_ = true;
    return Step{true, code, false};
  }

  bool closing_ = false;
  bool closeSent_ = false;
  bool peerClosed_ = false;
  bool closed_ = false;
};

}  // namespace sio::engine
