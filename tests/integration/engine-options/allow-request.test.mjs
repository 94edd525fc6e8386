// allowRequest (--allow-request-header x-token: handshakes without that header are
// refused with 403 {"code":4,"message":"missing x-token"}; requests with a sid are not
// checked again).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { sharedOptionsServer, HANDSHAKE, pollQuery, wsQuery } from "./helpers.mjs";
import { httpRequest, parseOpen, openWs, withTimeout, pollPackets } from "../lib/eio.mjs";
import { connectClient } from "../lib/eioclient.mjs";
import { peerRequire } from "../lib/testserver.mjs";

const WebSocket = peerRequire("ws");
const TOKEN = { "x-token": "secret" };

describe("--allow-request-header x-token", () => {
  const shared = sharedOptionsServer({ before, after }, ["--allow-request-header", "x-token"]);

  test(
    "a polling handshake without the header -> 403 `{\"code\":4,\"message\":\"missing x-token\"}`",
    shared.wrap(async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE);
      assert.equal(res.status, 403, `${res.status} ${res.text}`);
      assert.equal(res.text, '{"code":4,"message":"missing x-token"}');
      assert.match(String(res.headers["content-type"]), /^application\/json/);
    }),
  );

  test(
    "a polling handshake with the header (any case) -> 200 and an open packet",
    shared.wrap(async ({ port }) => {
      for (const headers of [TOKEN, { "X-TOKEN": "1" }]) {
        const res = await httpRequest(port, "GET", HANDSHAKE, undefined, { headers });
        assert.equal(res.status, 200, `${res.status} ${res.text}`);
        parseOpen(res.text);
      }
    }),
  );

  test(
    "requests with a sid are not checked: POST and GET without the header work",
    shared.wrap(async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE, undefined, { headers: TOKEN });
      const { sid } = parseOpen(res.text);
      const p = await httpRequest(port, "POST", pollQuery(sid), "4hi");
      assert.equal(p.status, 200);
      assert.equal(p.text, "ok");
      assert.deepEqual(await pollPackets(port, sid, 1), ["4hi"]);
    }),
  );

  test(
    "a WebSocket handshake without the header is refused with HTTP 400",
    shared.wrap(async ({ port }) => {
      const client = openWs(port, "EIO=4&transport=websocket");
      const info = await withTimeout(client.closed, 3000, "the upgrade to be refused");
      assert.equal(info.httpStatus, 400, `expected an HTTP 400 refusal, got ${JSON.stringify(info)}`);
      assert.equal(client.pending(), 0);
    }),
  );

  test(
    "a WebSocket handshake with the header opens and echoes",
    shared.wrap(async ({ port }) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`, { headers: TOKEN });
      const messages = [];
      const waiters = [];
      ws.on("message", (d) => {
        const w = waiters.shift();
        if (w) w(d.toString());
        else messages.push(d.toString());
      });
      const next = () =>
        withTimeout(new Promise((r) => (messages.length ? r(messages.shift()) : waiters.push(r))), 2000, "a message");
      try {
        await withTimeout(new Promise((resolve, reject) => {
          ws.once("open", resolve);
          ws.once("error", reject);
          ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: HTTP ${res.statusCode}`)));
        }), 3000, "the WebSocket to open");
        const open = parseOpen(await next());
        assert.deepEqual(open.upgrades, []);
        ws.send("4hello");
        assert.equal(await next(), "4hello");
      } finally {
        ws.terminate();
      }
    }),
  );

  test(
    "an upgrade WebSocket (with the sid of a session) is not checked",
    shared.wrap(async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE, undefined, { headers: TOKEN });
      const { sid } = parseOpen(res.text);
      const ws = openWs(port, wsQuery(sid));
      try {
        await withTimeout(ws.opened, 3000, "the upgrade WebSocket to open");
        ws.send("2probe");
        assert.equal((await ws.next()).text, "3probe");
        ws.send("5");
        ws.send("4up");
        assert.equal((await ws.next()).text, "4up");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "engine.io-client with extraHeaders connects, upgrades and echoes; without them it fails",
    shared.wrap(async ({ port }) => {
      const c = connectClient(port, { extraHeaders: TOKEN });
      try {
        await withTimeout(c.opened, 3000, "engine.io-client to open");
        await withTimeout(c.upgraded, 3000, "engine.io-client to upgrade");
        c.socket.send("via client");
        assert.equal(await c.next(), "via client");
      } finally {
        await c.close();
      }
      const bad = connectClient(port);
      const err = new Promise((resolve) => bad.socket.once("error", resolve));
      await withTimeout(err, 3000, "engine.io-client without the header to fail");
      bad.socket.close();
    }),
  );
});
