// What the sharded adapter (--adapter redis-sharded, spec cluster-wire.md §4.6) adds to the
// common cluster cases: room channels subscribed while a room has local members (by
// subscription mode), single-room broadcasts on the room's channel, SHARDNUMSUB counting,
// hostile messages on its channels, and a subscriber killed with CLIENT KILL that comes back.

import { test } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, opOk, sleep } from "../lib/sio.mjs";
import { argValue, eventually, nodeRedisClient } from "../lib/cluster.mjs";
import { barrier, got, unique } from "../cluster-streams/suite.mjs";
import { comesBack, perNode } from "./helpers.mjs";

const redisClient = (topo) => nodeRedisClient(topo.topology);

/**
 * roomJoined() for commonSuite(): in the dynamic modes a node subscribes to a room's channel
 * after the join answered (as the reference does); wait until `nodes` subscriptions are live.
 */
export function shardedRoomJoined(c, topo) {
  return async (nsp, room, nodes) => {
    if ((argValue(c.combo.args, "--subscription-mode") ?? "dynamic") === "static") return;
    const channel = `${argValue(c.combo.args, "--channel-prefix") ?? "socket.io"}#${nsp}#${room}#`;
    await eventually(async () => {
      const counts = await topo.topology.everyMaster("PUBSUB", "SHARDNUMSUB", channel);
      assert.equal(counts.reduce((n, r) => n + Number(r[1]), 0), nodes, `subscribers of ${channel}`);
    });
  };
}

