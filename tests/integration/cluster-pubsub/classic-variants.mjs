// The node options the classic adapter suites run with (lib/cluster.mjs combos() variants):
// the defaults, responses on the requester's specific channel (7.1.0+), and a custom key.
export const CLASSIC_VARIANTS = {
  default: { args: [] },
  specific: { args: ["--publish-on-specific-response-channel"] },
  key: { args: ["--key", "sio-test-key", "--requests-timeout", "3000"], defaultTopologies: ["standalone"] },
};
