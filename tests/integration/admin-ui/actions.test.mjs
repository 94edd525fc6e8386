// The actions the Admin UI sends (admin-ui's names and arguments): `join` / `leave`
// (nsp, room, filter), `_disconnect` (nsp, close, filter), `emit` (nsp, filter, event,
// ...args), for one socket (filter: its id), a room, or the whole namespace; ill-typed
// ones are ignored and the server keeps serving. With --admin-readonly, config lists no
// action and none has an effect. The target sockets share the UI's Engine.IO connection
// where "no effect" is asserted: the server handles one connection's packets in order, so
// once a later request of the target is answered, the UI's earlier action was handled.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { shared, startSioServer, connect, sameConnection, connected, disconnected, waitEvent, opOk, closeAll } from "../lib/sio.mjs";
import { connectUi, waitMatch, got } from "./helpers.mjs";

let counter = 0;
const unique = (what) => `${what}-${process.pid}-${++counter}`;

const roomsOf = async (socket) => (await opOk(socket, { op: "whoami" })).rooms;

describe("admin UI actions", () => {
  const s = shared({ before, after }, startSioServer, ["--admin-ui"]);

  test(
    "join and leave: one socket by id, the sockets of a room, a whole namespace",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const a = sameConnection(ui, "/custom");
      await connected(a);
      const b = await connect(srv.url, "/custom");
      const c = await connect(srv.url, "/");
      const [one, all, viaRoom] = [unique("one"), unique("all"), unique("via")];
      try {
        ui.emit("join", "/custom", one, a.id);
        assert.deepEqual((await roomsOf(a)).includes(one), true, "a joined by id");
        assert.equal((await roomsOf(b)).includes(one), false, "b did not");

        ui.emit("join", "custom", all); // io.of() adds the leading slash
        ui.emit("join", "/custom", [viaRoom, `${viaRoom}-2`], one); // rooms as an array, filtered by room
        await roomsOf(a);
        await waitFor(async () => (await roomsOf(b)).includes(all));
        assert.ok((await roomsOf(a)).includes(viaRoom) && (await roomsOf(a)).includes(`${viaRoom}-2`));
        assert.equal((await roomsOf(b)).includes(viaRoom), false);
        assert.equal((await roomsOf(c)).includes(all), false, "another namespace untouched");

        ui.emit("leave", "/custom", all, a.id);
        assert.equal((await roomsOf(a)).includes(all), false);
        assert.ok((await roomsOf(b)).includes(all));
        ui.emit("leave", "/custom", all);
        await waitFor(async () => !(await roomsOf(b)).includes(all));
      } finally {
        closeAll(ui, b, c);
      }
    }),
  );

  test(
    "emit: to one socket, to a room, to a namespace, with any arguments",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const a = await connect(srv.url, "/");
      const b = await connect(srv.url, "/");
      const room = unique("room");
      await opOk(b, { op: "join", rooms: [room] });
      try {
        ui.emit("emit", "/", a.id, "hello", 1, "two", { three: [3] });
        assert.deepEqual(await waitEvent(a, "hello"), [1, "two", { three: [3] }]);
        ui.emit("emit", "/", room, "to-room", true);
        assert.deepEqual(await waitEvent(b, "to-room"), [true]);
        ui.emit("emit", "/", null, "everyone");
        ui.emit("emit", "/", "", "everyone-again");
        for (const x of [a, b]) {
          await waitEvent(x, "everyone");
          await waitEvent(x, "everyone-again");
        }
        assert.equal(a.received.some((e) => e.event === "to-room"), false);
      } finally {
        closeAll(ui, a, b);
      }
    }),
  );

  test(
    "_disconnect: one socket (namespace only, or its whole connection), a room",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const a = await connect(srv.url, "/");
      const aCustom = sameConnection(a, "/custom");
      await connected(aCustom);
      const b = await connect(srv.url, "/");
      const c1 = await connect(srv.url, "/custom");
      const c2 = await connect(srv.url, "/custom");
      const room = unique("doomed");
      await opOk(c1, { op: "join", rooms: [room] });
      await opOk(c2, { op: "join", rooms: [room] });
      try {
        ui.emit("_disconnect", "/", false, a.id);
        assert.equal(await disconnected(a), "io server disconnect");
        assert.equal(aCustom.connected, true, "its other namespace stays");
        assert.equal((await opOk(aCustom, { op: "whoami" })).id, aCustom.id);

        ui.emit("_disconnect", "/", true, b.id);
        assert.equal(await disconnected(b), "io server disconnect");
        await waitFor(() => b.io.engine.readyState === "closed");

        ui.emit("_disconnect", "/custom", false, room);
        assert.equal(await disconnected(c1), "io server disconnect");
        assert.equal(await disconnected(c2), "io server disconnect");
        assert.equal(aCustom.connected, true, "not in the room");
      } finally {
        closeAll(ui, a, b, c1, c2);
      }
    }),
  );

  test(
    "ill-typed actions are ignored, and the server keeps serving",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const a = sameConnection(ui, "/");
      await connected(a);
      try {
        // ignored by both implementations
        const junk = [
          ["join"],
          ["join", 42, "room"],
          ["join", "/", "x", 5],
          ["join", "/", "x", { id: a.id }],
          ["leave", null, null, null],
          ["_disconnect"],
          ["_disconnect", "/", false, 123],
          ["emit", "/", 12, "x"],
          ["emit", "/", { to: a.id }, "x"],
          ["something-else", 1, 2, 3],
        ];
        // reference differs: admin-ui passes the UI's arguments on unchecked, so with these
        // a number or an object becomes a room, ["/"] a namespace name, an event without a
        // name reaches the client as a packet it cannot parse (closing the connection), and
        // a reserved event name throws in the listener (an uncaught exception ends the
        // process). The C++ server ignores them.
        const cppOnly = [
          ["join", "/", 7, a.id],
          ["join", "/", ["ok", 3], a.id],
          ["join", "/", { room: "x" }],
          ["leave", "/", ["x", null]],
          ["_disconnect", ["/"], true, a.id],
          ["emit"],
          ["emit", "/", a.id],
          ["emit", "/", a.id, 42, "x"],
          ["emit", "/", a.id, { event: "x" }],
          ["emit", "/", a.id, "connect"],
          ["emit", "/", a.id, "disconnect"],
          ["emit", {}, null, "x"],
        ];
        for (const args of srv.reference ? junk : [...junk, ...cppOnly]) ui.emit(...args);
        // handled in order on this connection: a is untouched, in no new room, got no event
        assert.deepEqual(await roomsOf(a), [a.id]);
        assert.equal(a.connected, true);
        assert.deepEqual(a.received.filter((e) => e.event !== "auth"), []);
        // and the UI still works
        ui.emit("join", "/", "after-junk", a.id);
        assert.ok((await roomsOf(a)).includes("after-junk"));
        ui.emit("_disconnect", "/", false, [a.id]); // a filter may be an array of rooms
        assert.equal(await disconnected(a), "io server disconnect");
      } finally {
        closeAll(ui);
      }
    }),
  );
});

