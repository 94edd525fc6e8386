// Helpers for the Redis fault tests of the streams adapter (cluster-faults/*.test.mjs): a
// private redis-server, two sio-testserver nodes A and B on it, a publisher on A sending
// numbered broadcasts through `op emit`, receivers on A and B, fault injection on a
// separate Redis connection, and a precise report of lost / duplicated / reordered numbers.

import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { startRedis, respPipeline, RespError } from "../lib/redis.mjs";
import { startServer } from "../lib/testserver.mjs";
import { connect, op, closeAll, MODES } from "../lib/sio.mjs";

export const WS = { mode: MODES[1] };

/** Streams flags shared by both nodes (short XREAD block so that the tests are quick). */
export const STREAM_FLAGS = ["--read-count", "10", "--block-time-in-ms", "200"];

/** Thrown by startCluster() when the server under test says exit 2 "not (yet) supported". */
export class Unsupported extends Error {}

/** Starts one node; turns an exit 2 with "not (yet) supported" into Unsupported. */
async function startNode(redisUrl, id) {
  const args = ["--adapter", "redis-streams", "--redis", redisUrl, "--server-id", id, ...STREAM_FLAGS];
  try {
    return await startServer(args, { engineEcho: false });
  } catch (e) {
    if (/server exited \(code 2,/.test(e.message) && /not (yet )?(supported|implemented)/i.test(e.message)) {
      throw new Unsupported(e.message.split("\n")[0]);
    }
    throw e;
  }
}

/**
 * Starts redis (options as startRedis) and nodes A and B, connects the publisher and a
 * receiver on A and a receiver on B (WebSocket). Returns a cluster object; always call
 * cleanup(). Calls t.skip() and returns null when the server does not support the adapter.
 */
export async function startCluster(t, redisOptions = {}) {
  const c = {
    redis: null,
    nodes: {},
    sockets: [],
    t0: 0,
    connect: (id) => connectTo(c, id),
    log: (msg) => console.log(`[${t.name}] ${c.t0 ? `+${String(Date.now() - c.t0).padStart(5)} ms ` : ""}${msg}`),
  };
  c.redis = await startRedis(redisOptions);
  try {
    c.nodes.A = await startNode(c.redis.url, "A");
    c.nodes.B = await startNode(c.redis.url, "B");
  } catch (e) {
    await cleanup(c);
    if (e instanceof Unsupported) {
      t.skip(`server under test does not support redis-streams: ${e.message}`);
      return null;
    }
    throw e;
  }
  try {
    c.pub = await c.connect("A");
    c.recvA = await c.connect("A");
    c.recvB = await c.connect("B");
  } catch (e) {
    const err = explainCluster(c, e);
    await cleanup(c).catch(() => {});
    throw err;
  }
  c.receivers = { "publisher@A": c.pub, "receiver@A": c.recvA, "receiver@B": c.recvB };
  return c;
}

/** Connects a WebSocket client to node `id`; it records the args of every `n` event. */
async function connectTo(c, id) {
  const s = await connect(c.nodes[id].url, "/", WS);
  s.numbers = [];
  s.on("n", (i) => s.numbers.push(i));
  c.sockets.push(s);
  return s;
}

/** Closes the clients, stops the nodes (failing on an unclean exit) and redis. */
export async function cleanup(c) {
  if (!c) return;
  closeAll(...(c.sockets ?? []));
  const errors = [];
  for (const n of Object.values(c.nodes ?? {})) {
    try {
      await n.stop();
    } catch (e) {
      errors.push(e);
    }
  }
  if (c.redis) await c.redis.cleanup();
  if (errors.length) throw errors[0];
}

/** Appends both nodes' command lines and output (and the redis log tail) to `err`. */
export function explainCluster(c, err) {
  if (!c || !err || typeof err !== "object") return err;
  let extra = "";
  for (const [id, n] of Object.entries(c.nodes)) extra += `\n=== node ${id} ===\n${n.describe()}`;
  if (c.redis) extra += `\n=== redis log tail ===\n${c.redis.logTail(1500)}`;
  try {
    err.message += extra;
    // the reporter prints the stack, which was captured with the original message
    if (typeof err.stack === "string") err.stack += extra;
  } catch {}
  return err;
}

/** Runs fn(cluster) between startCluster and cleanup, with the servers' output on failure. */
export async function withCluster(t, redisOptions, fn) {
  const c = await startCluster(t, redisOptions);
  if (!c) return;
  let failure = null;
  try {
    await fn(c);
  } catch (e) {
    failure = explainCluster(c, e);
  }
  try {
    await cleanup(c);
  } catch (e) {
    if (!failure) failure = e;
  }
  if (failure) throw failure;
}

// ---------------------------------------------------------------------------------------
// the numbered stream

/**
 * Sends `op emit` of event `n` with args [i] for i = 1..count from the publisher, without
 * waiting for the acks, pausing `pauseMs` after every `burst` emits. Runs the `faults`
 * ({atMs, name, run()}) concurrently, each at its time after the stream start, and logs
 * each fault's timing relative to the stream. Resolves {failedOps, sentAtMs, faultLog}.
 */
export async function runStream(c, { count = 300, burst = 5, pauseMs = 40, faults = [] } = {}) {
  c.t0 = Date.now();
  c.sent = 0;
  c.log(`stream start: ${count} broadcasts, ${burst} every ${pauseMs} ms`);
  const faultLog = [];
  const faultRuns = faults.map(async (f) => {
    await delay(Math.max(0, f.atMs - (Date.now() - c.t0)));
    const start = Date.now() - c.t0;
    const sentBefore = c.sent;
    let detail;
    try {
      detail = await f.run(c);
    } catch (e) {
      detail = `FAILED TO INJECT: ${e.message}`;
      faultLog.push({ name: f.name, error: e });
    }
    const end = Date.now() - c.t0;
    const line = `fault "${f.name}" from +${start} to +${end} ms (published before: ${sentBefore}, after: ${c.sent} of ${count})${detail ? `: ${detail}` : ""}`;
    c.log(line);
    faultLog.push({ name: f.name, start, end, sentBefore, sentAfter: c.sent, detail });
  });

  const acks = [];
  for (let i = 1; i <= count; i++) {
    acks.push(
      op(c.pub, { op: "emit", event: "n", args: [i] }, 15_000).then(
        (res) => (res && res.ok === true ? null : { i, res }),
        (err) => ({ i, res: String(err.message) }),
      ),
    );
    c.sent = i;
    if (i % burst === 0 && i < count) await delay(pauseMs);
  }
  const sentAtMs = Date.now() - c.t0;
  c.log(`stream: all ${count} emits sent`);
  await Promise.all(faultRuns);
  const failedOps = (await Promise.all(acks)).filter(Boolean);
  c.log(`stream: all ${count} op acks in (${failedOps.length} not ok)`);
  const injectErrors = faultLog.filter((f) => f.error);
  if (injectErrors.length) throw new Error(`fault injection failed: ${injectErrors.map((f) => `${f.name}: ${f.error.message}`).join("; ")}`);
  return { failedOps, sentAtMs, faultLog };
}

/** Compresses a sorted list of integers into "1-5, 9, 12-13". */
export function ranges(nums) {
  const out = [];
  for (let k = 0; k < nums.length; ) {
    let j = k;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j === k ? `${nums[k]}` : `${nums[k]}-${nums[j]}`);
    k = j + 1;
  }
  return out.join(", ");
}

