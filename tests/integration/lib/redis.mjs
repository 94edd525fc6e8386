// Real Redis processes for Node.js black-box tests: a standalone server (AOF, password, ACL
// users, restart/kill), a cluster (slot migration, manual failover) and a sentinel setup
// (forced failover), each on free ports of 127.0.0.1 with data in its own temporary
// directory. The processes belong to the C++ fixtures of tests/redis/support, served by the
// redis-fixture tool: this module starts one per test process (SIO_REDIS_FIXTURE names it;
// ctest sets it for every suite) and asks it, one JSON line per request. When this process
// ends, however it ends, the tool sees its stdin close and kills and removes everything.
// What runs here: the RESP client (tests talk to Redis directly), waitFor, infoField, the
// pause/resume signals (synchronous, as tests use them) and the log tail (a file read).

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";

export const DEFAULT_TIMEOUT_MS = 30_000;

// ---- the redis-fixture process ----

/** One redis-fixture process; requests are written as lines, replies matched by id. */
class FixtureProcess {
  #child;
  #pending = new Map(); // id -> {resolve, reject, trace}
  #nextId = 0;
  #buffer = "";
  #gone = ""; // why the tool cannot answer any more

  constructor(file) {
    this.#child = spawn(file, [], { stdio: ["pipe", "pipe", "inherit"], detached: true });
    this.#child.stdout.setEncoding("utf8");
    this.#child.stdout.on("data", (chunk) => this.#read(chunk));
    this.#child.stdin.on("error", () => {}); // a dead tool is reported by 'exit'
    this.#child.on("error", (e) => this.#fail(`cannot run redis-fixture (${file}): ${e.message}`));
    this.#child.on("exit", (code, signal) => this.#fail(`redis-fixture (${file}) exited (code ${code}, signal ${signal})`));
    this.#refs(false);
  }

  /** Resolves the request's result; rejects with the tool's error message. */
  call(op, fields = {}) {
    const trace = new Error(); // the caller's stack, for the rejection
    if (this.#gone) return Promise.reject(withTrace(this.#gone, trace));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, trace });
      this.#refs(true);
      this.#child.stdin.write(`${JSON.stringify({ ...fields, id, op })}\n`);
    });
  }

  /** A request whose reply nobody waits for. */
  send(op, fields = {}) {
    if (!this.#gone) this.#child.stdin.write(`${JSON.stringify({ ...fields, id: 0, op })}\n`);
  }

  #read(chunk) {
    this.#buffer += chunk;
    for (let nl; (nl = this.#buffer.indexOf("\n")) >= 0; ) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      let reply;
      try {
        reply = JSON.parse(line);
      } catch {
        this.#fail(`redis-fixture wrote a line that is not a reply: ${line.slice(0, 200)}`);
        return;
      }
      for (const [handle, state] of Object.entries(reply.servers ?? {})) serverObjects.get(handle)?.update(state);
      const p = this.#pending.get(reply.id);
      if (!p) continue;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#refs(false);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(withTrace(reply.error, p.trace));
    }
  }

  #fail(message) {
    this.#gone ||= message;
    for (const p of this.#pending.values()) p.reject(withTrace(this.#gone, p.trace));
    this.#pending.clear();
    this.#refs(false);
  }

  /** Keeps this process alive while a reply is awaited, and only then. */
  #refs(busy) {
    for (const handle of [this.#child, this.#child.stdout, this.#child.stdin]) busy ? handle.ref() : handle.unref();
  }
}

function withTrace(message, trace) {
  const error = new Error(message);
  error.stack = `Error: ${message}\n${trace.stack.split("\n").slice(1).join("\n")}`;
  return error;
}

let tool = null;

/** The redis-fixture process of this test process (started on first use). */
function fixture() {
  if (!tool) {
    const file = process.env.SIO_REDIS_FIXTURE;
    if (!file)
      throw new Error(
        "SIO_REDIS_FIXTURE is not set: it names the redis-fixture tool that runs the Redis processes " +
          "(built with the tests: build/debug/tests/redis/redis-fixture); ctest sets it for every suite",
      );
    tool = new FixtureProcess(file);
  }
  return tool;
}

const call = async (op, fields) => fixture().call(op, fields);

// ---- small helpers ----

/** A port of 127.0.0.1 that was free a moment ago (the kernel picks it). */
export async function freePort() {
  return (await freePorts(1))[0];
}

/** `count` distinct free ports (all held open until every one is picked). */
export function freePorts(count) {
  return call("freePorts", { count });
}

/** Polls `probe` (returns "" when done, else what is still wrong) until done or timeout. */
export async function waitFor(what, timeoutMs, probe, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  let problem = "not checked yet";
  for (;;) {
    try {
      problem = await probe();
    } catch (e) {
      problem = e.message;
    }
    if (!problem) return;
    if (Date.now() >= end) throw new Error(`${what} not within ${timeoutMs} ms: ${problem}`);
    await delay(intervalMs);
  }
}

/** The value of `field` in an INFO reply ("role" -> "master"); "" when absent. */
export function infoField(info, field) {
  for (const line of String(info).split(/\r?\n/)) {
    if (line.startsWith(`${field}:`)) return line.slice(field.length + 1);
  }
  return "";
}

/** An error reply (returned by respCommand, not thrown). */
export class RespError {
  constructor(message) {
    this.message = message;
  }
  toString() {
    return `(error) ${this.message}`;
  }
}

function encodeCommand(args) {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) {
    const b = Buffer.from(String(a));
    parts.push(`$${b.length}\r\n`, b, "\r\n");
  }
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

/** Parses one RESP2 reply at `pos`: {value, pos} or null when incomplete. */
function parseReply(buf, pos) {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, pos: next };
    case "-":
      return { value: new RespError(line), pos: next };
    case ":":
      return { value: Number(line), pos: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, pos: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), pos: next + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, pos: next };
      const items = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        items.push(r.value);
        p = r.pos;
      }
      return { value: items, pos: p };
    }
    default:
      throw new Error(`unexpected RESP data: ${JSON.stringify(buf.toString("utf8", pos, eol))}`);
  }
}

