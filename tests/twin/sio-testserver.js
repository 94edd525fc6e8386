#!/usr/bin/env node
// The Node.js twin of apps/sio-testserver: the same flags and the same events, built
// on the official npm packages (socket.io 4.8, engine.io 6.6) installed in
// tests/node/node_modules. The contract is /work/shared/spec/test-server.md.
//
// Implemented: flag parsing (every flag of the contract is accepted), the memory
// adapter and the Redis Streams adapter (`--adapter redis-streams`: the official
// @socket.io/redis-streams-adapter 0.3.1 on node-redis 5, or with `--protocol 0.2` the
// 0.2.3 package on node-redis 4; standalone, `--cluster`, `--sentinel` with 0.3) with
// every `op` of the contract, the socket.io events `auth`, `message` -> `message-back`,
// `message-with-ack`, the server-side `ping` listener, connection state recovery
// (--recovery), the raw Engine.IO echo endpoint at /engine.io/ (--engine-echo), and the
// classic and sharded Redis adapters (`--adapter redis` / `redis-sharded`:
// @socket.io/redis-adapter 8.3.0 on node-redis 5). `--max-attachments` is socket.io-parser's
// `maxAttachments`; `--parser msgpack` gives socket.io the official socket.io-msgpack-parser
// (3.0.2) as its `parser`; `--tls-cert`/`--tls-key` serve HTTPS and WSS through node:https
// (SIGHUP reloads them, as the C++ server does); `--cookie` is socket.io's `cookie: true`;
// `--allow-eio3` is `allowEIO3: true` (on the echo endpoint too);
// `--max-buffered-bytes`, `--max-connections`, `--trust-proxy` and `--log-level` are
// accepted and ignored with a note on standard error (socket.io has no such features).
// `--admin-ui` runs the official instrument() of @socket.io/admin-ui 0.5.1 (`--admin-auth
// user:password`: basic auth, the password hashed with bcryptjs; beyond the contract,
// `--admin-readonly` and `--admin-mode development|production`).
"use strict";

const path = require("node:path");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const { createRequire } = require("node:module");

const peerRequire = createRequire(path.join(__dirname, "..", "node", "package.json"));

const USAGE = `usage: sio-testserver [options]
  --host H                      address to listen on (default 127.0.0.1)
  --port N                      port to listen on, 0 picks a free one (default 3000)
  --adapter A                   memory | redis-streams | redis | redis-sharded (default memory)
  --redis URL                   Redis URL (repeatable with --cluster)
  --cluster                     the --redis URLs are Redis Cluster seed nodes
  --sentinel host:port          Sentinel node (repeatable)
  --sentinel-master NAME        Sentinel master name
  --ping-interval MS            (default 25000)
  --ping-timeout MS             (default 20000)
  --max-payload BYTES           (default 1000000)
  --connect-timeout MS          (default 45000)
  --recovery                    enable connection state recovery
  --max-disconnection-duration MS  (default 120000)
  --namespaces /a,/b            extra namespaces besides / and /custom
  --server-id S                 this node's name (default <host>:<port>)
  --engine-echo                 serve a raw Engine.IO echo endpoint at /engine.io/
  streams adapter: --stream-name --stream-count --channel-prefix --max-len --read-count
                   --block-time-in-ms --session-key-prefix --use-sharded-pubsub
                   --only-plaintext --heartbeat-interval --heartbeat-timeout --protocol 0.2|0.3
  classic adapter: --key --requests-timeout --publish-on-specific-response-channel
                   --subscribe-to-local-rooms-only (C++ only; accepted and ignored here)
  sharded adapter: --channel-prefix --subscription-mode static|dynamic|dynamic-private
  --max-attachments N           binary attachments one packet may announce (default 10)
  --parser P                    default | msgpack: socket.io-parser or socket.io-msgpack-parser (default: default)
  --max-buffered-bytes N        (C++ only: socket.io has no slow-consumer bound; ignored here)
  --max-connections N           (C++ only: socket.io has no connection limit; ignored here)
  --log-level L                 trace|debug|info|warn|error|off (accepted and ignored here)
  --tls-cert FILE --tls-key FILE  serve HTTPS and WSS (SIGHUP reloads the files)
  --trust-proxy                 (C++ only: socket.io does not read X-Forwarded-*; ignored here)
  --cookie                      set the io cookie on handshake (socket.io's cookie: true)
  --allow-eio3                  also serve Engine.IO v3 clients (socket.io's allowEIO3)
  --admin-ui                    serve the /admin namespace of @socket.io/admin-ui
  --admin-auth user:password    basic auth for the admin UI (none when absent)
  --admin-readonly              the admin UI may look but not act
  --admin-mode M                development | production (default development)
  --help                        print this help and exit
  --version                     print the version (of socket.io, for the twin) and exit
`;

