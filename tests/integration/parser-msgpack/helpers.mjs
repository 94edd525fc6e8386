// Helpers of the msgpack parser suite: sio-testserver started with `--parser msgpack`,
// socket.io-client sockets using the official socket.io-msgpack-parser that keep every
// Engine.IO message their connection received (to compare bytes with the npm encoder's),
// and a value normaliser that shows binary as its bytes whatever JS type carries it.

import assert from "node:assert/strict";
import { peerRequire } from "../lib/testserver.mjs";
import { client, connected, startSioServer } from "../lib/sio.mjs";

export const msgpackParser = peerRequire("socket.io-msgpack-parser");
const encoder = new msgpackParser.Encoder();

/** sio-testserver (or its twin) speaking the msgpack parser, with `args` added. */
export const startMsgpackServer = (args = []) => startSioServer(["--parser", "msgpack", ...args]);

/** The bytes socket.io-msgpack-parser writes for `packet` (a JS object, keys in order). */
export const encoded = (packet) => Buffer.from(encoder.encode(packet)[0]);

/**
 * A recorded socket.io-client socket (see client() in lib/sio.mjs) with the msgpack parser.
 * Its Manager keeps every message of the connection, as Buffers, in `socket.io.frames`
 * (sockets on the same connection share them).
 */
export function msgpackClient(url, nsp, { mode, ...options } = {}) {
  const socket = client(url, nsp, { mode, parser: msgpackParser, ...options });
  recordFrames(socket.io);
  return socket;
}

/** msgpackClient(), connected. */
export async function msgpackConnect(url, nsp = "/", options = {}) {
  const socket = msgpackClient(url, nsp, options);
  try {
    await connected(socket);
  } catch (e) {
    socket.disconnect();
    throw e;
  }
  return socket;
}

function recordFrames(manager) {
  if (manager.frames) return;
  manager.frames = [];
  // the Manager opens its engine at once (autoConnect); an upgrade keeps the engine
  manager.engine.on("data", (data) => {
    assert.notEqual(typeof data, "string", `a text message under the msgpack parser: ${data}`);
    manager.frames.push(Buffer.from(data));
  });
}

/** Asserts that the connection of `socket` received exactly the npm encoding of `packet`. */
export function assertReceivedBytes(socket, packet) {
  const want = encoded(packet);
  const frames = socket.io.frames;
  assert.ok(
    frames.some((f) => f.equals(want)),
    `no message equals the npm encoding of ${JSON.stringify(packet)}\n  want ${want.toString("hex")}\n  got  ` +
      frames.map((f) => f.toString("hex")).join("\n       "),
  );
}

/** Binary (Buffer, typed array or ArrayBuffer) as {$bin: [bytes]}, so deepEqual checks content and place. */
export function norm(v) {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $bin: [...v] };
  if (v instanceof ArrayBuffer) return { $bin: [...new Uint8Array(v)] };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

const b = (...bytes) => Buffer.from(bytes);

/** Binary at several depths, next to other values, including an empty buffer. */
export const NESTED = () => [
  b(1, 2, 3),
  "text",
  { a: b(4), list: [0, b(5, 6), { deep: { deeper: [b(), b(255, 0, 127)] } }], n: null },
  [[[b(7)]]],
  42,
];

/** One value of every msgpack class notepack writes: ints of each width, floats, strings, maps. */
export const SCALARS = () => [
  0, 127, 128, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53 - 1,
  -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53 - 1),
  // (no float beyond 2^53: notepack takes every such Number for an integer, modulo 2^64)
  0.5, -1.25, 1234.5678, 5e-324, -2.5e15,
  "", "a".repeat(31), "a".repeat(32), "é€😀", "x".repeat(300),
  true, false, null,
  { "": 1, nested: { k: [1, { z: "y" }] } },
  new Array(16).fill(1),
];
