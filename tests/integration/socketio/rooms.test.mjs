// Rooms and broadcasts through sio-testserver's `op` requests, with the official client in
// three transport modes: join/leave, emit to rooms, except, local, volatile, compress,
// emitWithAck (with timeout), socketEmitWithAck, socketsJoin/socketsLeave,
// disconnectSockets, fetchSockets, serverSideEmit, serverCount, allRooms, setData, whoami,
// received. The adapter is `memory` (one server).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startSioServer,
  connect,
  connected,
  sameConnection,
  disconnected,
  waitEvent,
  op,
  opOk,
  closeAll,
  sleep,
} from "../lib/sio.mjs";

let counter = 0;
/** A name unique to this process, so that tests sharing a server never share a room. */
const unique = (what) => `${what}-${process.pid}-${++counter}`;

/** Sorted by code point (UTF-8 byte order), as the contract asks. */
const sorted = (list) => list.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** The args of every `event` that `socket` received, in order. */
const got = (socket, event) => socket.received.filter((e) => e.event === event).map((e) => e.args);

/**
 * Connects `n` clients on `nsp`, each in a fresh room `all`, plus a controller `ctl`
 * (in no room). sync() broadcasts a marker to `all` and waits until every client got it:
 * everything broadcast before has then arrived.
 */
async function group(url, mode, n, nsp = "/") {
  const all = unique("all");
  const ctl = await connect(url, nsp, { mode });
  const clients = [];
  for (let i = 0; i < n; i++) {
    const s = await connect(url, nsp, { mode });
    await opOk(s, { op: "join", rooms: [all] });
    clients.push(s);
  }
  let marks = 0;
  const sync = async () => {
    const mark = ++marks;
    await opOk(ctl, { op: "emit", rooms: [all], event: "sync", args: [mark] });
    for (const s of clients) {
      if (s.connected) assert.deepEqual(await waitEvent(s, "sync"), [mark]);
    }
  };
  return { all, ctl, clients, sync, close: () => closeAll(ctl, ...clients) };
}

