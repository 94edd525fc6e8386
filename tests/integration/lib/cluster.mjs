// Mixed-implementation Socket.IO clusters for black-box tests of the cluster adapters: a
// Redis topology (standalone, or a 3-master Redis Cluster) started once per test file, and
// N sio-testserver nodes (the contract: /work/shared/spec/test-server.md), each started
// from one of two commands:
//   SIO_TESTSERVER    the "A" implementation, a JSON array, e.g. '["build/apps/sio-testserver/sio-testserver"]'
//   SIO_TESTSERVER_B  the "B" implementation (default: A), e.g. '["node","tests/twin/sio-testserver.js"]'
// A pair "AB" lays out nodes as A, B, A, … (node 0 has the first letter).
//
// SIO_CLUSTER_MATRIX picks the combinations (topology × pair × variant) to run:
//   unset / "default"  {standalone, cluster} × {A+B, B+A} (A+A when SIO_TESTSERVER_B is unset)
//                      × {default options, --stream-count 3, --use-sharded-pubsub (cluster only),
//                         custom names (standalone only)}
//   "full"             every topology × {A+A, A+B, B+A, B+B} × every variant
//   a list             comma-separated topology:pair:variant patterns, `*` for any, e.g.
//                      "standalone:AB:default,cluster:*:sharded" (pairs: AA AB BA BB)
// Variants: default, streams3 (--stream-count 3), sharded (--use-sharded-pubsub, cluster only),
// names (--stream-name, --channel-prefix, --session-key-prefix, --max-len, --block-time-in-ms;
// in the default matrix on the standalone topology only).
// Test files may define more variants (e.g. the protocol 0.2 ones); the patterns apply to them too.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { setTimeout as delay } from "node:timers/promises";
import { commandFromEnv, isReferenceCommand, startCommand } from "./testserver.mjs";
import { connect as sioConnect, client as sioClient, closeAll, opOk, MODES } from "./sio.mjs";
import { startRedis, startCluster, startSentinel, waitFor } from "./redis.mjs";

export const ENV_A = "SIO_TESTSERVER";
export const ENV_B = "SIO_TESTSERVER_B";
const EXAMPLE = '["node","tests/twin/sio-testserver.js"]';

/** The two implementations: {A, B, distinct}; each {letter, env, cmd, reference}. */
export function implementations() {
  const a = commandFromEnv(ENV_A, EXAMPLE);
  const distinct = Boolean(process.env[ENV_B]);
  const b = distinct ? commandFromEnv(ENV_B, EXAMPLE) : a;
  const impl = (letter, env, cmd) => ({ letter, env, cmd, reference: isReferenceCommand(cmd, "sio-testserver.js") });
  return { A: impl("A", ENV_A, a), B: impl("B", distinct ? ENV_B : ENV_A, b), distinct };
}

/** Variants of the node options shared by the suites (name -> {args, topologies?}). */
export const VARIANTS = {
  default: { args: [] },
  streams3: { args: ["--stream-count", "3"] },
  sharded: { args: ["--use-sharded-pubsub"], topologies: ["cluster"] },
  // every name and limit changed (the default matrix runs it on the standalone topology)
  names: {
    args: [
      "--stream-name",
      "sio-test-stream",
      "--channel-prefix",
      "sio-test-chan",
      "--session-key-prefix",
      "sio-test-sess:",
      "--max-len",
      "1000",
      "--block-time-in-ms",
      "1000",
    ],
    defaultTopologies: ["standalone"],
  },
};

/** The value after `flag` in `args` (undefined when absent). */
export const argValue = (args, flag) => {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
};

export const TOPOLOGIES = ["standalone", "cluster"];

/**
 * The combinations of `topology` to run, per SIO_CLUSTER_MATRIX: [{topology, pair, variant,
 * args, label}], where `pair` is "AB" etc. and `label` reads e.g. "cluster A+B sharded".
 * `variants` maps variant names to {args, topologies?, defaultTopologies?}; `defaults` lists the variant names
 * of the default matrix and `defaultTopologies` its topologies; `pairs` narrows the pairs
 * (default: all four).
 */
