// The scenarios of the official Redis Streams adapter tests (spec cluster-wire.md §7.1),
// black-box: official clients on different sio-testserver nodes of one cluster, everything
// driven through `op` requests. Shared by the *.test.mjs files of this folder, which pick
// the topology, the implementations (lib/cluster.mjs) and the node options.

import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { waitEvent, disconnected, op, opOk } from "../lib/sio.mjs";
import { argValue, eventually, streamFor } from "../lib/cluster.mjs";

let counter = 0;
/** A name unique to this process. */
export const unique = (what) => `${what}-${process.pid}-${++counter}`;

/** The args of every `event` that `socket` received, in order. */
export const got = (socket, event) => socket.received.filter((e) => e.event === event).map((e) => e.args);

const byCodePoint = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Waits for the `sync` event carrying `mark` (earlier sync events are skipped). */
async function waitMark(socket, mark, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [m] = await waitEvent(socket, "sync", Math.max(1, deadline - Date.now()));
    if (m === mark) return;
  }
}

/**
 * Broadcasts a marker from `from`'s node to its whole namespace and waits until each of
 * `clients` got it: what `from`'s node broadcast before has then arrived everywhere.
 */
export async function barrier(from, clients) {
  const mark = unique("sync");
  await opOk(from, { op: "emit", event: "sync", args: [mark] });
  for (const s of clients) if (s.connected) await waitMark(s, mark);
}

/** Rooms of the calling socket, per the node it lives on. */
const roomsOf = async (socket) => (await opOk(socket, { op: "whoami" })).rooms;

/** Polls whoami of every socket until `check(rooms, i)` holds for all. */
async function roomsEventually(sockets, check, what) {
  await eventually(async () => {
    const rooms = await Promise.all(sockets.map(roomsOf));
    rooms.forEach((r, i) => assert.ok(check(r, i), `${what}: socket ${i} has rooms ${JSON.stringify(r)}`));
  });
}

/** Makes `socket` acknowledge `event` with `value` (or with fn(args)). */
function acks(socket, event, value) {
  socket.on(event, (...args) => {
    const cb = args.pop();
    if (typeof cb === "function") cb(typeof value === "function" ? value(args) : value);
  });
}

/** One client per node on a fresh namespace: {nsp, clients: [s0, s1, …]}. */
async function perNode(c, nsp = c.ns()) {
  const clients = [];
  for (let i = 0; i < c.nodes.length; i++) {
    const s = await c.connect(i, nsp);
    s.where = `the client on node ${i} (${c.nodes[i].serverId})`;
    clients.push(s);
  }
  return { nsp, clients };
}

/** waitEvent() whose timeout names the client's node. */
async function expectEvent(socket, event, ms = 4000) {
  try {
    return await waitEvent(socket, event, ms);
  } catch (err) {
    err.message = `${socket.where ?? "a client"}: ${err.message}`;
    throw err;
  }
}

/** Which categories of commonSuite() a file runs (all by default). */
export const CATEGORIES = [
  "broadcast",
  "broadcast-ack",
  "socketsJoin",
  "socketsLeave",
  "disconnectSockets",
  "fetchSockets",
  "serverSideEmit",
  "serverCount",
  "names",
  "restart",
];

/**
 * The official "common" cases, plus server count and a restarted node. `c` is a
 * nodeCluster() with 3 nodes (node 2 has node 0's implementation); every operation is
 * requested on node 0. `only` limits the categories; `topo` (the sharedTopology()) is needed
 * by "names", which looks at Redis. `skip(title)` may return a reason to skip a case (a known
 * limitation of the reference in some setup), read when the case runs. `roomJoined(nsp, room,
 * nodes)` resolves once `nodes` nodes are ready to receive broadcasts to a room they just
 * joined (adapters that subscribe per room do it after the join has answered).
 */
