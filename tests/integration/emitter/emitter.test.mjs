// sio-emit against a two-node Redis Streams cluster: the official streams-emitter cases
// (spec cluster-wire.md §7.4: broadcast ×4, socketsJoin ×3, socketsLeave ×3,
// disconnectSockets, serverSideEmit) plus --close, JSON arguments of every type, and the
// XADD entry of §5.2. Clients on both nodes, on `/`, `/custom` and `/custom2`.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]']
//      [SIO_EMIT='["build/debug/apps/sio-emit"]'] node --test tests/integration/emitter/

import { describe, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, disconnected, opOk, sameConnection, connected, rawSio, withTimeout } from "../lib/sio.mjs";
import { createRequire } from "node:module";
import { emitterCluster, unique, got, assertRooms, roomsOf, lastEntry, ADAPTER } from "./helpers.mjs";

const c = emitterCluster({ before, after, afterEach }, { namespaces: ["/custom2"], warmNamespaces: ["/", "/custom", "/custom2"] });

/** Two clients per node on `nsp`: [a0, b0, a1, b1] (the digit is the node). */
async function fourClients(nsp = "/") {
  return [await c.connect(0, nsp), await c.connect(0, nsp), await c.connect(1, nsp), await c.connect(1, nsp)];
}

const join = (s, ...rooms) => opOk(s, { op: "join", rooms });

