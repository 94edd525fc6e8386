// Raw Engine.IO v4 helpers: HTTP long-polling with node:http (exact bytes kept) and
// WebSocket with the `ws` package. They talk to the echo endpoint at /engine.io/.

import http from "node:http";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { peerRequire } from "./testserver.mjs";

const WebSocket = peerRequire("ws");

export const EIO_PATH = "/engine.io/";
export const RS = "\x1e"; // record separator between packets of a polling payload
export const SID_RE = /^[A-Za-z0-9_-]{20}$/;

export const sleep = (ms) => delay(ms);

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves {settled: true, value} if `promise` settles within `ms`, else {settled: false}. */
export async function settlesWithin(promise, ms) {
  let timer;
  const pending = Symbol("pending");
  const r = await Promise.race([
    promise.then(
      (value) => ({ value }),
      (error) => ({ error }),
    ),
    new Promise((resolve) => (timer = setTimeout(() => resolve(pending), ms))),
  ]);
  clearTimeout(timer);
  if (r === pending) return { settled: false };
  return { settled: true, ...r };
}

/**
 * One HTTP request on its own TCP connection (agent: false), so that concurrent
 * requests of a test never share a socket. Resolves {status, headers, body: Buffer, text}.
 * The returned promise carries `.req` (the ClientRequest) so a test can abort it.
 */
export function httpRequest(port, method, query, body, { headers = {}, path = EIO_PATH } = {}) {
  let req;
  const p = new Promise((resolve, reject) => {
    req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: `${path}?${query}`,
        agent: false,
        headers: body !== undefined ? { "Content-Type": "text/plain;charset=UTF-8", ...headers } : headers,
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode, headers: res.headers, body: buf, text: buf.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
  p.req = req;
  return p;
}

const q = (sid) => `EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;

/** GET on the polling transport of `sid`. */
export const poll = (port, sid) => httpRequest(port, "GET", q(sid));
/** POST `payload` on the polling transport of `sid`. */
export const post = (port, sid, payload) => httpRequest(port, "POST", q(sid), payload);

/** Parses an open packet `0{…}`; returns the object. */
export function parseOpen(text) {
  assert.equal(text[0], "0", `expected an open packet, got ${JSON.stringify(text)}`);
  return JSON.parse(text.slice(1));
}

/** Polling handshake; asserts 200 and returns {sid, open, text}. */
export async function handshake(port) {
  const res = await httpRequest(port, "GET", "EIO=4&transport=polling");
  assert.equal(res.status, 200, `handshake failed: ${res.status} ${res.text}`);
  const open = parseOpen(res.text);
  assert.match(open.sid, SID_RE);
  return { sid: open.sid, open, text: res.text };
}

/** Asserts a 400 answer carrying exactly {"code":code,"message":message}. */
export function assertError(res, code, message) {
  assert.equal(res.status, 400, `expected 400, got ${res.status} ${JSON.stringify(res.text)}`);
  assert.equal(res.text, JSON.stringify({ code, message }));
  assert.match(String(res.headers["content-type"]), /^application\/json/);
}

/** Asserts the session is gone: a GET with its sid answers 400 (code 1 "Session ID unknown"). */
export async function assertSessionGone(port, sid) {
  const res = await withTimeout(poll(port, sid), 2000, "the GET on a closed session");
  assert.equal(res.status, 400, `expected the session to be closed, GET answered ${res.status} ${JSON.stringify(res.text)}`);
}

/**
 * Polls until the concatenated payloads (noop packets `6` dropped) contain `expected`
 * packets; returns the list of packets (strings).
 */
export async function pollPackets(port, sid, count, { timeoutMs = 3000 } = {}) {
  const packets = [];
  const deadline = Date.now() + timeoutMs;
  while (packets.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out polling: got ${JSON.stringify(packets)}`);
    const res = await withTimeout(poll(port, sid), left, "a polling GET");
    assert.equal(res.status, 200, `GET answered ${res.status} ${JSON.stringify(res.text)}`);
    for (const p of res.text.split(RS)) if (p !== "6") packets.push(p);
  }
  return packets;
}

/**
 * A `ws` client with a message queue.
 *   next(ms)  -> {data: Buffer, isBinary, text}
 *   opened    -> resolves on 'open', rejects on 'unexpected-response' / 'error' first
 *   closed    -> resolves {code, reason, error} when the connection ends, or
 *                {code: null, httpStatus} when the upgrade was refused
 *   unexpected -> resolves the http.IncomingMessage of a refused upgrade
 */
export function openWs(port, query, { path = EIO_PATH } = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?${query}`);
  const queue = [];
  const waiters = [];
  let isClosed = false;
  let lastError = null;
  let resolveUnexpected;
  const unexpected = new Promise((r) => (resolveUnexpected = r));

  const opened = new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("unexpected-response", (req, res) => {
      reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
      resolveUnexpected(res);
      res.resume();
      req.destroy();
    });
    ws.once("error", reject);
  });
  opened.catch(() => {});

  ws.on("error", (e) => (lastError = e));
  ws.on("message", (data, isBinary) => {
    const msg = { data: Buffer.from(data), isBinary, text: isBinary ? null : data.toString("utf8") };
    const w = waiters.shift();
    if (w) w.resolve(msg);
    else queue.push(msg);
  });
  // resolves {code, reason, error} on 'close', or {code: null, httpStatus} when the
  // upgrade was refused with an HTTP response
  const closed = new Promise((resolve) => {
    const finish = (info) => {
      isClosed = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`WebSocket closed (${JSON.stringify(info)}) while waiting for a message`));
      resolve(info);
    };
    ws.once("close", (code, reason) => finish({ code, reason: reason.toString(), error: lastError }));
    unexpected.then((res) => finish({ code: null, httpStatus: res.statusCode }));
  });

  const next = (ms = 2000) => {
    if (queue.length) return Promise.resolve(queue.shift());
    if (isClosed) return Promise.reject(new Error("WebSocket already closed"));
    let waiter;
    return withTimeout(
      new Promise((resolve, reject) => waiters.push((waiter = { resolve, reject }))),
      ms,
      "a WebSocket message",
    ).catch((e) => {
      // a timed-out waiter must not swallow a later message
      const i = waiters.indexOf(waiter);
      if (i !== -1) waiters.splice(i, 1);
      throw e;
    });
  };

  return {
    ws,
    opened,
    closed,
    unexpected,
    next,
    send: (data, opts) => ws.send(data, opts),
    isOpen: () => ws.readyState === WebSocket.OPEN,
    pending: () => queue.length,
    close: () => {
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.terminate();
      return closed;
    },
  };
}

/** Opens a WebSocket handshake `EIO=4&transport=websocket`, returns {client, sid, open}. */
export async function wsHandshake(port) {
  const client = openWs(port, "EIO=4&transport=websocket");
  await withTimeout(client.opened, 3000, "the WebSocket to open");
  const msg = await client.next();
  assert.equal(msg.isBinary, false);
  const open = parseOpen(msg.text);
  return { client, sid: open.sid, open, text: msg.text };
}