for (const mode of MODES) {
  describe(`rooms and broadcasts [${mode.name}]`, () => {
    const sio = shared({ before, after }, startSioServer);

    test(
      "join / leave; emit to rooms reaches each member once, with nested binary args",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 3);
        const [a, b, c] = g.clients;
        const r1 = unique("r1");
        const r2 = unique("r2");
        try {
          assert.equal(await opOk(a, { op: "join", rooms: [r1, r2] }), null);
          assert.equal(await opOk(b, { op: "join", rooms: [r2] }), null);
          await opOk(g.ctl, { op: "emit", rooms: [r1], event: "e", args: [1] });
          await opOk(g.ctl, { op: "emit", rooms: [r2], event: "e", args: [2, "two"] });
          const bin = { nested: [Buffer.from([1, 2, 3]), { deeper: Buffer.from("xyz") }] };
          assert.equal(await opOk(g.ctl, { op: "emit", rooms: [r1, r2], event: "e", args: [3, bin] }), null);
          assert.equal(await opOk(a, { op: "leave", rooms: [r1] }), null);
          await opOk(g.ctl, { op: "emit", rooms: [r1], event: "e", args: [4] });
          await opOk(g.ctl, { op: "emit", rooms: [r2], event: "e", args: [5] });
          await g.sync();

          const expectBin = { nested: [[1, 2, 3], { deeper: [...Buffer.from("xyz")] }] };
          const norm = (args) =>
            args.map((x) =>
              x && typeof x === "object" && x.nested
                ? { nested: [[...x.nested[0]], { deeper: [...x.nested[1].deeper] }] }
                : x,
            );
          assert.deepEqual(got(a, "e").map(norm), [[1], [2, "two"], [3, expectBin], [5]]);
          assert.ok(Buffer.isBuffer(got(a, "e")[2][1].nested[0]), "binary arrives as a Buffer");
          assert.deepEqual(got(b, "e").map(norm), [[2, "two"], [3, expectBin], [5]]);
          assert.deepEqual(got(c, "e"), []);
          assert.deepEqual(got(g.ctl, "e"), []);
        } finally {
          g.close();
        }
      }),
    );

    test(
      "except: rooms minus excepted rooms (socket ids are rooms too)",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 3);
        const [a, b, c] = g.clients;
        const y = unique("y");
        try {
          await opOk(a, { op: "join", rooms: [y] });
          await opOk(g.ctl, { op: "emit", rooms: [g.all], except: [y], event: "x1", args: [] });
          await opOk(g.ctl, { op: "emit", rooms: [g.all], except: [b.id, y], event: "x2", args: ["c only"] });
          await opOk(g.ctl, { op: "emit", rooms: [g.all], except: [g.all], event: "x3", args: [] });
          // no rooms: the whole namespace, except…
          await opOk(g.ctl, { op: "emit", except: [g.all], event: "x4", args: [4] });
          await g.sync();
          assert.deepEqual(got(a, "x1"), []);
          assert.deepEqual(got(b, "x1"), [[]]);
          assert.deepEqual(got(c, "x1"), [[]]);
          assert.deepEqual([got(a, "x2"), got(b, "x2"), got(c, "x2")], [[], [], [["c only"]]]);
          assert.deepEqual([got(a, "x3"), got(b, "x3"), got(c, "x3")], [[], [], []]);
          assert.deepEqual([got(a, "x4"), got(b, "x4"), got(c, "x4")], [[], [], []]);
          assert.deepEqual(await waitEvent(g.ctl, "x4"), [4], "the controller is not in `all`");
        } finally {
          g.close();
        }
      }),
    );

    test(
      "local, volatile and compress are accepted; local and compress still deliver",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 2);
        try {
          const sel = { rooms: [g.all] };
          assert.equal(await opOk(g.ctl, { op: "emit", ...sel, local: true, event: "loc", args: [1] }), null);
          assert.equal(await opOk(g.ctl, { op: "emit", ...sel, volatile: true, event: "vol", args: [2] }), null);
          assert.equal(await opOk(g.ctl, { op: "emit", ...sel, compress: false, event: "cmp", args: [3] }), null);
          assert.equal(await opOk(g.ctl, { op: "emit", ...sel, compress: true, event: "cmp", args: [4] }), null);
          assert.equal(
            await opOk(g.ctl, { op: "emit", ...sel, local: true, volatile: false, compress: false, event: "all3", args: [5] }),
            null,
          );
          await g.sync();
          for (const s of g.clients) {
            assert.deepEqual(got(s, "loc"), [[1]]);
            assert.ok(got(s, "vol").length <= 1, "a volatile event arrives at most once");
            assert.deepEqual(got(s, "cmp"), [[3], [4]]);
            assert.deepEqual(got(s, "all3"), [[5]]);
          }
        } finally {
          g.close();
        }
      }),
    );

    test(
      "emitWithAck: the array of client responses; a client that never answers -> timeout error",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 3);
        const [a, b, c] = g.clients;
        const q = unique("q");
        try {
          await opOk(a, { op: "join", rooms: [q] });
          await opOk(b, { op: "join", rooms: [q] });
          a.on("ask", (x, cb) => cb({ from: "a", x }));
          b.on("ask", (x, cb) => cb({ from: "b", x }));
          c.on("ask", () => {}); // never answers
          const res = await opOk(g.ctl, { op: "emitWithAck", rooms: [q], event: "ask", args: [7], timeout: 2000 });
          assert.ok(Array.isArray(res));
          assert.deepEqual(
            res.sort((p, r) => p.from.localeCompare(r.from)),
            [
              { from: "a", x: 7 },
              { from: "b", x: 7 },
            ],
          );
          // nobody selected: an empty array, at once
          const t0 = Date.now();
          assert.deepEqual(await opOk(g.ctl, { op: "emitWithAck", rooms: [unique("empty")], event: "ask", args: [], timeout: 3000 }), []);
          assert.ok(Date.now() - t0 < 2000, "no need to wait for the timeout when no socket is selected");
          // c is selected and never answers
          const start = Date.now();
          const late = await op(g.ctl, { op: "emitWithAck", rooms: [g.all], event: "ask", args: [8], timeout: 300 });
          assert.deepEqual(late, { ok: false, error: "operation has timed out" });
          assert.ok(Date.now() - start >= 250, `timed out after ${Date.now() - start} ms, asked 300`);
        } finally {
          g.close();
        }
      }),
    );

    test(
      "socketEmitWithAck: the target's first ack argument; unknown id -> `socket <id> not found`; timeout",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 2);
        const [a, b] = g.clients;
        const other = await connect(url, "/custom", { mode });
        try {
          a.on("direct", (x, y, cb) => cb({ got: [x, y] }, "second argument dropped"));
          b.on("direct", () => {}); // never answers
          assert.deepEqual(
            await opOk(g.ctl, { op: "socketEmitWithAck", target: a.id, event: "direct", args: [1, { two: 2 }] }),
            { got: [1, { two: 2 }] },
          );
          assert.deepEqual(await op(g.ctl, { op: "socketEmitWithAck", target: "nope", event: "direct", args: [] }), {
            ok: false,
            error: "socket nope not found",
          });
          // a socket of another namespace is not found from this one
          assert.deepEqual(await op(g.ctl, { op: "socketEmitWithAck", target: other.id, event: "direct", args: [] }), {
            ok: false,
            error: `socket ${other.id} not found`,
          });
          assert.deepEqual(
            await op(g.ctl, { op: "socketEmitWithAck", target: b.id, event: "direct", args: [1, 2], timeout: 300 }),
            { ok: false, error: "operation has timed out" },
          );
        } finally {
          g.close();
          closeAll(other);
        }
      }),
    );

    test(
      "socketsJoin / socketsLeave make the selected sockets join / leave `target`",
      sio.wrap(async ({ url }) => {
        const g = await group(url, mode, 3);
        const [a, b, c] = g.clients;
        const s1 = unique("s1");
        const t1 = unique("t1");
        const t2 = unique("t2");
        try {
          await opOk(a, { op: "join", rooms: [s1] });
          await opOk(b, { op: "join", rooms: [s1] });
          assert.equal(await opOk(g.ctl, { op: "socketsJoin", rooms: [s1], target: [t1, t2] }), null);
          assert.deepEqual((await opOk(a, { op: "whoami" })).rooms, sorted([a.id, g.all, s1, t1, t2]));
          assert.deepEqual((await opOk(b, { op: "whoami" })).rooms, sorted([b.id, g.all, s1, t1, t2]));
          assert.deepEqual((await opOk(c, { op: "whoami" })).rooms, sorted([c.id, g.all]));

          await opOk(g.ctl, { op: "emit", rooms: [t2], event: "in-t2", args: [] });
          assert.equal(await opOk(g.ctl, { op: "socketsLeave", rooms: [s1], except: [b.id], target: [t1] }), null);
          await opOk(g.ctl, { op: "emit", rooms: [t1], event: "in-t1", args: [] });
          await g.sync();
          assert.deepEqual([got(a, "in-t2").length, got(b, "in-t2").length, got(c, "in-t2").length], [1, 1, 0]);
          assert.deepEqual([got(a, "in-t1").length, got(b, "in-t1").length, got(c, "in-t1").length], [0, 1, 0]);
          assert.deepEqual((await opOk(a, { op: "whoami" })).rooms, sorted([a.id, g.all, s1, t2]));
          assert.deepEqual((await opOk(b, { op: "whoami" })).rooms, sorted([b.id, g.all, s1, t1, t2]));
        } finally {
          g.close();
        }
      }),
    );

    for (const close of [false, true]) {
      test(
        `disconnectSockets close ${close}: the selected sockets get "io server disconnect"` +
          (close ? "; their connection closes" : "; their other namespaces stay connected"),
        sio.wrap(async ({ url }) => {
          const g = await group(url, mode, 2);
          const [a, b] = g.clients;
          const d = unique("d");
          const aCustom = sameConnection(a, "/custom");
          try {
            await connected(aCustom);
            await opOk(a, { op: "join", rooms: [d] });
            assert.equal(await opOk(g.ctl, { op: "disconnectSockets", rooms: [d], close }), null);
            assert.equal(await disconnected(a), "io server disconnect");
            assert.deepEqual(await opOk(g.ctl, { op: "fetchSockets", rooms: [d] }), []);
            if (close) {
              const reason = await disconnected(aCustom);
              assert.ok(["io server disconnect", "transport close"].includes(reason), `/custom: ${reason}`);
              // the Engine.IO connection is gone
              for (let i = 0; i < 100 && a.io.engine.readyState !== "closed"; i++) await sleep(10);
              assert.equal(a.io.engine.readyState, "closed");
            } else {
              await sleep(100);
              assert.equal(aCustom.connected, true, "/custom on the same connection stays connected");
              aCustom.emit("message", "still here");
              assert.deepEqual(await waitEvent(aCustom, "message-back"), ["still here"]);
            }
            // b was not selected
            assert.equal(b.connected, true);
            await g.sync();
          } finally {
            g.close();
            closeAll(aCustom);
          }
        }),
      );
    }

    test(
      "fetchSockets: [{id, rooms (sorted), data, server}] sorted by id",
      sio.wrap(async ({ url, port }) => {
        const g = await group(url, mode, 3);
        const [a, b] = g.clients;
        const f = unique("f");
        const server = `127.0.0.1:${port}`;
        try {
          await opOk(a, { op: "join", rooms: [f, "é", "\u{1F600}", "\uFFFD", "Z"] });
          await opOk(b, { op: "join", rooms: [f] });
          await opOk(a, { op: "setData", data: { name: "a", n: [1, { x: null }] } });
          const res = await opOk(g.ctl, { op: "fetchSockets", rooms: [f] });
          const expected = [
            { id: a.id, rooms: sorted([a.id, g.all, f, "é", "\u{1F600}", "\uFFFD", "Z"]), data: { server, name: "a", n: [1, { x: null }] }, server },
            { id: b.id, rooms: sorted([b.id, g.all, f]), data: { server }, server },
          ].sort((p, q) => Buffer.compare(Buffer.from(p.id), Buffer.from(q.id)));
          assert.deepEqual(res, expected);
          // code-point order: U+FFFD before U+1F600 (a UTF-16 sort would put the emoji first)
          const ar = res.find((s) => s.id === a.id).rooms;
          assert.ok(ar.indexOf("\uFFFD") < ar.indexOf("\u{1F600}"));
          for (const entry of res) assert.deepEqual(Object.keys(entry).sort(), ["data", "id", "rooms", "server"]);
          // with except, and with nobody selected
          assert.deepEqual(
            (await opOk(g.ctl, { op: "fetchSockets", rooms: [f], except: [a.id] })).map((s) => s.id),
            [b.id],
          );
          assert.deepEqual(await opOk(g.ctl, { op: "fetchSockets", rooms: [unique("none")] }), []);
          // all of `all`, sorted by id
          const ids = (await opOk(g.ctl, { op: "fetchSockets", rooms: [g.all] })).map((s) => s.id);
          assert.deepEqual(ids, sorted(g.clients.map((s) => s.id)));
        } finally {
          g.close();
        }
      }),
    );

    test(
      "setData merges into socket.data and keeps `server`; whoami",
      sio.wrap(async ({ url, port }) => {
        const s = await connect(url, "/", { mode });
        try {
          const server = `127.0.0.1:${port}`;
          const me = await opOk(s, { op: "whoami" });
          assert.deepEqual(me, { id: s.id, server, recovered: false, rooms: [s.id] });
          assert.equal(await opOk(s, { op: "setData", data: { a: 1, server: "evil", obj: { k: "v" } } }), null);
          assert.equal(await opOk(s, { op: "setData", data: { b: [true], obj: { other: 2 } } }), null);
          const [entry] = await opOk(s, { op: "fetchSockets", rooms: [s.id] });
          // a shallow merge: `obj` is replaced
          assert.deepEqual(entry.data, { server, a: 1, obj: { other: 2 }, b: [true] });
          assert.equal(entry.server, server);
          assert.equal((await opOk(s, { op: "whoami" })).server, server);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "memory adapter: serverSideEmit ([] with ack, null without), serverCount 1, received [], allRooms not supported",
      sio.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        try {
          assert.deepEqual(await opOk(s, { op: "serverSideEmit", event: "ping", args: [1], ack: true, timeout: 1000 }), []);
          assert.equal(await opOk(s, { op: "serverSideEmit", event: "ping", args: [2] }), null);
          assert.equal(await opOk(s, { op: "serverCount" }), 1);
          // no other server: nothing was received
          assert.deepEqual(await opOk(s, { op: "received" }), []);
          assert.deepEqual(await op(s, { op: "allRooms" }), { ok: false, error: "not supported" });
          const bad = await op(s, { op: "no-such-op" });
          assert.equal(bad.ok, false);
          assert.equal(typeof bad.error, "string");
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "ops act on the namespace they came in on",
      sio.wrap(async ({ url }) => {
        const n = unique("n");
        const main = await connect(url, "/", { mode });
        const custom = await connect(url, "/custom", { mode });
        const ctlCustom = await connect(url, "/custom", { mode });
        try {
          await opOk(main, { op: "join", rooms: [n] });
          await opOk(custom, { op: "join", rooms: [n] });
          await opOk(ctlCustom, { op: "emit", rooms: [n], event: "where", args: ["custom"] });
          assert.deepEqual(await waitEvent(custom, "where"), ["custom"]);
          assert.deepEqual((await opOk(ctlCustom, { op: "fetchSockets", rooms: [n] })).map((s) => s.id), [custom.id]);
          assert.deepEqual((await opOk(main, { op: "fetchSockets", rooms: [n] })).map((s) => s.id), [main.id]);
          await opOk(main, { op: "emit", rooms: [main.id], event: "mark", args: [] });
          await waitEvent(main, "mark");
          assert.deepEqual(got(main, "where"), []);
        } finally {
          closeAll(main, custom, ctlCustom);
        }
      }),
    );
  });
}
