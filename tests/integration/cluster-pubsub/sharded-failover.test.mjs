// The sharded Redis pub/sub adapter (--adapter redis-sharded) through failovers of a 3-master
// Redis Cluster with one replica per master: after a CLUSTER FAILOVER (graceful, and FORCE) of
// the masters owning the namespace's channel and a room's channel, and after the master of both
// is killed and its replica elected (and again once the old master is back as a replica),
// every node is subscribed at the new owners, broadcasts to the namespace and to the room reach
// every client from every node, the server count is back, fetchSockets is answered, and C++
// nodes reported a subscription gap. For the three subscription modes and the combinations of
// implementations that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs); see REFERENCE_LOST.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/sharded-failover.test.mjs

import { describe, before, after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, opOk } from "../lib/sio.mjs";
import { argValue, combos, eventually, implementations, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { unique } from "../cluster-streams/suite.mjs";
import { perNode } from "./helpers.mjs";
import { shardedRoomJoined } from "./sharded-suite.mjs";
import { SHARDED_VARIANTS } from "./sharded-variants.mjs";

// the three subscription modes (the default channel prefix)
const VARIANTS = Object.fromEntries(["static", "dynamic", "dynamic-private"].map((m) => [m, SHARDED_VARIANTS[m]]));
// a failover (and the elections and resubscriptions after it) on a loaded 2-core machine
const FOLLOW_MS = 30000;

// The reference (@socket.io/redis-adapter 8.3.0 on node-redis 5.12.1) loses its sharded
// subscriptions in a failover and never subscribes again: the old master ends them with
// `sunsubscribe`, node-redis drops the channel's listeners and emits 'sharded-channel-moved',
// but its cluster listens for 'server-sunsubscribe'; after a kill it only reconnects to the dead
// address. Combinations with a reference node are skipped (nothing is started for them).
const REFERENCE_LOST =
  "the reference does not follow a failover (node-redis 5.12.1 drops a sharded channel on the old master's sunsubscribe and never resubscribes)";
const withReference = (combo) => [...combo.pair].some((letter) => implementations()[letter].reference);

const selected = combos("cluster", { variants: VARIANTS, defaults: Object.keys(VARIANTS), defaultTopologies: ["cluster"] });
const topo = selected.some((combo) => !withReference(combo)) ? sharedTopology({ before, after }, "cluster", { replicasPerMaster: 1 }) : null;
const TESTS = [
  ["graceful", "sharded failover: after a graceful CLUSTER FAILOVER of the masters of its channels, every node follows"],
  ["force", "sharded failover: after CLUSTER FAILOVER FORCE of the masters of its channels, every node follows"],
  ["kill", "sharded failover: after the master of its channels is killed and its replica takes over, every node follows"],
];

/** The highest subscription gap count a C++ node reported on stderr so far (0: none). */
const lastGap = (node) => Math.max(0, ...[...node.stderr().matchAll(/pub\/sub subscription gap (\d+)/g)].map((m) => Number(m[1])));

/** Resolves once a broadcast from each of `clients` (to `rooms`) reaches each of `receivers` (retried). */
async function flowsFromEveryNode(clients, receivers, rooms = []) {
  for (const sender of clients) {
    await eventually(
      async () => {
        const mark = unique("flow");
        await opOk(sender, { op: "emit", rooms, event: "flow", args: [mark] });
        for (const s of receivers) {
          for (;;) {
            const [m] = await waitEvent(s, "flow", 1000);
            if (m === mark) break;
          }
        }
      },
      FOLLOW_MS,
      100,
    );
  }
}

for (const combo of selected) {
  describe(`redis sharded failover [${combo.label}]`, () => {
    if (withReference(combo)) {
      for (const [, title] of TESTS) test(`${title} [${combo.label}]`, (t) => t.skip(REFERENCE_LOST));
      return;
    }
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter: "redis-sharded" });
    const mode = () => argValue(combo.args, "--subscription-mode") ?? "dynamic";
    const name = (what) => `${what} [${c.label}]`;
    const cluster = () => topo.topology;

    /** A room whose channel's slot is (`same`) or is not on the master of `nsp`'s channel. */
    const roomFor = async (nsp, same) => {
      const owner = await cluster().ownerOf(`socket.io#${nsp}#`);
      for (;;) {
        const room = unique("failover");
        if (((await cluster().ownerOf(`socket.io#${nsp}#${room}#`)) === owner) === same) return room;
      }
    };

    /**
     * Subscribed at the owners of the channels (counted there: each node counts its own
     * clients), broadcasts to the namespace and to the room flow from every node, every node
     * counts 3 servers and answers fetchSockets with every socket.
     */
    const follows = async (nsp, room, clients) => {
      const onOwner = async (channel) => Number((await cluster().keyCommand(channel, "PUBSUB", "SHARDNUMSUB", channel))[1]);
      await eventually(async () => {
        assert.equal(await onOwner(`socket.io#${nsp}#`), c.nodes.length, "subscribers of the namespace's channel at its owner");
        if (mode() !== "static") assert.equal(await onOwner(`socket.io#${nsp}#${room}#`), 2, "subscribers of the room's channel at its owner");
      }, FOLLOW_MS, 200);
      await flowsFromEveryNode(clients, clients);
      await flowsFromEveryNode(clients, clients.slice(1), [room]);
      await eventually(async () => {
        for (const s of clients) assert.equal(await opOk(s, { op: "serverCount" }), c.nodes.length, "serverCount");
      }, FOLLOW_MS, 200);
      await eventually(async () => {
        for (const s of clients) assert.equal((await opOk(s, { op: "fetchSockets" })).length, clients.length, "fetchSockets");
      }, FOLLOW_MS, 200);
    };

    /**
     * One client per node on a fresh namespace, clients 1 and 2 in a room (whose channel is on
     * the master of the namespace's channel when `sameMaster`), broadcasts flowing; then
     * `failover(nsp, room)`; then every node follows, and C++ nodes reported a gap (what was
     * published while a subscription was away is lost); then `after()` and every node still
     * follows.
     */
    const scenario = async ({ sameMaster, failover, after: afterwards }) => {
      const { nsp, clients } = await perNode(c);
      const room = await roomFor(nsp, sameMaster);
      for (const s of clients.slice(1)) await opOk(s, { op: "join", rooms: [room] });
      await shardedRoomJoined(c, topo)(nsp, room, 2);
      await flowsFromEveryNode(clients, clients);
      const gapsBefore = c.nodes.map(lastGap);
      await failover(nsp, room);
      await follows(nsp, room, clients);
      c.nodes.forEach((node, i) => {
        if (!node.reference) assert.ok(lastGap(node) > gapsBefore[i], `node ${node.serverId} reported a subscription gap`);
      });
      if (afterwards) {
        await afterwards();
        await follows(nsp, room, clients);
      }
    };

    for (const [how, title] of TESTS.filter(([how]) => how !== "kill"))
      test(
        name(title),
        c.wrap((t) =>
          scenario({
            sameMaster: false,
            failover: async (nsp, room) => {
              const moves = [];
              moves.push(await cluster().failoverOf(`socket.io#${nsp}#`, how));
              moves.push(await cluster().failoverOf(`socket.io#${nsp}#${room}#`, how));
              t.diagnostic(`masters replaced: ${moves.map(([from, to]) => `${from} -> ${to}`).join(", ")}`);
            },
          }),
        ),
      );

    test(
      name(TESTS.find(([how]) => how === "kill")[1]),
      c.wrap(async (t) => {
        try {
          await scenario({
            sameMaster: true,
            failover: async (nsp) => {
              const [from, to] = await cluster().failoverOf(`socket.io#${nsp}#`, "kill");
              t.diagnostic(`master ${from} killed, replica ${to} took over`);
            },
            // the old master comes back (as a replica of the new one)
            after: () => cluster().restartKilled(),
          });
        } finally {
          await cluster().restartKilled(); // the next combination needs every replica
        }
      }),
    );
  });
}
