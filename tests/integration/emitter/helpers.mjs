// Helpers for the sio-emit tests (emitter/*.test.mjs): a private redis-server, two
// sio-testserver nodes on it with the Streams adapter (node 0 from SIO_TESTSERVER, node 1
// from SIO_TESTSERVER_B when set, else SIO_TESTSERVER: C++, the Node.js twin, or a mix),
// official clients on both nodes, runs of the sio-emit binary, and barriers made of
// emitter broadcasts (the stream is read in order, so once a later marker has arrived
// everywhere, an earlier entry has been handled everywhere).
//
// SIO_EMIT holds the sio-emit command as a JSON array (default: build/debug/apps/sio-emit).
// SIO_EMIT_ADAPTER picks the adapter family of the nodes and of sio-emit: redis-streams
// (default) or redis (the classic pub/sub adapter).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { test } from "node:test";
import { startRedis, respCommand } from "../lib/redis.mjs";
import { startCommand, commandFromEnv, isReferenceCommand } from "../lib/testserver.mjs";
import { connect, closeAll, opOk, waitEvent, MODES } from "../lib/sio.mjs";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const TWIN = "sio-testserver.js";

/** The adapter family under test (SIO_EMIT_ADAPTER): "redis-streams" or "redis". */
export const ADAPTER = process.env.SIO_EMIT_ADAPTER || "redis-streams";

let counter = 0;
/** A name unique to this process. */
export const unique = (what) => `${what}-${process.pid}-${++counter}`;

/** The args of every `event` that `socket` received, in order. */
export const got = (socket, event) => socket.received.filter((e) => e.event === event).map((e) => e.args);

// ---------------------------------------------------------------------------------------
// sio-emit

/** The sio-emit command, an array of strings. */
export function emitCommand() {
  if (process.env.SIO_EMIT) return commandFromEnv("SIO_EMIT", '["build/debug/apps/sio-emit"]');
  const fallback = `${REPO}build/debug/apps/sio-emit`;
  if (!fs.existsSync(fallback)) throw new Error(`SIO_EMIT is not set and ${fallback} does not exist`);
  return [fallback];
}

/** Runs sio-emit with `args`; resolves {code, signal, stdout, stderr, ms}. */
export function runEmit(args, { timeoutMs = 20_000 } = {}) {
  const [bin, ...pre] = emitCommand();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(bin, [...pre, ...args], { timeout: timeoutMs, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      const ms = Date.now() - started;
      if (error && typeof error.code !== "number" && !error.killed) {
        reject(new Error(`cannot run sio-emit: ${error.message}`));
        return;
      }
      resolve({ code: error ? (error.killed ? null : error.code) : 0, signal: error?.signal ?? null, stdout, stderr, ms });
    });
  });
}