export function combos(
  topology,
  { variants = VARIANTS, defaults = ["default", "streams3", "sharded", "names"], defaultTopologies = TOPOLOGIES, pairs } = {},
) {
  const { distinct } = implementations();
  const allPairs = (pairs ?? ["AA", "AB", "BA", "BB"]).filter((p) => distinct || p === "AA");
  const spec = (process.env.SIO_CLUSTER_MATRIX ?? "").trim();
  let wanted;
  if (spec === "" || spec === "default") {
    const defaultPairs = distinct ? ["AB", "BA"] : ["AA"];
    wanted = (p, v) =>
      (variants[v].defaultTopologies ?? defaultTopologies).includes(topology) && defaultPairs.includes(p) && defaults.includes(v);
  } else if (spec === "full") {
    wanted = () => true;
  } else {
    const patterns = spec.split(",").map((entry) => {
      const parts = entry.trim().split(":");
      if (parts.length !== 3) throw new Error(`SIO_CLUSTER_MATRIX: '${entry}' is not topology:pair:variant`);
      return parts.map((x) => x.replace("+", ""));
    });
    wanted = (p, v) => patterns.some(([t, pp, vv]) => (t === "*" || t === topology) && (pp === "*" || pp === p) && (vv === "*" || vv === v));
  }
  const out = [];
  for (const [name, variant] of Object.entries(variants)) {
    if (variant.topologies && !variant.topologies.includes(topology)) continue;
    for (const pair of allPairs) {
      if (!wanted(pair, name)) continue;
      out.push({ topology, pair, variant: name, args: variant.args, label: `${topology} ${pair[0]}+${pair[1]} ${name}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Redis topologies

/**
 * Starts `kind` ("standalone", "cluster": 3 masters, without replicas unless asked, or "sentinel": a master,
 * a replica and 3 sentinels; it adds failover(); a cluster adds moveSlotOf(key)). clientUrls() resolves the URLs a test's own
 * client connects to (the seeds of a cluster, the current master behind Sentinel). Resolves {kind,
 * redisArgs (the node flags: --redis URL, or --cluster --redis seed…), command(...args)
 * (on the standalone server / any master), keyCommand(key, ...args) (on the node owning
 * `key`), everyMaster(...args) (the replies of every master), cleanup()}. Commands resolve replies or RespError values (see redis.mjs).
 * A cluster started with `{replicasPerMaster: n}` (n > 0) also has ownerOf(key) (the port of the
 * master owning `key`'s slot), failoverOf(key, how) and restartKilled() (see clusterFailover()).
 */
export async function startTopology(kind, { replicasPerMaster = 0 } = {}) {
  if (kind === "standalone") {
    const server = await startRedis();
    return {
      kind,
      redisArgs: ["--redis", server.url],
      clientUrls: async () => [server.url],
      command: (...args) => server.command(...args),
      keyCommand: (key, ...args) => server.command(...args),
      everyMaster: async (...args) => [await server.command(...args)],
      cleanup: () => server.cleanup(),
    };
  }
  if (kind === "cluster") {
    const cluster = await startCluster({ masters: 3, replicasPerMaster });
    const nodeFor = async (key) => cluster.nodeForSlot(await cluster.keySlot(key));
    return {
      kind,
      ...(replicasPerMaster > 0 ? clusterFailover(cluster, nodeFor) : {}),
      redisArgs: ["--cluster", ...cluster.seedUrls().flatMap((url) => ["--redis", url])],
      clientUrls: async () => cluster.seedUrls(),
      command: async (...args) => (await cluster.masters())[0].command(...args),
      keyCommand: async (key, ...args) => (await nodeFor(key)).command(...args),
      everyMaster: async (...args) => Promise.all((await cluster.masters()).map((m) => m.command(...args))),
      // moves the slot of `key` to another master (keys included); resolves [from, to] ports
      moveSlotOf: async (key) => {
        const slot = await cluster.keySlot(key);
        const from = await cluster.nodeForSlot(slot);
        const to = (await cluster.masters()).find((m) => m !== from);
        await cluster.migrateSlot(slot, from, to);
        return [from.port, to.port];
      },
      cleanup: () => cluster.cleanup(),
    };
  }
  if (kind === "sentinel") {
    // one master, one replica, 3 sentinels: the nodes find the master through them
    const setup = await startSentinel();
    return {
      kind,
      redisArgs: [...setup.sentinelAddresses().flatMap((a) => ["--sentinel", a]), "--sentinel-master", setup.masterName],
      clientUrls: async () => [`redis://${await setup.currentMaster()}`],
      command: async (...args) => (await setup.master()).command(...args),
      keyCommand: async (key, ...args) => (await setup.master()).command(...args),
      everyMaster: async (...args) => [await (await setup.master()).command(...args)],
      failover: () => setup.forceFailover(),
      cleanup: () => setup.cleanup(),
    };
  }
  throw new Error(`unknown topology ${kind}`);
}

/**
 * What a cluster with replicas adds to its topology: ownerOf(key) resolves the port of the
 * master owning `key`'s slot; failoverOf(key, how) makes a replica of that master take over
 * and resolves [old, new] master ports once the cluster is healthy again:
 *   "graceful"  CLUSTER FAILOVER on the replica (the old master hands over, becomes a replica)
 *   "force"     CLUSTER FAILOVER FORCE (no handshake with the old master)
 *   "kill"      SIGKILL of the master, its replica is elected after the node timeout; the old
 *               master stays down until restartKilled()
 * restartKilled() starts the killed masters again and resolves once they rejoined as
 * replicas of the masters that took over and the cluster is healthy.
 */
function clusterFailover(cluster, nodeFor) {
  const killed = []; // [old master, the replica that took over]
  const roleOf = async (node) => {
    const [role, , port] = await node.commandOk("ROLE");
    return role === "slave" ? `slave of ${port}` : role;
  };
  return {
    ownerOf: async (key) => (await nodeFor(key)).port,
    failoverOf: async (key, how = "graceful") => {
      const master = await nodeFor(key);
      const [replica] = await cluster.replicasOf(master);
      if (!replica) throw new Error(`failoverOf: master ${master.address} has no replica`);
      if (how === "kill") {
        await master.kill();
        killed.push([master, replica]);
        await waitFor(`${replica.address} to take over from the killed ${master.address}`, 30000, async () => {
          const role = await roleOf(replica);
          return role === "master" ? "" : role;
        });
        await cluster.waitHealthy();
      } else {
        await cluster.failover(replica, how === "force" ? "FORCE" : "");
      }
      return [master.port, replica.port];
    },
    restartKilled: async () => {
      for (const [master, replica] of killed.splice(0)) {
        await master.start();
        await waitFor(`${master.address} to rejoin as a replica`, 30000, async () => {
          const role = await roleOf(master);
          return role === `slave of ${replica.port}` ? "" : role;
        });
      }
      await cluster.waitHealthy();
    },
  };
}

/**
 * A connected node-redis 5 client (tests/node) of `topology`: a cluster client on the seeds
 * of a Redis Cluster, else a client of the (current) master. Errors are swallowed: tests
 * assert on what arrives.
 */
export async function nodeRedisClient(topology) {
  const redis = createRequire(new URL("../../node/package.json", import.meta.url))("redis");
  const urls = await topology.clientUrls();
  const client =
    topology.kind === "cluster" ? redis.createCluster({ rootNodes: urls.map((url) => ({ url })) }) : redis.createClient({ url: urls[0] });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/**
 * Registers before()/after() that start `kind` (with startTopology's `options`) once for the
 * file; returns {get topology()}.
 */
export function sharedTopology(hooks, kind, options) {
  let topo = null;
  hooks.before(async () => {
    topo = await startTopology(kind, options);
  });
  hooks.after(async () => {
    if (topo) await topo.cleanup();
  });
  return {
    get topology() {
      return topo;
    },
  };
}

// ---------------------------------------------------------------------------------------
// nodes

/** Polls `fn` until it resolves without throwing (the last error after `ms`). */
export async function eventually(fn, ms = 4000, interval = 25) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await delay(interval);
  }
}

/** Names for per-test namespaces: `/n1`…`/nK` (short names: their Java hash is positive). */
export const namespaceNames = (count, prefix = "n") => Array.from({ length: count }, (_, i) => `/${prefix}${i + 1}`);

/**
 * A cluster of sio-testserver nodes for one describe() block. Options:
 *   topo       sharedTopology(...) result (its topology is read in before())
 *   combo      a combos() entry: pair and variant args
 *   nodes      how many nodes (2 or 3; laid out as pair[0], pair[1], pair[0])
 *   args       extra flags for every node (after the adapter flags and the variant's)
 *   nodeArgs   (i) => extra flags for node i
 *   namespaces how many per-test namespaces to serve (ns() hands them out), default 40
 *   formed     wait until every node's serverCount is `nodes` (default true)
 *   optional   a node that exits 2 at start (an optional feature the implementation does
 *              not offer, e.g. --protocol 0.2) skips the block's tests instead of failing
 *   adapter    the --adapter flag (default redis-streams)
 * The adapter flags: --adapter <adapter>, the topology's --redis/--cluster, --server-id
 * node<i>-<letter>, --read-count 1 (streams only), --ping-interval 2000 --ping-timeout 2000.
 * Returns an object whose members are valid inside tests: nodes[i] ({url, serverId, letter,
 * reference, pid, stop(), …}), ns(), connect(i, nsp, options), reference (every node is the
 * twin), stopNode(i), startNode(i), pause(i)/resume(i) (SIGSTOP/SIGCONT), wrap(fn).
 */
export function nodeCluster(
  hooks,
  {
    topo,
    combo,
    nodes: count = 3,
    args = [],
    nodeArgs = () => [],
    namespaces = 40,
    formed = true,
    optional = false,
    adapter = "redis-streams",
  },
) {
  const impls = implementations();
  const letters = Array.from({ length: count }, (_, i) => combo.pair[i % 2]);
  const nsList = namespaceNames(namespaces);
  let nextNs = 0;
  let restarts = 0;
  const state = { nodes: [], clients: [], unsupported: "" };

  const flags = (i, serverId) => [
    "--adapter",
    adapter,
    ...topo.topology.redisArgs,
    "--server-id",
    serverId,
    ...(adapter === "redis-streams" ? ["--read-count", "1"] : []),
    "--ping-interval",
    "2000",
    "--ping-timeout",
    "2000",
    ...(namespaces > 0 ? ["--namespaces", nsList.join(",")] : []),
    ...combo.args,
    ...args,
    ...nodeArgs(i),
  ];

  const launch = async (i) => {
    const impl = impls[letters[i]];
    const serverId = `node${i}-${impl.letter}${restarts ? `-r${restarts}` : ""}`;
    const srv = await startCommand(impl.env, flags(i, serverId), { twinScript: "sio-testserver.js" });
    Object.assign(srv, { serverId, letter: impl.letter, reference: impl.reference, index: i });
    return srv;
  };

  const waitFormed = async () => {
    const sockets = await Promise.all(state.nodes.map((n) => sioConnect(n.url, "/", { mode: MODES[1] })));
    try {
      await eventually(async () => {
        const counts = await Promise.all(sockets.map((s) => opOk(s, { op: "serverCount" })));
        assert.deepEqual(counts, state.nodes.map(() => state.nodes.length), "serverCount per node");
      }, 15000, 100);
    } finally {
      closeAll(...sockets);
    }
  };

  hooks.before(async () => {
    const started = await Promise.allSettled(letters.map((_, i) => launch(i)));
    state.nodes = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.allSettled(state.nodes.map((n) => n.stop()));
      state.nodes = [];
      const message = String(failed.reason && failed.reason.message);
      if (optional && /server exited \(code 2,/.test(message)) {
        state.unsupported = message.split("\n").find((l) => /not|unsupported/i.test(l) && !/^command:/.test(l)) || message.split("\n")[0];
        return;
      }
      throw failed.reason;
    }
    if (formed) await waitFormed();
  });
  hooks.after(async () => {
    closeAll(...state.clients.splice(0));
    const results = await Promise.allSettled(state.nodes.map((n) => n && n.stop()));
    const bad = results.find((r) => r.status === "rejected");
    if (bad) throw bad.reason;
  });
  // every test closes what it opened (tests share the nodes, not the namespaces)
  if (hooks.afterEach) hooks.afterEach(() => closeAll(...state.clients.splice(0)));

  const describeAll = () => state.nodes.map((n, i) => (n ? `--- node ${i} (${n.serverId}) ---\n${n.describe()}` : "")).join("\n");

  return {
    get nodes() {
      return state.nodes;
    },
    combo,
    label: combo.label,
    /** True when every node runs the Node.js twin (the official packages). */
    get reference() {
      return state.nodes.every((n) => n.reference);
    },
    /** A namespace no other test of this cluster uses. */
    ns() {
      if (nextNs >= nsList.length) throw new Error(`out of namespaces (${nsList.length}): raise \`namespaces\``);
      return nsList[nextNs++];
    },
    /** A connected official client (websocket) on node i, closed after the test. */
    async connect(i, nsp = "/", options = {}) {
      const s = await sioConnect(state.nodes[i].url, nsp, { mode: MODES[1], ...options });
      state.clients.push(s);
      return s;
    },
    /** A client on node i that is not awaited (for connect errors etc.), closed after the test. */
    client(i, nsp = "/", options = {}) {
      const s = sioClient(state.nodes[i].url, nsp, { mode: MODES[1], ...options });
      state.clients.push(s);
      return s;
    },
    /** SIGTERM node i (asserting a clean exit). */
    async stopNode(i) {
      const n = state.nodes[i];
      state.nodes[i] = null;
      await n.stop();
    },
    /** Starts node i again (same implementation, a new server id). */
    async startNode(i) {
      restarts++;
      state.nodes[i] = await launch(i);
      return state.nodes[i];
    },
    pause(i) {
      process.kill(state.nodes[i].pid, "SIGSTOP");
    },
    resume(i) {
      process.kill(state.nodes[i].pid, "SIGCONT");
    },
    /** Runs fn(t) with every node's command line and output appended to a failure. */
    wrap: (fn) => async (t) => {
      if (state.unsupported) return t.skip(`unsupported: ${state.unsupported}`);
      try {
        return await fn(t);
      } catch (err) {
        if (err && typeof err === "object") {
          try {
            err.message += `\n${describeAll()}`;
          } catch {
            /* read-only message */
          }
        }
        throw err;
      }
    },
  };
}

/** The Java-style string hash of the streams adapter (§1.3): int32, over UTF-16 units. */
export function streamHash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The stream a namespace writes to: `name` or `${name}-${hash % count}` (JS remainder). */
export function streamFor(nsp, { name = "socket.io", count = 1 } = {}) {
  return count === 1 ? name : `${name}-${streamHash(nsp) % count}`;
}