/** What is wrong with `got` compared to [1..count]: "" when it is exact. */
export function diagnose(got, count) {
  if (got.length === count && got.every((v, k) => v === k + 1)) return "";
  const seen = new Map();
  for (const v of got) seen.set(v, (seen.get(v) ?? 0) + 1);
  const missing = [];
  for (let i = 1; i <= count; i++) if (!seen.has(i)) missing.push(i);
  const dups = [...seen].filter(([, n]) => n > 1).map(([v, n]) => `${v}×${n}`);
  const foreign = [...seen.keys()].filter((v) => !(Number.isInteger(v) && v >= 1 && v <= count));
  const disorder = [];
  for (let k = 1; k < got.length; k++) if (!(got[k] > got[k - 1])) disorder.push(`${got[k - 1]}→${got[k]} at #${k}`);
  const parts = [`received ${got.length} of ${count}`];
  if (missing.length) parts.push(`MISSING ${missing.length}: [${ranges(missing)}]`);
  if (dups.length) parts.push(`DUPLICATED: [${dups.join(", ")}]`);
  if (foreign.length) parts.push(`UNEXPECTED values: ${JSON.stringify(foreign)}`);
  if (disorder.length) parts.push(`OUT OF ORDER (${disorder.length}): ${disorder.slice(0, 20).join("; ")}${disorder.length > 20 ? " …" : ""}`);
  return parts.join("; ");
}

/**
 * Waits until every receiver holds `count` numbers (or nothing came for `quietMs`, or
 * `maxWaitMs` passed), then `settleMs`
 * more for late duplicates; asserts that each got exactly [1..count] in order and that
 * every op ack was ok. The expectation is `expected` (default [1..count]; a test of the
 * test may pass another list to check that the assertion fails).
 */