/** Runs `sio-emit --redis <url> ...args` and asserts exit 0. */
export async function emitOk(redisUrl, args) {
  const r = await runEmit(["--redis", redisUrl, ...args]);
  assert.equal(r.code, 0, `sio-emit ${JSON.stringify(args)} exited ${r.code} (signal ${r.signal}):\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------------------------------
// the cluster

/** Polls `check` (throws while not yet true) until it passes or `ms` elapsed. */
export async function eventually(check, ms = 3000, step = 25) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await delay(step);
  }
}

/**
 * Registers before/after/afterEach hooks that start a private redis-server and two nodes
 * with `--adapter redis-streams --redis URL` plus `nodeArgs` (and `--namespaces` when
 * `namespaces` is given, `--server-id node0|node1`). Returns the cluster object c:
 *   c.skipped       a reason when a twin node exited 2 (the test then calls t.skip), else ""
 *   c.redis         the RedisServer; c.nodes: [{url, reference, kind, describe()}]
 *   c.label         e.g. "C++ + twin"
 *   c.connect(i, nsp)  a client on node i (closed after each test)
 *   c.emit(...args)    sio-emit against this Redis (plus `emitArgs`), asserting exit 0
 *   c.barrier(sockets) a marker broadcast per namespace, waited for on every connected socket
 *   c.test(title, fn)  a node:test test that skips when c.skipped and explains failures
 * `adapters` lists the adapter families the file is for (others skip every test).
 * `warmNamespaces` (default ["/"]) are checked once: every node must deliver the first
 * emitter entry written after it printed "listening" (c.firstEntryMissed lists who did not).
 */
export function emitterCluster(
  hooks,
  { nodeArgs = [], namespaces = [], emitArgs = [], warmNamespaces = ["/"], adapters = ["redis-streams", "redis"] } = {},
) {
  const envs = ["SIO_TESTSERVER", process.env.SIO_TESTSERVER_B ? "SIO_TESTSERVER_B" : "SIO_TESTSERVER"];
  const cmds = envs.map((env) => commandFromEnv(env, '["node","tests/twin/sio-testserver.js"]'));
  const kinds = cmds.map((cmd) => (isReferenceCommand(cmd, TWIN) ? "twin" : "C++"));
  const c = {
    skipped: "",
    redis: null,
    nodes: [],
    sockets: [],
    kinds,
    label: kinds.join(" + "),
    firstEntryMissed: [],
    connect: async (i, nsp = "/") => {
      const s = await connect(c.nodes[i].url, nsp, { mode: MODES[1] });
      s.node = i;
      c.sockets.push(s);
      return s;
    },
    emit: (...args) => emitOk(c.redis.url, [...(ADAPTER === "redis-streams" ? [] : ["--adapter", ADAPTER]), ...emitArgs, ...args]),
    barrier: (sockets) => barrier(c, sockets),
    describe: () => c.nodes.map((n, i) => `--- node ${i} (${kinds[i]}) ---\n${n.describe()}`).join("\n"),
  };
  c.test = (title, fn) => test(`${title} [${c.label}]`, async (t) => {
    if (c.skipped) return t.skip(c.skipped);
    try {
      await fn(t);
    } catch (err) {
      if (err && typeof err === "object") {
        try {
          err.message += `\n${c.describe()}`;
        } catch {}
      }
      throw err;
    }
  });

  // a file for another adapter family skips all its tests
  if (!adapters.includes(ADAPTER)) c.skipped = `only for --adapter ${adapters.join(", ")}`;

  hooks.before(async () => {
    if (c.skipped) return;
    c.redis = await startRedis();
    const args = ["--adapter", ADAPTER, "--redis", c.redis.url, ...nodeArgs];
    if (namespaces.length) args.push("--namespaces", namespaces.join(","));
    for (let i = 0; i < 2; i++) {
      try {
        const node = await startCommand(envs[i], [...args, "--server-id", `node${i}`], { twinScript: TWIN });
        node.kind = kinds[i];
        c.nodes.push(node);
      } catch (e) {
        if (kinds[i] === "twin" && /server exited \(code 2,/.test(e.message)) {
          const stderr = e.message.split("\nstderr:\n")[1] ?? "";
          const why = stderr.split("\n").filter((l) => l.trim()).pop() ?? "";
          c.skipped = `the Node.js twin exited 2 on ${args.slice(4).join(" ") || `--adapter ${ADAPTER}`}: ${why}`;
          return;
        }
        throw e;
      }
    }
    await warmUp(c, warmNamespaces);
  });
  hooks.afterEach(() => {
    closeAll(...c.sockets);
    c.sockets = [];
  });
  hooks.after(async () => {
    closeAll(...c.sockets);
    const errors = [];
    for (const node of c.nodes) await node.stop().catch((e) => errors.push(e));
    if (c.redis) await c.redis.cleanup();
    if (errors.length) throw errors[0];
  });
  return c;
}

/**
 * One client per node and namespace, then emitter markers until each got one. A C++ node
 * must deliver the first one (recorded in c.firstEntryMissed otherwise); a Node.js node may
 * miss it (the reference reads from `$` until its first entry, spec §1.8 / §6.8).
 */
async function warmUp(c, nsps) {
  const clients = [];
  for (const nsp of nsps) for (let i = 0; i < c.nodes.length; i++) clients.push(await c.connect(i, nsp));
  const pending = new Set(clients);
  for (let attempt = 0; attempt < 5 && pending.size; attempt++) {
    const mark = unique("warm");
    for (const nsp of nsps) await c.emit("--nsp", nsp, "emit", "warm", JSON.stringify(mark));
    await Promise.all(
      [...pending].map(async (s) => {
        try {
          for (;;) {
            const [m] = await waitEvent(s, "warm", 2000);
            if (m === mark) break;
          }
          pending.delete(s);
        } catch {
          if (attempt === 0) c.firstEntryMissed.push(`node ${s.node} (${c.kinds[s.node]}) ${s.nsp}`);
        }
      }),
    );
  }
  closeAll(...clients);
  c.sockets = c.sockets.filter((s) => !clients.includes(s));
  if (pending.size) {
    throw new Error(`warm-up: no emitter broadcast reached ${[...pending].map((s) => `node ${s.node} ${s.nsp}`).join(", ")}`);
  }
}

/** Waits for the `sync` event carrying `mark` (earlier sync events are skipped). */
async function waitMark(socket, mark, ms = 4000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [m] = await waitEvent(socket, "sync", Math.max(1, deadline - Date.now()));
    if (m === mark) return;
  }
}

/** Emitter markers to every namespace of `sockets`, waited for on each connected one. */
async function barrier(c, sockets) {
  const mark = unique("sync");
  const nsps = [...new Set(sockets.map((s) => s.nsp))];
  for (const nsp of nsps) await c.emit("--nsp", nsp, "emit", "sync", JSON.stringify(mark));
  await Promise.all(sockets.filter((s) => s.connected).map((s) => waitMark(s, mark)));
}

// ---------------------------------------------------------------------------------------
// small checks

/** The rooms of `socket`, as its node sees them (whoami). */
export const roomsOf = async (socket) => (await opOk(socket, { op: "whoami" })).rooms;

/** Asserts that each socket's rooms include (or, with has=false, exclude) `room`. */
export async function assertRooms(sockets, room, has) {
  for (const s of sockets) {
    const rooms = await roomsOf(s);
    assert.equal(rooms.includes(room), has, `socket ${s.id} on node ${s.node} ${has ? "lacks" : "has"} room ${room}: ${JSON.stringify(rooms)}`);
  }
}

/** XLEN of `stream` on the cluster's Redis. */
export const xlen = (c, stream) => respCommand(c.redis.port, ["XLEN", stream]);

/** The fields of the newest entry of `stream` as an object (null when empty). */
export async function lastEntry(c, stream) {
  const r = await respCommand(c.redis.port, ["XREVRANGE", stream, "+", "-", "COUNT", "1"]);
  if (!Array.isArray(r) || r.length === 0) return null;
  const [, fields] = r[0];
  const out = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}
