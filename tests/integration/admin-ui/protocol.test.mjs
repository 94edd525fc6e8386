// The Admin UI protocol on one node (no auth, development mode), through the official
// client on /admin playing the UI: `config`, `all_sockets` (every namespace, the UI's own
// socket included) and `server_stats` in admin-ui's shapes; then, as it happens,
// socket_connected, event_received / event_sent, room_joined / room_left, socket_updated
// (upgrade, data), socket_disconnected with the reason, and the engine's counts in
// aggregatedEvents. Checks that must see an event "by now" use one Engine.IO connection for
// the UI and the watched socket: the server writes in order on it, so once the watched
// socket's ack is in, what the UI was sent before it is in too.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { MODES, shared, startSioServer, connect, sameConnection, connected, disconnected, opOk, closeAll, upgraded } from "../lib/sio.mjs";
import {
  ALL_FEATURES,
  ISO_DATE,
  connectUi,
  waitMatch,
  mark,
  statsOf,
  assertSerializedSocket,
  clientIdOf,
} from "./helpers.mjs";

const SERVER_ID = "admin-node-1";

describe("admin UI protocol (development mode)", () => {
  const s = shared({ before, after }, startSioServer, ["--admin-ui", "--server-id", SERVER_ID, "--namespaces", "/extra"]);

  test(
    "config lists every feature; server_stats comes every 2 s in admin-ui's shape",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const other = await connect(srv.url, "/custom", { mode: MODES[0] });
      try {
        assert.deepEqual((await waitMatch(ui, "config"))[0], { supportedFeatures: ALL_FEATURES });
        const since = mark(ui);
        const [stats] = await statsOf(ui, SERVER_ID, (st) => st.clientsCount >= 2, { since });
        assert.deepEqual(Object.keys(stats), [
          "serverId",
          "hostname",
          "pid",
          "uptime",
          "clientsCount",
          "pollingClientsCount",
          "aggregatedEvents",
          "namespaces",
        ]);
        assert.equal(typeof stats.hostname, "string");
        assert.ok(stats.hostname.length > 0);
        assert.ok(Number.isInteger(stats.pid) && stats.pid > 0);
        assert.equal(typeof stats.uptime, "number");
        assert.ok(stats.uptime > 0);
        assert.ok(stats.pollingClientsCount >= 1, "the polling client");
        assert.ok(Array.isArray(stats.aggregatedEvents));
        const byName = Object.fromEntries(stats.namespaces.map((n) => [n.name, n.socketsCount]));
        assert.deepEqual(Object.keys(byName).sort(), ["/", "/admin", "/custom", "/extra"]);
        assert.ok(byName["/admin"] >= 1 && byName["/custom"] >= 1, JSON.stringify(byName));
        // a second report follows (every 2 s)
        await statsOf(ui, SERVER_ID, (st) => st !== stats, { since: mark(ui) });
      } finally {
        closeAll(ui, other);
      }
    }),
  );

  test(
    "all_sockets lists the sockets of every namespace in admin-ui's shape",
    s.wrap(async (srv) => {
      const a = await connect(srv.url, "/", { mode: MODES[0] });
      const b = await connect(srv.url, "/extra", { mode: MODES[1] });
      await opOk(a, { op: "join", rooms: ["room-a"] });
      await opOk(b, { op: "setData", data: { name: "bee", n: 2 } });
      const ui = await connectUi(srv.url);
      try {
        const [sockets] = await waitMatch(ui, "all_sockets");
        const find = (id) => sockets.find((x) => x.id === id);
        assertSerializedSocket(find(a.id), { id: a.id, nsp: "/", transport: "polling", clientId: clientIdOf(a), server: SERVER_ID });
        assert.deepEqual(find(a.id).rooms.slice().sort(), [a.id, "room-a"].sort());
        assertSerializedSocket(find(b.id), { id: b.id, nsp: "/extra", transport: "websocket", clientId: clientIdOf(b) });
        assert.deepEqual(find(b.id).data, { server: SERVER_ID, name: "bee", n: 2 });
        assert.equal(find(a.id).handshake.address.replace(/^::ffff:/, ""), "127.0.0.1");
        // the UI's own socket too
        assertSerializedSocket(find(ui.id), { id: ui.id, nsp: "/admin", clientId: clientIdOf(ui) });
      } finally {
        closeAll(ui, a, b);
      }
    }),
  );

  test(
    "connections, events both ways, rooms and disconnections are reported as they happen",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const since = mark(ui);
      // the watched socket on the UI's own connection (see the top of the file)
      const w = sameConnection(ui, "/");
      await connected(w);
      try {
        await opOk(w, { op: "join", rooms: ["r1", "r2"] });
        await opOk(w, { op: "leave", rooms: ["r1"] });
        w.emit("message", "hello", { n: 1 });
        await opOk(w, { op: "whoami" });

        const [conn, at] = await waitMatch(ui, "socket_connected", ([x]) => x.id === w.id, { since, ms: 1 });
        assertSerializedSocket(conn, { id: w.id, nsp: "/", transport: "websocket", clientId: clientIdOf(ui) });
        assert.match(at, ISO_DATE);
        // events: the server's `auth` on connection, the op requests, message / message-back
        await waitMatch(ui, "event_sent", ([nsp, id, args]) => nsp === "/" && id === w.id && args[0] === "auth", { since, ms: 1 });
        const [, , received, rAt] = await waitMatch(ui, "event_received", ([, id, args]) => id === w.id && args[0] === "message", { since, ms: 1 });
        assert.deepEqual(received, ["message", "hello", { n: 1 }]);
        assert.match(rAt, ISO_DATE);
        const [, , sent] = await waitMatch(ui, "event_sent", ([, id, args]) => id === w.id && args[0] === "message-back", { since });
        assert.deepEqual(sent, ["message-back", "hello", { n: 1 }]);
        await waitMatch(ui, "event_received", ([, , args]) => args[0] === "op" && args[1].op === "join", { since, ms: 1 });
        // rooms
        for (const room of [w.id, "r1", "r2"]) {
          const [nsp, r, id, jAt] = await waitMatch(ui, "room_joined", ([, r, id]) => r === room && id === w.id, { since, ms: 1 });
          assert.equal(nsp, "/");
          assert.match(jAt, ISO_DATE);
        }
        await waitMatch(ui, "room_left", ([nsp, r, id]) => nsp === "/" && r === "r1" && id === w.id, { since });

        // a namespace disconnect from the client: its reason, then the rooms it left
        const before = mark(ui);
        const wid = w.id; // the client forgets it on disconnect
        w.disconnect();
        const [nsp, id, reason, dAt] = await waitMatch(ui, "socket_disconnected", ([, id]) => id === wid, { since: before });
        assert.deepEqual([nsp, id, reason], ["/", wid, "client namespace disconnect"]);
        assert.match(dAt, ISO_DATE);
        for (const room of [wid, "r2"]) await waitMatch(ui, "room_left", ([, r, id]) => r === room && id === wid, { since: before });
        // the UI's own namespace has no event reports
        assert.equal(ui.received.some((e) => e.event.startsWith("event_") && e.args[0] === "/admin"), false);
      } finally {
        closeAll(ui);
      }
    }),
  );

  test(
    "an upgrade to WebSocket and changes to socket.data come as socket_updated",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const since = mark(ui);
      const c = await connect(srv.url, "/", { mode: MODES[2] });
      try {
        await upgraded(c);
        const [update] = await waitMatch(ui, "socket_updated", ([u]) => u.id === c.id && u.transport, { since });
        assert.deepEqual(update, { id: c.id, nsp: "/", transport: "websocket" });
        await opOk(c, { op: "setData", data: { level: 7 } });
        await waitMatch(ui, "socket_updated", ([u]) => u.id === c.id && u.data && u.data.level === 7, { since });
        // fetched again, it shows the new transport and data
        const again = await connectUi(srv.url);
        try {
          const [sockets] = await waitMatch(again, "all_sockets");
          const mine = sockets.find((x) => x.id === c.id);
          assert.equal(mine.transport, "websocket");
          assert.deepEqual(mine.data, { server: SERVER_ID, level: 7 });
        } finally {
          closeAll(again);
        }
      } finally {
        closeAll(ui, c);
      }
    }),
  );

  test(
    "aggregatedEvents count the engine's connections, closes and packets",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      const since = mark(ui);
      const c = await connect(srv.url, "/", { mode: MODES[1] });
      await opOk(c, { op: "whoami" });
      closeAll(c);
      try {
        const totals = {};
        await waitMatch(
          ui,
          "server_stats",
          ([st]) => {
            for (const e of st.aggregatedEvents) {
              assert.deepEqual(Object.keys(e).filter((k) => k !== "subType"), ["timestamp", "type", "count"]);
              assert.equal(e.timestamp % 1000, 0);
              const key = e.subType ? `${e.type}:${e.subType}` : e.type;
              totals[key] = (totals[key] || 0) + e.count;
            }
            return ["rawConnection", "rawDisconnection:transport close", "packetsIn", "bytesIn", "packetsOut", "bytesOut"].every((k) => totals[k] > 0);
          },
          { since },
        );
        assert.ok(totals.bytesIn >= totals.packetsIn && totals.bytesOut >= totals.packetsOut, JSON.stringify(totals));
      } finally {
        closeAll(ui);
      }
    }),
  );
});

