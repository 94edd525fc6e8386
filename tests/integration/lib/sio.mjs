// Socket.IO helpers for the black-box tests in tests/integration/socketio/: the official
// socket.io-client in three transport modes, an event recorder, `op` requests to
// sio-testserver, a raw Socket.IO-over-WebSocket client (`ws` package) that shows the
// exact frames, and the start helpers of the second fixture, sio-features-server
// (tests/integration/fixtures/sio-features-server.md), whose command comes from
// SIO_FEATURES_SERVER as a JSON array, e.g.
//   SIO_FEATURES_SERVER='["node","tests/twin/sio-features-server.js"]'

import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import {
  peerRequire,
  startServer,
  startCommand,
  commandFromEnv,
  isReferenceCommand,
  explain,
  runCommandRaw,
} from "./testserver.mjs";
import { openWs, withTimeout, parseOpen, SID_RE } from "./eio.mjs";

export { withTimeout, SID_RE };

const { io } = peerRequire("socket.io-client");

export const sleep = (ms) => delay(ms);
export const SIO_PATH = "/socket.io/";

/** The transport modes every client scenario runs in. */
export const MODES = [
  { name: "polling", transports: ["polling"] },
  { name: "websocket", transports: ["websocket"] },
  { name: "default (polling + upgrade)", transports: undefined },
];

// ---------------------------------------------------------------------------------------
// servers

export const FEATURES_ENV = "SIO_FEATURES_SERVER";
const featuresOpts = { twinScript: "sio-features-server.js" };

/** True when SIO_FEATURES_SERVER runs the Node.js twin (see isReference() in testserver.mjs). */
export const featuresIsReference = () =>
  isReferenceCommand(commandFromEnv(FEATURES_ENV, '["node","tests/twin/sio-features-server.js"]'), "sio-features-server.js");

/** Starts sio-features-server with `--port 0` plus `args`; same object as startServer(). */
export const startFeaturesServer = (args = []) => startCommand(FEATURES_ENV, args, featuresOpts);
/** Runs the features server command with exactly `args` (for the flag tests). */
export const runFeaturesServerRaw = (args, o) => runCommandRaw(FEATURES_ENV, args, o);
/** Starts sio-testserver with `--port 0` plus `args`, WITHOUT --engine-echo. */
export const startSioServer = (args = []) => startServer(args, { engineEcho: false });

/**
 * For a describe() block sharing one server: before()/after() start and stop it;
 * wrap(fn) runs fn(server, t) with the server's output appended to failures.
 * `start` is startSioServer or startFeaturesServer.
 */
export function shared(hooks, start, args = []) {
  let srv = null;
  hooks.before(async () => {
    srv = await start(args);
  });
  hooks.after(async () => {
    if (srv) await srv.stop();
  });
  return {
    get server() {
      return srv;
    },
    wrap: (fn) => async (t) => {
      try {
        return await fn(srv, t);
      } catch (err) {
        throw explain(srv, err);
      }
    },
  };
}

/** Starts a server with `start(args)`, runs fn(server), stops it. */
export async function withStarted(start, args, fn) {
  const srv = await start(args);
  try {
    return await fn(srv);
  } catch (err) {
    throw explain(srv, err);
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------------
// the official client

/**
 * A socket.io-client socket on `url + nsp` in transport `mode` (a MODES entry), with a
 * new Manager (forceNew) and no reconnection unless asked. Every incoming event is
 * recorded: socket.received is the list of {event, args} (an ack callback requested by
 * the server is left out of args), and waitEvent() takes them in order.
 */
export function client(url, nsp = "/", { mode = MODES[1], ...options } = {}) {
  const socket = io(url + (nsp === "/" ? "" : nsp), {
    forceNew: true,
    reconnection: false,
    ...(mode.transports ? { transports: mode.transports } : {}),
    ...options,
  });
  recordEvents(socket);
  return socket;
}

/** A second socket on the same Manager (the same Engine.IO connection). */
export function sameConnection(socket, nsp) {
  // Manager.socket() opens the socket itself (autoConnect): connect() again would send a
  // second CONNECT
  const s = socket.io.socket(nsp);
  recordEvents(s);
  return s;
}

function recordEvents(socket) {
  socket.received = [];
  const waiters = [];
  socket.onAny((event, ...args) => {
    if (args.length && typeof args[args.length - 1] === "function") args.pop();
    const entry = { event, args };
    socket.received.push(entry);
    for (const w of waiters.slice()) {
      if (w.event === event) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entry);
        return;
      }
    }
    socket._unclaimed.push(entry);
  });
  socket._unclaimed = [];
  socket._waiters = waiters;
  socket.connectErrors = [];
  socket.on("connect_error", (err) => socket.connectErrors.push(err));
  // client-side disconnect reasons, in order (taken by disconnected())
  socket.disconnectReasons = [];
  socket._disconnects = [];
  socket._disconnectWaiters = [];
  socket.on("disconnect", (reason) => {
    socket.disconnectReasons.push(reason);
    const w = socket._disconnectWaiters.shift();
    if (w) w(reason);
    else socket._disconnects.push(reason);
  });
}

