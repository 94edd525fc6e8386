// Helpers of the Engine.IO v3 suite (allowEIO3): the official socket.io-client 2.x from
// npm (tests/node: "socket.io-client-2", on engine.io-client 3.x) in three transport
// modes, with an event recorder (2.x has no onAny), `op` requests and acks through 2.x's
// callback API, and raw v3 requests (polling payloads, WebSocket frames) with their exact
// bytes.

import assert from "node:assert/strict";
import { peerRequire } from "../lib/testserver.mjs";
import { httpRequest, openWs, withTimeout, sleep } from "../lib/eio.mjs";

export { withTimeout, sleep };

const io2 = peerRequire("socket.io-client-2");

export const SIO_PATH = "/socket.io/";

/** The transport modes every client scenario runs in. */
export const MODES = [
  { name: "polling", transports: ["polling"] },
  { name: "websocket", transports: ["websocket"] },
  { name: "polling upgraded to websocket", transports: undefined },
];

/** The events of the test server that the recorder keeps. */
const RECORDED = ["auth", "message-back", "news", "nsp", "error", "reconnect"];

/**
 * A socket.io-client 2.x socket on `url + nsp` (the namespace may carry a query), with its
 * own Manager (forceNew) and no reconnection unless asked. socket.received lists the
 * recorded events ({event, args}, an ack callback left out); next(socket, event) takes
 * them in order.
 */
export function client2(url, nsp = "/", { mode = MODES[1], ...options } = {}) {
  const socket = io2(url + (nsp === "/" ? "" : nsp), {
    forceNew: true,
    reconnection: false,
    ...(mode.transports ? { transports: mode.transports } : {}),
    ...options,
  });
  return record(socket);
}

/** A second socket on the Manager of `socket` (the same Engine.IO connection), recorded. */
export function sameConnection2(socket, nsp, options) {
  return record(socket.io.socket(nsp, options));
}

function record(socket) {
  socket.received = [];
  socket._waiters = [];
  for (const event of RECORDED) {
    socket.on(event, (...args) => {
      if (args.length && typeof args[args.length - 1] === "function") args.pop();
      const entry = { event, args, taken: false };
      socket.received.push(entry);
      const i = socket._waiters.findIndex((w) => w.event === event);
      if (i !== -1) {
        entry.taken = true;
        socket._waiters.splice(i, 1)[0].resolve(args);
      }
    });
  }
  socket.disconnectReasons = [];
  socket.on("disconnect", (reason) => socket.disconnectReasons.push(reason));
  return socket;
}

/** Resolves the args of the next not yet taken `event` of `socket`. */
export function next(socket, event, ms = 4000) {
  const entry = socket.received.find((e) => e.event === event && !e.taken);
  if (entry) {
    entry.taken = true;
    return Promise.resolve(entry.args);
  }
  let waiter;
  const p = new Promise((resolve) => socket._waiters.push((waiter = { event, resolve })));
  return withTimeout(p, ms, `event "${event}" on ${socket.nsp}`).catch((e) => {
    const i = socket._waiters.indexOf(waiter);
    if (i !== -1) socket._waiters.splice(i, 1);
    throw e;
  });
}

/** Resolves once `socket` is connected; rejects on connect_error or an error packet. */
export function connected(socket, ms = 5000) {
  if (socket.connected) return Promise.resolve(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
      socket.once("error", (err) => reject(new Error(`error: ${JSON.stringify(err)}`)));
    }),
    ms,
    `${socket.nsp} to connect`,
  );
}

/** Connects a 2.x client and waits until it is connected. */
export async function connect2(url, nsp = "/", options = {}) {
  const socket = client2(url, nsp, options);
  try {
    await connected(socket);
  } catch (e) {
    socket.close();
    throw e;
  }
  return socket;
}

/** Resolves the reason of the next `disconnect` of `socket`. */
export function disconnected(socket, ms = 5000) {
  return withTimeout(new Promise((resolve) => socket.once("disconnect", resolve)), ms, `${socket.nsp} to disconnect`);
}

/** Emits `event` with `args` and resolves the arguments of the ack. */
export function emitAck(socket, event, args = [], ms = 4000) {
  return withTimeout(
    new Promise((resolve) => socket.emit(event, ...args, (...res) => resolve(res))),
    ms,
    `the ack of "${event}"`,
  );
}

/** An `op` request to the test server; asserts {"ok":true} and resolves `result`. */
export async function opOk(socket, request, ms = 8000) {
  const [res] = await emitAck(socket, "op", [request], ms);
  assert.equal(res.ok, true, `op ${JSON.stringify(request)} failed: ${JSON.stringify(res)}`);
  return res.result;
}

/** In the upgrade mode, waits until the client runs over WebSocket. */
export async function upgraded(socket, ms = 5000) {
  const deadline = Date.now() + ms;
  while (socket.io.engine?.transport?.name !== "websocket") {
    if (Date.now() > deadline) throw new Error(`no upgrade within ${ms} ms (transport ${socket.io.engine?.transport?.name})`);
    await sleep(10);
  }
}

/** Closes every given socket and its Manager. */
export function closeAll(...sockets) {
  for (const s of sockets) {
    if (!s) continue;
    s.close();
    s.io.close();
  }
}

/** Binary leaves (Buffer, ArrayBuffer, typed arrays) replaced by {$bin: [bytes]}, for deepEqual. */
export function norm(v) {
  if (v instanceof ArrayBuffer) return { $bin: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { $bin: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

// ---------------------------------------------------------------------------------------
// raw Engine.IO v3

/** A GET or POST on a v3 polling session (or a handshake without `sid`), exact bytes kept. */
export function v3Request(port, method, { sid, query = "", body, headers = {}, path = SIO_PATH } = {}) {
  const q = `EIO=3&transport=polling${sid ? `&sid=${encodeURIComponent(sid)}` : ""}${query}`;
  return httpRequest(port, method, q, body, { path, headers });
}

/** A v3 polling handshake: asserts 200 and the v3 open packet; resolves {sid, open, res}. */
export async function v3Handshake(port, { query = "", path = SIO_PATH } = {}) {
  const res = await v3Request(port, "GET", { query, path });
  assert.equal(res.status, 200, `v3 handshake answered ${res.status} ${res.text}`);
  const m = /^(\d+):0(\{.*\})/.exec(res.text);
  assert.ok(m, `expected a v3 string payload with the open packet, got ${JSON.stringify(res.text)}`);
  const open = JSON.parse(m[2]);
  assert.equal(Number(m[1]), m[2].length + 1, "the length prefix counts the open packet");
  return { sid: open.sid, open, res };
}

/** A raw WebSocket on a v3 endpoint (`ws` package): see openWs() in lib/eio.mjs. */
export function v3Ws(port, query = "", { path = SIO_PATH } = {}) {
  return openWs(port, `EIO=3&transport=websocket${query}`, { path });
}

/** Splits a v3 string payload into its packets; asserts every length prefix. */
export function splitStringPayload(text) {
  const packets = [];
  let rest = text;
  while (rest.length) {
    const m = /^(\d+):/.exec(rest);
    assert.ok(m, `bad v3 payload ${JSON.stringify(text)}`);
    const n = Number(m[1]);
    packets.push(rest.slice(m[0].length, m[0].length + n));
    rest = rest.slice(m[0].length + n);
  }
  return packets;
}