describe("admin UI in production mode (--admin-mode production)", () => {
  const s = shared({ before, after }, startSioServer, ["--admin-ui", "--admin-mode", "production", "--server-id", SERVER_ID]);

  test(
    "config without ALL_EVENTS, no all_sockets, no per-socket reports; stats still come",
    s.wrap(async (srv) => {
      const ui = await connectUi(srv.url);
      try {
        assert.deepEqual((await waitMatch(ui, "config"))[0].supportedFeatures, ALL_FEATURES.filter((f) => f !== "ALL_EVENTS"));
        const w = sameConnection(ui, "/");
        await connected(w);
        await opOk(w, { op: "join", rooms: ["r1"] });
        w.emit("message", 1);
        await opOk(w, { op: "whoami" });
        await statsOf(ui, SERVER_ID, (st) => st.namespaces.some((n) => n.name === "/" && n.socketsCount === 1));
        const verbose = ["all_sockets", "socket_connected", "socket_updated", "room_joined", "room_left", "event_received", "event_sent"];
        assert.deepEqual(ui.received.filter((e) => verbose.includes(e.event)), []);
        // the socket's data has no _admin in production mode
        const [entry] = await opOk(w, { op: "fetchSockets", rooms: [w.id] });
        assert.deepEqual(entry.data, { server: SERVER_ID });
      } finally {
        closeAll(ui);
      }
    }),
  );
});