export function shardedSuite(c, topo) {
  const name = (what) => `${what} [${c.label}]`;
  const prefix = () => argValue(c.combo.args, "--channel-prefix") ?? "socket.io";
  const mode = () => argValue(c.combo.args, "--subscription-mode") ?? "dynamic";
  const shardNumSub = async (channel) =>
    (await topo.topology.everyMaster("PUBSUB", "SHARDNUMSUB", channel)).reduce((n, r) => n + Number(r[1]), 0);

  test(
    name("sharded: room channels are subscribed while the room has local members"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const room = unique("room");
      const roomChannel = `${prefix()}#${nsp}#${room}#`;
      const idChannel = `${prefix()}#${nsp}#${clients[1].id}#`;
      assert.equal(await shardNumSub(`${prefix()}#${nsp}#`), c.nodes.length, "one subscription per node on the main channel");
      await opOk(clients[1], { op: "join", rooms: [room] });
      await opOk(clients[2], { op: "join", rooms: [room] });
      const expected = mode() === "static" ? 0 : 2;
      await eventually(async () => assert.equal(await shardNumSub(roomChannel), expected, roomChannel));
      assert.equal(await shardNumSub(idChannel), mode() === "dynamic-private" ? 1 : 0, "a socket id's channel");
      await opOk(clients[1], { op: "leave", rooms: [room] });
      await eventually(async () => assert.equal(await shardNumSub(roomChannel), expected / 2));
      clients[2].disconnect();
      await eventually(async () => assert.equal(await shardNumSub(roomChannel), 0, "unsubscribed when the room is gone"));
    }),
  );

  test(
    name("sharded: a broadcast to one room goes to the room's channel in the dynamic modes"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const room = unique("room");
      const client = await redisClient(topo);
      const seen = [];
      try {
        await client.sSubscribe(`${prefix()}#${nsp}#${room}#`, (m) => seen.push(String(m)), true);
        await opOk(clients[1], { op: "join", rooms: [room] });
        await shardedRoomJoined(c, topo)(nsp, room, 2); // node 1 and this test's subscriber
        await opOk(clients[0], { op: "emit", rooms: [room], event: "test", args: ["to-room"] });
        assert.deepEqual(await waitEvent(clients[1], "test", 4000), ["to-room"]);
        // a socket id (20 characters) stays on the main channel in `dynamic`
        await opOk(clients[0], { op: "emit", rooms: [clients[1].id], event: "test", args: ["to-id"] });
        assert.deepEqual(await waitEvent(clients[1], "test", 4000), ["to-id"]);
        await sleep(100);
        if (mode() === "static") assert.deepEqual(seen, []);
        else {
          assert.equal(seen.length, 1, JSON.stringify(seen));
          const message = JSON.parse(seen[0]);
          assert.deepEqual([message.type, message.nsp, message.data.packet.data], [3, nsp, ["test", "to-room"]]);
        }
        await barrier(clients[0], clients);
        assert.deepEqual(got(clients[2], "test"), []);
      } finally {
        await client.close().catch(() => {});
      }
    }),
  );

  test(
    name("sharded: messages that are not for this namespace, or malformed, are skipped"),
    c.wrap(async () => {
      const { nsp, clients } = await perNode(c);
      const client = await redisClient(topo);
      const channel = `${prefix()}#${nsp}#`;
      try {
        for (const payload of [
          Buffer.from([0xc1]),
          "{not json",
          "[1,2]",
          JSON.stringify({ type: 3, data: { packet: { type: 2, data: ["test", "no nsp"] }, opts: { rooms: [], except: [], flags: {} } }, uid: "x" }),
          JSON.stringify({ type: 3, data: { packet: { type: 2, data: ["test", "other"] }, opts: { rooms: [], except: [], flags: {} } }, uid: "x", nsp: "/other" }),
        ])
          await client.sPublish(channel, payload);
      } finally {
        await client.close().catch(() => {});
      }
      await opOk(clients[0], { op: "emit", event: "test", args: ["ok"] });
      for (const s of clients) assert.deepEqual(await waitEvent(s, "test", 4000), ["ok"]);
      await barrier(clients[2], clients);
      for (const s of clients) assert.deepEqual(got(s, "test"), [["ok"]]);
    }),
  );

  {
    test(
      name("sharded: after the slots of its channels move to another master, every node follows"),
      c.wrap(async (t) => {
        if (topo.topology.kind !== "cluster") return t.skip("Redis Cluster only");
        // node-redis 5 under the reference does not follow: its SPUBLISH fails with MOVED
        // (an unhandled rejection that ends the process), its subscriptions stay behind
        if (c.nodes.some((n) => n.reference)) return t.skip("the reference does not survive a slot move");
        const { nsp, clients } = await perNode(c);
        const room = unique("moved");
        for (const s of clients.slice(1)) await opOk(s, { op: "join", rooms: [room] });
        await shardedRoomJoined(c, topo)(nsp, room, 2);
        // the namespace's channel and the room's channel change owner: the old owner ends
        // the subscriptions (sunsubscribe), the nodes subscribe again on the new owner
        await topo.topology.moveSlotOf(`${prefix()}#${nsp}#`);
        await topo.topology.moveSlotOf(`${prefix()}#${nsp}#${room}#`);
        // counted on the new owner only (each node counts its own clients)
        const onOwner = async (channel) => Number((await topo.topology.keyCommand(channel, "PUBSUB", "SHARDNUMSUB", channel))[1]);
        await eventually(async () => {
          assert.equal(await onOwner(`${prefix()}#${nsp}#`), c.nodes.length);
          if (mode() !== "static") assert.equal(await onOwner(`${prefix()}#${nsp}#${room}#`), 2);
        }, 10000);
        await opOk(clients[0], { op: "emit", event: "test", args: ["all"] });
        for (const s of clients) assert.deepEqual(await waitEvent(s, "test", 4000), ["all"]);
        await opOk(clients[0], { op: "emit", rooms: [room], event: "test", args: ["room"] });
        for (const s of clients.slice(1)) assert.deepEqual(await waitEvent(s, "test", 4000), ["room"]);
        assert.equal((await opOk(clients[2], { op: "fetchSockets" })).length, clients.length);
      }),
    );
  }

  // keep last: it drops every subscriber
  test(
    name("sharded: a subscriber killed with CLIENT KILL comes back; C++ nodes report the gap"),
    c.wrap(() => comesBack(c, () => topo.topology.everyMaster("CLIENT", "KILL", "TYPE", "pubsub"))),
  );
}
