// --upgrade-timeout: an upgrade probed (`2probe` -> `3probe`) but never completed with `5`
// is abandoned: the server closes the WebSocket, the session stays on polling.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { optionsServerPool, wsQuery } from "./helpers.mjs";

const pool = optionsServerPool({ before, after }, { short: ["--upgrade-timeout", "300"] });
import { handshake, openWs, withTimeout, post, pollPackets, settlesWithin } from "../lib/eio.mjs";

test(
  "--upgrade-timeout 300: the probing WebSocket is closed by the server, polling goes on",
  pool.wrap("short", async ({ port }) => {
    const { sid } = await handshake(port);
    const ws = openWs(port, wsQuery(sid));
    await withTimeout(ws.opened, 3000, "the upgrade WebSocket to open");
    const started = Date.now();
    ws.send("2probe");
    assert.equal((await ws.next()).text, "3probe");
    // not before the timeout ...
    assert.equal((await settlesWithin(ws.closed, 150)).settled, false, "closed before upgradeTimeout");
    // ... but soon after it
    await withTimeout(ws.closed, 1000, "the server to close the abandoned WebSocket");
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250, `closed after ${elapsed} ms, before the 300 ms upgradeTimeout`);
    assert.equal(ws.pending(), 0, "nothing but `3probe` on the abandoned WebSocket");

    for (const msg of ["4one", "4two"]) {
      const p = await post(port, sid, msg);
      assert.equal(p.status, 200);
      assert.equal(p.text, "ok");
      assert.deepEqual(await pollPackets(port, sid, 1), [msg]);
    }
  }));

test(
  "--upgrade-timeout 300: an upgrade completed in time is kept",
  pool.wrap("short", async ({ port }) => {
    const { sid } = await handshake(port);
    const ws = openWs(port, wsQuery(sid));
    try {
      await withTimeout(ws.opened, 3000, "the upgrade WebSocket to open");
      ws.send("2probe");
      assert.equal((await ws.next()).text, "3probe");
      ws.send("5");
      assert.equal((await settlesWithin(ws.closed, 600)).settled, false, "the upgraded WebSocket was closed");
      ws.send("4up");
      assert.equal((await ws.next()).text, "4up");
    } finally {
      await ws.close();
    }
  }));
