// The cases of the official @socket.io/redis-adapter tests that the common cluster suite
// (../cluster-streams/suite.mjs) does not have (spec cluster-wire.md §7.5 specifics), plus
// what the issue adds: numeric and unicode room names, allRooms, hostile messages on the
// adapter's channels, the channels and server count on Redis, and a subscriber killed with
// CLIENT KILL that comes back (C++ nodes also report the gap). Black-box, through
// sio-testserver nodes of a nodeCluster() (lib/cluster.mjs) with --adapter redis.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { waitEvent, opOk, sleep, disconnected } from "../lib/sio.mjs";
import { argValue, eventually, nodeRedisClient } from "../lib/cluster.mjs";
import { barrier, got, unique } from "../cluster-streams/suite.mjs";
import { comesBack, perNode } from "./helpers.mjs";

const peerRequire = createRequire(new URL("../../node/package.json", import.meta.url));

/**
 * The official @socket.io/redis-emitter 5.1.0 on node-redis 5, connected to the topology,
 * with the cluster's --key. Resolves {emitter, close()}.
 */
export async function officialEmitter(topo, key) {
  const { Emitter } = peerRequire("@socket.io/redis-emitter");
  const client = await nodeRedisClient(topo.topology);
  return { emitter: new Emitter(client, key ? { key } : {}), close: () => client.close().catch(() => {}) };
}

/** A node-redis 5 subscriber on the topology: resolves {messages: [[channel, Buffer]], close()} once `pattern` is live. */
async function watch(topo, pattern) {
  const client = await nodeRedisClient(topo.topology);
  const messages = [];
  await client.pSubscribe(pattern, (message, channel) => messages.push([String(channel), message]), true);
  return { messages, close: () => client.close().catch(() => {}) };
}

/** PUBLISH on the topology (any master: classic pub/sub reaches every node of a cluster). */
const publish = (topo, channel, payload) => topo.topology.command("PUBLISH", channel, payload);

/**
 * Resolves once the C++ nodes among `indexes` (whose sockets just joined `room`) are
 * subscribed to the room's channel, when they run with --subscribe-to-local-rooms-only (they
 * subscribe after the join answered). Twin nodes receive through their pattern.
 */
async function roomSubscribed(c, topo, nsp, room, indexes) {
  if (!c.combo.args.includes("--subscribe-to-local-rooms-only")) return;
  const channel = `${argValue(c.combo.args, "--key") ?? "socket.io"}#${nsp}#${room}#`;
  const expected = indexes.filter((i) => !c.nodes[i].reference).length;
  await eventually(async () => {
    const counts = await topo.topology.everyMaster("PUBSUB", "NUMSUB", channel);
    assert.equal(counts.reduce((n, r) => n + Number(r[1]), 0), expected, `subscribers of ${channel}`);
  });
}

/** roomJoined() for commonSuite(), whose room cases join on nodes 0 and 2. */
export const classicRoomJoined = (c, topo) => (nsp, room, nodes) =>
  roomSubscribed(c, topo, nsp, room, nodes === 2 ? [0, 2] : [0]);