/** Resolves with the args of the next not-yet-taken `event` received by `socket`. */
export function waitEvent(socket, event, ms = 3000) {
  const i = socket._unclaimed.findIndex((e) => e.event === event);
  if (i !== -1) return Promise.resolve(socket._unclaimed.splice(i, 1)[0].args);
  let waiter;
  const p = new Promise((resolve) => {
    waiter = { event, resolve: (entry) => resolve(entry.args) };
    socket._waiters.push(waiter);
  });
  return withTimeout(p, ms, `event "${event}"`).catch((e) => {
    const j = socket._waiters.indexOf(waiter);
    if (j !== -1) socket._waiters.splice(j, 1);
    throw e;
  });
}

/** Resolves once `socket` is connected; rejects with the connect_error. */
export function connected(socket, ms = 4000) {
  if (socket.connected) return Promise.resolve(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
    }),
    ms,
    `${socket.nsp} to connect`,
  );
}

/** Resolves the Error of the first connect_error (also one that already happened). */
export function connectError(socket, ms = 4000) {
  if (socket.connectErrors.length) return Promise.resolve(socket.connectErrors[0]);
  if (socket.connected) return Promise.reject(new Error(`${socket.nsp} connected, expected a connect_error`));
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect_error", resolve);
      socket.once("connect", () => reject(new Error(`${socket.nsp} connected, expected a connect_error`)));
    }),
    ms,
    `a connect_error on ${socket.nsp}`,
  );
}

/** Resolves the reason of the next client-side `disconnect` not yet taken. */
export function disconnected(socket, ms = 4000) {
  if (socket._disconnects.length) return Promise.resolve(socket._disconnects.shift());
  let waiter;
  return withTimeout(
    new Promise((resolve) => socket._disconnectWaiters.push((waiter = resolve))),
    ms,
    `${socket.nsp} to disconnect`,
  ).catch((e) => {
    const i = socket._disconnectWaiters.indexOf(waiter);
    if (i !== -1) socket._disconnectWaiters.splice(i, 1);
    throw e;
  });
}

/** Connects a client and waits for the connection. */
export async function connect(url, nsp = "/", options = {}) {
  const socket = client(url, nsp, options);
  try {
    await connected(socket);
  } catch (e) {
    socket.disconnect();
    throw e;
  }
  return socket;
}

/** In the default mode, waits until the client runs over WebSocket (the upgrade is done). */
export async function upgraded(socket, ms = 4000) {
  const deadline = Date.now() + ms;
  while (socket.io.engine?.transport?.name !== "websocket") {
    if (Date.now() > deadline) throw new Error(`no upgrade within ${ms} ms (transport ${socket.io.engine?.transport?.name})`);
    await sleep(10);
  }
}

/** Disconnects every given socket (and its Manager's engine). */
export function closeAll(...sockets) {
  for (const s of sockets) {
    if (!s) continue;
    s.disconnect();
    s.io.engine?.close();
  }
}

/** Sends an `op` request to sio-testserver; resolves the raw answer {ok, result|error}. */
export function op(socket, request, ms = 8000) {
  return socket.timeout(ms).emitWithAck("op", request);
}

