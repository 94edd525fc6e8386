// The node options the sharded adapter suites run with (lib/cluster.mjs combos() variants):
// the three subscription modes, and a custom channel prefix.
export const SHARDED_VARIANTS = {
  dynamic: { args: [] },
  "dynamic-private": { args: ["--subscription-mode", "dynamic-private"] },
  static: { args: ["--subscription-mode", "static"] },
  prefix: { args: ["--channel-prefix", "sio-test-shard"], defaultTopologies: ["standalone"] },
};
