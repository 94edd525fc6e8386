// The official engine.io-client (6.6, from tests/node/node_modules) wrapped with
// promises and a message queue, against the echo endpoint /engine.io/.

import { peerRequire } from "./testserver.mjs";
import { withTimeout, EIO_PATH } from "./eio.mjs";

const { Socket } = peerRequire("engine.io-client");

/**
 * Connects an engine.io-client Socket. Returns
 *   {socket, opened, closed, upgraded, next(ms), close()}
 *   opened   -> resolves on 'open' (rejects on 'close' before it)
 *   closed   -> resolves {reason, description} on 'close'
 *   upgraded -> resolves the transport on 'upgrade'
 *   next(ms) -> the next message (string, or Buffer for binary)
 */
export function connectClient(port, opts = {}) {
  const socket = new Socket(`http://127.0.0.1:${port}`, { path: EIO_PATH, ...opts });
  const queue = [];
  const waiters = [];
  let isClosed = false;

  socket.on("message", (data) => {
    const w = waiters.shift();
    if (w) w.resolve(data);
    else queue.push(data);
  });
  const opened = new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("close", (reason) => reject(new Error(`closed before open: ${reason}`)));
  });
  opened.catch(() => {});
  const closed = new Promise((resolve) => {
    socket.once("close", (reason, description) => {
      isClosed = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`client closed (${reason}) while waiting for a message`));
      resolve({ reason, description });
    });
  });
  const upgraded = new Promise((resolve) => socket.once("upgrade", resolve));

  const next = (ms = 2000) => {
    if (queue.length) return Promise.resolve(queue.shift());
    if (isClosed) return Promise.reject(new Error("client already closed"));
    let waiter;
    return withTimeout(
      new Promise((resolve, reject) => waiters.push((waiter = { resolve, reject }))),
      ms,
      "an engine.io-client message",
    ).catch((e) => {
      const i = waiters.indexOf(waiter);
      if (i !== -1) waiters.splice(i, 1);
      throw e;
    });
  };

  return {
    socket,
    opened,
    closed,
    upgraded,
    next,
    isClosed: () => isClosed,
    close: () => {
      if (!isClosed) socket.close();
      return closed;
    },
  };
}
