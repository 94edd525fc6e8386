// The official Redis Streams adapter scenarios (suite.mjs) on one standalone Redis, for
// every combination of implementations and options that SIO_CLUSTER_MATRIX selects
// (lib/cluster.mjs): 3 nodes for the common cases, 2 nodes with --recovery for connection
// state recovery across nodes.
// Run: SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]' [SIO_TESTSERVER_B='[…]'] \
//        node --test tests/integration/cluster-streams/

import { describe, before, after, afterEach } from "node:test";
import { argValue, combos, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { commonSuite, recoverySuite } from "./suite.mjs";

const TOPOLOGY = "standalone";
const MAX_DISCONNECTION_MS = 3000;

const selected = combos(TOPOLOGY);
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis-streams common [${combo.label}]`, () => {
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3 });
    commonSuite(c, { topo });
  });
  describe(`redis-streams recovery [${combo.label}]`, () => {
    const c = nodeCluster(
      { before, after, afterEach },
      { topo, combo, nodes: 2, namespaces: 12, args: ["--recovery", "--max-disconnection-duration", String(MAX_DISCONNECTION_MS)] },
    );
    recoverySuite(c, topo, {
      maxDisconnectionMs: MAX_DISCONNECTION_MS,
      sessionKeyPrefix: argValue(combo.args, "--session-key-prefix"),
    });
  });
}
