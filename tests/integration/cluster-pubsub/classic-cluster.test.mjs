// The classic Redis pub/sub adapter (--adapter redis) on a 3-master Redis Cluster (the
// nodes get --cluster and the seed URLs): the official common cases
// (../cluster-streams/suite.mjs, without the streams-only "names") and the classic
// specifics (classic-suite.mjs), for every combination of implementations and variants
// (classic-variants.mjs) that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs).
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";
import { pubsubFile } from "./helpers.mjs";

pubsubFile({
  topology: "cluster",
  adapter: "redis",
  label: "redis classic",
  variants: CLASSIC_VARIANTS,
  suite: classicSuite,
  roomJoined: classicRoomJoined,
  // The reference publishes each channel through the cluster node owning its slot, so a
  // broadcast and a later disconnect request (two channels) may arrive in either order.
  skip: (c) => (title) =>
    title === "disconnectSockets: sends a packet before all socket instances disconnect" && c.nodes[0].reference
      ? "the reference does not keep the order of publishes to different channels in a Redis Cluster"
      : "",
});
