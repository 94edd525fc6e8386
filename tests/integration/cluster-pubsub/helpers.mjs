// What the pub/sub adapter suites (classic and sharded) share: one client per node, the
// wait until broadcasts flow from node 0 to every other node again, the check of a lost
// subscriber link (CLIENT KILL: it comes back, C++ nodes report the gap), and the layout of
// a test file (combinations × common cases + the adapter's own cases + a restarted node).

import { describe, before, after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, opOk } from "../lib/sio.mjs";
import { combos, eventually, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { CATEGORIES, commonSuite, unique } from "../cluster-streams/suite.mjs";

/** One client per node on a fresh namespace: {nsp, clients}. */
export async function perNode(c, nsp = c.ns()) {
  const clients = [];
  for (let i = 0; i < c.nodes.length; i++) clients.push(await c.connect(i, nsp));
  return { nsp, clients };
}

/** Resolves once a broadcast from clients[0]'s node reaches every other client (retried). */
export async function broadcastsFlow(clients, ms = 10000) {
  await eventually(
    async () => {
      const mark = unique("flow");
      await opOk(clients[0], { op: "emit", event: "flow", args: [mark] });
      for (const s of clients.slice(1)) {
        for (;;) {
          const [m] = await waitEvent(s, "flow", 500);
          if (m === mark) break;
        }
      }
    },
    ms,
    50,
  );
}

/**
 * After `cut()` (which drops the nodes' subscriber links), broadcasts, the server count and
 * requests work again; with `gap`, every C++ node reported one subscription gap on stderr
 * (the reference says nothing of a lost link).
 */
export async function comesBack(c, cut, { gap = true, ms = 10000 } = {}) {
  const { clients } = await perNode(c);
  await cut();
  await broadcastsFlow(clients, ms);
  await eventually(async () => {
    for (const s of clients) assert.equal(await opOk(s, { op: "serverCount" }), c.nodes.length);
  }, ms);
  if (gap)
    for (const node of c.nodes)
      if (!node.reference) assert.match(node.stderr(), /pub\/sub subscription gap 1\b/, `node ${node.serverId} reported the gap`);
  const list = await opOk(clients[1], { op: "fetchSockets" });
  assert.equal(list.length, clients.length, "requests and responses flow again");
}

/**
 * A test file: for each combination of `topology` that SIO_CLUSTER_MATRIX selects among
 * `variants` (lib/cluster.mjs), 3 nodes with `--adapter <adapter>` run the common cases
 * (without the streams-only "names"), then `suite(c, topo)`, then the restart case.
 * `skip(c)` and `roomJoined(c, topo)` are passed to commonSuite().
 */
export function pubsubFile({ topology, adapter, variants, defaults = Object.keys(variants), label, suite, skip, roomJoined }) {
  const selected = combos(topology, { variants, defaults, defaultTopologies: [topology] });
  const topo = selected.length > 0 ? sharedTopology({ before, after }, topology) : null;
  for (const combo of selected) {
    describe(`${label} [${combo.label}]`, () => {
      const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter });
      commonSuite(c, {
        only: CATEGORIES.filter((x) => x !== "names" && x !== "restart"),
        skip: skip ? skip(c) : undefined,
        roomJoined: roomJoined ? roomJoined(c, topo) : undefined,
      });
      suite(c, topo);
      commonSuite(c, { only: ["restart"] });
    });
  }
}

