// Connection state recovery on sio-testserver --recovery, with the official client in three
// transport modes: missed broadcasts replayed once and in order, rooms and data restored;
// an unknown pid/offset and an expired session give a fresh session.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startSioServer,
  connect,
  connected,
  disconnected,
  waitEvent,
  opOk,
  closeAll,
  sleep,
  rawSio,
  SID_RE,
} from "../lib/sio.mjs";

let counter = 0;
const unique = (what) => `${what}-${process.pid}-${++counter}`;
const sorted = (list) => list.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Waits until the server no longer lists socket `id` (it has seen the disconnect). */
async function gone(ctl, id, ms = 3000) {
  const deadline = Date.now() + ms;
  while ((await opOk(ctl, { op: "fetchSockets", rooms: [id] })).length) {
    if (Date.now() > deadline) throw new Error(`the server still lists ${id} after ${ms} ms`);
    await sleep(20);
  }
}

/**
 * Connects `a` (reconnection off, so that the test reconnects it by hand), joins it to a
 * fresh room, sets data, and has it receive one broadcast. Returns {a, room, firstArgs}.
 */
async function prepare(url, mode, ctl) {
  const a = await connect(url, "/", { mode });
  const room = unique("rec");
  await opOk(a, { op: "join", rooms: [room] });
  await opOk(a, { op: "setData", data: { color: "red", n: [1, 2] } });
  await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [0, { first: true }] });
  const firstArgs = await waitEvent(a, "news");
  return { a, room, firstArgs };
}

for (const mode of MODES) {
  describe(`connection state recovery [${mode.name}]`, () => {
    const rec = shared({ before, after }, startSioServer, ["--recovery"]);
    const short = shared({ before, after }, startSioServer, ["--recovery", "--max-disconnection-duration", "300"]);

    test(
      "a broadcast carries the offset as an extra last argument",
      rec.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        try {
          const { a, firstArgs } = await prepare(url, mode, ctl);
          try {
            assert.equal(firstArgs.length, 3, `args: ${JSON.stringify(firstArgs)}`);
            assert.deepEqual(firstArgs.slice(0, 2), [0, { first: true }]);
            assert.equal(typeof firstArgs[2], "string");
            assert.ok(firstArgs[2].length > 0);
          } finally {
            closeAll(a);
          }
        } finally {
          closeAll(ctl);
        }
      }),
    );

    test(
      "transport closed, 3 events missed, reconnect: recovered, events once and in order, rooms and data restored",
      rec.wrap(async ({ url, port }) => {
        const ctl = await connect(url, "/", { mode });
        const { a, room } = await prepare(url, mode, ctl);
        try {
          const id = a.id;
          const before = await opOk(a, { op: "whoami" });
          assert.equal(before.recovered, false);
          assert.deepEqual(before.rooms, sorted([id, room]));

          a.io.engine.close(); // abrupt: the server sees "transport close"
          await disconnected(a);
          await gone(ctl, id);
          for (const i of [1, 2, 3]) {
            await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [i] });
          }
          // an event to another room is not for `a`
          await opOk(ctl, { op: "emit", rooms: [unique("elsewhere")], event: "news", args: [99] });
          const newsBefore = a.received.filter((e) => e.event === "news").length;

          a.connect();
          await connected(a);
          assert.equal(a.recovered, true, "socket.recovered");
          assert.equal(a.id, id, "the same id after recovery");
          const missed = [];
          for (let i = 0; i < 3; i++) missed.push(await waitEvent(a, "news"));
          assert.deepEqual(
            missed.map((args) => args[0]),
            [1, 2, 3],
          );
          for (const args of missed) {
            assert.equal(args.length, 2, `the offset follows: ${JSON.stringify(args)}`);
            assert.equal(typeof args[1], "string");
          }
          // nothing else, nothing twice
          await sleep(200);
          const after = a.received.filter((e) => e.event === "news").slice(newsBefore);
          assert.deepEqual(
            after.map((e) => e.args[0]),
            [1, 2, 3],
          );

          const me = await opOk(a, { op: "whoami" });
          assert.deepEqual(me, { id, server: `127.0.0.1:${port}`, recovered: true, rooms: sorted([id, room]) });
          const [entry] = await opOk(ctl, { op: "fetchSockets", rooms: [id] });
          assert.deepEqual(entry.data, { server: `127.0.0.1:${port}`, color: "red", n: [1, 2] });

          // live broadcasts keep coming after recovery
          await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [4] });
          assert.equal((await waitEvent(a, "news"))[0], 4);
        } finally {
          closeAll(a, ctl);
        }
      }),
    );

    test(
      "a session older than --max-disconnection-duration is not recovered",
      short.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        const { a, room } = await prepare(url, mode, ctl);
        try {
          const id = a.id;
          a.io.engine.close();
          await disconnected(a);
          await gone(ctl, id);
          await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [1] });
          await sleep(800);
          a.connect();
          await connected(a);
          assert.equal(a.recovered, false);
          assert.notEqual(a.id, id, "a new id");
          const me = await opOk(a, { op: "whoami" });
          assert.equal(me.recovered, false);
          assert.deepEqual(me.rooms, [a.id], "rooms not restored");
          const [entry] = await opOk(ctl, { op: "fetchSockets", rooms: [a.id] });
          assert.equal(entry.data.color, undefined, "data not restored");
          await sleep(100);
          assert.deepEqual(
            a.received.filter((e) => e.event === "news").map((e) => e.args[0]),
            [0],
            "the missed event is not replayed",
          );
        } finally {
          closeAll(a, ctl);
        }
      }),
    );

    test(
      "a client disconnect (\"client namespace disconnect\") is not persisted: no recovery",
      rec.wrap(async ({ url }) => {
        const ctl = await connect(url, "/", { mode });
        const { a } = await prepare(url, mode, ctl);
        try {
          const id = a.id;
          a.disconnect(); // the client's pid and offset are kept and sent again
          await gone(ctl, id);
          a.connect();
          await connected(a);
          assert.equal(a.recovered, false);
          assert.notEqual(a.id, id);
        } finally {
          closeAll(a, ctl);
        }
      }),
    );
  });
}

describe("connection state recovery, raw frames", () => {
  const rec = shared({ before, after }, startSioServer, ["--recovery"]);

  test(
    "an unknown pid/offset gets a fresh session: a new sid and pid",
    rec.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        raw.send('40{"pid":"nope","offset":"x"}');
        const m = await raw.next();
        assert.match(m.text, /^40\{"sid":"[A-Za-z0-9_-]{20}","pid":"[^"]+"\}$/);
        const { sid, pid } = JSON.parse(m.text.slice(2));
        assert.match(sid, SID_RE);
        assert.notEqual(pid, "nope");
        raw.send('421["op",{"op":"whoami"}]');
        // the `auth` event (with its offset) and then the ack of whoami
        let ack;
        for (let i = 0; i < 5 && !ack; i++) {
          const f = await raw.next();
          if (f.text?.startsWith("431")) ack = JSON.parse(f.text.slice(3));
        }
        assert.ok(ack, "the whoami ack");
        assert.deepEqual(ack[0].result.recovered, false);
        assert.equal(ack[0].result.id, sid);
      } finally {
        await raw.close();
      }
    }),
  );
});
