// --transports, --no-upgrades and --path.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { optionsServerPool, HANDSHAKE, wsQuery } from "./helpers.mjs";
import {
  httpRequest,
  handshake,
  openWs,
  wsHandshake,
  withTimeout,
  post,
  pollPackets,
  parseOpen,
  settlesWithin,
} from "../lib/eio.mjs";
import { connectClient } from "../lib/eioclient.mjs";

const pool = optionsServerPool({ before, after }, {
  wsOnly: ["--transports", "websocket"],
  pollingOnly: ["--transports", "polling"],
  noUpgrades: ["--no-upgrades"],
  custom: ["--path", "/custom"],
  customSlash: ["--path", "/custom/"],
});

async function assertWsRefused(port, query, opts) {
  const client = openWs(port, query, opts);
  const info = await withTimeout(client.closed, 3000, "the WebSocket to be refused");
  assert.notEqual(info.httpStatus, undefined, `the upgrade was accepted: ${JSON.stringify(info)}`);
  assert.equal(info.httpStatus, 400, `expected HTTP 400, got ${JSON.stringify(info)}`);
  assert.equal(client.pending(), 0, "no Engine.IO packet");
}

describe("--transports websocket", () => {

  test(
    "a polling handshake -> 400 `{\"code\":0,\"message\":\"Transport unknown\"}`",
    pool.wrap("wsOnly", async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE);
      assert.equal(res.status, 400, `${res.status} ${res.text}`);
      assert.equal(res.text, '{"code":0,"message":"Transport unknown"}');
    }),
  );

  test(
    "a WebSocket handshake works: open packet with `upgrades:[]`, echo",
    pool.wrap("wsOnly", async ({ port }) => {
      const { client, open } = await wsHandshake(port);
      try {
        assert.deepEqual(open.upgrades, []);
        client.send("4over ws");
        assert.equal((await client.next()).text, "4over ws");
      } finally {
        await client.close();
      }
    }),
  );

  test(
    "engine.io-client with transports ['websocket'] connects and echoes",
    pool.wrap("wsOnly", async ({ port }) => {
      const c = connectClient(port, { transports: ["websocket"] });
      try {
        await withTimeout(c.opened, 3000, "engine.io-client to open");
        assert.equal(c.socket.transport.name, "websocket");
        c.socket.send("hi");
        assert.equal(await c.next(), "hi");
      } finally {
        await c.close();
      }
    }),
  );
});

describe("--transports polling", () => {

  test(
    "the open packet offers no upgrade (`upgrades:[]`)",
    pool.wrap("pollingOnly", async ({ port }) => {
      const { open } = await handshake(port);
      assert.deepEqual(open.upgrades, []);
    }),
  );

  test(
    "a WebSocket handshake is refused",
    pool.wrap("pollingOnly", async ({ port }) => {
      await assertWsRefused(port, "EIO=4&transport=websocket");
    }),
  );

  test(
    "a WebSocket upgrade with the sid of a live session is refused; the session keeps polling",
    pool.wrap("pollingOnly", async ({ port }) => {
      const { sid } = await handshake(port);
      await assertWsRefused(port, wsQuery(sid));
      assert.equal((await post(port, sid, "4still")).text, "ok");
      assert.deepEqual(await pollPackets(port, sid, 1), ["4still"]);
    }),
  );

  test(
    "engine.io-client (default transports) stays on polling and echoes",
    pool.wrap("pollingOnly", async ({ port }) => {
      const c = connectClient(port);
      try {
        await withTimeout(c.opened, 3000, "engine.io-client to open");
        c.socket.send("hi");
        assert.equal(await c.next(), "hi");
        assert.equal(c.socket.transport.name, "polling");
      } finally {
        await c.close();
      }
    }),
  );
});

test(
  "--no-upgrades: the polling open packet has `upgrades:[]`; engine.io-client stays on polling",
  pool.wrap("noUpgrades", async ({ port }) => {
    const { open, text } = await handshake(port);
    assert.deepEqual(open.upgrades, []);
    assert.match(text, /^0\{"sid":"[^"]+","upgrades":\[\],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000\}$/);
    const c = connectClient(port);
    try {
      await withTimeout(c.opened, 3000, "engine.io-client to open");
      c.socket.send("a");
      assert.equal(await c.next(), "a");
      assert.equal(c.socket.transport.name, "polling");
    } finally {
      await c.close();
    }
  }));

describe("--path /custom", () => {

  test(
    "the handshake is served at /custom/",
    pool.wrap("custom", async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE, undefined, { path: "/custom/" });
      assert.equal(res.status, 200, `${res.status} ${res.text}`);
      const { sid } = parseOpen(res.text);
      const p = await httpRequest(port, "POST", `EIO=4&transport=polling&sid=${sid}`, "4c", { path: "/custom/" });
      assert.equal(p.text, "ok");
      const g = await httpRequest(port, "GET", `EIO=4&transport=polling&sid=${sid}`, undefined, { path: "/custom/" });
      assert.equal(g.text, "4c");
    }),
  );

  test(
    "/engine.io/ -> 404",
    pool.wrap("custom", async ({ port }) => {
      const res = await httpRequest(port, "GET", HANDSHAKE);
      assert.equal(res.status, 404, `${res.status} ${res.text}`);
    }),
  );

  test(
    "a WebSocket at /custom/ works",
    pool.wrap("custom", async ({ port }) => {
      const client = openWs(port, "EIO=4&transport=websocket", { path: "/custom/" });
      try {
        await withTimeout(client.opened, 3000, "the WebSocket to open");
        parseOpen((await client.next()).text);
        client.send("4ws");
        assert.equal((await client.next()).text, "4ws");
      } finally {
        await client.close();
      }
    }),
  );

  test(
    "a WebSocket at /engine.io/ is not opened",
    pool.wrap("custom", async ({ port }) => {
      // refused with an HTTP status or the connection closed: either way never opened
      const client = openWs(port, "EIO=4&transport=websocket");
      const r = await settlesWithin(client.opened, 3000);
      assert.ok(r.settled && r.error, "the WebSocket at the wrong path opened");
      await withTimeout(client.closed, 3000, "the WebSocket to be closed");
      assert.equal(client.pending(), 0);
    }),
  );

  test(
    "engine.io-client with path /custom connects and upgrades",
    pool.wrap("custom", async ({ port }) => {
      const c = connectClient(port, { path: "/custom/" });
      try {
        await withTimeout(c.opened, 3000, "engine.io-client to open");
        await withTimeout(c.upgraded, 3000, "the upgrade");
        c.socket.send("p");
        assert.equal(await c.next(), "p");
      } finally {
        await c.close();
      }
    }),
  );
});

test(
  "--path /custom/ (trailing slash) serves /custom/ too",
  pool.wrap("customSlash", async ({ port }) => {
    const res = await httpRequest(port, "GET", HANDSHAKE, undefined, { path: "/custom/" });
    assert.equal(res.status, 200, `${res.status} ${res.text}`);
    parseOpen(res.text);
  }));
