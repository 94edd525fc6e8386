// The classic Redis pub/sub adapter (--adapter redis) on one standalone Redis: the official common
// cases (../cluster-streams/suite.mjs, without the streams-only "names") and the classic
// specifics (classic-suite.mjs), for every combination of implementations and variants
// (classic-variants.mjs) that SIO_CLUSTER_MATRIX selects (lib/cluster.mjs).
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' \
//        [SIO_TESTSERVER_B='["node","tests/twin/sio-testserver.js"]'] node --test tests/integration/cluster-pubsub/

import { classicRoomJoined, classicSuite } from "./classic-suite.mjs";
import { CLASSIC_VARIANTS } from "./classic-variants.mjs";
import { pubsubFile } from "./helpers.mjs";

pubsubFile({
  topology: "standalone",
  adapter: "redis",
  label: "redis classic",
  variants: CLASSIC_VARIANTS,
  suite: classicSuite,
  roomJoined: classicRoomJoined,
});