export function classicSuite(c, topo) {
  const name = (what) => `${what} [${c.label}]`;
  const key = () => argValue(c.combo.args, "--key") ?? "socket.io";
  const interest = () => c.combo.args.includes("--subscribe-to-local-rooms-only");

  test(
    name("specifics: broadcasts to a numeric room (sent by the official emitter as the number 123)"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      await opOk(clients[1], { op: "join", rooms: ["123"] });
      await roomSubscribed(c, topo, nsp, "123", [1]);
      const { emitter, close } = await officialEmitter(topo, key());
      try {
        // the room travels as the msgpack int 7b, on the channel key#nsp#123#
        emitter.of(nsp).to(123).emit("test", "numeric");
        if (!c.nodes[1].reference) assert.deepEqual(await waitEvent(clients[1], "test", 4000), ["numeric"]);
        else await sleep(300); // the emitter does not await its PUBLISH: let it go out before close
        // a Node.js node matches the channel's room "123" but then looks up the number 123,
        // which a string room is not: the reference delivers only to rooms joined as numbers
      } finally {
        await close();
      }
      // from a node, the room is the string "123": every implementation delivers it
      await opOk(clients[0], { op: "emit", rooms: ["123"], event: "test", args: ["string"] });
      const expected = c.nodes[1].reference ? [["string"]] : [["numeric"], ["string"]];
      await eventually(async () => assert.deepEqual(got(clients[1], "test"), expected));
      await barrier(clients[0], clients);
      assert.deepEqual(got(clients[0], "test"), []);
      assert.deepEqual(got(clients[2], "test"), []);
    }),
  );

  test(
    name("rooms with unicode names and the channel delimiter's neighbours"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const rooms = [unique("salle-é-🎉-部屋"), unique("with space"), unique("x") + "#y"];
      for (const room of rooms) {
        await opOk(clients[1], { op: "join", rooms: [room] });
        await roomSubscribed(c, topo, nsp, room, [1]);
        await opOk(clients[0], { op: "emit", rooms: [room], event: "test", args: [room] });
        assert.deepEqual(await waitEvent(clients[1], "test", 4000), [room]);
        const fetched = await opOk(clients[2], { op: "fetchSockets", rooms: [room] });
        assert.deepEqual(fetched.map((s) => s.id), [clients[1].id]);
      }
      const all = await opOk(clients[0], { op: "allRooms" });
      for (const room of rooms) assert.ok(all.includes(room), `allRooms has ${room}`);
      await barrier(clients[0], clients);
      assert.deepEqual(got(clients[2], "test"), []);
    }),
  );

  test(
    name("allRooms: returns all rooms across several nodes"),
    c.wrap(async () => {
      const { clients } = await perNode(c);
      const [r1, r2, r3] = [unique("room1"), unique("room2"), unique("room3")];
      await opOk(clients[0], { op: "join", rooms: [r1] });
      await opOk(clients[1], { op: "join", rooms: [r2, r3] });
      await opOk(clients[2], { op: "join", rooms: [r3] });
      for (const s of clients) {
        const all = await opOk(s, { op: "allRooms" });
        for (const room of [r1, r2, r3, ...clients.map((x) => x.id)]) assert.ok(all.includes(room), `${room} in ${JSON.stringify(all)}`);
        const sorted = all.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.deepEqual(all, sorted, "sorted by code point");
      }
    }),
  );

  test(
    name("specifics: ignores messages from unknown channels, and malformed messages on its own"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const notepack = peerRequire("notepack.io");
      const k = key();
      // a broadcast-looking message on a channel the pattern does not cover
      await publish(topo, `${k}#${nsp}x#`, notepack.encode(["u", { type: 2, data: ["test", "wrong"], nsp }, { rooms: [], except: [], flags: {} }]));
      await publish(topo, "woot", "garbage");
      // hostile payloads on the node's own channels (a C++ node logs, counts, and skips them);
      // the reference throws inside its subscriber callback on broadcast channels and on a
      // fetch request without opts, so those go out only when every node is C++
      const allCpp = c.nodes.every((n) => !n.reference);
      const hostile = [
        Buffer.from([0xc1]),
        notepack.encode({ type: 3, data: { packet: { type: 2, data: ["test", "map"] }, opts: {} }, uid: "x", nsp }),
        notepack.encode(["u", "not a packet", {}]),
        notepack.encode(["u", { type: 2, data: ["test", "no opts"], nsp }]),
        "{not json",
      ];
      for (const payload of hostile) {
        if (allCpp) await publish(topo, `${k}#${nsp}#`, payload);
        await publish(topo, `${k}-request#${nsp}#`, payload);
        await publish(topo, `${k}-response#${nsp}#`, payload);
      }
      if (allCpp) await publish(topo, `${k}-request#${nsp}#`, JSON.stringify({ uid: "u", requestId: "r", type: 5 }));
      await publish(topo, `${k}-request#${nsp}#`, JSON.stringify({ uid: "u", type: 99 }));
      // every node still works
      await opOk(clients[0], { op: "emit", event: "test", args: ["ok"] });
      for (const s of clients) assert.deepEqual(await waitEvent(s, "test", 4000), ["ok"]);
      const list = await opOk(clients[1], { op: "fetchSockets" });
      assert.equal(list.length, clients.length);
      await barrier(clients[2], clients);
      for (const s of clients) assert.deepEqual(got(s, "test"), [["ok"]], "nothing else was delivered");
    }),
  );

  test(
    name("channels: PSUBSCRIBE key#nsp#*, one subscription per node on the request channel"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const k = key();
      const sum = (replies) => replies.reduce((n, r) => n + Number(r[1]), 0);
      assert.equal(sum(await topo.topology.everyMaster("PUBSUB", "NUMSUB", `${k}-request#${nsp}#`)), c.nodes.length);
      assert.equal(sum(await topo.topology.everyMaster("PUBSUB", "NUMSUB", `${k}-response#${nsp}#`)), c.nodes.length);
      const patterns = (await topo.topology.everyMaster("PUBSUB", "CHANNELS", "*")).flat();
      assert.ok(patterns.includes(`${k}-request#${nsp}#`));
      // every node (each has a socket in nsp) holds a pattern subscription; PUBSUB NUMPAT
      // counts distinct patterns only, so the subscribers are counted in CLIENT LIST
      const lines = (await topo.topology.everyMaster("CLIENT", "LIST")).join("\n").split("\n");
      const withPattern = lines.filter((line) => /\bpsub=[1-9]/.test(line)).length;
      if (!interest()) assert.ok(withPattern >= c.nodes.length, `a pattern subscriber per node (${withPattern})`);
      else {
        // C++ nodes: no pattern; `key#nsp#` and one channel per room with local members
        const twins = c.nodes.filter((n) => n.reference).length;
        assert.equal(sum(await topo.topology.everyMaster("PUBSUB", "NUMSUB", `${k}#${nsp}#`)), c.nodes.length - twins);
        const room = unique("interest");
        await opOk(clients[1], { op: "join", rooms: [room] });
        const roomSubscribers = async () => sum(await topo.topology.everyMaster("PUBSUB", "NUMSUB", `${k}#${nsp}#${room}#`));
        await eventually(async () => assert.equal(await roomSubscribers(), c.nodes[1].reference ? 0 : 1));
        for (const [i, s] of clients.entries())
          if (!c.nodes[i].reference)
            assert.equal(sum(await topo.topology.everyMaster("PUBSUB", "NUMSUB", `${k}#${nsp}#${s.id}#`)), 1, "each socket's own room");
        await opOk(clients[1], { op: "leave", rooms: [room] });
        await eventually(async () => assert.equal(await roomSubscribers(), 0, "unsubscribed when the room empties"));
      }
      assert.equal(await opOk(clients[0], { op: "serverCount" }), c.nodes.length);
    }),
  );

  test(
    name("responses: on the requester's specific channel only with --publish-on-specific-response-channel"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const k = key();
      const specific = c.combo.args.includes("--publish-on-specific-response-channel");
      const watcher = await watch(topo, `${k}-response#${nsp}#*`);
      try {
        const shared = `${k}-response#${nsp}#`;
        await opOk(clients[0], { op: "fetchSockets" });
        await opOk(clients[0], { op: "allRooms" });
        await opOk(clients[0], { op: "serverSideEmit", event: "ping", args: [unique("sse")], ack: true, timeout: 4000 });
        // (a late ping answer of an earlier test may come too: every answer is counted once
        // its own kind is complete)
        const fetchAndRooms = () => watcher.messages.filter(([, m]) => m[0] === 0x7b && !String(m).includes('"type":6'));
        const emitAcks = () => watcher.messages.filter(([, m]) => String(m).includes('"type":6'));
        await eventually(() => {
          assert.equal(fetchAndRooms().length, 2 * (c.nodes.length - 1), JSON.stringify(watcher.messages.map(([ch, m]) => [ch, String(m)])));
          assert.ok(emitAcks().length >= c.nodes.length - 1);
        }, 10000);
        const channels = new Set(fetchAndRooms().map(([channel]) => channel));
        assert.equal(channels.size, 1, `every response on one channel: ${[...channels]}`);
        const [channel] = channels;
        if (specific) assert.match(channel, new RegExp(`^${k}-response#${nsp}#[^#]+#$`), "the requester's channel");
        else assert.equal(channel, shared);
        // a SERVER_SIDE_EMIT answer always goes to the shared channel
        assert.deepEqual(emitAcks().map(([ch]) => ch), emitAcks().map(() => shared));
      } finally {
        await watcher.close();
      }
    }),
  );

  test(
    name("legacy requests (SOCKETS, REMOTE_JOIN/LEAVE/DISCONNECT with a sid) are still answered"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const k = key();
      const watcher = await watch(topo, `${k}-response#${nsp}#*`);
      const answers = (requestId) => watcher.messages.filter(([, m]) => String(m).includes(`"${requestId}"`)).map(([, m]) => JSON.parse(m));
      const request = (body) => publish(topo, `${k}-request#${nsp}#`, JSON.stringify({ uid: "legacy", ...body }));
      try {
        const room = unique("legacy");
        await opOk(clients[2], { op: "join", rooms: [room] });
        // SOCKETS: every node answers with the ids of its sockets in the rooms
        const sockets = unique("s");
        await request({ requestId: sockets, type: 0, rooms: [room] });
        await eventually(() => assert.equal(answers(sockets).length, c.nodes.length));
        assert.deepEqual(answers(sockets).flatMap((a) => a.sockets), [clients[2].id]);
        // REMOTE_JOIN / REMOTE_LEAVE of one socket: only its node acts and answers
        const join = unique("j");
        await request({ requestId: join, type: 2, sid: clients[1].id, room });
        await eventually(() => assert.deepEqual(answers(join), [{ requestId: join }]));
        assert.ok((await opOk(clients[1], { op: "whoami" })).rooms.includes(room));
        const leave = unique("l");
        await request({ requestId: leave, type: 3, sid: clients[1].id, room });
        await eventually(() => assert.deepEqual(answers(leave), [{ requestId: leave }]));
        assert.ok(!(await opOk(clients[1], { op: "whoami" })).rooms.includes(room));
        // REMOTE_DISCONNECT
        const bye = unique("d");
        await request({ requestId: bye, type: 4, sid: clients[0].id, close: false });
        assert.equal(await disconnected(clients[0]), "io server disconnect");
        await eventually(() => assert.deepEqual(answers(bye), [{ requestId: bye }]));
      } finally {
        await watcher.close();
      }
    }),
  );

  // keep last: it drops every subscriber of the cluster
  test(
    name("a subscriber killed with CLIENT KILL comes back; C++ nodes report the gap"),
    c.wrap(() => comesBack(c, () => topo.topology.everyMaster("CLIENT", "KILL", "TYPE", "pubsub"))),
  );
}
