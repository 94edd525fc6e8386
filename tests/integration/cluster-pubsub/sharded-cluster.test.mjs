// The sharded Redis pub/sub adapter (--adapter redis-sharded, Redis >= 7) on a 3-master Redis Cluster:
// the official common cases (../cluster-streams/suite.mjs, without the streams-only "names")
// and the sharded specifics (sharded-suite.mjs), for every combination of implementations
// and variants that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs): the three subscription
// modes.
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { shardedRoomJoined, shardedSuite } from "./sharded-suite.mjs";
import { SHARDED_VARIANTS } from "./sharded-variants.mjs";
import { pubsubFile } from "./helpers.mjs";

pubsubFile({
  topology: "cluster",
  adapter: "redis-sharded",
  label: "redis sharded",
  variants: SHARDED_VARIANTS,
  suite: shardedSuite,
  roomJoined: shardedRoomJoined,
});