export async function assertExactStream(c, { count, failedOps, faultLog }, { maxWaitMs = 15_000, quietMs = 3000, settleMs = 600, expected } = {}) {
  // until everyone has `count`, or nothing arrived for `quietMs`, or `maxWaitMs` passed
  const end = Date.now() + maxWaitMs;
  const receivers = Object.entries(c.receivers);
  const total = () => receivers.reduce((n, [, s]) => n + s.numbers.length, 0);
  let last = total();
  let lastChange = Date.now();
  while (Date.now() < end && receivers.some(([, s]) => s.numbers.length < count) && Date.now() - lastChange < quietMs) {
    await delay(25);
    if (total() !== last) [last, lastChange] = [total(), Date.now()];
  }
  await delay(settleMs);
  const problems = [];
  for (const [name, s] of receivers) {
    const got = s.numbers.slice();
    const wrong = expected
      ? JSON.stringify(got) === JSON.stringify(expected)
        ? ""
        : `differs from the expected list of ${expected.length}; against [1..${count}]: ${diagnose(got, count) || "exact"}`
      : diagnose(got, count);
    c.log(`${name}: ${wrong || `exactly [1..${count}] in order`}`);
    if (wrong) problems.push(`${name}: ${wrong}`);
  }
  if (failedOps.length) {
    problems.push(`publisher: ${failedOps.length} op emit not acked ok: ${failedOps.slice(0, 10).map((f) => `#${f.i} ${JSON.stringify(f.res)}`).join("; ")}`);
  }
  if (problems.length) {
    problems.push(await streamContents(c, count));
    const faults = faultLog.filter((f) => !f.error).map((f) => `"${f.name}" +${f.start}..+${f.end} ms after #${f.sentBefore}`).join("; ");
    assert.fail(`stream of ${count} broadcasts under faults [${faults}]:\n  ${problems.join("\n  ")}`);
  }
}

/**
 * Diagnosis for a failure: which numbers the stream `socket.io` holds (XRANGE), so that a
 * loss can be told apart: never written (XADD lost) or written but not delivered (reader).
 */
export async function streamContents(c, count, stream = "socket.io") {
  try {
    const [entries] = await respPipeline(c.redis.port, [["XRANGE", stream, "-", "+"]]);
    if (!Array.isArray(entries)) return `stream ${stream}: XRANGE -> ${entries}`;
    const nums = [];
    for (const [, fields] of entries) {
      const f = {};
      for (let k = 0; k + 1 < fields.length; k += 2) f[fields[k]] = fields[k + 1];
      if (f.type !== "3" || !f.data?.startsWith("{")) continue;
      const d = JSON.parse(f.data).packet?.data;
      if (Array.isArray(d) && d[0] === "n") nums.push(d[1]);
    }
    const wrong = diagnose(nums, count);
    return `stream ${stream} (XRANGE, ${entries.length} entries): ${wrong || `holds exactly [1..${count}] in order`}`;
  } catch (e) {
    return `stream ${stream}: cannot read it (${e.message})`;
  }
}

// ---------------------------------------------------------------------------------------
// faults (each on its own connection to redis, not part of the adapters' connections)

/** CLIENT KILL of every normal and pub/sub connection except the one sending it. */
export async function killAllClients(c) {
  const [normal, pubsub] = await respPipeline(c.redis.port, [
    ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"],
    ["CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"],
  ]);
  if (normal instanceof RespError || pubsub instanceof RespError) throw new Error(`CLIENT KILL: ${normal} / ${pubsub}`);
  c.killedTotal = (c.killedTotal ?? 0) + normal + pubsub;
  return `killed ${normal} normal + ${pubsub} pubsub connections`;
}

/** Stops redis (SIGTERM; AOF on), waits `downMs`, starts it again on the same port. */
export async function restartRedis(c, downMs = 1000) {
  const t = Date.now();
  await c.redis.stop();
  const stopped = Date.now() - t;
  await delay(downMs);
  await c.redis.start();
  return `stopped in ${stopped} ms, down ${downMs} ms, up again after ${Date.now() - t} ms`;
}

/** DEBUG SLEEP on a separate connection (redis is unresponsive meanwhile). */
export async function debugSleep(c, seconds = 1) {
  const r = await respPipeline(c.redis.port, [["DEBUG", "SLEEP", String(seconds)]], { timeoutMs: seconds * 1000 + 5000 });
  if (r[0] instanceof RespError) throw new Error(`DEBUG SLEEP: ${r[0].message}`);
  return `DEBUG SLEEP ${seconds} -> ${r[0]}`;
}

/** CLIENT KILL ID of every connection whose last command is XREAD (the stream readers). */
export async function killReaders(c) {
  const [list] = await respPipeline(c.redis.port, [["CLIENT", "LIST"]]);
  const ids = String(list)
    .split("\n")
    .filter((line) => / cmd=xread /.test(` ${line} `))
    .map((line) => /(?:^| )id=(\d+)/.exec(line)[1]);
  const replies = ids.length ? await respPipeline(c.redis.port, ids.map((id) => ["CLIENT", "KILL", "ID", id])) : [];
  const killed = replies.filter((r) => r === 1).length;
  c.readersKilled = (c.readersKilled ?? 0) + killed;
  return `killed ${killed} of ${ids.length} XREAD connections (ids ${ids.join(",") || "none"})`;
}
