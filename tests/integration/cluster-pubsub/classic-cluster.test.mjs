// The classic Redis pub/sub adapter (--adapter redis) on a 3-master Redis Cluster (the
// nodes get --cluster and the seed URLs): the official common cases
// (../cluster-streams/suite.mjs, without the streams-only "names") and the classic specifics
// (classic-suite.mjs), for every combination of implementations and variants that
// SIO_CLUSTER_MATRIX selects (lib/cluster.mjs): default options and responses on the
// requester's specific channel (the custom key runs on standalone Redis only).
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { describe, before, after, afterEach } from "node:test";
import { combos, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { CATEGORIES, commonSuite } from "../cluster-streams/suite.mjs";
import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";

const TOPOLOGY = "cluster";

const selected = combos(TOPOLOGY, { variants: CLASSIC_VARIANTS, defaults: Object.keys(CLASSIC_VARIANTS) });
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis classic [${combo.label}]`, () => {
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter: "redis" });
    // The reference publishes each channel through the cluster node owning its slot, so a
    // broadcast and a later disconnect request (two channels) may arrive in either order.
    const skip = (title) =>
      title === "disconnectSockets: sends a packet before all socket instances disconnect" && c.nodes[0].reference
        ? "the reference does not keep the order of publishes to different channels in a Redis Cluster"
        : "";
    commonSuite(c, { only: CATEGORIES.filter((x) => x !== "names" && x !== "restart"), skip, roomJoined: classicRoomJoined(c, topo) });
    classicSuite(c, topo);
    commonSuite(c, { only: ["restart"] });
  });
}