/** Sends an `op` request and asserts {"ok":true,…}; resolves `result`. */
export async function opOk(socket, request, ms) {
  const res = await op(socket, request, ms);
  assert.equal(res.ok, true, `op ${JSON.stringify(request)} failed: ${JSON.stringify(res)}`);
  assert.ok("result" in res, `op answer without "result": ${JSON.stringify(res)}`);
  return res.result;
}

/** Emits `event` with `args` and resolves the ack's arguments (array). */
export function emitAck(socket, event, args = [], ms = 4000) {
  return withTimeout(
    new Promise((resolve) => socket.emit(event, ...args, (...res) => resolve(res))),
    ms,
    `the ack of "${event}"`,
  );
}

/** Asks the features server for `reasons` until an entry for socket `id` shows up. */
export async function waitReason(ctl, id, ms = 3000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [list] = await emitAck(ctl, "reasons");
    const found = list.filter((r) => r.id === id);
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`no disconnect reason recorded for ${id}: ${JSON.stringify(list)}`);
    await sleep(25);
  }
}

// ---------------------------------------------------------------------------------------
// raw Socket.IO over a WebSocket

/**
 * Opens `ws://…/socket.io/?EIO=4&transport=websocket` and reads the open packet. Pings
 * ("2") are answered with "3" at once unless `pong` is false, and next() skips them.
 * Returns {ws, open, sid, frames, next(ms), send(text), sendBinary(buf), closed, close(),
 * silent(ms), isOpen()}; frames lists every frame received after the open packet
 * ({text} | {binary: Buffer}), pings included.
 */
export async function rawSio(port, { pong = true, query = "" } = {}) {
  const c = openWs(port, `EIO=4&transport=websocket${query}`, { path: SIO_PATH });
  const frames = [];
  c.ws.on("message", (data, isBinary) => {
    if (isBinary) frames.push({ binary: Buffer.from(data) });
    else {
      const text = data.toString("utf8");
      frames.push({ text });
      if (pong && text === "2") c.ws.send("3");
    }
  });
  await withTimeout(c.opened, 3000, "the WebSocket to open");
  const first = await c.next();
  assert.equal(first.isBinary, false);
  const open = parseOpen(first.text);
  frames.shift(); // `frames` lists what came after the open packet

  const next = async (ms = 2000) => {
    for (;;) {
      const m = await c.next(ms);
      if (!m.isBinary && m.text === "2") continue;
      return m.isBinary ? { binary: m.data } : { text: m.text };
    }
  };
  /** Resolves true when no frame but pings arrives within `ms`; else rejects with it. */
  const silent = async (ms) => {
    try {
      const m = await next(ms);
      throw new Error(`expected no frame, got ${JSON.stringify(m.text ?? m.binary)}`);
    } catch (e) {
      if (/timed out after/.test(e.message)) return true;
      throw e;
    }
  };
  return {
    ws: c.ws,
    open,
    sid: open.sid,
    frames,
    next,
    silent,
    send: (text) => c.send(text),
    sendBinary: (buf) => c.send(buf, { binary: true }),
    closed: c.closed,
    isOpen: c.isOpen,
    close: c.close,
  };
}

/** Expects the next Socket.IO frame to be text starting with `prefix`; resolves the rest. */
export async function nextText(raw, prefix, ms = 2000) {
  const m = await raw.next(ms);
  assert.ok(m.text !== undefined, `expected a text frame starting with ${prefix}, got binary ${m.binary?.toString("hex")}`);
  assert.ok(m.text.startsWith(prefix), `expected a frame starting with ${JSON.stringify(prefix)}, got ${JSON.stringify(m.text)}`);
  return m.text.slice(prefix.length);
}

/** Raw CONNECT to `nsp` ("/" or "/x") with an optional payload; resolves the parsed reply. */
export async function rawConnect(raw, nsp = "/", payload) {
  const prefix = nsp === "/" ? "40" : `40${nsp},`;
  raw.send(prefix + (payload === undefined ? "" : JSON.stringify(payload)));
  const m = await raw.next();
  assert.ok(m.text !== undefined, "CONNECT reply is text");
  return m.text;
}