/**
 * Sends the commands pipelined over one fresh connection (after AUTH when a password is
 * given) and resolves their replies: strings, numbers, null, arrays, or RespError for error
 * replies (an AUTH error is the reply of every command). Rejects on connection problems or
 * when nothing complete arrived within timeoutMs.
 */
export function respPipeline(port, commands, { password = "", timeoutMs = 5000 } = {}) {
  const all = password ? [["AUTH", password], ...commands] : commands;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let buf = Buffer.alloc(0);
    const replies = [];
    let pos = 0;
    const finish = (err, value) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms on 127.0.0.1:${port}`)),
      timeoutMs,
    );
    socket.on("connect", () => socket.write(Buffer.concat(all.map(encodeCommand))));
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      try {
        for (;;) {
          const r = parseReply(buf, pos);
          if (!r) break;
          replies.push(r.value);
          pos = r.pos;
        }
      } catch (e) {
        finish(e);
        return;
      }
      if (replies.length === all.length) {
        if (password) {
          const auth = replies.shift();
          if (auth instanceof RespError) return finish(null, commands.map(() => auth));
        }
        finish(null, replies);
      }
    });
    socket.on("error", (e) => finish(new Error(`127.0.0.1:${port}: ${e.message}`)));
    socket.on("close", () =>
      finish(new Error(`connection to 127.0.0.1:${port} closed by the server`)),
    );
  });
}

/** One command; see respPipeline. */
export async function respCommand(port, args, options = {}) {
  return (await respPipeline(port, [args], options))[0];
}

/** Runs a program; resolves {code, stdout, stderr}; rejects if it cannot start, is killed or times out. */
export async function runProgram(file, args, { env = {}, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const r = await call("runProgram", { argv: [file, ...args].map(String), env, timeoutMs });
  if (r.code < 0) throw new Error(`'${[file, ...args].join(" ")}' was killed by a signal\n${r.stdout}${r.stderr}`);
  return r;
}

// ---- RedisServer ----

const serverObjects = new Map(); // handle -> RedisServer, so that a handle is always the same object

/** The RedisServer of a server description (or handle) of redis-fixture. */
function serverFor(description) {
  const handle = typeof description === "string" ? description : description.handle;
  if (!serverObjects.has(handle)) serverObjects.set(handle, new RedisServer(description));
  return serverObjects.get(handle);
}

/** After the cleanup of their cluster or setup: the nodes are gone. */
function forget(servers) {
  for (const s of servers) {
    s.update({ running: false });
    serverObjects.delete(s.handle);
  }
}

/**
 * One redis-server (or sentinel) process. Options of start():
 *   appendOnly (appendonly yes + appendfsync always), password (requirepass + masterauth),
 *   aclUsers (["alice on >pw ~* +@all", ...] written as `user ...`), clusterEnabled,
 *   clusterNodeTimeoutMs (2000), extraConfig (lines), sentinel (run as redis-server --sentinel),
 *   timeoutMs (each start, and stop() before SIGKILL; 30000).
 * Fields: port, busPort, dir, configFile, logFile; `running` and `pid` are as of the last
 * reply of redis-fixture (every reply brings them).
 */
export class RedisServer {
  /** Starts the server and resolves once it answers PING (and is really our process). */
  static async start(options = {}) {
    return serverFor(await call("startServer", { options }));
  }

  #pid = 0;
  #running = false;

  /** Not for tests: RedisServer.start() and the clusters and setups make them. */
  constructor({ handle, port, busPort, password, dir, configFile, logFile, pid, running }) {
    Object.assign(this, { handle, port, busPort, password, dir, configFile, logFile });
    this.update({ pid, running });
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  get address() {
    return `127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.#pid;
  }
  get running() {
    return this.#running;
  }
  /** Resolves once the current process has exited (asks redis-fixture every 100 ms). */
  get exited() {
    return (async () => {
      while (this.#running) {
        await delay(100);
        await this.#do("state").catch(() => this.update({ running: false })); // cleaned up meanwhile
      }
    })();
  }

  /** Takes {pid, running} from a reply of redis-fixture. */
  update({ pid, running }) {
    if (pid > 0) this.#pid = pid;
    this.#running = running;
  }

  async #do(op) {
    this.update(await call(op, { handle: this.handle }));
  }

  /** SIGTERM and wait (SIGKILL after timeoutMs). No-op when not running. */
  stop() {
    return this.#do("stop");
  }
  /** SIGKILL (the whole process group) and wait. No-op when not running. */
  kill() {
    return this.#do("kill");
  }
  /** Starts again after stop()/kill(): same port, directory and (possibly rewritten) config. */
  start() {
    return this.#do("start");
  }
  restart() {
    return this.#do("restart");
  }

  /** SIGSTOP / SIGCONT, sent at once: a hung server that keeps its connections. */
  pause() {
    if (this.running) process.kill(this.pid, "SIGSTOP");
  }
  resume() {
    if (this.running) process.kill(this.pid, "SIGCONT");
  }

  /**
   * `redis-cli -h 127.0.0.1 -p PORT ...args` (password via REDISCLI_AUTH): its stdout without
   * trailing newlines. Error replies come back as text ("ERR ..."); a non-zero exit rejects.
   */
  cli(...args) {
    return call("cli", { handle: this.handle, args: args.map(String) });
  }

  /** respCommand on this server with its password (error replies are RespError values). */
  command(...args) {
    return respCommand(this.port, args, { password: this.password });
  }

  /** command() that rejects on an error reply. */
  async commandOk(...args) {
    const r = await this.command(...args);
    if (r instanceof RespError) throw new Error(`'${args.join(" ")}' on port ${this.port} failed: ${r.message}`);
    return r;
  }

  info(section) {
    return section ? this.commandOk("INFO", section) : this.commandOk("INFO");
  }

  logTail(bytes = 3000) {
    try {
      const data = fs.readFileSync(this.logFile);
      return data.subarray(Math.max(0, data.length - bytes)).toString("utf8");
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }

  /** Kills the process and removes the directory (kept with SIO_REDIS_KEEP_DIRS=1). A node of a
   * cluster or setup is only killed: its directory goes with its cluster or setup. */
  async cleanup() {
    await call("cleanup", { handle: this.handle }).catch((e) => {
      if (!/no server/.test(e.message)) throw e; // cleaned up already
    });
    this.#running = false;
    serverObjects.delete(this.handle);
  }

  /** cleanup() without waiting: SIGKILL now, the directory when redis-fixture gets to it. */
  cleanupSync() {
    if (this.running) {
      try {
        process.kill(-this.pid, "SIGKILL");
      } catch {}
    }
    this.#running = false;
    serverObjects.delete(this.handle);
    fixture().send("cleanup", { handle: this.handle });
  }
}