// name -> kind: "string", "int" (non-negative integer), "list" (repeatable string), "bool"
const FLAGS = {
  // handled before the table (they print and exit); listed so the table names every flag
  help: "bool",
  version: "bool",
  host: "string",
  port: "int",
  adapter: "string",
  redis: "list",
  cluster: "bool",
  sentinel: "list",
  "sentinel-master": "string",
  "ping-interval": "int",
  "ping-timeout": "int",
  "max-payload": "int",
  "connect-timeout": "int",
  recovery: "bool",
  "max-disconnection-duration": "int",
  namespaces: "string",
  "server-id": "string",
  "engine-echo": "bool",
  // streams adapter
  "stream-name": "string",
  "stream-count": "int",
  "channel-prefix": "string",
  "max-len": "int",
  "read-count": "int",
  "block-time-in-ms": "int",
  "session-key-prefix": "string",
  "use-sharded-pubsub": "bool",
  "only-plaintext": "bool",
  "heartbeat-interval": "int",
  "heartbeat-timeout": "int",
  protocol: "string",
  // classic adapter
  key: "string",
  "requests-timeout": "int",
  "publish-on-specific-response-channel": "bool",
  // beyond the reference: the C++ classic adapter's interest-based subscription; the twin
  // accepts it and subscribes to everything, as @socket.io/redis-adapter always does
  "subscribe-to-local-rooms-only": "bool",
  // sharded adapter
  "subscription-mode": "string",
  // operations and limits
  "max-attachments": "int",
  parser: "string",
  "max-buffered-bytes": "int",
  "max-connections": "int",
  "log-level": "string",
  "tls-cert": "string",
  "tls-key": "string",
  "trust-proxy": "bool",
  "allow-eio3": "bool",
  // beyond the contract: Engine.IO's session cookie, for proxies that stick by it
  cookie: "bool",
  // the admin UI (@socket.io/admin-ui); --admin-readonly and --admin-mode are beyond the contract
  "admin-ui": "bool",
  "admin-auth": "string",
  "admin-readonly": "bool",
  "admin-mode": "string",
};