describe("admin UI read-only (--admin-readonly)", () => {
  const s = shared({ before, after }, startSioServer, ["--admin-ui", "--admin-readonly"]);

  test(
    "config lists no action, and join / leave / _disconnect / emit do nothing",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const a = sameConnection(ui, "/");
      await connected(a);
      try {
        assert.deepEqual((await waitMatch(ui, "config"))[0], { supportedFeatures: ["AGGREGATED_EVENTS", "ALL_EVENTS"] });
        await opOk(a, { op: "join", rooms: ["kept"] });
        ui.emit("join", "/", "refused", a.id);
        ui.emit("join", "/", "refused-too");
        ui.emit("leave", "/", "kept", a.id);
        ui.emit("emit", "/", a.id, "refused-event", 1);
        ui.emit("emit", "/", null, "refused-event", 2);
        ui.emit("_disconnect", "/", false, a.id);
        ui.emit("_disconnect", "/", true);
        assert.deepEqual((await roomsOf(a)).sort(), [a.id, "kept"].sort());
        assert.equal(a.connected, true);
        assert.deepEqual(got(a, "refused-event"), []);
        // still a UI: it sees the sockets
        const [sockets] = await waitMatch(ui, "all_sockets");
        assert.ok(sockets.some((x) => x.id === ui.id));
      } finally {
        closeAll(ui);
      }
    }),
  );
});

/** Polls `probe` (sync or async) until it is truthy, for up to 5 s. */
async function waitFor(probe, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${probe}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
