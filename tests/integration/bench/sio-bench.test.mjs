// Smoke test of the load generator (apps/sio-bench): a tiny run of every workload against
// the server under test (SIO_TESTSERVER), checking that traffic flows and that the --json
// result is complete and sane. No timing is asserted.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sharedServer } from "../lib/testserver.mjs";

const run = promisify(execFile);
// SIO_BENCH: the binary, or a JSON array whose first item is (as add_node_suite passes it)
const bench = (() => {
  const raw = process.env.SIO_BENCH;
  if (!raw || !raw.startsWith("[")) return raw;
  return JSON.parse(raw)[0];
})();

async function sioBench(args) {
  const { stdout } = await run(bench, [...args, "--json", "--no-progress", "--warmup", "0.1"], {
    timeout: 15_000,
  });
  return JSON.parse(stdout);
}

function assertLatency(latency, samples) {
  assert.equal(latency.samples, samples);
  for (const key of ["p50", "p90", "p99", "p999", "max", "mean"]) assert.ok(latency[key] > 0, key);
  assert.ok(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
}

describe("sio-bench workloads", { skip: !bench && "SIO_BENCH is not set" }, () => {
  const srv = sharedServer({ before, after }, [], { engineEcho: false });
  const url = () => `ws://127.0.0.1:${srv.server.port}`;

  it("echo: acks flow, each with a round trip", srv.wrap(async () => {
    const r = await sioBench(["echo", "--url", url(), "--connections", "20", "--duration", "0.5"]);
    assert.equal(r.workload, "echo");
    assert.equal(r.connections, 20);
    assert.ok(r.acks > 0);
    assert.deepEqual(r.errors, { connect: 0, disconnects: 0, unexpected_packets: 0, first: "" });
    assertLatency(r.latency_us, r.acks);
    assert.equal(typeof r.saturated, "boolean");
  }));

  it("fanout: every receiver in the room gets every broadcast", srv.wrap(async () => {
    const r = await sioBench(["fanout", "--url", url(), "--receivers", "30", "--rate", "20",
      "--duration", "0.5", "--drain", "5"]);
    assert.equal(r.receivers, 30);
    assert.equal(r.room, "bench");
    assert.ok(r.broadcasts > 0);
    assert.equal(r.completeness, 1);
    assert.equal(r.complete_receivers, 30);
    assert.equal(r.errors.op, 0);
    assertLatency(r.latency_us, r.broadcasts * 30);
  }));

  it("idle: reads the server's memory", srv.wrap(async () => {
    const r = await sioBench(["idle", "--url", url(), "--connections", "50", "--settle", "0.2",
      "--server-pid", String(srv.server.pid)]);
    assert.equal(r.connections, 50);
    assert.ok(r.rss_before_kb > 0 && r.rss_after_kb > 0);
    assert.equal(typeof r.bytes_per_connection, "number");
  }));

  for (const transport of ["websocket", "polling"]) {
    it(`connect over ${transport}: handshakes complete`, srv.wrap(async () => {
      const r = await sioBench(["connect", "--url", url(), "--transport", transport,
        "--connections", "4", "--duration", "0.5"]);
      assert.equal(r.transport, transport);
      assert.ok(r.handshakes > 0);
      assert.equal(r.errors.failed, 0, r.errors.first);
      assertLatency(r.latency_us, r.handshakes);
    }));
  }

  it("a bad flag is a usage error (exit 2)", async () => {
    await assert.rejects(run(bench, ["echo", "--url", url(), "--bogus"]), (e) => e.code === 2);
    await assert.rejects(run(bench, ["idle", "--url", url()]), (e) => e.code === 2);
  });
});
