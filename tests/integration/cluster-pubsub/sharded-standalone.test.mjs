// The sharded Redis pub/sub adapter (--adapter redis-sharded, Redis >= 7) on one standalone Redis:
// the official common cases (../cluster-streams/suite.mjs, without the streams-only "names")
// and the sharded specifics (sharded-suite.mjs), for every combination of implementations
// and variants that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs): the three subscription
// modes and a custom channel prefix.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { describe, before, after, afterEach } from "node:test";
import { combos, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { CATEGORIES, commonSuite } from "../cluster-streams/suite.mjs";
import { shardedRoomJoined, shardedSuite } from "./sharded-suite.mjs";
import { SHARDED_VARIANTS } from "./sharded-variants.mjs";

const TOPOLOGY = "standalone";

const selected = combos(TOPOLOGY, { variants: SHARDED_VARIANTS, defaults: Object.keys(SHARDED_VARIANTS) });
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis sharded [${combo.label}]`, () => {
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter: "redis-sharded" });
    commonSuite(c, { only: CATEGORIES.filter((x) => x !== "names" && x !== "restart"), roomJoined: shardedRoomJoined(c, topo) });
    shardedSuite(c, topo);
    commonSuite(c, { only: ["restart"] });
  });
}