export function commonSuite(c, { only = CATEGORIES, topo, skip = () => "", roomJoined = async () => {} } = {}) {
  const name = (what) => `${what} [${c.label}]`;
  const when = (category, title, fn) => {
    if (!only.includes(category)) return;
    const full = `${category}: ${title}`;
    test(name(full), c.wrap(async (t) => {
      const reason = skip(full);
      if (reason) return t.skip(reason);
      return fn(t);
    }));
  };

  // ---- broadcast

  when("broadcast", "broadcasts to all clients", async () => {
    const { clients } = await perNode(c);
    await opOk(clients[0], { op: "emit", event: "test", args: [1, "2", Buffer.from([3, 4])] });
    for (const s of clients) {
      const args = await expectEvent(s, "test");
      assert.equal(args.length, 3, JSON.stringify(args));
      assert.deepEqual(args.slice(0, 2), [1, "2"]);
      assert.ok(Buffer.isBuffer(args[2]), "binary arrives as binary");
      assert.deepEqual([...args[2]], [3, 4]);
    }
  });

  when("broadcast", "broadcasts to all clients in a namespace", async () => {
    const a = await perNode(c);
    const b = await perNode(c);
    await opOk(a.clients[0], { op: "emit", event: "test", args: ["a"] });
    for (const s of a.clients) assert.deepEqual(await expectEvent(s, "test"), ["a"]);
    await barrier(b.clients[0], b.clients);
    await barrier(a.clients[0], a.clients);
    for (const s of b.clients) assert.deepEqual(got(s, "test"), [], "the other namespace gets nothing");
  });

  when("broadcast", "broadcasts to all clients in a room", async () => {
    const { nsp, clients } = await perNode(c);
    const room = unique("room1");
    await opOk(clients[0], { op: "join", rooms: [room] });
    await opOk(clients[2], { op: "join", rooms: [room] });
    await roomJoined(nsp, room, 2);
    await opOk(clients[0], { op: "emit", rooms: [room], event: "test", args: [room] });
    assert.deepEqual(await expectEvent(clients[0], "test"), [room]);
    assert.deepEqual(await expectEvent(clients[2], "test"), [room]);
    await barrier(clients[0], clients);
    assert.deepEqual(got(clients[1], "test"), []);
    assert.equal(got(clients[0], "test").length + got(clients[2], "test").length, 2, "once each");
  });

  when("broadcast", "broadcasts to all clients except in room", async () => {
    const { clients } = await perNode(c);
    const room = unique("room1");
    await opOk(clients[1], { op: "join", rooms: [room] });
    await opOk(clients[0], { op: "emit", except: [room], event: "test", args: ["x"] });
    assert.deepEqual(await expectEvent(clients[0], "test"), ["x"]);
    assert.deepEqual(await expectEvent(clients[2], "test"), ["x"]);
    await barrier(clients[0], clients);
    assert.deepEqual(got(clients[1], "test"), []);
  });

  when("broadcast", "broadcasts to local clients only", async () => {
    const { clients } = await perNode(c);
    await opOk(clients[0], { op: "emit", local: true, event: "test", args: ["local"] });
    assert.deepEqual(await expectEvent(clients[0], "test"), ["local"]);
    await barrier(clients[0], clients);
    assert.deepEqual(got(clients[1], "test"), []);
    assert.deepEqual(got(clients[2], "test"), []);
  });

  // ---- broadcast with acknowledgements

  when("broadcast-ack", "broadcasts with multiple acknowledgements", async () => {
    const { clients } = await perNode(c);
    clients.forEach((s, i) => acks(s, "test", i + 1));
    const res = await opOk(clients[0], { op: "emitWithAck", event: "test", args: [], timeout: 3000 });
    assert.deepEqual(res.slice().sort(), clients.map((_, i) => i + 1));
  });

  when("broadcast-ack", "broadcasts with multiple acknowledgements (binary content)", async () => {
    const { clients } = await perNode(c);
    clients.forEach((s, i) => acks(s, "test", Buffer.from([i, 0xff])));
    const res = await opOk(clients[0], { op: "emitWithAck", event: "test", args: [], timeout: 3000 });
    assert.equal(res.length, clients.length);
    for (const b of res) assert.ok(Buffer.isBuffer(b), `binary ack arrives as binary: ${JSON.stringify(b)}`);
    assert.deepEqual(res.map((b) => [...b]).sort((x, y) => x[0] - y[0]), clients.map((_, i) => [i, 0xff]));
  });

  when("broadcast-ack", "broadcasts with multiple acknowledgements (no client)", async () => {
    const { clients } = await perNode(c);
    const res = await opOk(clients[0], { op: "emitWithAck", rooms: [unique("empty")], event: "test", args: [], timeout: 3000 });
    assert.deepEqual(res, []);
  });

  when("broadcast-ack", "broadcasts with multiple acknowledgements (timeout)", async () => {
    const { clients } = await perNode(c);
    acks(clients[0], "test", 1);
    acks(clients[2], "test", 3); // clients[1] never answers
    const started = Date.now();
    const res = await op(clients[0], { op: "emitWithAck", event: "test", args: [], timeout: 500 });
    assert.equal(res.ok, false, JSON.stringify(res));
    assert.ok(Date.now() - started >= 450, "not before the timeout");
  });

  when("broadcast-ack", "broadcasts with a single acknowledgement (local)", async () => {
    const { clients } = await perNode(c);
    const target = await c.connect(0, clients[0].nsp);
    acks(target, "test", (args) => ["local", ...args]);
    const res = await opOk(clients[0], { op: "socketEmitWithAck", target: target.id, event: "test", args: [1], timeout: 3000 });
    assert.deepEqual(res, ["local", 1]);
  });

  when("broadcast-ack", "broadcasts with a single acknowledgement (remote)", async () => {
    const { clients } = await perNode(c);
    acks(clients[1], "test", (args) => ["remote", ...args]);
    const res = await opOk(clients[0], { op: "socketEmitWithAck", target: clients[1].id, event: "test", args: [2], timeout: 3000 });
    assert.deepEqual(res, ["remote", 2]);
    const missing = await op(clients[0], { op: "socketEmitWithAck", target: "AAAAAAAAAAAAAAAAAAAA", event: "test", args: [], timeout: 1000 });
    assert.deepEqual(missing, { ok: false, error: "socket AAAAAAAAAAAAAAAAAAAA not found" });
  });

  // ---- socketsJoin

  when("socketsJoin", "makes all socket instances join the specified room", async () => {
    const { clients } = await perNode(c);
    const room = unique("room1");
    await opOk(clients[0], { op: "socketsJoin", target: [room] });
    await roomsEventually(clients, (r) => r.includes(room), "joined");
  });

  when("socketsJoin", "makes the matching socket instances join the specified room", async () => {
    const { clients } = await perNode(c);
    const [room1, room2] = [unique("room1"), unique("room2")];
    await opOk(clients[0], { op: "join", rooms: [room1] });
    await opOk(clients[2], { op: "join", rooms: [room1] });
    await opOk(clients[0], { op: "socketsJoin", rooms: [room1], target: [room2] });
    await roomsEventually([clients[0], clients[2]], (r) => r.includes(room2), "joined");
    await barrier(clients[0], clients);
    assert.deepEqual(await roomsOf(clients[1]), [clients[1].id]);
  });

  when("socketsJoin", "makes the given socket instance join the specified room", async () => {
    const { clients } = await perNode(c);
    const room = unique("room3");
    await opOk(clients[0], { op: "socketsJoin", rooms: [clients[1].id], target: [room] });
    await roomsEventually([clients[1]], (r) => r.includes(room), "joined");
    await barrier(clients[0], clients);
    assert.deepEqual(await roomsOf(clients[0]), [clients[0].id]);
    assert.deepEqual(await roomsOf(clients[2]), [clients[2].id]);
  });

  // ---- socketsLeave

  when("socketsLeave", "makes all socket instances leave the specified room", async () => {
    const { clients } = await perNode(c);
    const room = unique("room1");
    for (const s of clients) await opOk(s, { op: "join", rooms: [room] });
    await opOk(clients[0], { op: "socketsLeave", target: [room] });
    await roomsEventually(clients, (r, i) => r.length === 1 && r[0] === clients[i].id, "left");
  });

  when("socketsLeave", "makes the matching socket instances leave the specified room", async () => {
    const { clients } = await perNode(c);
    const [room1, room2] = [unique("room1"), unique("room2")];
    for (const s of clients) await opOk(s, { op: "join", rooms: [room2] });
    await opOk(clients[0], { op: "join", rooms: [room1] });
    await opOk(clients[2], { op: "join", rooms: [room1] });
    await opOk(clients[0], { op: "socketsLeave", rooms: [room1], target: [room2] });
    await roomsEventually([clients[0], clients[2]], (r) => !r.includes(room2) && r.includes(room1), "left room2");
    await barrier(clients[0], clients);
    assert.ok((await roomsOf(clients[1])).includes(room2), "the non-matching socket stays");
  });

  when("socketsLeave", "makes the given socket instance leave the specified room", async () => {
    const { clients } = await perNode(c);
    const room = unique("room3");
    for (const s of clients) await opOk(s, { op: "join", rooms: [room] });
    await opOk(clients[0], { op: "socketsLeave", rooms: [clients[1].id], target: [room] });
    await roomsEventually([clients[1]], (r) => !r.includes(room), "left");
    await barrier(clients[0], clients);
    assert.ok((await roomsOf(clients[0])).includes(room));
    assert.ok((await roomsOf(clients[2])).includes(room));
  });

  // ---- disconnectSockets

  when("disconnectSockets", "makes all socket instances disconnect", async () => {
    const { nsp, clients } = await perNode(c);
    const ctl = await c.connect(0, nsp);
    await opOk(ctl, { op: "disconnectSockets", except: [ctl.id] });
    for (const s of clients) assert.equal(await disconnected(s), "io server disconnect");
    assert.equal(ctl.connected, true, "the excepted socket stays");
    const left = await opOk(ctl, { op: "fetchSockets", local: true });
    assert.deepEqual(left.map((x) => x.id), [ctl.id]);
  });

  when("disconnectSockets", "sends a packet before all socket instances disconnect", async () => {
    const { nsp, clients } = await perNode(c);
    const ctl = await c.connect(0, nsp);
    const seenAtDisconnect = clients.map(() => null);
    clients.forEach((s, i) =>
      s.on("disconnect", () => {
        seenAtDisconnect[i] = got(s, "test");
      }),
    );
    await opOk(ctl, { op: "emit", except: [ctl.id], event: "test", args: ["bye"] });
    await opOk(ctl, { op: "disconnectSockets", except: [ctl.id] });
    for (const s of clients) await disconnected(s);
    assert.deepEqual(seenAtDisconnect, clients.map(() => [["bye"]]), "the packet arrived before the disconnect");
  });

  // ---- fetchSockets

  when("fetchSockets", "returns all socket instances", async () => {
    const { clients } = await perNode(c);
    await opOk(clients[1], { op: "setData", data: { score: 42, tags: ["a"] } });
    const list = await opOk(clients[0], { op: "fetchSockets" });
    const expected = clients
      .map((s, i) => ({
        id: s.id,
        rooms: [s.id],
        data: i === 1 ? { server: c.nodes[1].serverId, score: 42, tags: ["a"] } : { server: c.nodes[i].serverId },
        server: c.nodes[i].serverId,
      }))
      .sort((a, b) => byCodePoint(a.id, b.id));
    assert.deepEqual(list, expected);
  });

  when("fetchSockets", "returns a single socket instance", async () => {
    const { clients } = await perNode(c);
    const room = unique("r");
    await opOk(clients[1], { op: "join", rooms: [room] });
    const list = await opOk(clients[0], { op: "fetchSockets", rooms: [clients[1].id] });
    assert.equal(list.length, 1, JSON.stringify(list));
    assert.equal(list[0].id, clients[1].id);
    assert.equal(list[0].server, c.nodes[1].serverId);
    assert.deepEqual(list[0].rooms, [clients[1].id, room].sort(byCodePoint));
  });

  when("fetchSockets", "returns only local socket instances", async () => {
    const { clients } = await perNode(c);
    const list = await opOk(clients[0], { op: "fetchSockets", local: true });
    assert.deepEqual(
      list.map((x) => [x.id, x.server]),
      [[clients[0].id, c.nodes[0].serverId]],
    );
  });

  // ---- serverSideEmit

  when("serverSideEmit", "sends an event to other server instances", async () => {
    const { clients } = await perNode(c);
    const tag = unique("sse");
    assert.equal(await opOk(clients[0], { op: "serverSideEmit", event: "ping", args: [tag, 1, { two: [2] }] }), null);
    const mine = async (s) => (await opOk(s, { op: "received" })).filter((e) => e.args[0] === tag);
    await eventually(async () => {
      for (const s of clients.slice(1)) assert.deepEqual(await mine(s), [{ event: "ping", args: [tag, 1, { two: [2] }] }]);
    });
    assert.deepEqual(await mine(clients[0]), [], "not on the emitting node");
  });

  when("serverSideEmit", "sends an event and receives a response from the other server instances", async () => {
    const { clients } = await perNode(c);
    const res = await opOk(clients[0], { op: "serverSideEmit", event: "ping", args: [unique("sse")], ack: true, timeout: 4000 });
    assert.deepEqual(res.slice().sort(), c.nodes.slice(1).map((n) => `pong:${n.serverId}`).sort());
  });

  when("serverSideEmit", "sends an event but timeout if one server does not respond", async () => {
    const { clients } = await perNode(c);
    const last = c.nodes.length - 1;
    // the last node is frozen (SIGSTOP): still subscribed, so still counted, but mute
    c.pause(last);
    try {
      const started = Date.now();
      const res = await op(clients[0], { op: "serverSideEmit", event: "ping", args: [unique("sse")], ack: true, timeout: 1500 }, 10000);
      assert.equal(res.ok, false, JSON.stringify(res));
      assert.ok(Date.now() - started >= 1400, "not before the timeout");
    } finally {
      c.resume(last);
    }
  });

  // ---- server count

  when("serverCount", "serverCount is the number of nodes, on every node and namespace", async () => {
    const a = await perNode(c, "/");
    const b = await perNode(c);
    for (const s of [...a.clients, ...b.clients]) assert.equal(await opOk(s, { op: "serverCount" }), c.nodes.length);
  });

  // ---- names on the wire (from the options, else the defaults)

  if (topo) {
    when("names", "writes to the stream and subscribes to the channels the options name", async () => {
      const args = c.combo.args;
      const { clients } = await perNode(c);
      const nsp = clients[0].nsp;
      const stream = streamFor(nsp, {
        name: argValue(args, "--stream-name") ?? "socket.io",
        count: Number(argValue(args, "--stream-count") ?? 1),
      });
      const xlen = () => topo.topology.keyCommand(stream, "XLEN", stream);
      const before = await xlen();
      await opOk(clients[0], { op: "emit", event: "test", args: [] });
      for (const s of clients) await expectEvent(s, "test");
      assert.ok((await xlen()) > before, `the broadcast went to ${stream}`);
      if (argValue(args, "--protocol") === "0.2") return; // Gen A has no pub/sub (§1.13)
      const channel = `${argValue(args, "--channel-prefix") ?? "socket.io"}#${nsp}#`;
      const count = (replies) => replies.reduce((n, r) => n + Number(r[1]), 0);
      const subscribers = args.includes("--use-sharded-pubsub")
        ? count([await topo.topology.keyCommand(channel, "PUBSUB", "SHARDNUMSUB", channel)])
        : count(await topo.topology.everyMaster("PUBSUB", "NUMSUB", channel));
      assert.equal(subscribers, c.nodes.length, `each node subscribes to ${channel} once`);
    });
  }

  // ---- a node leaves and comes back (keep last: it replaces the last node)

  when("restart", "a stopped node leaves the count; started again, it joins and broadcasts both ways", async () => {
    const last = c.nodes.length - 1;
    const nsp = c.ns();
    const s0 = await c.connect(0, nsp);
    await c.stopNode(last);
    await eventually(async () => assert.equal(await opOk(s0, { op: "serverCount" }), last, "after the stop, on node 0"), 8000);
    const node = await c.startNode(last);
    const s2 = await c.connect(last, nsp);
    // a Node.js node starts reading the stream at "$" once its reader connected: the answers
    // to its INITIAL_HEARTBEAT may come before, and then it counts a peer at the peer's next
    // heartbeat (heartbeatInterval, 5 s) only
    await eventually(async () => {
      assert.equal(await opOk(s0, { op: "serverCount" }), last + 1, "after the start, on node 0");
      assert.equal(await opOk(s2, { op: "serverCount" }), last + 1, "after the start, on the new node");
    }, 15000);
    await opOk(s2, { op: "emit", event: "test", args: ["from new"] });
    assert.deepEqual(await expectEvent(s0, "test", 8000), ["from new"]);
    await opOk(s0, { op: "emit", event: "test", args: ["to new"] });
    // in either order: a Node.js node delivers its own broadcast to its clients only once its
    // XADD answered, which may be after node 0 read it and the answer came back
    await eventually(() => assert.deepEqual(got(s2, "test").map(([m]) => m).sort(), ["from new", "to new"]), 8000);
    assert.equal((await opOk(s2, { op: "whoami" })).server, node.serverId);
  });
}