function usageError(message) {
  process.stderr.write(`sio-testserver: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    host: "127.0.0.1",
    port: 3000,
    adapter: "memory",
    redis: [],
    cluster: false,
    sentinel: [],
    "ping-interval": 25000,
    "ping-timeout": 20000,
    "max-payload": 1000000,
    "connect-timeout": 45000,
    recovery: false,
    "max-disconnection-duration": 120000,
    namespaces: "",
    "engine-echo": false,
    "max-attachments": 10,
    parser: "default",
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (arg === "--version") {
      process.stdout.write(`sio-testserver (Node.js twin) socket.io ${peerRequire("socket.io/package.json").version}\n`);
      process.exit(0);
    }
    if (!arg.startsWith("--")) usageError(`unexpected argument '${arg}'`);
    let name = arg.slice(2);
    let inline;
    const eq = name.indexOf("=");
    if (eq !== -1) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = FLAGS[name];
    if (!kind) usageError(`unknown flag '--${name}'`);
    if (kind === "bool") {
      if (inline === undefined || inline === "true" || inline === "1") opts[name] = true;
      else if (inline === "false" || inline === "0") opts[name] = false;
      else usageError(`--${name} takes no value`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) usageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (kind === "int") {
      if (!/^[0-9]+$/.test(value)) usageError(`--${name} needs a non-negative integer, got '${value}'`);
      opts[name] = Number(value);
    } else if (kind === "list") {
      opts[name].push(value);
    } else {
      opts[name] = value;
    }
  }
  if (opts.port > 65535) usageError(`--port out of range: ${opts.port}`);
  if (!["memory", "redis-streams", "redis", "redis-sharded"].includes(opts.adapter)) {
    usageError(`unknown adapter '${opts.adapter}'`);
  }
  if (opts.redis.length > 1 && !opts.cluster) usageError("--redis repeated without --cluster");
  if (opts.protocol !== undefined && !["0.2", "0.3"].includes(opts.protocol)) {
    usageError(`--protocol must be 0.2 or 0.3, got '${opts.protocol}'`);
  }
  if (
    opts["subscription-mode"] !== undefined &&
    !["static", "dynamic", "dynamic-private"].includes(opts["subscription-mode"])
  ) {
    usageError(`unknown subscription mode '${opts["subscription-mode"]}'`);
  }
  if (!["default", "msgpack"].includes(opts.parser)) {
    usageError(`--parser must be default or msgpack, got '${opts.parser}'`);
  }
  if (opts["log-level"] !== undefined && !["trace", "debug", "info", "warn", "error", "off"].includes(opts["log-level"])) {
    usageError(`--log-level must be trace, debug, info, warn, error or off, got '${opts["log-level"]}'`);
  }
  for (const s of opts.sentinel) {
    if (!/^[^:]+:[0-9]+$/.test(s)) usageError(`--sentinel needs host:port, got '${s}'`);
  }
  if (opts.sentinel.length > 0 && opts["sentinel-master"] === undefined) usageError("--sentinel needs --sentinel-master");
  if (opts.sentinel.length === 0 && opts["sentinel-master"] !== undefined) usageError("--sentinel-master needs --sentinel");
  if (opts.sentinel.length > 0 && opts.cluster) usageError("--sentinel and --cluster exclude each other");
  for (const u of opts.redis) {
    let url;
    try {
      url = new URL(u);
    } catch {
      usageError(`--redis needs a redis:// or rediss:// URL, got '${u}'`);
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      usageError(`--redis needs a redis:// or rediss:// URL, got '${u}'`);
    }
  }
  if (opts["stream-count"] !== undefined && opts["stream-count"] < 1) usageError("--stream-count must be at least 1");
  if (opts["admin-auth"] !== undefined && !/^[^:]+:/.test(opts["admin-auth"])) {
    usageError(`--admin-auth expects user:password, got '${opts["admin-auth"]}'`);
  }
  if (!opts["admin-ui"] && (opts["admin-auth"] !== undefined || opts["admin-readonly"])) {
    usageError("--admin-auth and --admin-readonly need --admin-ui");
  }
  if (opts["admin-mode"] !== undefined && !["development", "production"].includes(opts["admin-mode"])) {
    usageError(`--admin-mode must be development or production, got '${opts["admin-mode"]}'`);
  }
  if (opts["read-count"] !== undefined && opts["read-count"] < 1) usageError("--read-count must be at least 1");
  const namespaces = opts.namespaces === "" ? [] : opts.namespaces.split(",");
  for (const n of namespaces) {
    if (!n.startsWith("/")) usageError(`namespace must start with '/': '${n}'`);
  }
  opts.extraNamespaces = namespaces;
  return opts;
}

// "sorted" in the contract: by Unicode code point, i.e. UTF-8 byte order (a plain JS sort
// compares UTF-16 code units, which differs above U+FFFF)
function compareCodePoints(a, b) {
  return Buffer.compare(Buffer.from(String(a), "utf8"), Buffer.from(String(b), "utf8"));
}
const sortByCodePoint = (list) => list.slice().sort(compareCodePoints);

