// The classic Redis pub/sub adapter (--adapter redis) with the master found through
// Sentinel (1 master, 1 replica, 3 sentinels): the official common cases and the classic
// specifics, then a forced failover after which the nodes follow the new master (C++ nodes
// report the subscription gap). Default options; C++, mixed and twin pairs as
// SIO_CLUSTER_MATRIX selects (topology "sentinel").
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { test } from "node:test";
import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";
import { comesBack, pubsubFile } from "./helpers.mjs";

pubsubFile({
  topology: "sentinel",
  adapter: "redis",
  label: "redis classic",
  variants: CLASSIC_VARIANTS,
  defaults: ["default"],
  roomJoined: classicRoomJoined,
  suite: (c, topo) => {
    classicSuite(c, topo);
    test(
      `sentinel: after a failover every node follows the new master [${c.label}]`,
      // a failover is a new master, not a lost link: no gap is asserted
      c.wrap(() => comesBack(c, () => topo.topology.failover(), { gap: false, ms: 20000 })),
    );
  },
});
