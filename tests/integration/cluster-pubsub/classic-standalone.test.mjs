// The classic Redis pub/sub adapter (--adapter redis) on one standalone Redis: the official
// common cases (../cluster-streams/suite.mjs, without the streams-only "names") and the
// classic specifics (classic-suite.mjs), for every combination of implementations and
// variants that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs): default options, responses on
// the requester's specific channel, and a custom key.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { describe, before, after, afterEach } from "node:test";
import { combos, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { CATEGORIES, commonSuite } from "../cluster-streams/suite.mjs";
import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";

const TOPOLOGY = "standalone";

const selected = combos(TOPOLOGY, { variants: CLASSIC_VARIANTS, defaults: Object.keys(CLASSIC_VARIANTS) });
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis classic [${combo.label}]`, () => {
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter: "redis" });
    commonSuite(c, { only: CATEGORIES.filter((x) => x !== "names" && x !== "restart"), roomJoined: classicRoomJoined(c, topo) });
    classicSuite(c, topo);
    commonSuite(c, { only: ["restart"] });
  });
}
