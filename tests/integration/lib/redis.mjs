// Real Redis processes for Node.js black-box tests (the twin of tests/redis/support): a
// standalone server (AOF, password, ACL users, restart/kill), a cluster (slot migration,
// manual failover) and a sentinel setup (forced failover), each on free ports of 127.0.0.1
// with data in its own temporary directory. cleanup() (or the with*() helpers) kills the
// processes and removes the directories; a process 'exit' hook and setpriv --pdeathsig catch
// what a failing test leaves behind. Needs redis-server and redis-cli in PATH.

import { spawn, execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export const DEFAULT_TIMEOUT_MS = 30_000;
const SLOTS = 16384;
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));

// ---- process-wide cleanup ----

const live = new Set(); // RedisServer objects not cleaned up yet

process.once("exit", () => {
  for (const server of live) server.cleanupSync();
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const server of live) server.cleanupSync();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

function keepDirs() {
  return process.env.SIO_REDIS_KEEP_DIRS === "1";
}

/** Removes fixture directories whose owning test process is gone (killed with SIGKILL). */
function removeStaleDirs(base) {
  let entries = [];
  try {
    entries = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of entries) {
    if (!name.startsWith("sio-redis-")) continue;
    const dir = path.join(base, name);
    let owner = 0;
    try {
      owner = Number.parseInt(fs.readFileSync(path.join(dir, "owner.pid"), "utf8"), 10);
    } catch {
      continue;
    }
    if (!(owner > 0)) continue;
    try {
      process.kill(owner, 0);
    } catch (e) {
      if (e.code === "ESRCH") fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function makeTempDir() {
  const base = os.tmpdir();
  removeStaleDirs(base);
  const dir = fs.mkdtempSync(path.join(base, "sio-redis-"));
  fs.writeFileSync(path.join(dir, "owner.pid"), `${process.pid}\n`);
  return dir;
}

// ---- small helpers ----

/** A port of 127.0.0.1 that was free a moment ago (the kernel picks it). */
export async function freePort() {
  return (await freePorts(1))[0];
}

/** `count` distinct free ports (all held open until every one is picked). */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
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

/** Runs a program; resolves {code, stdout, stderr}; rejects if it cannot start or times out. */
export function runProgram(file, args, { env = {}, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error && (error.killed || typeof error.code !== "number")) {
          reject(
            new Error(`'${[file, ...args].join(" ")}' failed: ${error.message}\n${stdout}${stderr}`),
          );
          return;
        }
        resolve({ code: error ? error.code : 0, stdout, stderr });
      },
    );
  });
}

const trimNewlines = (s) => s.replace(/[\r\n]+$/, "");
const role = async (server) => {
  const r = await server.command("ROLE");
  if (!Array.isArray(r)) return { role: "", masterPort: 0 };
  return { role: r[0], masterPort: r[0] === "slave" ? Number(r[2]) : 0 };
};

// ---- RedisServer ----

/**
 * One redis-server (or sentinel) process. Options:
 *   appendOnly (appendonly yes + appendfsync always), password (requirepass + masterauth),
 *   aclUsers (["alice on >pw ~* +@all", ...] written as `user ...`), clusterEnabled,
 *   clusterNodeTimeoutMs (2000), extraConfig (lines), sentinel (run as redis-server --sentinel),
 *   timeoutMs (each start, and stop() before SIGKILL; 30000).
 */
export class RedisServer {
  /** Starts the server and resolves once it answers PING (and is really our process). */
  static async start(options = {}) {
    const server = new RedisServer(options);
    live.add(server);
    try {
      await server.#launch(true);
    } catch (e) {
      server.cleanupSync();
      throw e;
    }
    return server;
  }

  #child = null;
  #exited = null;
  #exitInfo = null;

