// Redis Streams cases where the official adapter (0.3.1) misbehaves, plus the related
// strict checks, on one standalone Redis with 2 nodes per pair:
//  - spec §1.3 / §6.11: with --stream-count N a namespace whose Java hash is negative
//    writes to `${streamName}--k`. Every implementation must write there (strict); a
//    broadcast should still reach the other node, which Node never does (no reader polls
//    that stream) — held strictly for a non-reference receiver only.
//  - spec §1.6 / §6.8: entries without `nsp`, or whose `data` does not decode, are skipped
//    (strict); an entry that decodes but is incomplete (type 3 without `data`) wedges
//    Node's reader for good — a correct receiver skips it and goes on.
// "Reference" means a node running the Node.js twin (SIO_STRICT=1 holds it to the correct
// behaviour too). Pairs follow SIO_CLUSTER_MATRIX (lib/cluster.mjs), variant name `quirks`.
// Run: SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]' node --test tests/integration/cluster-streams/reference-differs.test.mjs

import { describe, test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { waitEvent, opOk } from "../lib/sio.mjs";
import { combos, eventually, nodeCluster, sharedTopology, streamFor, streamHash } from "../lib/cluster.mjs";
import { got, unique } from "./suite.mjs";

const TOPOLOGY = "standalone";
const NEGATIVE_NSP = "/notifications"; // hash -1014064871: with 4 streams, `<name>--3` (spec §1.3)
const STREAM_COUNT = 4;
const QUIET_MS = 1000; // how long "not delivered" is watched

assert.equal(streamHash(NEGATIVE_NSP), -1014064871);

/** Expects `event` on `socket` within QUIET_MS when `delivered`, else nothing within QUIET_MS. */
async function expectDelivery(socket, event, delivered) {
  if (delivered) return waitEvent(socket, event, 5000);
  await sleep(QUIET_MS);
  assert.deepEqual(got(socket, event), [], `${event} was not expected here`);
  return null;
}

const selected = combos(TOPOLOGY, { variants: { quirks: { args: [] } }, defaults: ["quirks"] });
const topo = selected.length > 0 ? sharedTopology({ before, after }, TOPOLOGY) : null;
for (const combo of selected) {
  describe(`redis-streams negative namespace hash [${combo.label}]`, () => {
    const streamName = unique("neg");
    const c = nodeCluster(
      { before, after, afterEach },
      {
        topo,
        combo,
        nodes: 2,
        namespaces: 0,
        args: ["--stream-name", streamName, "--stream-count", String(STREAM_COUNT), "--namespaces", NEGATIVE_NSP],
      },
    );
    const stream = streamFor(NEGATIVE_NSP, { name: streamName, count: STREAM_COUNT });

    test(
      `every node writes ${NEGATIVE_NSP} to <stream>--3, the stream Node computes [${combo.label}]`,
      c.wrap(async () => {
        assert.equal(stream, `${streamName}--3`);
        for (let i = 0; i < c.nodes.length; i++) {
          const s = await c.connect(i, NEGATIVE_NSP);
          const before = await topo.topology.keyCommand(stream, "XLEN", stream);
          await opOk(s, { op: "emit", event: "test", args: [i] });
          await eventually(async () => {
            assert.equal(await topo.topology.keyCommand(stream, "XLEN", stream), before + 1, `node ${i} wrote to ${stream}`);
          });
          const [[, fields]] = await topo.topology.keyCommand(stream, "XREVRANGE", stream, "+", "-", "COUNT", "1");
          const entry = Object.fromEntries(fields.reduce((acc, v, k) => (k % 2 ? acc : [...acc, [v, fields[k + 1]]]), []));
          assert.equal(entry.nsp, NEGATIVE_NSP);
          assert.equal(entry.type, "3");
        }
      }),
    );

    test(
      `a broadcast in ${NEGATIVE_NSP} reaches the other node [${combo.label}]`,
      c.wrap(async () => {
        const clients = [await c.connect(0, NEGATIVE_NSP), await c.connect(1, NEGATIVE_NSP)];
        for (const [from, to] of [
          [0, 1],
          [1, 0],
        ]) {
          const event = `from${from}`;
          await opOk(clients[from], { op: "emit", event, args: [from] });
          assert.deepEqual(await waitEvent(clients[from], event), [from], "the local client gets it");
          // reference differs: no Node reader polls `<name>--k`, so a Node receiver never gets
          // it (spec §1.3); a correct receiver polls those streams too
          const args = await expectDelivery(clients[to], event, !c.nodes[to].reference);
          if (args) assert.deepEqual(args, [from]);
        }
      }),
    );
  });

  describe(`redis-streams malformed stream entries [${combo.label}]`, () => {
    const streamName = unique("bad");
    const c = nodeCluster({ before, after, afterEach }, { topo, combo, nodes: 2, namespaces: 0, args: ["--stream-name", streamName] });
    const xadd = (...fields) => topo.topology.keyCommand(streamName, "XADD", streamName, "*", ...fields);

    test(
      `entries without nsp, and entries whose data does not decode, are skipped [${combo.label}]`,
      c.wrap(async () => {
        const clients = [await c.connect(0), await c.connect(1)];
        for (const [from, to] of [
          [0, 1],
          [1, 0],
        ]) {
          await xadd("uid", "0123456789abcdef", "type", "3", "data", '{"packet":{"type":2,"data":["bad",0]},"opts":{"rooms":[],"except":[],"flags":{}}}');
          await xadd("uid", "0123456789abcdef", "nsp", "/", "type", "3", "data", "{not json");
          await xadd("uid", "0123456789abcdef", "nsp", "/", "type", "3", "data", "wQ=="); // msgpack 0xc1: never used
          await opOk(clients[from], { op: "emit", event: `good${from}`, args: [from] });
          assert.deepEqual(await waitEvent(clients[to], `good${from}`, 5000), [from]);
          assert.deepEqual(got(clients[to], "bad"), []);
        }
      }),
    );

    // keep last: the reference's readers spin on the entry from here on
    test(
      `an incomplete entry (type 3 without data) does not wedge the reader [${combo.label}]`,
      c.wrap(async () => {
        const clients = [await c.connect(0), await c.connect(1)];
        await xadd("uid", "0123456789abcdef", "nsp", "/", "type", "3");
        for (const [from, to] of [
          [0, 1],
          [1, 0],
        ]) {
          const event = `after${from}`;
          await opOk(clients[from], { op: "emit", event, args: [from] });
          assert.deepEqual(await waitEvent(clients[from], event), [from], "the local client gets it");
          // reference differs: Node re-reads the poison entry forever (spec §1.8, §6.8)
          const args = await expectDelivery(clients[to], event, !c.nodes[to].reference);
          if (args) assert.deepEqual(args, [from]);
        }
      }),
    );
  });
}
