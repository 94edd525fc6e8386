// The node options the classic adapter suites run with (lib/cluster.mjs combos() variants):
// the defaults, responses on the requester's specific channel (7.1.0+), a custom key, and
// C++ nodes subscribed only to the rooms they have members in (beyond the reference; the
// twin ignores the flag and keeps its PSUBSCRIBE).
export const CLASSIC_VARIANTS = {
  default: { args: [] },
  specific: { args: ["--publish-on-specific-response-channel"] },
  key: { args: ["--key", "sio-test-key", "--requests-timeout", "3000"], defaultTopologies: ["standalone"] },
  interest: { args: ["--subscribe-to-local-rooms-only"] },
};