  constructor(options) {
    this.options = {
      appendOnly: false,
      password: "",
      aclUsers: [],
      clusterEnabled: false,
      clusterNodeTimeoutMs: 2000,
      extraConfig: [],
      sentinel: false,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      ...options,
    };
    this.dir = makeTempDir();
    this.configFile = path.join(this.dir, "redis.conf");
    this.logFile = path.join(this.dir, "redis.log");
    this.port = 0;
    this.busPort = 0;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  get address() {
    return `127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.#child?.pid ?? 0;
  }
  get running() {
    return this.#child !== null && this.#exitInfo === null;
  }
  /** Resolves {code, signal} once the current process has exited. */
  get exited() {
    return this.#exited ?? Promise.resolve(this.#exitInfo);
  }

  #writeConfig() {
    const o = this.options;
    const lines = [
      "# generated by the socketio-cpp Redis test fixtures",
      `port ${this.port}`,
      "bind 127.0.0.1",
      `dir ${JSON.stringify(this.dir)}`,
      'logfile ""',
      "daemonize no",
    ];
    if (o.sentinel) {
      lines.push("sentinel resolve-hostnames no");
    } else {
      lines.push('save ""', `appendonly ${o.appendOnly ? "yes" : "no"}`);
      if (o.appendOnly) lines.push("appendfsync always");
      lines.push("enable-debug-command yes", "repl-diskless-sync-delay 0");
      if (o.password)
        lines.push(`requirepass ${JSON.stringify(o.password)}`, `masterauth ${JSON.stringify(o.password)}`);
      for (const u of o.aclUsers) lines.push(u.startsWith("user ") ? u : `user ${u}`);
      if (o.clusterEnabled)
        lines.push(
          "cluster-enabled yes",
          "cluster-config-file nodes.conf",
          `cluster-port ${this.busPort}`,
          `cluster-node-timeout ${o.clusterNodeTimeoutMs}`,
        );
    }
    lines.push(...o.extraConfig);
    fs.writeFileSync(this.configFile, lines.join("\n") + "\n");
  }

  #spawn() {
    const logFd = fs.openSync(this.logFile, "a");
    const argv = ["redis-server", this.configFile, ...(this.options.sentinel ? ["--sentinel"] : [])];
    const [file, args] = SETPRIV ? [SETPRIV, ["--pdeathsig", "KILL", "--", ...argv]] : [argv[0], argv.slice(1)];
    let child;
    try {
      child = spawn(file, args, { stdio: ["ignore", logFd, logFd], detached: true });
    } finally {
      fs.closeSync(logFd);
    }
    this.#child = child;
    this.#exitInfo = null;
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exitInfo = { code, signal };
        resolve(this.#exitInfo);
      });
      child.once("error", (error) => {
        this.#exitInfo = { code: null, signal: null, error };
        resolve(this.#exitInfo);
      });
    });
    child.unref(); // a forgotten server must not keep the test process alive ('exit' kills it)
  }

  async #launch(mayChangePort) {
    const end = Date.now() + this.options.timeoutMs;
    let portRetries = 0;
    let newPorts = mayChangePort;
    for (;;) {
      if (newPorts) {
        const ports = await freePorts(this.options.clusterEnabled ? 2 : 1);
        this.port = ports[0];
        this.busPort = this.options.clusterEnabled ? ports[1] : 0;
        this.#writeConfig();
      }
      const logOffset = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
      this.#spawn();
      let problem = "no answer yet";
      let retry = false;
      for (;;) {
        if (!this.running) {
          // let the 'exit' settle before reading the log
          const info = await this.exited;
          const log = fs.readFileSync(this.logFile).subarray(logOffset).toString("utf8");
          const portTaken = log.includes("Address already in use");
          if (portTaken && mayChangePort && ++portRetries <= 10) {
            newPorts = true;
            retry = true;
            break;
          }
          if (portTaken && !mayChangePort && Date.now() < end) {
            await delay(250);
            newPorts = false;
            retry = true;
            break;
          }
          throw new Error(
            `redis-server (port ${this.port}) exited during start (${JSON.stringify(info)}); log:\n${this.logTail()}`,
          );
        }
        try {
          const [ping, info] = await respPipeline(this.port, [["PING"], ["INFO", "server"]], {
            password: this.options.password,
            timeoutMs: 2000,
          });
          if (ping instanceof RespError && /^(LOADING|BUSY)/.test(ping.message)) {
            problem = ping.message;
          } else if (typeof info === "string") {
            if (infoField(info, "process_id") === String(this.pid)) return;
            problem = `port ${this.port} answered by process ${infoField(info, "process_id")}`;
          } else {
            return; // e.g. NOAUTH when ACL users lock out the default user: it does answer
          }
        } catch (e) {
          problem = e.message;
        }
        if (Date.now() >= end) {
          await this.kill();
          throw new Error(
            `redis-server on port ${this.port} not ready within ${this.options.timeoutMs} ms (${problem}); log:\n${this.logTail()}`,
          );
        }
        await delay(20);
      }
      if (!retry) return;
    }
  }

  /** SIGTERM and wait (SIGKILL after timeoutMs). No-op when not running. */
  async stop() {
    if (!this.running) return;
    this.#child.ref(); // keep the event loop alive until the 'exit' arrives
    const pid = this.pid;
    try {
      process.kill(pid, "SIGTERM");
      process.kill(pid, "SIGCONT"); // in case it was paused
    } catch {}
    const timeout = delay(this.options.timeoutMs, "timeout", { ref: false });
    if ((await Promise.race([this.exited, timeout])) === "timeout") await this.kill();
  }

  /** SIGKILL (the whole process group) and wait. No-op when not running. */
  async kill() {
    if (!this.running) return;
    this.#child.ref(); // keep the event loop alive until the 'exit' arrives
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      try {
        process.kill(this.pid, "SIGKILL");
      } catch {}
    }
    await this.exited;
  }

  /** Starts again after stop()/kill(): same port, directory and (possibly rewritten) config. */
  async start() {
    if (this.running) throw new Error(`redis-server on port ${this.port} is already running`);
    await this.#launch(false);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  /** SIGSTOP / SIGCONT: a hung server that keeps its connections. */
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
  async cli(...args) {
    const argv = ["-h", "127.0.0.1", "-p", String(this.port), ...args.map(String)];
    const env = this.options.password ? { REDISCLI_AUTH: this.options.password } : {};
    const r = await runProgram("redis-cli", argv, { env, timeoutMs: this.options.timeoutMs });
    if (r.code !== 0) throw new Error(`redis-cli ${argv.join(" ")} exited with ${r.code}: ${r.stderr}${r.stdout}`);
    return trimNewlines(r.stdout);
  }

  /** respCommand on this server with its password (error replies are RespError values). */
  command(...args) {
    return respCommand(this.port, args, { password: this.options.password });
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

  /** Kills the process and removes the directory (kept with SIO_REDIS_KEEP_DIRS=1). */
  async cleanup() {
    await this.kill();
    this.cleanupSync();
  }

  cleanupSync() {
    if (this.running) {
      try {
        process.kill(-this.pid, "SIGKILL");
      } catch {
        try {
          process.kill(this.pid, "SIGKILL");
        } catch {}
      }
    }
    if (live.delete(this)) {
      if (keepDirs()) process.stderr.write(`[redis fixtures] kept ${this.dir}\n`);
      else fs.rmSync(this.dir, { recursive: true, force: true });
    }
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
    const cluster = new RedisCluster({
      masters: 3,
      replicasPerMaster: 1,
      nodeTimeoutMs: 2000,
      appendOnly: false,
      password: "",
      extraConfig: [],
      timeoutMs: DEFAULT_TIMEOUT_MS,
      ...options,
    });
    try {
      await cluster.#create();
    } catch (e) {
      await cluster.cleanup();
      throw e;
    }
    return cluster;
  }

  #ids = new Map(); // port -> node id

  constructor(options) {
    this.options = options;
    this.nodes = [];
  }

  async #create() {
    const o = this.options;
    const total = o.masters * (1 + o.replicasPerMaster);
    const nodeOptions = {
      clusterEnabled: true,
      clusterNodeTimeoutMs: o.nodeTimeoutMs,
      appendOnly: o.appendOnly,
      password: o.password,
      extraConfig: o.extraConfig,
      timeoutMs: o.timeoutMs,
    };
    const started = await Promise.allSettled(
      Array.from({ length: total }, () => RedisServer.start(nodeOptions)),
    );
    for (const s of started) if (s.status === "fulfilled") this.nodes.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const args = [
      "--cluster",
      "create",
      ...this.nodes.map((n) => n.address),
      "--cluster-replicas",
      String(o.replicasPerMaster),
      "--cluster-yes",
    ];
    const env = o.password ? { REDISCLI_AUTH: o.password } : {};
    const r = await runProgram("redis-cli", args, { env, timeoutMs: 2 * o.timeoutMs });
    if (r.code !== 0) throw new Error(`redis-cli ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    await this.waitHealthy();
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
    const out = [];
    for (const n of this.nodes) if (n.running && (await role(n)).role === "master") out.push(n);
    return out;
  }

  /** Running replicas of `master` (asked now). */
  async replicasOf(master) {
    const out = [];
    for (const n of this.nodes) {
      if (!n.running) continue;
      const r = await role(n);
      if (r.role === "slave" && r.masterPort === master.port) out.push(n);
    }
    return out;
  }

  #anyRunning() {
    const n = this.nodes.find((x) => x.running);
    if (!n) throw new Error("no cluster node is running");
    return n;
  }

