// Checklist §4: upgrading a polling session to WebSocket (raw HTTP + raw `ws`).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withServer, sharedServer } from "../lib/testserver.mjs";
import {
  handshake,
  poll,
  post,
  openWs,
  withTimeout,
  settlesWithin,
  pollPackets,
} from "../lib/eio.mjs";

const wsQuery = (sid) => `EIO=4&transport=websocket&sid=${encodeURIComponent(sid)}`;

/** Polling handshake, then a WebSocket with the sid, probed: returns {sid, ws}. */
async function probe(port) {
  const { sid } = await handshake(port);
  const ws = openWs(port, wsQuery(sid));
  await withTimeout(ws.opened, 3000, "the upgrade WebSocket to open");
  ws.send("2probe");
  const m = await ws.next(2000);
  assert.equal(m.isBinary, false);
  assert.equal(m.text, "3probe");
  return { sid, ws };
}

// Default heartbeat (25 s): no ping in the way.
describe("upgrade", () => {
  const shared = sharedServer({ before, after });

  test(
    "full upgrade: `2probe` -> `3probe`, pending GET -> `6`, `5`, traffic on WS, GET -> 400, 2nd WS closed",
    shared.wrap(async ({ port }) => {
      const { sid } = await handshake(port);
      const pending = poll(port, sid);
      assert.equal((await settlesWithin(pending, 100)).settled, false, "the GET must be pending");

      const ws = openWs(port, wsQuery(sid));
      await withTimeout(ws.opened, 3000, "the upgrade WebSocket to open");
      ws.send("2probe");
      const m = await ws.next(2000);
      assert.equal(m.text, "3probe");
      // the pending GET is released with a noop, promptly
      const g = await withTimeout(pending, 1000, "the pending GET to be answered `6` after the probe");
      assert.equal(g.status, 200);
      assert.equal(g.text, "6");

      ws.send("5");
      ws.send("4hello");
      const echo = await ws.next(2000);
      assert.equal(echo.text, "4hello", "traffic continues on the WebSocket");
      ws.send(Buffer.from([9, 8, 7]), { binary: true });
      const bin = await ws.next(2000);
      assert.equal(bin.isBinary, true);
      assert.deepEqual([...bin.data], [9, 8, 7]);

      // the polling transport is gone
      const after = await withTimeout(poll(port, sid), 2000, "a GET after the upgrade");
      assert.equal(after.status, 400);

      // a second WebSocket with the same sid is closed (or refused) ...
      const second = openWs(port, wsQuery(sid));
      await withTimeout(second.closed, 2000, "the second WebSocket to be closed");
      assert.equal(second.pending(), 0, "the second WebSocket got no packet");

      // ... while the upgraded one keeps working
      assert.ok(ws.isOpen());
      ws.send("4still here");
      assert.equal((await ws.next(2000)).text, "4still here");
      await ws.close();
    }),
  );

  test(
    "while upgrading, a new GET is answered 200 `6` promptly",
    shared.wrap(async ({ port }) => {
      const { sid, ws } = await probe(port);
      try {
        const g = await withTimeout(poll(port, sid), 1000, "the GET to be answered `6` during the upgrade");
        assert.equal(g.status, 200);
        assert.equal(g.text, "6");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "messages sent before `5` on polling still arrive; after `5` the echo comes on the WebSocket",
    shared.wrap(async ({ port }) => {
      const { sid, ws } = await probe(port);
      try {
        assert.equal((await post(port, sid, "4before")).status, 200);
        const got = await pollPackets(port, sid, 1);
        assert.deepEqual(got, ["4before"]);
        ws.send("5");
        ws.send("4after");
        assert.equal((await ws.next(2000)).text, "4after");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "a `5` on the WebSocket followed at once by a GET on another connection -> 400",
    shared.wrap(async ({ port }) => {
      const { sid, ws } = await probe(port);
      try {
        ws.send("5");
        const g = await withTimeout(poll(port, sid), 2000, "the GET right after `5`");
        assert.equal(g.status, 400, `GET answered ${g.status} ${JSON.stringify(g.text)}`);
        ws.send("4ok");
        assert.equal((await ws.next(2000)).text, "4ok");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "an upgrade abandoned after `3probe` leaves the session working on polling",
    shared.wrap(async ({ port }) => {
      const { sid, ws } = await probe(port);
      try {
        for (const msg of ["4one", "4two"]) {
          const p = await post(port, sid, msg);
          assert.equal(p.status, 200);
          assert.equal(p.text, "ok");
          assert.deepEqual(await pollPackets(port, sid, 1), [msg]);
        }
      } finally {
        await ws.close();
      }
      // the probing WebSocket went away before `5`: polling goes on
      assert.equal((await post(port, sid, "4three")).status, 200);
      assert.deepEqual(await pollPackets(port, sid, 1), ["4three"]);
    }),
  );
});

test(
  "upgradeTimeout (10 s): an upgrade not completed in time is abandoned, the session stays on polling",
  { skip: process.env.RUN_SLOW === "1" ? false : "slow (10 s): set RUN_SLOW=1" },
  () =>
    withServer([], async ({ port }) => {
      const { sid, ws } = await probe(port);
      const t0 = Date.now();
      // the server gives up on the probing WebSocket after upgradeTimeout (10000 ms)
      const info = await withTimeout(ws.closed, 13_000, "the server to drop the unfinished upgrade");
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 9_000, `the upgrade was dropped after ${elapsed} ms, before upgradeTimeout`);
      assert.ok(info.code !== null);
      // polling still works
      assert.equal((await post(port, sid, "4after timeout")).status, 200);
      assert.deepEqual(await pollPackets(port, sid, 1), ["4after timeout"]);
      // and a new upgrade can be made
      const again = openWs(port, wsQuery(sid));
      await withTimeout(again.opened, 3000, "a second upgrade WebSocket");
      again.send("2probe");
      assert.equal((await again.next(2000)).text, "3probe");
      again.send("5");
      again.send("4upgraded");
      assert.equal((await again.next(2000)).text, "4upgraded");
      await again.close();
    }),
);