/** An array of strings (default []), or an error naming the field. */
function stringList(value, field) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new Error(`${field} must be an array of strings`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// --adapter redis-streams

/** Streams options that exist only in 0.3: ignored (with a warning) under --protocol 0.2. */
const ONLY_IN_0_3 = ["stream-count", "channel-prefix", "block-time-in-ms", "use-sharded-pubsub", "only-plaintext"];

/** A failure to report on stderr with exit code 2 (a combination the twin cannot serve). */
class Unsupported extends Error {}

/**
 * The 0.2.3 package calls require("redis") and needs node-redis 4 (with node-redis 5 its
 * reader loop fails on every call): it gets the `redis4` alias; everyone else keeps `redis`.
 */
function routeRedis4ToAdapter02() {
  const Module = require("node:module");
  const adapterDir = path.dirname(peerRequire.resolve("redis-streams-adapter-0.2/package.json")) + path.sep;
  const redis4 = peerRequire.resolve("redis4");
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request === "redis" && parent && typeof parent.filename === "string" && parent.filename.startsWith(adapterDir)) {
      return redis4;
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** Credentials, database and TLS of a redis:// or rediss:// URL. */
function redisUrlParts(u) {
  const url = new URL(u);
  const parts = { tls: url.protocol === "rediss:" };
  if (url.username) parts.username = decodeURIComponent(url.username);
  if (url.password) parts.password = decodeURIComponent(url.password);
  if (url.pathname.length > 1) parts.database = Number(url.pathname.slice(1));
  return parts;
}

/**
 * node-redis 5's Sentinel client, shaped like a standalone client for the adapter: the
 * adapter duplicates its client and disconnects the duplicates (RedisSentinel has neither
 * duplicate() nor disconnect()) and sends `PUBSUB NUMSUB` with sendCommand(args)
 * (RedisSentinel takes (isReadonly, args)). Properties set on the wrapper stay on it.
 */
function sentinelClient(createSentinel, options) {
  const make = () => {
    const sentinel = createSentinel(options);
    const own = new Map();
    const shim = {
      duplicate: () => make(),
      disconnect: () => sentinel.destroy(),
      sendCommand: (args, o) => sentinel.sendCommand(false, args, o),
    };
    return new Proxy(sentinel, {
      get(target, prop) {
        if (own.has(prop)) return own.get(prop);
        if (Object.prototype.hasOwnProperty.call(shim, prop)) return shim[prop];
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
      set(target, prop, value) {
        own.set(prop, value);
        return true;
      },
    });
  };
  return make();
}

/**
 * Connects the main Redis client of this process (standalone, --cluster or --sentinel)
 * with node-redis (`redis`: the package, 4 or 5). Every connection carries the client name
 * `sio-twin-<pid>`, so that waitReady() can see in CLIENT LIST what the adapter's own
 * connections are doing. Resolves {client, kind, onEveryNode(args), duplicates, close()}.
 */
async function connectRedis(opts, log, redis, { legacyClose = false } = {}) {
  const clientName = `sio-twin-${process.pid}`;
  const urls = opts.redis.length > 0 ? opts.redis : ["redis://127.0.0.1:6379"];
  // reconnect fast and forever (the reader loops carry on from their offsets)
  const reconnectStrategy = (retries) => Math.min(50 * 2 ** retries, 1000);
  let kind;
  let client;
  if (opts.sentinel.length > 0) {
    if (typeof redis.createSentinel !== "function") {
      throw new Unsupported("--sentinel is not supported with --protocol 0.2 (node-redis 4 has no Sentinel client)");
    }
    kind = "sentinel";
    const { tls, ...auth } = redisUrlParts(urls[0]);
    client = sentinelClient(redis.createSentinel, {
      name: opts["sentinel-master"],
      sentinelRootNodes: opts.sentinel.map((hp) => {
        const i = hp.lastIndexOf(":");
        return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
      }),
      nodeClientOptions: { ...auth, name: clientName, socket: { tls, reconnectStrategy } },
    });
  } else if (opts.cluster) {
    kind = "cluster";
    const { tls, database, ...auth } = redisUrlParts(urls[0]);
    client = redis.createCluster({
      rootNodes: urls.map((url) => ({ url })),
      defaults: { ...auth, name: clientName, socket: { tls, reconnectStrategy } },
    });
  } else {
    kind = "standalone";
    client = redis.createClient({ url: urls[0], name: clientName, socket: { reconnectStrategy } });
  }

  let lastError = "";
  const onError = (err) => {
    const message = String(err && err.message !== undefined ? err.message : err);
    if (message !== lastError) log(`redis: ${message}`);
    lastError = message;
  };
  client.on("error", onError);
  // the adapter's own connections (stream readers, subscriber; node-redis 4's isolation
  // pool): remembered so that shutdown can close them
  const duplicates = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args) => {
    const d = duplicate(...args);
    d.on("error", onError);
    // closing twice (here on shutdown, then by the adapter's reader loop) must not throw
    for (const method of ["disconnect", "destroy", "quit", "close"]) {
      const original = d[method];
      if (typeof original !== "function") continue;
      d[method] = (...a) => {
        try {
          return Promise.resolve(original.apply(d, a)).catch(() => {});
        } catch {
          return Promise.resolve();
        }
      };
    }
    duplicates.push(d);
    return d;
  };
  await client.connect();

  /** The replies of `args` on every master (one for standalone and sentinel). */
  const onEveryNode = async (args) => {
    if (kind !== "cluster") return [await client.sendCommand(args)];
    return Promise.all(client.masters.map(async (m) => (await client.nodeClient(m)).sendCommand(args)));
  };

  /** Polls CLIENT LIST until `ready(lines, field)` returns "" (else a description), up to `ms`. */
  const waitClients = async (ready, ms = 8000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const lines = (await onEveryNode(["CLIENT", "LIST"]))
        .flatMap((reply) => String(reply).split("\n"))
        .filter((line) => line.includes(` name=${clientName} `));
      const field = (line, name) => (new RegExp(`(?:^| )${name}=(\\S*)`).exec(line) || [])[1] || "";
      const missing = ready(lines, field);
      if (missing === "") return;
      if (Date.now() > deadline) throw new Error(`the adapter is not ready after ${ms} ms: ${missing}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const close = async () => {
    const settle = (fn) => Promise.resolve().then(fn).catch(() => {});
    // the readers are blocked in XREAD (which QUIT would wait for): drop them
    await Promise.all(duplicates.map((d) => settle(() => (legacyClose ? d.disconnect() : d.destroy()))));
    // the main connection flushes what is queued (e.g. sessions persisted on shutdown)
    await settle(() => (legacyClose ? client.quit() : client.close()));
  };

  return { client, kind, onEveryNode, waitClients, close };
}

/**
 * Connects the Redis client(s) for --adapter redis-streams and builds the adapter factory.
 * Resolves {factory, waitReady(namespaces), close()}: waitReady() resolves once the stream
 * readers block in XREAD and the subscriptions are live.
 */
async function createStreamsAdapter(opts, log) {
  const gen02 = opts.protocol === "0.2";
  if (gen02) routeRedis4ToAdapter02();
  const redis = peerRequire(gen02 ? "redis4" : "redis");
  const { createAdapter } = peerRequire(gen02 ? "redis-streams-adapter-0.2" : "@socket.io/redis-streams-adapter");
  const conn = await connectRedis(opts, log, redis, { legacyClose: gen02 });

  const adapterOpts = {};
  const copy = (flag, option) => {
    if (opts[flag] !== undefined) adapterOpts[option] = opts[flag];
  };
  copy("stream-name", "streamName");
  copy("max-len", "maxLen");
  copy("read-count", "readCount");
  copy("session-key-prefix", "sessionKeyPrefix");
  copy("heartbeat-interval", "heartbeatInterval");
  copy("heartbeat-timeout", "heartbeatTimeout");
  if (gen02) {
    for (const flag of ONLY_IN_0_3) {
      if (opts[flag] !== undefined) log(`warning: --${flag} does not exist in protocol 0.2; ignored`);
    }
  } else {
    copy("stream-count", "streamCount");
    copy("channel-prefix", "channelPrefix");
    copy("block-time-in-ms", "blockTimeInMs");
    copy("use-sharded-pubsub", "useShardedPubSub");
    copy("only-plaintext", "onlyPlaintext");
  }
  const factory = createAdapter(conn.client, adapterOpts);

  /**
   * Resolves once this process has its stream readers blocked in XREAD (0.3: one per
   * stream; 0.2: one) and, for 0.3, two live subscriptions (public and private channel)
   * per namespace; rejects after a while.
   */
  const waitReady = (namespaces) => {
    const readers = gen02 ? 1 : adapterOpts.streamCount || 1;
    const subs = gen02 ? 0 : 2 * namespaces.length;
    const subField = adapterOpts.useShardedPubSub ? "ssub" : "sub";
    // the XREAD that CLIENT LIST shows blocked has been parsed: nothing to wait for
    return conn.waitClients((lines, field) => {
      const blocked = lines.filter((l) => field(l, "cmd") === "xread" && field(l, "flags").includes("b")).length;
      const subscribed = lines.reduce((n, l) => n + (Number(field(l, subField)) || 0), 0);
      return blocked >= readers && subscribed >= subs ? "" : `${blocked}/${readers} readers blocked in XREAD, ${subscribed}/${subs} subscriptions`;
    });
  };

  return { factory, waitReady, close: conn.close };
}

/**
 * --adapter redis: the official @socket.io/redis-adapter 8.3.0 (createAdapter) on node-redis
 * 5, a publishing client and a subscribing duplicate. Resolves {factory, waitReady, close}:
 * waitReady() resolves once every namespace has its PSUBSCRIBE and its 3 SUBSCRIBEs live.
 */
async function createClassicAdapter(opts, log) {
  const redis = peerRequire("redis");
  const { createAdapter } = peerRequire("@socket.io/redis-adapter");
  const conn = await connectRedis(opts, log, redis);
  const subClient = conn.client.duplicate();
  await subClient.connect();
  const adapterOpts = {};
  if (opts.key !== undefined) adapterOpts.key = opts.key;
  if (opts["requests-timeout"] !== undefined) adapterOpts.requestsTimeout = opts["requests-timeout"];
  if (opts["publish-on-specific-response-channel"]) adapterOpts.publishOnSpecificResponseChannel = true;
  const factory = createAdapter(conn.client, subClient, adapterOpts);
  const waitReady = (namespaces) =>
    conn.waitClients((lines, field) => {
      const psub = lines.reduce((n, l) => n + (Number(field(l, "psub")) || 0), 0);
      const sub = lines.reduce((n, l) => n + (Number(field(l, "sub")) || 0), 0);
      const want = namespaces.length;
      return psub >= want && sub >= 3 * want ? "" : `${psub}/${want} patterns, ${sub}/${3 * want} channels subscribed`;
    });
  // the adapters' unsubscribes are not awaited by socket.io: let the subscriber finish
  // them before its connections go
  const close = async () => {
    await Promise.resolve()
      .then(() => subClient.close())
      .catch(() => {});
    await conn.close();
  };
  return { factory, waitReady, close };
}

/**
 * --adapter redis-sharded: the official createShardedAdapter of @socket.io/redis-adapter
 * 8.3.0 on node-redis 5 (SSUBSCRIBE/SPUBLISH). Resolves {factory, waitReady, close}:
 * waitReady() resolves once every namespace has its two sharded channels subscribed.
 */
async function createShardedAdapter(opts, log) {
  const redis = peerRequire("redis");
  const { createShardedAdapter: create } = peerRequire("@socket.io/redis-adapter");
  const conn = await connectRedis(opts, log, redis);
  const subClient = conn.client.duplicate();
  await subClient.connect();
  const adapterOpts = {};
  if (opts["channel-prefix"] !== undefined) adapterOpts.channelPrefix = opts["channel-prefix"];
  if (opts["subscription-mode"] !== undefined) adapterOpts.subscriptionMode = opts["subscription-mode"];
  const factory = create(conn.client, subClient, adapterOpts);
  const waitReady = (namespaces) =>
    conn.waitClients((lines, field) => {
      const ssub = lines.reduce((n, l) => n + (Number(field(l, "ssub")) || 0), 0);
      const want = 2 * namespaces.length;
      return ssub >= want ? "" : `${ssub}/${want} sharded channels subscribed`;
    });
  const close = async () => {
    await Promise.resolve()
      .then(() => subClient.close())
      .catch(() => {});
    await conn.close();
  };
  return { factory, waitReady, close };
}

/**
 * --admin-ui: the official instrument() on `io`; the password of --admin-auth is hashed
 * with bcryptjs (the package stores only the hash).
 */
function instrumentAdminUi(io, opts, serverId) {
  const { instrument } = peerRequire("@socket.io/admin-ui");
  let auth = false;
  if (opts["admin-auth"] !== undefined) {
    const colon = opts["admin-auth"].indexOf(":");
    const bcrypt = peerRequire("bcryptjs");
    auth = {
      type: "basic",
      username: opts["admin-auth"].slice(0, colon),
      password: bcrypt.hashSync(opts["admin-auth"].slice(colon + 1), 10),
    };
  }
  instrument(io, {
    auth,
    readonly: opts["admin-readonly"] === true,
    serverId,
    mode: opts["admin-mode"] ?? "development",
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (message) => process.stderr.write(`sio-testserver (twin): ${message}\n`);
  // flags of the contract that socket.io has no feature for: accepted, ignored, said so
  if (opts["max-buffered-bytes"] !== undefined) {
    log("--max-buffered-bytes ignored: socket.io has no bound on the bytes queued for a slow client");
  }
  if (opts["max-connections"] !== undefined) {
    log("--max-connections ignored: socket.io has no limit on the number of connections");
  }
  if (opts["log-level"] !== undefined) log("--log-level ignored: the twin has no logging levels");
  if (opts["trust-proxy"]) log("--trust-proxy ignored: socket.io takes the address of the TCP peer");
  if ((opts["tls-cert"] === undefined) !== (opts["tls-key"] === undefined)) {
    usageError("--tls-cert and --tls-key go together");
  }
  // The official Redis adapters leave some commands without a catch (the sharded adapter's
  // SSUBSCRIBE of a new room, a cluster unsubscribe while closing): a lost Redis link rejects
  // them. A server would install such a handler; the twin logs and carries on.
  process.on("unhandledRejection", (err) => log(`unhandled rejection: ${err && err.message}`));
  // the Redis-backed adapter, if any: {factory, waitReady, close}
  let redisAdapter = null;
  if (opts.adapter !== "memory") {
    try {
      const create = { redis: createClassicAdapter, "redis-sharded": createShardedAdapter }[opts.adapter] ?? createStreamsAdapter;
      redisAdapter = await create(opts, log);
    } catch (err) {
      log(err.message);
      process.exit(err instanceof Unsupported ? 2 : 1);
    }
  }

  const { Server } = peerRequire("socket.io");
  const engine = peerRequire("engine.io");

  // Requests that neither socket.io nor engine.io claim end here (both attach()
  // calls chain to the listeners registered before them).
  const notFound = (req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not Found");
  };
  const tlsFiles = () => ({ cert: fs.readFileSync(opts["tls-cert"]), key: fs.readFileSync(opts["tls-key"]) });
  const httpServer = opts["tls-cert"] ? https.createServer(tlsFiles(), notFound) : http.createServer(notFound);
  if (opts["tls-cert"]) {
    process.on("SIGHUP", () => {
      try {
        httpServer.setSecureContext(tlsFiles());
      } catch (err) {
        log(`TLS reload failed, the previous certificate stays: ${err.message}`);
      }
    });
  }

  const engineOpts = {
    pingInterval: opts["ping-interval"],
    pingTimeout: opts["ping-timeout"],
    maxHttpBufferSize: opts["max-payload"],
    allowEIO3: opts["allow-eio3"] === true,
  };

  // Two engine.io servers share the HTTP server: neither may destroy upgrade
  // requests meant for the other one (destroyUpgrade: false); the listener at
  // the bottom refuses upgrades that no one claims.
  // --max-attachments: socket.io-parser's Decoder option `maxAttachments` (socket.io
  // constructs its Decoder without arguments, so a subclass supplies it). --parser msgpack:
  // the official socket.io-msgpack-parser, as is (it has no attachments to bound).
  const sioParser = peerRequire("socket.io-parser");
  const maxAttachments = opts["max-attachments"];
  const parser =
    opts.parser === "msgpack"
      ? peerRequire("socket.io-msgpack-parser")
      : {
          Encoder: sioParser.Encoder,
          Decoder: class extends sioParser.Decoder {
            constructor(reviver) {
              super({ reviver: typeof reviver === "function" ? reviver : undefined, maxAttachments });
            }
          },
        };

  const io = new Server(httpServer, {
    ...engineOpts,
    parser,
    connectTimeout: opts["connect-timeout"],
    serveClient: false,
    destroyUpgrade: false,
    cookie: opts.cookie === true,
    connectionStateRecovery: opts.recovery
      ? { maxDisconnectionDuration: opts["max-disconnection-duration"] }
      : undefined,
    ...(redisAdapter ? { adapter: redisAdapter.factory } : {}),
  });

  let eio = null;
  if (opts["engine-echo"]) {
    eio = new engine.Server(engineOpts);
    eio.attach(httpServer, { path: "/engine.io", destroyUpgrade: false });
    eio.on("connection", (socket) => {
      // text stays text, binary (Buffer) stays binary
      socket.on("message", (data) => socket.send(data));
    });
  }

  const claimed = ["/socket.io/"].concat(eio ? ["/engine.io/"] : []);
  httpServer.on("upgrade", (req, socket) => {
    if (claimed.some((p) => req.url.slice(0, p.length) === p)) return;
    socket.on("error", () => {});
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  let serverId = opts["server-id"];
  const received = []; // server-side `ping` events, oldest first

  const setupNamespace = (nsp) => {
    nsp.on("ping", (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
      received.push({ event: "ping", args });
      if (ack) ack("pong:" + serverId);
    });
    nsp.on("connection", (socket) => {
      socket.data.server = serverId;
      socket.emit("auth", socket.handshake.auth);
      socket.on("message", (...args) => {
        socket.emit("message-back", ...args);
      });
      socket.on("message-with-ack", (...args) => {
        const ack = args.pop();
        if (typeof ack === "function") ack(...args);
      });
      socket.on("op", (request, ack) => {
        if (typeof ack !== "function") return;
        let pending;
        try {
          pending = Promise.resolve(runOp(nsp, socket, request));
        } catch (err) {
          pending = Promise.reject(err);
        }
        pending.then(
          (result) => ack({ ok: true, result: result === undefined ? null : result }),
          (err) => ack({ ok: false, error: err && err.message !== undefined ? String(err.message) : String(err) }),
        );
      });
    });
  };

  // nsp.to(rooms).except(except)[.local][.volatile][.compress(c)]
  const select = (nsp, req) => {
    let sel = nsp.to(stringList(req.rooms, "rooms")).except(stringList(req.except, "except"));
    if (req.local === true) sel = sel.local;
    if (req.volatile === true) sel = sel.volatile;
    if (req.compress !== undefined) sel = sel.compress(req.compress === true);
    return sel;
  };

  const runOp = async (nsp, socket, req) => {
    if (req === null || typeof req !== "object" || Array.isArray(req)) throw new Error("the request must be an object");
    const timeout = req.timeout === undefined ? 5000 : req.timeout;
    if (!Number.isInteger(timeout) || timeout < 0) throw new Error("timeout must be a non-negative integer");
    const args = req.args === undefined ? [] : req.args;
    if (!Array.isArray(args)) throw new Error("args must be an array");
    const eventName = () => {
      if (typeof req.event !== "string") throw new Error("event must be a string");
      return req.event;
    };
    switch (req.op) {
      case "join":
        socket.join(stringList(req.rooms, "rooms"));
        return null;
      case "leave":
        for (const room of stringList(req.rooms, "rooms")) socket.leave(room);
        return null;
      case "emit":
        select(nsp, req).emit(eventName(), ...args);
        return null;
      case "emitWithAck":
        return await select(nsp, req).timeout(timeout).emitWithAck(eventName(), ...args);
      case "socketEmitWithAck": {
        if (typeof req.target !== "string") throw new Error("target must be a socket id");
        const event = eventName();
        const local = nsp.sockets.get(req.target);
        if (local) return await local.timeout(timeout).emitWithAck(event, ...args);
        // elsewhere in the cluster: a RemoteSocket (its emit carries expectSingleResponse)
        const [remote] = opts.adapter === "memory" ? [] : await nsp.in(req.target).fetchSockets();
        if (!remote || remote.id !== req.target) throw new Error(`socket ${req.target} not found`);
        return await remote.timeout(timeout).emitWithAck(event, ...args);
      }
      case "socketsJoin":
        select(nsp, req).socketsJoin(stringList(req.target, "target"));
        return null;
      case "socketsLeave":
        select(nsp, req).socketsLeave(stringList(req.target, "target"));
        return null;
      case "disconnectSockets":
        select(nsp, req).disconnectSockets(req.close === true);
        return null;
      case "fetchSockets": {
        const sockets = await select(nsp, req).fetchSockets();
        return sockets
          .map((s) => ({
            id: s.id,
            rooms: sortByCodePoint([...s.rooms]),
            data: s.data,
            server: s.data ? s.data.server : undefined,
          }))
          .sort((a, b) => compareCodePoints(a.id, b.id));
      }
      case "serverSideEmit": {
        const event = eventName();
        const withAck = req.ack === true;
        // the memory adapter has no other servers: nothing to send, nobody to answer
        if (opts.adapter === "memory") return withAck ? [] : null;
        if (withAck) {
          // the adapter has its own (fixed, 5 s) timeout; `timeout` may cut it shorter
          let timer;
          const expiry = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error("operation has timed out")), timeout);
          });
          try {
            return await Promise.race([nsp.serverSideEmitWithAck(event, ...args), expiry]);
          } finally {
            clearTimeout(timer);
          }
        }
        nsp.serverSideEmit(event, ...args);
        return null;
      }
      case "serverCount":
        return await nsp.adapter.serverCount();
      case "allRooms":
        if (opts.adapter !== "redis") throw new Error("not supported");
        return sortByCodePoint([...(await nsp.adapter.allRooms())]);
      case "setData": {
        const data = req.data;
        if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("data must be an object");
        const server = socket.data.server;
        Object.assign(socket.data, data);
        socket.data.server = server;
        return null;
      }
      case "received":
        return received.slice();
      case "whoami":
        return {
          id: socket.id,
          server: socket.data.server,
          recovered: socket.recovered === true,
          rooms: sortByCodePoint([...socket.rooms]),
        };
      case "handshake":
        return { address: socket.handshake.address, secure: socket.handshake.secure };
      default:
        throw new Error(`unknown op ${JSON.stringify(req.op)}`);
    }
  };
  const namespaces = [...new Set(["/", "/custom", ...opts.extraNamespaces])];
  for (const name of namespaces) setupNamespace(io.of(name));

  httpServer.on("error", (err) => {
    log(err.message);
    process.exit(1);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // a hard deadline, in case a client keeps a connection open or Redis does not answer
    setTimeout(() => process.exit(0), redisAdapter ? 3000 : 1000).unref();
    if (eio) eio.close();
    // io.close() disconnects the sockets (with --recovery their sessions are persisted)
    // and closes the adapters, then the Redis connections go
    io.close(() => {
      if (redisAdapter) redisAdapter.close().then(() => process.exit(0));
      else process.exit(0);
    });
    httpServer.closeIdleConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  httpServer.listen(opts.port, opts.host, async () => {
    const { port } = httpServer.address();
    if (serverId === undefined) serverId = `${opts.host}:${port}`;
    if (opts["admin-ui"]) instrumentAdminUi(io, opts, serverId);
    if (redisAdapter) {
      try {
        await redisAdapter.waitReady(opts["admin-ui"] ? [...namespaces, "/admin"] : namespaces);
      } catch (err) {
        log(err.message);
        process.exit(1);
      }
    }
    if (!closing) process.stdout.write(`listening on ${port}\n`);
  });
}

main().catch((err) => {
  process.stderr.write(`sio-testserver (twin): ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