/** RedisServer.start(options). */
export const startRedis = (options) => RedisServer.start(options);

/** Starts a server, runs fn(server), always cleans up. */
export async function withRedis(options, fn) {
  const server = await RedisServer.start(options);
  try {
    return await fn(server);
  } finally {
    await server.cleanup();
  }
}

// ---- RedisCluster ----

/**
 * A cluster of `masters` (3) masters with `replicasPerMaster` (1) replicas each, created with
 * `redis-cli --cluster create`. Options: masters, replicasPerMaster, nodeTimeoutMs (2000),
 * appendOnly, password, extraConfig, timeoutMs. Nodes are RedisServer objects.
 */
export class RedisCluster {
  static async start(options = {}) {
    return new RedisCluster(await call("startCluster", { options }), options);
  }

  /** Not for tests: use RedisCluster.start(). */
  constructor({ handle, nodes }, options) {
    this.handle = handle;
    this.options = options;
    this.nodes = nodes.map(serverFor);
  }

  #call(op, fields = {}) {
    return call(op, { ...fields, handle: this.handle });
  }

  /** "redis://127.0.0.1:PORT" / "127.0.0.1:PORT" of every node. */
  seedUrls() {
    return this.nodes.map((n) => n.url);
  }
  seedAddresses() {
    return this.nodes.map((n) => n.address);
  }

  /** Running nodes whose ROLE is master (asked now). */
  async masters() {
    return (await this.#call("masters")).map(serverFor);
  }

  /** Running replicas of `master` (asked now). */
  async replicasOf(master) {
    return (await this.#call("replicasOf", { master: master.handle })).map(serverFor);
  }

  nodeByPort(port) {
    const n = this.nodes.find((x) => x.port === port);
    if (!n) throw new Error(`no cluster node on port ${port}`);
    return n;
  }

  /** The master serving `slot`, per CLUSTER SLOTS of a running node. */
  async nodeForSlot(slot) {
    return serverFor(await this.#call("nodeForSlot", { slot: Number(slot) }));
  }

  /** CLUSTER MYID of `node` (cached). */
  nodeId(node) {
    return this.#call("nodeId", { node: node.handle });
  }

  /** CLUSTER KEYSLOT on a running node. */
  keySlot(key) {
    return this.#call("keySlot", { key: String(key) });
  }

  /** SETSLOT IMPORTING on `to`, MIGRATING on `from` (clients now get ASK). */
  async beginSlotMigration(slot, from, to) {
    await this.#call("beginSlotMigration", { slot: Number(slot), from: from.handle, to: to.handle });
  }

  /** MIGRATE every key of `slot` from `from` to `to`; resolves how many moved. */
  migrateSlotKeys(slot, from, to) {
    return this.#call("migrateSlotKeys", { slot: Number(slot), from: from.handle, to: to.handle });
  }

  /** SETSLOT NODE on `to`, `from`, then the other running masters. */
  async finishSlotMigration(slot, from, to) {
    await this.#call("finishSlotMigration", { slot: Number(slot), from: from.handle, to: to.handle });
  }

  /** The three steps, then waitHealthy(). */
  async migrateSlot(slot, from, to) {
    await this.#call("migrateSlot", { slot: Number(slot), from: from.handle, to: to.handle });
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER] on `replica`, wait until it is master and healthy. */
  async failover(replica, mode = "") {
    await this.#call("failover", { replica: replica.handle, mode: mode.toUpperCase() });
  }

  /**
   * Waits until every running node says cluster_state:ok, all agree (CLUSTER NODES roles,
   * masters, slots) and see each other connected, every slot is served by a running master
   * and every running replica's link is up. Killed nodes are ignored (waits out a failover).
   */
  async waitHealthy() {
    await this.#call("waitHealthy");
  }

  /** Kills every node and removes their directories. */
  async cleanup() {
    await this.#call("cleanup");
    forget(this.nodes);
  }
}

/** RedisCluster.start(options). */
export const startCluster = (options) => RedisCluster.start(options);

/** Starts a cluster, runs fn(cluster), always cleans up. */
export async function withCluster(options, fn) {
  const cluster = await RedisCluster.start(options);
  try {
    return await fn(cluster);
  } finally {
    await cluster.cleanup();
  }
}

// ---- RedisSentinelSetup ----

/**
 * One master, one replica and `sentinels` (3) sentinels monitoring it as `masterName`
 * ("mymaster"). Options: masterName, sentinels, quorum (2), downAfterMs (1000),
 * failoverTimeoutMs (5000), password (data nodes + sentinel auth-pass), appendOnly,
 * fastSentinelTimers (true: SENTINEL DEBUG info-period 1000 publish-period 500), timeoutMs.
 * Fields: dataNodes (initially master, replica) and sentinels, RedisServer objects.
 */
export class RedisSentinelSetup {
  static async start(options = {}) {
    return new RedisSentinelSetup(await call("startSentinel", { options }), options);
  }

  /** Not for tests: use RedisSentinelSetup.start(). */
  constructor({ handle, masterName, dataNodes, sentinels }, options) {
    this.handle = handle;
    this.options = options;
    this.masterName = masterName;
    this.dataNodes = dataNodes.map(serverFor);
    this.sentinels = sentinels.map(serverFor);
  }

  #call(op) {
    return call(op, { handle: this.handle });
  }

  /** "127.0.0.1:PORT" of every sentinel. */
  sentinelAddresses() {
    return this.sentinels.map((s) => s.address);
  }

  /** "127.0.0.1:PORT" from SENTINEL get-master-addr-by-name of the first running sentinel. */
  currentMaster() {
    return this.#call("currentMaster");
  }

  /** The data node at currentMaster() / the other one. */
  async master() {
    return serverFor(await this.#call("master"));
  }
  async replica() {
    return serverFor(await this.#call("replica"));
  }

  /**
   * SENTINEL FAILOVER (retried on NOGOODSLAVE/INPROG), then waits until every running sentinel
   * reports another master, it has role:master, the old master is its synced replica, and
   * waitHealthy() holds. Resolves the new master address.
   */
  forceFailover() {
    return this.#call("forceFailover");
  }

  /**
   * Waits until every running sentinel agrees on the master, it has role:master, its running
   * replicas are synced and listed as healthy by each sentinel, each sentinel knows the others
   * and passes SENTINEL CKQUORUM.
   */
  async waitHealthy() {
    await this.#call("waitHealthy");
  }

  /** Sentinels first (so they do not react), then the data nodes. */
  async cleanup() {
    await this.#call("cleanup");
    forget([...this.sentinels, ...this.dataNodes]);
  }
}

/** RedisSentinelSetup.start(options). */
export const startSentinel = (options) => RedisSentinelSetup.start(options);

/** Starts a sentinel setup, runs fn(setup), always cleans up. */
export async function withSentinel(options, fn) {
  const setup = await RedisSentinelSetup.start(options);
  try {
    return await fn(setup);
  } finally {
    await setup.cleanup();
  }
}