  nodeByPort(port) {
    const n = this.nodes.find((x) => x.port === port);
    if (!n) throw new Error(`no cluster node on port ${port}`);
    return n;
  }

  /** The master serving `slot`, per CLUSTER SLOTS of a running node. */
  async nodeForSlot(slot) {
    const slots = await this.#anyRunning().commandOk("CLUSTER", "SLOTS");
    for (const [lo, hi, [, port]] of slots) if (slot >= lo && slot <= hi) return this.nodeByPort(port);
    throw new Error(`slot ${slot} is not served: ${JSON.stringify(slots)}`);
  }

  async nodeId(node) {
    if (!this.#ids.has(node.port)) this.#ids.set(node.port, await node.commandOk("CLUSTER", "MYID"));
    return this.#ids.get(node.port);
  }

  async keySlot(key) {
    return this.#anyRunning().commandOk("CLUSTER", "KEYSLOT", key);
  }

  /** SETSLOT IMPORTING on `to`, MIGRATING on `from` (clients now get ASK). */
  async beginSlotMigration(slot, from, to) {
    await to.commandOk("CLUSTER", "SETSLOT", slot, "IMPORTING", await this.nodeId(from));
    await from.commandOk("CLUSTER", "SETSLOT", slot, "MIGRATING", await this.nodeId(to));
  }

  /** MIGRATE every key of `slot` from `from` to `to`; resolves how many moved. */
  async migrateSlotKeys(slot, from, to) {
    let moved = 0;
    for (;;) {
      const keys = await from.commandOk("CLUSTER", "GETKEYSINSLOT", slot, 100);
      if (keys.length === 0) return moved;
      const auth = this.options.password ? ["AUTH", this.options.password] : [];
      await from.commandOk("MIGRATE", "127.0.0.1", to.port, "", 0, 10000, ...auth, "KEYS", ...keys);
      moved += keys.length;
    }
  }

  /** SETSLOT NODE on `to`, `from`, then the other running masters. */
  async finishSlotMigration(slot, from, to) {
    const toId = await this.nodeId(to);
    await to.commandOk("CLUSTER", "SETSLOT", slot, "NODE", toId);
    await from.commandOk("CLUSTER", "SETSLOT", slot, "NODE", toId);
    for (const m of await this.masters())
      if (m !== from && m !== to) await m.commandOk("CLUSTER", "SETSLOT", slot, "NODE", toId);
  }

  /** The three steps, then waitHealthy(). */
  async migrateSlot(slot, from, to) {
    await this.beginSlotMigration(slot, from, to);
    await this.migrateSlotKeys(slot, from, to);
    await this.finishSlotMigration(slot, from, to);
    await this.waitHealthy();
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER] on `replica`, wait until it is master and healthy. */
  async failover(replica, mode = "") {
    if ((await role(replica)).role !== "slave") throw new Error(`failover: ${replica.address} is not a replica`);
    const cmd = ["CLUSTER", "FAILOVER", ...(mode ? [mode.toUpperCase()] : [])];
    await replica.commandOk(...cmd);
    let sent = Date.now();
    await waitFor(`failover to ${replica.address}`, this.options.timeoutMs, async () => {
      if ((await role(replica)).role === "master") return "";
      if (Date.now() - sent > 8000) {
        // a manual failover gives up after 5 s: ask again
        await replica.commandOk(...cmd);
        sent = Date.now();
      }
      return `${replica.address} is not master yet`;
    });
    await this.waitHealthy();
  }

  /**
   * Waits until every running node says cluster_state:ok, all agree (CLUSTER NODES roles,
   * masters, slots) and see each other connected, every slot is served by a running master
   * and every running replica's link is up. Killed nodes are ignored (waits out a failover).
   */
  async waitHealthy() {
    await waitFor("cluster healthy", this.options.timeoutMs, () => this.#problem());
  }

  async #problem() {
    const liveNodes = this.nodes.filter((n) => n.running);
    if (liveNodes.length === 0) return "no node is running";
    const byId = new Map();
    for (const n of liveNodes) byId.set(await this.nodeId(n), n);
    let first = null;
    let firstNode = null;
    for (const n of liveNodes) {
      const [info, nodes] = await respPipeline(n.port, [["CLUSTER", "INFO"], ["CLUSTER", "NODES"]], {
        password: this.options.password,
      });
      if (info instanceof RespError || nodes instanceof RespError) return `${n.address}: ${info} / ${nodes}`;
      const state = infoField(info, "cluster_state");
      if (state !== "ok") return `${n.address} has cluster_state:${state}`;
      const view = new Map();
      for (const line of nodes.split("\n")) {
        const w = line.trim().split(/\s+/);
        if (w.length < 8 || !byId.has(w[0])) continue;
        const who = byId.get(w[0]).address;
        const flags = w[2];
        for (const bad of ["fail", "handshake", "noaddr"])
          if (flags.includes(bad)) return `${n.address} sees ${who} as ${flags}`;
        if (!flags.includes("myself") && w[7] !== "connected") return `${n.address} has no link to ${who}`;
        const master = flags.includes("master");
        const slots = w.slice(8).filter((s) => !s.startsWith("["));
        view.set(w[0], `${master ? "master -" : `slave ${w[3]}`} ${slots.join(" ")}`.trim());
      }
      if (view.size !== byId.size) return `${n.address} knows ${view.size} of the ${byId.size} running nodes`;
      if (!first) {
        first = view;
        firstNode = n;
      } else {
        for (const [id, desc] of view)
          if (first.get(id) !== desc)
            return `${n.address} sees ${byId.get(id).address} as '${desc}' but ${firstNode.address} as '${first.get(id)}'`;
      }
    }
    const covered = new Uint8Array(SLOTS);
    for (const desc of first.values()) {
      const w = desc.split(" ");
      if (w[0] !== "master") continue;
      for (const range of w.slice(2)) {
        const [lo, hi = lo] = range.split("-").map(Number);
        covered.fill(1, lo, hi + 1);
      }
    }
    const missing = covered.reduce((acc, c) => acc + (c ? 0 : 1), 0);
    if (missing) return `${missing} slots not served by a running master`;
    for (const [id, desc] of first) {
      if (!desc.startsWith("slave")) continue;
      const replica = byId.get(id);
      const link = infoField(await replica.info("replication"), "master_link_status");
      if (link !== "up") return `replica ${replica.address} master_link_status:${link}`;
    }
    return "";
  }

  async cleanup() {
    await Promise.all(this.nodes.map((n) => n.cleanup()));
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
 */
export class RedisSentinelSetup {
  static async start(options = {}) {
    const setup = new RedisSentinelSetup({
      masterName: "mymaster",
      sentinels: 3,
      quorum: 2,
      downAfterMs: 1000,
      failoverTimeoutMs: 5000,
      password: "",
      appendOnly: false,
      fastSentinelTimers: true,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      ...options,
    });
    try {
      await setup.#create();
    } catch (e) {
      await setup.cleanup();
      throw e;
    }
    return setup;
  }

  constructor(options) {
    this.options = options;
    this.dataNodes = [];
    this.sentinels = [];
  }

  get masterName() {
    return this.options.masterName;
  }

  async #create() {
    const o = this.options;
    const dataOptions = { password: o.password, appendOnly: o.appendOnly, timeoutMs: o.timeoutMs };
    const master = await RedisServer.start(dataOptions);
    this.dataNodes.push(master);
    const replica = await RedisServer.start({
      ...dataOptions,
      extraConfig: [`replicaof 127.0.0.1 ${master.port}`],
    });
    this.dataNodes.push(replica);
    await waitFor(`replica ${replica.address} synced`, o.timeoutMs, async () => {
      const link = infoField(await replica.info("replication"), "master_link_status");
      return link === "up" ? "" : `master_link_status:${link}`;
    });
    const name = o.masterName;
    const extraConfig = [
      `sentinel monitor ${name} 127.0.0.1 ${master.port} ${o.quorum}`,
      `sentinel down-after-milliseconds ${name} ${o.downAfterMs}`,
      `sentinel failover-timeout ${name} ${o.failoverTimeoutMs}`,
      ...(o.password ? [`sentinel auth-pass ${name} ${JSON.stringify(o.password)}`] : []),
    ];
    const started = await Promise.allSettled(
      Array.from({ length: o.sentinels }, () =>
        RedisServer.start({ sentinel: true, extraConfig, timeoutMs: o.timeoutMs }),
      ),
    );
    for (const s of started) if (s.status === "fulfilled") this.sentinels.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    if (o.fastSentinelTimers)
      for (const s of this.sentinels)
        await s.commandOk("SENTINEL", "DEBUG", "info-period", 1000, "publish-period", 500);
    await this.waitHealthy();
  }

  /** "127.0.0.1:PORT" of every sentinel. */
  sentinelAddresses() {
    return this.sentinels.map((s) => s.address);
  }

  /** "127.0.0.1:PORT" from SENTINEL get-master-addr-by-name of the first running sentinel. */
  async currentMaster() {
    let last = "no sentinel is running";
    for (const s of this.sentinels) {
      if (!s.running) continue;
      try {
        const r = await s.command("SENTINEL", "get-master-addr-by-name", this.masterName);
        if (Array.isArray(r) && r.length === 2) return `${r[0]}:${r[1]}`;
        last = `${s.address}: ${r}`;
      } catch (e) {
        last = e.message;
      }
    }
    throw new Error(`currentMaster: ${last}`);
  }

  #dataNodeAt(address) {
    const n = this.dataNodes.find((d) => d.address === address);
    if (!n) throw new Error(`no data node at ${address}`);
    return n;
  }

  /** The data node at currentMaster() / the other one. */
  async master() {
    return this.#dataNodeAt(await this.currentMaster());
  }
  async replica() {
    const m = await this.master();
    return this.dataNodes.find((d) => d !== m);
  }

  /**
   * SENTINEL FAILOVER (retried on NOGOODSLAVE/INPROG), then waits until every running sentinel
   * reports another master, it has role:master, the old master is its synced replica, and
   * waitHealthy() holds. Resolves the new master address.
   */
  async forceFailover() {
    const name = this.masterName;
    const oldAddr = await this.currentMaster();
    const oldMaster = this.#dataNodeAt(oldAddr);
    const end = Date.now() + this.options.timeoutMs;
    for (;;) {
      const sentinel = this.sentinels.find((s) => s.running);
      if (!sentinel) throw new Error("forceFailover: no sentinel is running");
      const r = await sentinel.command("SENTINEL", "FAILOVER", name);
      if (!(r instanceof RespError)) break;
      if (!/NOGOODSLAVE|INPROG/.test(r.message) || Date.now() >= end)
        throw new Error(`SENTINEL FAILOVER ${name} on ${sentinel.address}: ${r.message}`);
      await delay(200);
    }
    let newAddr = "";
    await waitFor("sentinel failover", Math.max(1000, end - Date.now()), async () => {
      for (const s of this.sentinels) {
        if (!s.running) continue;
        const r = await s.command("SENTINEL", "get-master-addr-by-name", name);
        const addr = Array.isArray(r) ? `${r[0]}:${r[1]}` : String(r);
        if (addr === oldAddr) return `${s.address} still reports ${oldAddr}`;
        newAddr = addr;
      }
      const newMaster = this.#dataNodeAt(newAddr);
      if ((await role(newMaster)).role !== "master") return `${newAddr} does not have role:master yet`;
      if (oldMaster.running) {
        const info = await oldMaster.info("replication");
        if (
          infoField(info, "role") !== "slave" ||
          infoField(info, "master_port") !== String(newMaster.port) ||
          infoField(info, "master_link_status") !== "up"
        )
          return `old master ${oldAddr} is not yet a synced replica of ${newAddr}`;
      }
      return "";
    });
    await this.waitHealthy();
    return newAddr;
  }

  /**
   * Waits until every running sentinel agrees on the master, it has role:master, its running
   * replicas are synced and listed as healthy by each sentinel, each sentinel knows the others
   * and passes SENTINEL CKQUORUM.
   */
  async waitHealthy() {
    await waitFor("sentinel setup healthy", this.options.timeoutMs, () => this.#problem());
  }

  async #problem() {
    const name = this.masterName;
    const liveSentinels = this.sentinels.filter((s) => s.running);
    if (liveSentinels.length === 0) return "no sentinel is running";
    let masterAddr = "";
    for (const s of liveSentinels) {
      const r = await s.command("SENTINEL", "get-master-addr-by-name", name);
      if (!Array.isArray(r) || r.length !== 2) return `${s.address} get-master-addr-by-name: ${r}`;
      const addr = `${r[0]}:${r[1]}`;
      masterAddr ||= addr;
      if (addr !== masterAddr) return `sentinels disagree on the master: ${masterAddr} vs ${addr}`;
    }
    const master = this.#dataNodeAt(masterAddr);
    if (!master.running) return `master ${masterAddr} is not running`;
    if ((await role(master)).role !== "master") return `${masterAddr} does not have role:master yet`;
    const replicas = [];
    for (const d of this.dataNodes) {
      if (d === master || !d.running) continue;
      const info = await d.info("replication");
      if (
        infoField(info, "role") !== "slave" ||
        infoField(info, "master_port") !== String(master.port) ||
        infoField(info, "master_link_status") !== "up"
      )
        return `data node ${d.address} is not a synced replica of ${masterAddr}`;
      replicas.push(d);
    }
    const fields = (flat) => {
      const m = new Map();
      for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
      return m;
    };
    for (const s of liveSentinels) {
      const m = fields(await s.commandOk("SENTINEL", "MASTER", name));
      if (m.get("flags") !== "master") return `${s.address} sees the master with flags ${m.get("flags")}`;
      if (m.get("num-other-sentinels") !== String(this.options.sentinels - 1))
        return `${s.address} knows ${m.get("num-other-sentinels")} other sentinels`;
      const listed = (await s.commandOk("SENTINEL", "REPLICAS", name)).map(fields);
      for (const rep of replicas) {
        const f = listed.find((x) => x.get("port") === String(rep.port));
        if (
          !f ||
          f.get("flags") !== "slave" ||
          f.get("master-link-status") !== "ok" ||
          f.get("master-port") !== String(master.port)
        )
          return `${s.address} sees replica ${rep.address}: ${f ? JSON.stringify([...f]) : "not listed"}`;
      }
      const q = await s.command("SENTINEL", "CKQUORUM", name);
      if (q instanceof RespError) return `${s.address} CKQUORUM: ${q.message}`;
    }
    return "";
  }

  /** Sentinels first (so they do not react), then the data nodes. */
  async cleanup() {
    await Promise.all(this.sentinels.map((s) => s.cleanup()));
    await Promise.all(this.dataNodes.map((d) => d.cleanup()));
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
