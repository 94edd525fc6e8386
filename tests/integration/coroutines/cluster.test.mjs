// The awaited calls across a cluster: three sio-features-server nodes on one redis-server,
// laid out A, B, A where A is SIO_FEATURES_SERVER and B is SIO_FEATURES_SERVER_B (default:
// the Node.js twin, socket.io 4.8), once with the classic Redis adapter
// (@socket.io/redis-adapter 8.3 in the twin) and once with the Streams adapter
// (@socket.io/redis-streams-adapter 0.3). Run with the C++ fixture as A, the cluster is
// mixed: each call is made from every node (co_await on the C++ ones, await on the twin)
// and must reach the sockets and servers of the other implementation.

import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startCommand } from "../lib/testserver.mjs";
import { startRedis } from "../lib/redis.mjs";
import { eventually } from "../lib/cluster.mjs";
import { disconnected } from "../lib/sio.mjs";
import { awaitedOk, awaitedError, clients, sorted } from "./helpers.mjs";

const ENV_A = "SIO_FEATURES_SERVER";
const ENV_B = "SIO_FEATURES_SERVER_B";
if (!process.env[ENV_B]) {
  const twin = fileURLToPath(new URL("../../twin/sio-features-server.js", import.meta.url));
  process.env[ENV_B] = JSON.stringify([process.execPath, twin]);
}
const REQUESTS_TIMEOUT = 1500;

// What each adapter answers beyond the calls every adapter carries to every node.
const ADAPTERS = {
  // the classic adapter's own requests: ALL_ROOMS, SOCKETS, REMOTE_JOIN/LEAVE/DISCONNECT
  redis: { name: "classic Redis adapter", allRooms: true, remoteElsewhere: true },
  // through the cluster model: allRooms and sockets from FETCH_SOCKETS (C++; the twin's
  // adapter has no allRooms), remote* for a socket of the calling node only
  "redis-streams": { name: "Streams adapter", allRooms: false, remoteElsewhere: false },
};

