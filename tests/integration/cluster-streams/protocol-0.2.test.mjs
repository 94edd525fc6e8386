// The Redis Streams adapter's older protocol generation (Gen A, @socket.io/redis-streams-adapter
// 0.2.x; spec cluster-wire.md §1.1, §1.13): nodes started with `--protocol 0.2`.
//  - gen-a:  every node speaks 0.2 (A+B, B+A): all the official cases of suite.mjs, and
//            connection state recovery across nodes.
//  - mixed:  nodes 0 and 2 speak 0.2, node 1 speaks 0.3: only what the spec says works
//            across generations (plain broadcasts, socketsJoin, socketsLeave,
//            disconnectSockets); requests, acks and server counts do not.
// An implementation that refuses `--protocol 0.2` (exit 2: the mode is optional) makes its
// blocks skip. Topologies and pairs follow SIO_CLUSTER_MATRIX (lib/cluster.mjs) with the
// variant names gen-a and mixed; by default only the standalone topology runs.
// Run: SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]' node --test tests/integration/cluster-streams/protocol-0.2.test.mjs

import { describe, before, after, afterEach } from "node:test";
import { TOPOLOGIES, combos, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { commonSuite, recoverySuite } from "./suite.mjs";

const MAX_DISCONNECTION_MS = 3000;
// Gen A counts peers by heartbeats (§2.7): short timings, so that a stopped node is noticed
const GEN_A = ["--protocol", "0.2", "--heartbeat-interval", "1000", "--heartbeat-timeout", "6000"];

const VARIANTS = {
  "gen-a": { args: GEN_A },
  mixed: { args: [] },
};
const MIXED_CATEGORIES = ["broadcast", "socketsJoin", "socketsLeave", "disconnectSockets"];

for (const topology of TOPOLOGIES) {
  const selected = combos(topology, { variants: VARIANTS, defaults: Object.keys(VARIANTS), defaultTopologies: ["standalone"] });
  if (selected.length === 0) continue;
  const topo = sharedTopology({ before, after }, topology);
  for (const combo of selected) {
    if (combo.variant === "gen-a") {
      describe(`redis-streams protocol 0.2 common [${combo.label}]`, () => {
        const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, namespaces: 30, optional: true });
        commonSuite(c, { topo });
      });
      describe(`redis-streams protocol 0.2 recovery [${combo.label}]`, () => {
        const c = nodeCluster(
          { before, after, afterEach },
          {
            topo,
            combo,
            nodes: 2,
            namespaces: 12,
            optional: true,
            args: ["--recovery", "--max-disconnection-duration", String(MAX_DISCONNECTION_MS)],
          },
        );
        recoverySuite(c, topo, { maxDisconnectionMs: MAX_DISCONNECTION_MS });
      });
    } else {
      describe(`redis-streams protocol 0.2 + 0.3 [${combo.label}]`, () => {
        const c = nodeCluster(
          { before, after, afterEach },
          {
            topo,
            combo,
            nodes: 3,
            namespaces: 20,
            optional: true,
            // the server counts disagree across generations (§1.1): no formation check
            formed: false,
            nodeArgs: (i) => (i === 1 ? ["--protocol", "0.3"] : GEN_A),
          },
        );
        commonSuite(c, { only: MIXED_CATEGORIES });
      });
    }
  }
}
