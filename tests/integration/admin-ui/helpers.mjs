// Helpers of the Admin UI suites: sio-testserver started with --admin-ui, and the UI's side
// of the protocol played by the official socket.io-client on `/admin` (what the official
// UI does: auth {username, password} or {sessionId}, then it listens to the events below).
// Every event a UI socket receives is recorded (sio.mjs's client()); waitMatch() finds one
// by content, so the repeated ones (server_stats every 2 s, socket_connected for every
// socket) can be told apart.

import assert from "node:assert/strict";
import { client, connected, sleep } from "../lib/sio.mjs";

export const ADMIN_NSP = "/admin";
export const USER = "admin";
export const PASSWORD = "s3cr3t:with-colon";
export const AUTH_ARGS = ["--admin-ui", "--admin-auth", `${USER}:${PASSWORD}`];
export const ALL_FEATURES = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"];
// A JS Date as JSON
export const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// Socket.IO / Engine.IO ids of either implementation
export const ID = /^[A-Za-z0-9_-]{16,}$/;

/** A UI socket on `url`/admin (not awaited), with `auth` (default: the right credentials). */
export function uiClient(url, { auth = { username: USER, password: PASSWORD }, ...options } = {}) {
  return client(url, ADMIN_NSP, { auth, ...options });
}

/** A connected UI socket. */
export async function connectUi(url, options) {
  const ui = uiClient(url, options);
  try {
    await connected(ui, 8000);
  } catch (err) {
    ui.disconnect();
    throw err;
  }
  return ui;
}

/**
 * Resolves the args of the first `event` received by `socket` (from index `since` of its
 * record on) for which `match(args)` is true; rejects after `ms` naming what came.
 */
export async function waitMatch(socket, event, match = () => true, { ms = 8000, since = 0 } = {}) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = socket.received.slice(since).find((e) => e.event === event && match(e.args));
    if (found) return found.args;
    if (Date.now() > deadline) {
      const seen = socket.received
        .slice(since)
        .filter((e) => e.event === event)
        .map((e) => JSON.stringify(e.args).slice(0, 300));
      throw new Error(`no matching "${event}" within ${ms} ms; got ${seen.length}:\n${seen.slice(-8).join("\n")}`);
    }
    await sleep(20);
  }
}

/** The index a later waitMatch(…, {since}) starts from: only what arrives after now. */
export const mark = (socket) => socket.received.length;

/** Every `event` received so far (their args). */
export const got = (socket, event) => socket.received.filter((e) => e.event === event).map((e) => e.args);

/** The latest server_stats of `serverId` that satisfies `match`. */
export const statsOf = (ui, serverId, match = () => true, options) =>
  waitMatch(ui, "server_stats", ([s]) => s && s.serverId === serverId && match(s), options);

/** Asserts the shape admin-ui gives a socket (its serialize()). */
export function assertSerializedSocket(s, { id, nsp, transport, clientId, server }) {
  assert.deepEqual(Object.keys(s), ["id", "clientId", "transport", "nsp", "data", "handshake", "rooms"], JSON.stringify(s));
  assert.equal(s.id, id);
  assert.equal(s.nsp, nsp);
  if (transport) assert.equal(s.transport, transport);
  else assert.ok(["polling", "websocket"].includes(s.transport), s.transport);
  if (clientId) assert.equal(s.clientId, clientId);
  assert.match(s.clientId, /^[A-Za-z0-9_-]{12}$/);
  assert.equal(s.data._admin, undefined, "data is shown without _admin");
  if (server !== undefined) assert.equal(s.data.server, server);
  assert.deepEqual(Object.keys(s.handshake).sort(), ["address", "headers", "issued", "query", "secure", "time", "url", "xdomain"]);
  assert.equal(typeof s.handshake.headers, "object");
  assert.equal(typeof s.handshake.query, "object");
  assert.equal(s.handshake.query.EIO, "4");
  assert.equal(typeof s.handshake.issued, "number");
  assert.equal(s.handshake.secure, false);
  assert.match(s.handshake.url, /^\/socket\.io\/\?/);
  assert.ok(Array.isArray(s.rooms) && s.rooms.includes(id), JSON.stringify(s.rooms));
}

/** The client id admin-ui shows: the first 12 characters of the Engine.IO session id. */
export const clientIdOf = (socket) => socket.io.engine.id.slice(0, 12);