for (const [adapter, expect] of Object.entries(ADAPTERS)) describe(`awaited calls across a cluster (${expect.name})`, () => {
  let redis = null;
  const nodes = [];
  const c = clients();
  afterEach(() => c.closeAll());

  before(async () => {
    redis = await startRedis();
    for (const [i, env] of [ENV_A, ENV_B, ENV_A].entries()) {
      const serverId = `node${i}`;
      const args = ["--adapter", adapter, "--redis", redis.url, "--server-id", serverId];
      args.push("--requests-timeout", String(REQUESTS_TIMEOUT));
      const node = await startCommand(env, args, { twinScript: "sio-features-server.js" });
      node.serverId = serverId;
      nodes.push(node);
    }
    // formed: every node hears the two others
    const probes = await Promise.all(nodes.map((n) => c.open(n.url, "/")));
    await eventually(async () => {
      for (const probe of probes) {
        const pongs = await awaitedOk(probe, { op: "serverSideEmitWithAck", event: "ping", args: [] });
        assert.equal(pongs.length, 2);
      }
    }, 15000, 100);
    c.closeAll();
  });
  after(async () => {
    c.closeAll();
    const stopped = await Promise.allSettled(nodes.map((n) => n.stop()));
    if (redis) await redis.cleanup();
    const failed = stopped.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  });

  const describeNodes = () => nodes.map((n) => `--- ${n.serverId} ---\n${n.describe()}`).join("\n");
  const wrap = (fn) => async (t) => {
    try {
      return await fn(t);
    } catch (err) {
      if (err && typeof err === "object") err.message += `\n${describeNodes()}`;
      throw err;
    }
  };
  // One client per node in `room` (answering `question`): [{socket, node}].
  const onEveryNode = async (room, options = {}) => {
    const placed = [];
    for (const [i, node] of nodes.entries()) {
      const socket = await c.open(node.url, "/", { name: `n${i}`, ...options });
      await awaitedOk(socket, { op: "join", rooms: [room] });
      placed.push(socket);
    }
    return placed;
  };
  let rooms = 0;
  const uniqueRoom = () => `room-${++rooms}`;

  test(
    "emitWithAck from every node: the responses of the clients of every node; at the timeout those that came",
    wrap(async () => {
      const room = uniqueRoom();
      const sockets = await onEveryNode(room);
      const expected = (x) => sorted(sockets.map((s) => `answer:${s.label}:${x}`));
      for (const [i, socket] of sockets.entries()) {
        const responses = await awaitedOk(socket, { op: "emitWithAck", rooms: [room], event: "question", args: [i], timeout: 5000 });
        assert.deepEqual(sorted(responses), expected(i), `from ${nodes[i].serverId}`);
      }
      // a client of node 1 does not answer
      const silent = await c.open(nodes[1].url, "/", { name: "silent", answer: false });
      await awaitedOk(silent, { op: "join", rooms: [room] });
      for (const [i, socket] of sockets.entries()) {
        const failed = await awaitedError(socket, { op: "emitWithAck", rooms: [room], event: "question", args: [`late${i}`], timeout: 1000 });
        assert.equal(failed.error, "operation has timed out");
        assert.deepEqual(sorted(failed.responses), expected(`late${i}`), `the responses that came, from ${nodes[i].serverId}`);
      }
    }),
  );

  test(
    "fetchSockets from every node: the sockets of every node",
    wrap(async () => {
      const room = uniqueRoom();
      const sockets = await onEveryNode(room);
      const ids = sorted(sockets.map((s) => s.id));
      for (const [i, socket] of sockets.entries())
        assert.deepEqual(await awaitedOk(socket, { op: "fetchSockets", rooms: [room] }), ids, `from ${nodes[i].serverId}`);
    }),
  );

  test(
    "serverSideEmitWithAck from every node: a response per other node (io.on); a node that does not answer: timeout with those that came",
    wrap(async () => {
      const sockets = await onEveryNode(uniqueRoom());
      for (const [i, socket] of sockets.entries()) {
        const others = nodes.filter((_, j) => j !== i).map((n) => `pong:${n.serverId}`);
        const pongs = await awaitedOk(socket, { op: "serverSideEmitWithAck", event: "ping", args: [] });
        assert.deepEqual(sorted(pongs), sorted(others), `from ${nodes[i].serverId}`);
        // only the next node answers
        const next = nodes[(i + 1) % nodes.length].serverId;
        const failed = await awaitedError(socket, { op: "serverSideEmitWithAck", event: "ping-some", args: [[next]] });
        assert.match(failed.error, /^timeout reached/, `from ${nodes[i].serverId}`);
        assert.deepEqual(failed.responses, [`pong:${next}`], `the responses that came, from ${nodes[i].serverId}`);
      }
    }),
  );

  test(
    "allSockets and adapter.sockets: every node's sockets from a C++ node; its own from the twin (reference)",
    wrap(async () => {
      const room = uniqueRoom();
      const sockets = await onEveryNode(room);
      const ids = sorted(sockets.map((s) => s.id));
      for (const [i, socket] of sockets.entries()) {
        // reference differs: socket.io 4.8 with @socket.io/redis-adapter 8.3 asks no other node
        const expected = nodes[i].reference ? [socket.id] : ids;
        const from = `from ${nodes[i].serverId}`;
        assert.deepEqual(await awaitedOk(socket, { op: "allSockets", rooms: [room] }), expected, from);
        assert.deepEqual(await awaitedOk(socket, { op: "sockets", rooms: [room] }), expected, from);
      }
    }),
  );

  test(
    "adapter.allRooms from every node: the rooms of every node (the twin's Streams adapter has none)",
    wrap(async () => {
      const room = uniqueRoom();
      const sockets = await onEveryNode(room);
      const wanted = [room, ...sockets.map((s) => s.id)];
      for (const [i, socket] of sockets.entries()) {
        if (nodes[i].reference && !expect.allRooms) {
          assert.match((await awaitedError(socket, { op: "allRooms" })).error, /^not supported/);
          continue;
        }
        const all = await awaitedOk(socket, { op: "allRooms" });
        for (const name of wanted) assert.ok(all.includes(name), `${name} in allRooms from ${nodes[i].serverId}: ${all}`);
      }
    }),
  );

  test(
    "adapter.remoteJoin / remoteLeave / remoteDisconnect from a C++ node (another node's socket: classic adapter only); the twin's adapters do not offer them",
    wrap(async (t) => {
      const sockets = await onEveryNode(uniqueRoom());
      for (const [i, caller] of sockets.entries()) {
        if (nodes[i].reference) {
          for (const op of ["remoteJoin", "remoteLeave", "remoteDisconnect"])
            assert.match((await awaitedError(caller, { op, target: sockets[0].id, room: "r" })).error, /^not supported/);
          continue;
        }
        for (const [j, target] of sockets.entries()) {
          const room = uniqueRoom();
          const from = `from ${nodes[i].serverId} to a socket of ${nodes[j].serverId}`;
          if (j !== i && !expect.remoteElsewhere) {
            const failed = await awaitedError(caller, { op: "remoteJoin", target: target.id, room });
            assert.match(failed.error, /^not supported/, from);
            continue;
          }
          await awaitedOk(caller, { op: "remoteJoin", target: target.id, room });
          assert.deepEqual(await awaitedOk(caller, { op: "fetchSockets", rooms: [room] }), [target.id], from);
          await awaitedOk(caller, { op: "remoteLeave", target: target.id, room });
          assert.deepEqual(await awaitedOk(caller, { op: "fetchSockets", rooms: [room] }), [], from);
        }
        // no node has it: the classic request times out
        const failed = await awaitedError(caller, { op: "remoteJoin", target: "no-such-socket", room: "r" });
        assert.match(failed.error, expect.remoteElsewhere ? /^timeout reached/ : /^not supported/);
      }
      const cpp = nodes.findIndex((n) => !n.reference);
      if (cpp === -1) return t.diagnostic("no C++ node: remoteDisconnect not exercised");
      if (expect.remoteElsewhere) {
        for (const [j, target] of sockets.entries()) {
          if (j === cpp) continue;
          const gone = disconnected(target);
          await awaitedOk(sockets[cpp], { op: "remoteDisconnect", target: target.id, close: false });
          assert.equal(await gone, "io server disconnect", `a socket of ${nodes[j].serverId}`);
        }
      }
      // a socket of the caller's own node, with its whole connection (close)
      const local = await c.open(nodes[cpp].url, "/");
      const gone = disconnected(local);
      await awaitedOk(sockets[cpp], { op: "remoteDisconnect", target: local.id, close: true });
      assert.equal(await gone, "io server disconnect");
    }),
  );
});
