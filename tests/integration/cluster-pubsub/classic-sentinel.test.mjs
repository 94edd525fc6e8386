// The classic Redis pub/sub adapter (--adapter redis) with the master found through
// Sentinel (1 master, 1 replica, 3 sentinels): the official common cases and the classic
// specifics, then a forced failover after which the nodes follow the new master (C++ nodes
// report the subscription gap). Default options; C++, mixed and twin pairs as
// SIO_CLUSTER_MATRIX selects (topology "sentinel").
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { describe, before, after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { waitEvent, opOk } from "../lib/sio.mjs";
import { combos, eventually, nodeCluster, sharedTopology } from "../lib/cluster.mjs";
import { CATEGORIES, commonSuite, unique } from "../cluster-streams/suite.mjs";
import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";

const TOPOLOGY = "sentinel";

const selected = combos(TOPOLOGY, { variants: CLASSIC_VARIANTS, defaults: ["default"], defaultTopologies: [TOPOLOGY] });
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis classic [${combo.label}]`, () => {
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 3, adapter: "redis" });
    commonSuite(c, { only: CATEGORIES.filter((x) => x !== "names" && x !== "restart"), roomJoined: classicRoomJoined(c, topo) });
    classicSuite(c, topo);

    test(
      `sentinel: after a failover every node follows the new master [${c.label}]`,
      c.wrap(async () => {
        const nsp = c.ns();
        const clients = [];
        for (let i = 0; i < c.nodes.length; i++) clients.push(await c.connect(i, nsp));
        await topo.topology.failover();
        await eventually(
          async () => {
            const mark = unique("after-failover");
            await opOk(clients[0], { op: "emit", event: "back", args: [mark] });
            for (const s of clients.slice(1)) {
              for (;;) {
                const [m] = await waitEvent(s, "back", 500);
                if (m === mark) break;
              }
            }
          },
          20000,
          100,
        );
        await eventually(async () => {
          for (const s of clients) assert.equal(await opOk(s, { op: "serverCount" }), c.nodes.length);
        }, 10000);
        const list = await opOk(clients[1], { op: "fetchSockets" });
        assert.equal(list.length, clients.length);
      }),
    );
  });
}
