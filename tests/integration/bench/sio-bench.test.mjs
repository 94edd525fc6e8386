// Smoke test of the load generator (apps/sio-bench): a tiny run of every workload against
// the server under test (SIO_TESTSERVER), checking that traffic flows and that the --json
// result is complete and sane. No timing is asserted, nor any memory figure (churn and
// stuck report the server's RSS, which is a measurement, not a property).
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

async function sioBench(args, { timeout = 15_000 } = {}) {
  let stdout;
  try {
    ({ stdout } = await run(bench, [...args, "--json", "--no-progress", "--warmup", "0.1"], {
      timeout,
    }));
  } catch (e) {
    // exit 1 with a result: the workload's own check failed (churn, stuck); show why
    if (e.code === 1 && e.stdout) {
      throw new Error(`sio-bench ${args[0]} failed its check: ${e.stderr}\n${e.stdout}`);
    }
    throw e;
  }
  return JSON.parse(stdout);
}

function assertServerFigures(r, keys) {
  for (const figure of ["rss_kib", "fds"]) {
    assert.deepEqual(Object.keys(r[figure]), keys, figure);
    for (const key of keys) assert.ok(Number.isInteger(r[figure][key]) && r[figure][key] > 0, `${figure}.${key}`);
  }
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

  it("echo with --cpu-pid and two threads: the server's CPU and its own, merged tallies",
    srv.wrap(async () => {
      const r = await sioBench(["echo", "--url", url(), "--connections", "20", "--duration", "0.5",
        "--threads", "2", "--cpu-pid", String(srv.server.pid)]);
      assert.equal(r.threads, 2);
      assert.equal(r.connections, 20);
      assert.ok(r.acks > 0);
      assertLatency(r.latency_us, r.acks);
      assert.ok(r.server_cpu_s >= 0 && r.server_cpu_ratio >= 0, "server CPU read");
      assert.ok(r.cpu_s >= 0 && r.cores >= 1 && typeof r.saturated === "boolean");
    }));

  it("fanout over two threads: every receiver gets every broadcast", srv.wrap(async () => {
    const r = await sioBench(["fanout", "--url", url(), "--receivers", "31", "--rate", "50",
      "--duration", "0.5", "--drain", "5", "--threads", "2", "--window", "4", "--max-lag", "2"]);
    assert.equal(r.threads, 2);
    assert.equal(r.completeness, 1);
    assert.equal(r.complete_receivers, 31);
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

  it("stuck: healthy clients get every broadcast in order while stuck clients stop reading",
    srv.wrap(async (server) => {
      const r = await sioBench(["stuck", "--url", url(), "--server-pid", String(server.pid),
        "--connections", "6", "--healthy", "2", "--duration", "2", "--message-size", "20000",
        "--settle", "0.5", "--drain", "5"]);
      assert.equal(r.workload, "stuck");
      assert.equal(r.connections, 6);
      assert.equal(r.stuck_senders + r.stuck_members, 6);
      assert.equal(r.healthy, 2);
      assert.ok(r.messages_sent > 0, "the stuck senders sent messages");
      assert.ok(r.broadcasts.sent > 0);
      assert.equal(r.broadcasts.acked, r.broadcasts.sent);
      assert.equal(r.broadcasts.op_errors, 0);
      assert.deepEqual(r.delivery, {
        expected: r.broadcasts.sent, received_min: r.broadcasts.sent, missing: 0, out_of_order: 0,
        complete_clients: 2, in_order: true,
      });
      // how many stuck clients the server closed is reported, not asserted (the C++ server's
      // slow-consumer bound is a separate piece of work; the Node.js twin has none)
      assert.equal(r.stuck.connections, 6);
      assert.ok(Number.isInteger(r.stuck.closed_by_server));
      assert.equal(r.stuck.closed_by_server + r.stuck.still_open, 6);
      assertServerFigures(r, ["before", "peak", "after"]);
      assert.deepEqual({ ...r.errors, first: "" }, { connect: 0, healthy_disconnects: 0,
        publisher_lost: false, unexpected_packets: 0, op: 0, first: "" }, r.errors.first);
      assert.equal(typeof r.seconds, "number");
    }));

  it("a bad flag is a usage error (exit 2)", async () => {
    await assert.rejects(run(bench, ["echo", "--url", url(), "--bogus"]), (e) => e.code === 2);
    await assert.rejects(run(bench, ["idle", "--url", url()]), (e) => e.code === 2);
    await assert.rejects(run(bench, ["churn", "--url", url()]), (e) => e.code === 2);
    await assert.rejects(run(bench, ["churn", "--url", url(), "--server-pid", "1", "--kind", "bogus"]),
      (e) => e.code === 2);
  });
});

// churn on a server with short timers, so that what the clients abandon times out fast.
describe("sio-bench churn", { skip: !bench && "SIO_BENCH is not set" }, () => {
  const srv = sharedServer({ before, after },
    ["--ping-interval", "500", "--ping-timeout", "500", "--connect-timeout", "1000"],
    { engineEcho: false });
  const kinds = ["handshake", "upgrade-cut", "vanish", "polling-timeout", "rooms"];

  it("every kind of short-lived client, and the server's descriptors come back", srv.wrap(async (server) => {
    const r = await sioBench(["churn", "--url", `ws://127.0.0.1:${server.port}`,
      "--server-pid", String(server.pid), "--sessions", "200", "--connect-concurrency", "16",
      "--settle-max", "10"], { timeout: 50_000 });
    assert.equal(r.workload, "churn");
    assert.equal(r.sessions, 200);
    assert.deepEqual(r.kinds.map((k) => k.kind), kinds);
    for (const k of r.kinds) {
      assert.equal(k.sessions, 200, k.kind);
      assert.equal(k.errors, 0, `${k.kind}: ${k.first_error}`);
      assert.equal(k.settled, true, `${k.kind}: ${k.fds_after} descriptors after it`);
    }
    assertServerFigures(r, ["before", "peak", "after"]);
    assert.equal(r.settled, true);
    assert.ok(r.fds.after <= r.fds.before, `${r.fds.after} descriptors after, ${r.fds.before} before`);
    assert.equal(typeof r.seconds, "number");
  }));

  it("--kind runs one kind", srv.wrap(async (server) => {
    const r = await sioBench(["churn", "--url", `ws://127.0.0.1:${server.port}`,
      "--server-pid", String(server.pid), "--sessions", "20", "--kind", "vanish"]);
    assert.deepEqual(r.kinds.map((k) => [k.kind, k.sessions, k.errors]), [["vanish", 20, 0]]);
    assert.equal(r.settled, true);
  }));
});