/** A raw WebSocket client on node i, connected to "/" and "/custom2" (closed after each test). */
async function rawClient(i) {
  const raw = await rawSio(c.nodes[i].port);
  raw.node = i;
  c.raws.push(raw);
  for (const [nsp, reply] of [["/", /^40\{"sid":/], ["/custom2", /^40\/custom2,\{"sid":/]]) {
    raw.send(nsp === "/" ? "40" : `40${nsp},`);
    for (;;) {
      const m = await raw.next();
      if (m.text?.startsWith("42")) continue; // the fixture's "auth" event
      assert.match(m.text ?? "", reply);
      break;
    }
  }
  raw.frames.length = 0;
  return raw;
}

/** The text frames `raw` received (after rawClient() returned), pings left out. */
const texts = (raw) => raw.frames.filter((f) => f.text !== undefined && f.text !== "2").map((f) => f.text);
/** The DISCONNECT packets among them. */
const disconnects = (raw) => texts(raw).filter((t) => t.startsWith("41"));

c.raws = [];
afterEach(() => {
  for (const raw of c.raws.splice(0)) raw.close();
});

describe("sio-emit", () => {
  c.test("every node delivers the first emitter entry written after it said listening", async () => {
    const cpp = c.firstEntryMissed.filter((m) => m.includes("(C++)"));
    assert.deepEqual(cpp, [], "C++ nodes must read from where they started, not from a re-sent `$`");
  });

  // ---- broadcast

  c.test("broadcast: broadcasts to all clients", async () => {
    const clients = await fourClients();
    await c.emit("emit", "test", "1", '"2"', '{"3":[4]}');
    for (const s of clients) assert.deepEqual(await waitEvent(s, "test"), [1, "2", { 3: [4] }]);
    await c.barrier(clients);
    for (const s of clients) assert.equal(got(s, "test").length, 1, `once on node ${s.node}`);
  });

  c.test("broadcast: broadcasts to all clients in a namespace", async () => {
    const custom = [await c.connect(0, "/custom"), await c.connect(1, "/custom")];
    const others = [await c.connect(0, "/"), await c.connect(1, "/"), await c.connect(0, "/custom2"), await c.connect(1, "/custom2")];
    await c.emit("--nsp", "/custom", "emit", "test", '"custom only"');
    for (const s of custom) assert.deepEqual(await waitEvent(s, "test"), ["custom only"]);
    await c.barrier([...custom, ...others]);
    for (const s of others) assert.deepEqual(got(s, "test"), [], `${s.nsp} on node ${s.node} gets nothing`);
    for (const s of custom) assert.equal(got(s, "test").length, 1);
  });

  c.test("broadcast: broadcasts to all clients in a room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const room = unique("room"), other = unique("room");
    await join(a0, room, other); // in both targeted rooms: still once
    await join(b1, room);
    await c.emit("--to", room, "--to", other, "emit", "test", '"in room"');
    assert.deepEqual(await waitEvent(a0, "test"), ["in room"]);
    assert.deepEqual(await waitEvent(b1, "test"), ["in room"]);
    await c.barrier([a0, b0, a1, b1]);
    assert.deepEqual(got(b0, "test"), []);
    assert.deepEqual(got(a1, "test"), []);
    assert.equal(got(a0, "test").length, 1, "a socket in two targeted rooms gets it once");
    assert.equal(got(b1, "test").length, 1);
  });

  c.test("broadcast: broadcasts to all clients except in room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const room = unique("room"), excluded = unique("room");
    await join(b0, excluded);
    await join(a1, room, excluded);
    await join(b1, room);
    await c.emit("--except", excluded, "emit", "test", '"all but"');
    for (const s of [a0, b1]) assert.deepEqual(await waitEvent(s, "test"), ["all but"]);
    // with a room too: room minus excluded = b1 only
    await c.emit("--to", room, "--except", excluded, "emit", "test2", '"room but"');
    assert.deepEqual(await waitEvent(b1, "test2"), ["room but"]);
    await c.barrier([a0, b0, a1, b1]);
    assert.deepEqual(got(b0, "test"), []);
    assert.deepEqual(got(a1, "test"), []);
    for (const s of [a0, b0, a1]) assert.deepEqual(got(s, "test2"), [], `test2 on ${s.id}`);
  });

  // ---- socketsJoin

  c.test("socketsJoin: makes all socket instances join the specified room", async () => {
    const clients = await fourClients();
    const elsewhere = [await c.connect(0, "/custom"), await c.connect(1, "/custom")];
    const room = unique("room");
    await c.emit("sockets-join", room, unique("second"));
    await c.barrier([...clients, ...elsewhere]);
    await assertRooms(clients, room, true);
    await assertRooms(elsewhere, room, false); // another namespace
  });

  c.test("socketsJoin: makes the matching socket instances join the specified room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const from = unique("from"), room = unique("room");
    await join(a0, from);
    await join(a1, from);
    await c.emit("--to", from, "sockets-join", room);
    await c.barrier([a0, b0, a1, b1]);
    await assertRooms([a0, a1], room, true);
    await assertRooms([b0, b1], room, false);
  });

  c.test("socketsJoin: makes the given socket instance join the specified room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const room = unique("room");
    await c.emit("--to", a1.id, "sockets-join", room);
    await c.barrier([a0, b0, a1, b1]);
    await assertRooms([a1], room, true);
    await assertRooms([a0, b0, b1], room, false);
    const rooms = await roomsOf(a1);
    assert.deepEqual(rooms, [a1.id, room].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  });

  // ---- socketsLeave

  c.test("socketsLeave: makes all socket instances leave the specified room", async () => {
    const clients = await fourClients();
    const r1 = unique("r1"), r2 = unique("r2"), keep = unique("keep");
    for (const s of clients) await join(s, r1, r2, keep);
    await c.emit("sockets-leave", r1, r2);
    await c.barrier(clients);
    await assertRooms(clients, r1, false);
    await assertRooms(clients, r2, false);
    await assertRooms(clients, keep, true);
  });

  c.test("socketsLeave: makes the matching socket instances leave the specified room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const from = unique("from"), room = unique("room");
    for (const s of [a0, b0, a1, b1]) await join(s, room);
    await join(b0, from);
    await join(b1, from);
    await c.emit("--to", from, "sockets-leave", room);
    await c.barrier([a0, b0, a1, b1]);
    await assertRooms([b0, b1], room, false);
    await assertRooms([a0, a1], room, true);
  });

  c.test("socketsLeave: makes the given socket instance leave the specified room", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const room = unique("room");
    for (const s of [a0, b0, a1, b1]) await join(s, room);
    await c.emit("--to", b1.id, "sockets-leave", room);
    await c.barrier([a0, b0, a1, b1]);
    await assertRooms([b1], room, false);
    await assertRooms([a0, b0, a1], room, true);
  });

  // ---- disconnectSockets

  c.test("disconnectSockets: makes all socket instances disconnect", async () => {
    const clients = await fourClients();
    // a second namespace on the same connection: disconnect without --close keeps it
    const extra = [sameConnection(clients[0], "/custom2"), sameConnection(clients[2], "/custom2")];
    for (const s of extra) await connected(s);
    const custom = [await c.connect(0, "/custom"), await c.connect(1, "/custom")];
    const raws = [await rawClient(0), await rawClient(1)];
    await c.emit("disconnect-sockets");
    for (const s of clients) assert.equal(await disconnected(s), "io server disconnect", `node ${s.node}`);
    await c.barrier([...extra, ...custom]);
    for (const s of [...extra, ...custom]) assert.ok(s.connected, `${s.nsp} on node ${s.node} stays connected`);
    for (const raw of raws) {
      assert.deepEqual(disconnects(raw), ["41"], `node ${raw.node}: a DISCONNECT for "/" only`);
      assert.ok(raw.isOpen(), `node ${raw.node}: the connection stays open`);
    }
  });

  // socket.disconnect(true) disconnects every namespace of the client (DISCONNECT packets,
  // so the official client says "io server disconnect", as with the reference) and then
  // closes the Engine.IO connection
  c.test("disconnectSockets: --close also closes the underlying connections", async () => {
    const clients = await fourClients();
    const extra = [sameConnection(clients[1], "/custom2"), sameConnection(clients[3], "/custom2")];
    for (const s of extra) await connected(s);
    const raws = [await rawClient(0), await rawClient(1)];
    await c.emit("disconnect-sockets", "--close");
    for (const s of [...clients, ...extra]) assert.equal(await disconnected(s), "io server disconnect", `${s.nsp} on node ${s.node}`);
    for (const raw of raws) {
      const info = await withTimeout(raw.closed, 3000, `node ${raw.node} to close the WebSocket`);
      assert.notEqual(info.code, null, JSON.stringify(info));
      assert.deepEqual(disconnects(raw).sort(), ["41", "41/custom2,"], `node ${raw.node}: every namespace is disconnected before the close`);
    }
  });

  c.test("disconnectSockets: only the sockets of a room (--to)", async () => {
    const [a0, b0, a1, b1] = await fourClients();
    const room = unique("room");
    await join(b0, room);
    await join(a1, room);
    await c.emit("--to", room, "disconnect-sockets");
    assert.equal(await disconnected(b0), "io server disconnect");
    assert.equal(await disconnected(a1), "io server disconnect");
    await c.barrier([a0, b1]);
    assert.ok(a0.connected && b1.connected, "sockets outside the room stay connected");
  });

  // ---- serverSideEmit

  c.test("serverSideEmit: sends an event to other server instances", async () => {
    const probes = [await c.connect(0), await c.connect(1)];
    const tag = unique("tag");
    const args = [tag, 2, { three: [3, null, true] }];
    await c.emit("server-side-emit", "ping", ...args.map((a) => JSON.stringify(a)));
    await c.barrier(probes); // the markers come later in the same stream
    for (const s of probes) {
      const received = await opOk(s, { op: "received" });
      const mine = received.filter((r) => r.args?.[0] === tag);
      assert.deepEqual(mine, [{ event: "ping", args }], `received on node ${s.node}: ${JSON.stringify(received)}`);
      assert.deepEqual(got(s, "ping"), [], "serverSideEmit does not reach clients");
    }
  });

  c.test("serverSideEmit: in another namespace, without arguments", async () => {
    const probes = [await c.connect(0, "/custom"), await c.connect(1, "/custom")];
    await c.emit("--nsp", "/custom", "server-side-emit", "ping");
    const tag = unique("after");
    await c.emit("--nsp", "/custom", "server-side-emit", "ping", JSON.stringify(tag));
    await c.barrier(probes);
    for (const s of probes) {
      const received = await opOk(s, { op: "received" });
      const i = received.findIndex((r) => r.args?.[0] === tag);
      assert.ok(i >= 1, `node ${s.node} recorded ${JSON.stringify(received)}`);
      assert.deepEqual(received[i - 1], { event: "ping", args: [] }, `node ${s.node}: the argument-less ping comes just before`);
    }
  });

  // ---- JSON arguments and the entry on the wire

  c.test("JSON arguments of every type arrive intact", async () => {
    const clients = [await c.connect(0), await c.connect(1)];
    const texts = [
      "0",
      "-17",
      "9007199254740991",
      "-9007199254740991",
      "0.1",
      "-2.5e-7",
      "1.7976931348623157e308",
      "0.3333333333333333",
      "123456789.123",
      '""',
      '"héllo wörld ✓ 日本語 🎉"',
      '"\\u00e9\\ud83c\\udf89 \\"quoted\\" back\\\\slash \\n\\t\\r \\u0000 \\u001f /"',
      "null",
      "true",
      "false",
      "[]",
      "{}",
      '[1,"two",[3,[4,[5]]],{"six":6}]',
      '{"a":{"b":{"c":{"d":[null,false,{"e":"ü"}]}}},"k e y":1,"ключ":"значение","":0}',
      ' { "spaced" : [ 1 , 2 ] } ',
    ];
    let expected = texts.map((t) => JSON.parse(t));
    if (ADAPTER === "redis") {
      // what the official redis-emitter delivers: notepack writes integral numbers beyond
      // 2^53 as uint64 modulo 2^64 (1.7976931348623157e308 arrives as 0)
      const notepack = createRequire(new URL("../../node/package.json", import.meta.url))("notepack.io");
      expected = expected.map((v) => notepack.decode(notepack.encode(v)));
    }
    await c.emit("emit", "types", ...texts);
    for (const s of clients) {
      const args = await waitEvent(s, "types");
      assert.deepEqual(args, expected, `node ${s.node}`);
      // deepEqual does not compare the order of keys: compare the JSON text too
      assert.equal(JSON.stringify(args), JSON.stringify(expected));
    }
  });

  c.test("the stream entry is the streams emitter's (spec §5.2), flags included", async (t) => {
    if (ADAPTER !== "redis-streams") return t.skip("streams only");
    const clients = [await c.connect(0), await c.connect(1)];
    const room = unique("room"), except = unique("except");
    for (const s of clients) await join(s, room);
    await c.emit("--to", room, "--except", except, "--volatile", "--compress", "false", "emit", "flagged", '{"x":1}');
    const entry = await lastEntry(c, "socket.io");
    assert.equal(entry.uid, "emitter");
    assert.equal(entry.nsp, "/");
    assert.equal(entry.type, "3");
    assert.deepEqual(JSON.parse(entry.data), {
      packet: { type: 2, data: ["flagged", { x: 1 }], nsp: "/" },
      opts: { rooms: [room], except: [except], flags: { volatile: true, compress: false } },
    });
    for (const s of clients) assert.deepEqual(await waitEvent(s, "flagged"), [{ x: 1 }]);
  });

  c.test("the PUBLISHed bytes are the official @socket.io/redis-emitter 5.1.0's (spec §5.1)", async (t) => {
    if (ADAPTER !== "redis") return t.skip("classic adapter only");
    const peerRequire = createRequire(new URL("../../node/package.json", import.meta.url));
    const redis = peerRequire("redis");
    const { Emitter } = peerRequire("@socket.io/redis-emitter");
    const publisher = redis.createClient({ url: c.redis.url });
    const subscriber = publisher.duplicate();
    await publisher.connect();
    await subscriber.connect();
    const seen = [];
    const listener = (message, channel) => seen.push([String(channel), message.toString("hex")]);
    await subscriber.pSubscribe("socket.io*", listener, true);
    try {
      const official = new Emitter(publisher);
      const room = unique("room"), except = unique("except");
      // the same operations, first by the official emitter, then by sio-emit
      const operations = [
        [(e) => e.to(room).except(except).volatile.compress(false).emit("flagged", { x: 1 }),
          ["--to", room, "--except", except, "--volatile", "--compress", "false", "emit", "flagged", '{"x":1}']],
        [(e) => e.of("/custom").emit("hello", "wörld", 1.5, null), ["--nsp", "custom", "emit", "hello", '"wörld"', "1.5", "null"]],
        [(e) => e.to("a").to("b").emit("two"), ["--to", "a", "--to", "b", "emit", "two"]],
        [(e) => e.in(room).socketsJoin(["r1", "r2"]), ["--to", room, "sockets-join", "r1", "r2"]],
        [(e) => e.except(except).socketsLeave("r1"), ["--except", except, "sockets-leave", "r1"]],
        [(e) => e.disconnectSockets(true), ["disconnect-sockets", "--close"]],
        [(e) => e.serverSideEmit("ping", "x", 2), ["server-side-emit", "ping", '"x"', "2"]],
      ];
      for (const [byNode, args] of operations) {
        seen.length = 0;
        byNode(official);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const expected = seen.splice(0);
        assert.equal(expected.length, 1, `the official emitter published once: ${JSON.stringify(expected)}`);
        await c.emit(...args);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(seen, expected, `sio-emit ${args.join(" ")}`);
      }
    } finally {
      await subscriber.close().catch(() => {});
      await publisher.close().catch(() => {});
    }
  });
});