// ---------------------------------------------------------------------------------------
// connection state recovery

/**
 * The official connection-state-recovery cases, across nodes: a session opened on node 0
 * is restored on node 1. `c` is a nodeCluster() of 2 nodes started with `--recovery
 * --max-disconnection-duration <maxDisconnectionMs>`; `topo` the sharedTopology().
 */
export function recoverySuite(c, topo, { maxDisconnectionMs, sessionKeyPrefix = "sio:session:" }) {
  const name = (what) => `recovery: ${what} [${c.label}]`;
  const sessionStored = async (pid) =>
    (await topo.topology.keyCommand(sessionKeyPrefix + pid, "EXISTS", sessionKeyPrefix + pid)) === 1;

  /**
   * A client on node 0 in a fresh namespace that received one broadcast (so it has an
   * offset), plus controllers on both nodes. Returns {nsp, s, ctl0, ctl1, pid, offset, id}
   * (pid/offset are the client's own) — still connected.
   */
  const prepare = async () => {
    const nsp = c.ns();
    const s = await c.connect(0, nsp);
    const ctl0 = await c.connect(0, nsp);
    const ctl1 = await c.connect(1, nsp);
    assert.equal(typeof s._pid, "string", "the CONNECT reply carries a pid");
    await opOk(ctl1, { op: "emit", rooms: [s.id], event: "init", args: [] });
    const initArgs = await expectEvent(s, "init");
    assert.equal(initArgs.length, 1, `the broadcast carries the offset: ${JSON.stringify(initArgs)}`);
    assert.match(initArgs[0], /^[0-9]+-[0-9]+$/);
    assert.equal(s._lastOffset, initArgs[0]);
    return { nsp, s, ctl0, ctl1, pid: s._pid, offset: initArgs[0], id: s.id };
  };

  /** Closes the transport of `s` (a recoverable disconnect) and waits until node 0 stored the session. */
  const drop = async (s, pid) => {
    s.io.engine.close(); // the server sees "transport close"
    await disconnected(s);
    await eventually(async () => assert.ok(await sessionStored(pid), `session ${pid} stored`), 4000);
  };

  const reconnect = (i, nsp, auth) => c.connect(i, nsp, { auth });

  test(
    name("should restore the session (on the other node)"),
    c.wrap(async () => {
      const p = await prepare();
      const room = unique("kept");
      await opOk(p.s, { op: "join", rooms: [room] });
      await opOk(p.s, { op: "setData", data: { color: "red" } });
      await drop(p.s, p.pid);
      const s2 = await reconnect(1, p.nsp, { pid: p.pid, offset: p.offset });
      assert.equal(s2.id, p.id, "the same socket id");
      const me = await opOk(s2, { op: "whoami" });
      assert.deepEqual(me, { id: p.id, server: c.nodes[1].serverId, recovered: true, rooms: [p.id, room].sort(byCodePoint) });
      const [fetched] = await opOk(p.ctl1, { op: "fetchSockets", rooms: [p.id] });
      assert.equal(fetched.data.color, "red", `data restored: ${JSON.stringify(fetched)}`);
      // it takes part in the cluster again: a broadcast from node 0 to the restored room arrives
      await opOk(p.ctl0, { op: "emit", rooms: [room], event: "after", args: [1] });
      const after = await expectEvent(s2, "after");
      assert.equal(after[0], 1);
    }),
  );

  test(
    name("should restore any missed packets, once each, with rooms, except and namespaces honoured"),
    c.wrap(async () => {
      const p = await prepare();
      const other = await c.connect(1, c.ns());
      const [room1, room2] = [unique("room1"), unique("room2")];
      await opOk(p.s, { op: "join", rooms: [room1] });
      await opOk(p.ctl1, { op: "join", rooms: [room1] }); // witnesses event 3
      await drop(p.s, p.pid);
      // the official test emits these in the server's `disconnect` handler; here they
      // come from both nodes, each once the previous one was visibly delivered
      await opOk(p.ctl0, { op: "emit", rooms: [p.id], event: "myEvent", args: [1] }); // socket.emit() to the gone socket
      await opOk(p.ctl0, { op: "emit", event: "myEvent", args: [2] });
      assert.equal((await expectEvent(p.ctl1, "myEvent"))[0], 2);
      await opOk(p.ctl1, { op: "emit", rooms: [room1], event: "myEvent", args: [3] });
      assert.equal((await expectEvent(p.ctl1, "myEvent"))[0], 3);
      // not for this client:
      await opOk(p.ctl1, { op: "emit", rooms: [room2], event: "myEvent", args: [4] });
      await opOk(p.ctl0, { op: "emit", except: [room1], event: "myEvent", args: [5] });
      assert.equal((await expectEvent(p.ctl0, "myEvent"))[0], 2);
      assert.equal((await expectEvent(p.ctl0, "myEvent"))[0], 5);
      await opOk(other, { op: "emit", event: "myEvent", args: [6] });
      assert.equal((await expectEvent(other, "myEvent"))[0], 6);

      const s2 = await reconnect(1, p.nsp, { pid: p.pid, offset: p.offset });
      assert.equal((await opOk(s2, { op: "whoami" })).recovered, true);
      await expectEvent(s2, "myEvent");
      await expectEvent(s2, "myEvent");
      await expectEvent(s2, "myEvent");
      await sleep(150);
      const events = got(s2, "myEvent");
      assert.deepEqual(events.map((a) => a[0]), [1, 2, 3], `missed packets: ${JSON.stringify(events)}`);
      const offsets = new Set([p.offset, ...events.map((a) => a[a.length - 1])]);
      assert.equal(offsets.size, 4, `4 distinct offsets: ${JSON.stringify([...offsets])}`);
      for (const o of offsets) assert.match(o, /^[0-9]+-[0-9]+$/);
      assert.notEqual(s2._lastOffset, p.offset, "the client's offset moved on");

      // the session was consumed: a second restore fails
      s2.disconnect(); // a client-side disconnect: not recoverable, nothing stored
      const s3 = await reconnect(0, p.nsp, { pid: p.pid, offset: p.offset });
      const me = await opOk(s3, { op: "whoami" });
      assert.equal(me.recovered, false);
      assert.notEqual(me.id, p.id);
      await sleep(100);
      assert.deepEqual(got(s3, "myEvent"), []);
    }),
  );

  test(
    name("should fail to restore an unknown session (invalid session ID)"),
    c.wrap(async () => {
      const p = await prepare();
      const s2 = await reconnect(1, p.nsp, { pid: "abc", offset: "507f191e810c19729de860ea" });
      assert.equal((await opOk(s2, { op: "whoami" })).recovered, false);
      // a well-formed, existing offset with a pid nobody has
      const s3 = await reconnect(1, p.nsp, { pid: "AAAAAAAAAAAAAAAAAAAA", offset: p.offset });
      const me = await opOk(s3, { op: "whoami" });
      assert.equal(me.recovered, false);
      assert.notEqual(me.id, p.id);
    }),
  );

  test(
    name("should fail to restore an unknown session (invalid offset)"),
    c.wrap(async () => {
      const p = await prepare();
      await drop(p.s, p.pid);
      const s2 = await reconnect(1, p.nsp, { pid: p.pid, offset: "abc" });
      const me = await opOk(s2, { op: "whoami" });
      assert.equal(me.recovered, false);
      assert.notEqual(me.id, p.id);
      // an offset of the right shape that is not in the stream
      const s3 = await reconnect(1, p.nsp, { pid: p.pid, offset: "1-0" });
      assert.equal((await opOk(s3, { op: "whoami" })).recovered, false);
    }),
  );

  test(
    name("should fail to restore an expired session"),
    c.wrap(async () => {
      const p = await prepare();
      await drop(p.s, p.pid);
      await eventually(async () => assert.equal(await sessionStored(p.pid), false, "expired"), maxDisconnectionMs + 3000, 100);
      const s2 = await reconnect(1, p.nsp, { pid: p.pid, offset: p.offset });
      const me = await opOk(s2, { op: "whoami" });
      assert.equal(me.recovered, false);
      assert.notEqual(me.id, p.id);
    }),
  );
}
