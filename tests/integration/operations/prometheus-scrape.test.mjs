// A real Prometheus (Debian's `prometheus`, started here on a free port with a 1 s scrape
// interval) scrapes two C++ nodes joined by the Redis Streams adapter. Through its HTTP
// query API the test finds the connected-socket gauges equal to the clients it connected,
// socketio_adapter_published_total rising on the publishing node, and
// socketio_redis_connected at 0 on both nodes while redis-server is stopped, then back at 1.
// C++ only (socket.io has no metrics endpoint).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isReference, startServer, explain } from "../lib/testserver.mjs";
import { startRedis, freePort } from "../lib/redis.mjs";
import { connect, closeAll, opOk, sleep, MODES } from "../lib/sio.mjs";

const PROMETHEUS = "/usr/bin/prometheus";
const skip = isReference()
  ? "socket.io has no metrics endpoint"
  : !existsSync(PROMETHEUS) && "prometheus is not installed (scripts/setup test installs it)";

async function startPrometheus(targets) {
  const dir = mkdtempSync(join(tmpdir(), "sio-prometheus-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "scrape_configs:",
      "  - job_name: sio",
      "    static_configs:",
      `      - targets: [${targets.map((t) => `"${t}"`).join(", ")}]`,
      "",
    ].join("\n"),
  );
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready:\n${stderr}`);
    await sleep(200);
  }
  return {
    base,
    stderr: () => stderr,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Instant query: [{metric, value}] with numeric values. */
async function query(prom, expr) {
  const res = await fetch(`${prom.base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await res.json();
  assert.equal(body.status, "success", JSON.stringify(body));
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Queries until `check(result)` holds; fails with the last result after `ms`. */
async function queryUntil(prom, expr, check, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  let result;
  for (;;) {
    result = await query(prom, expr);
    if (check(result)) return result;
    if (Date.now() > deadline) throw new Error(`${what}: ${expr} gave ${JSON.stringify(result)}`);
    await sleep(250);
  }
}

test("Prometheus scrapes a two-node C++ cluster: sockets, publishes, the Redis link", { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const nodes = [];
  const clients = [];
  let prom;
  try {
    for (const id of ["A", "B"])
      nodes.push(await startServer(["--adapter", "redis-streams", "--redis", redis.url, "--server-id", id], { engineEcho: false }));
    const [a, b] = nodes;
    const instance = (node) => `127.0.0.1:${node.port}`;
    prom = await startPrometheus(nodes.map(instance));

    for (let i = 0; i < 3; i++) clients.push(await connect(a.url, "/", { mode: MODES[1] }));
    for (let i = 0; i < 2; i++) clients.push(await connect(b.url, "/", { mode: MODES[1] }));
    const sockets = await queryUntil(prom, 'socketio_connected_sockets{namespace="/"}',
      (r) => r.length === 2 && r.every((s) => s.value === (s.metric.instance === instance(a) ? 3 : 2)),
      "3 sockets on A and 2 on B");
    assert.deepEqual(sockets.map((s) => s.metric.job), ["sio", "sio"]);

    const published = `socketio_adapter_published_total{instance="${instance(a)}"}`;
    const [before] = await queryUntil(prom, published, (r) => r.length === 1, "A's publish counter scraped");
    for (let i = 0; i < 20; i++) await opOk(clients[0], { op: "emit", event: "n", args: [i] });
    await queryUntil(prom, published, (r) => r.length === 1 && r[0].value >= before.value + 20,
      "A's publish counter up by the 20 broadcasts");

    await queryUntil(prom, "socketio_redis_connected", (r) => r.length === 2 && r.every((s) => s.value === 1), "both links up");
    // B's reader is caught up once the broadcasts are read: its lag gauge is scraped, small.
    await queryUntil(prom, `socketio_adapter_stream_lag_seconds{instance="${instance(b)}"}`,
      (r) => r.length === 1 && r[0].value < 10, "B's stream reader lag scraped");
    await queryUntil(prom, `socketio_adapter_stream_entries_behind{instance="${instance(b)}"}`,
      (r) => r.length === 1 && r[0].value === 0, "B's reader has no entry left behind", 15_000);
    await redis.stop();
    await queryUntil(prom, "socketio_redis_connected", (r) => r.length === 2 && r.every((s) => s.value === 0),
      "both links down while redis-server is stopped");
    await redis.start();
    await queryUntil(prom, "socketio_redis_connected", (r) => r.length === 2 && r.every((s) => s.value === 1),
      "both links up again after the restart", 30_000);
  } catch (err) {
    const node = nodes.find(Boolean);
    throw node ? explain(node, new Error(`${err.message}\nprometheus:\n${prom?.stderr() ?? ""}`)) : err;
  } finally {
    closeAll(...clients);
    if (prom) await prom.stop();
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
});
