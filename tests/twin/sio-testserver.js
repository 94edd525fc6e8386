#!/usr/bin/env node
// The Node.js twin of apps/sio-testserver: the same flags and the same events, built
// on the official npm packages (socket.io 4.8, engine.io 6.6) installed in
// tests/node/node_modules. The contract is /work/shared/spec/test-server.md.
//
// Implemented: flag parsing (every flag of the contract is accepted), the memory
// adapter with every `op` of the contract, the socket.io events `auth`, `message` ->
// `message-back`, `message-with-ack`, the server-side `ping` listener, connection state
// recovery (--recovery), and the raw Engine.IO echo endpoint at /engine.io/
// (--engine-echo). Not yet: the Redis adapters.
"use strict";

const path = require("node:path");
const http = require("node:http");
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
  sharded adapter: --channel-prefix --subscription-mode static|dynamic|dynamic-private
`;

// name -> kind: "string", "int" (non-negative integer), "list" (repeatable string), "bool"
const FLAGS = {
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
  // sharded adapter
  "subscription-mode": "string",
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
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE);
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
  for (const s of opts.sentinel) {
    if (!/^[^:]+:[0-9]+$/.test(s)) usageError(`--sentinel needs host:port, got '${s}'`);
  }
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

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.adapter !== "memory") {
    process.stderr.write(`sio-testserver (twin): adapter '${opts.adapter}' is not implemented yet\n`);
    process.exit(1);
  }

  const { Server } = peerRequire("socket.io");
  const engine = peerRequire("engine.io");

  // Requests that neither socket.io nor engine.io claim end here (both attach()
  // calls chain to the listeners registered before them).
  const httpServer = http.createServer((req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not Found");
  });

  const engineOpts = {
    pingInterval: opts["ping-interval"],
    pingTimeout: opts["ping-timeout"],
    maxHttpBufferSize: opts["max-payload"],
  };

  // Two engine.io servers share the HTTP server: neither may destroy upgrade
  // requests meant for the other one (destroyUpgrade: false); the listener at
  // the bottom refuses upgrades that no one claims.
  const io = new Server(httpServer, {
    ...engineOpts,
    connectTimeout: opts["connect-timeout"],
    serveClient: false,
    destroyUpgrade: false,
    connectionStateRecovery: opts.recovery
      ? { maxDisconnectionDuration: opts["max-disconnection-duration"] }
      : undefined,
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
        // elsewhere in the cluster: the socket id is also a room
        const responses = await nsp.in(req.target).timeout(timeout).emitWithAck(event, ...args);
        if (responses.length === 0) throw new Error(`socket ${req.target} not found`);
        return responses[0];
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
        if (withAck) return await nsp.timeout(timeout).serverSideEmitWithAck(event, ...args);
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
      default:
        throw new Error(`unknown op ${JSON.stringify(req.op)}`);
    }
  };
  for (const name of ["/", "/custom", ...opts.extraNamespaces]) setupNamespace(io.of(name));

  httpServer.on("error", (err) => {
    process.stderr.write(`sio-testserver (twin): ${err.message}\n`);
    process.exit(1);
  });

  httpServer.listen(opts.port, opts.host, () => {
    const { port } = httpServer.address();
    if (serverId === undefined) serverId = `${opts.host}:${port}`;
    process.stdout.write(`listening on ${port}\n`);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // a hard deadline, in case a client keeps a connection open
    setTimeout(() => process.exit(0), 1000).unref();
    if (eio) eio.close();
    io.close(() => process.exit(0));
    httpServer.closeIdleConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main();
