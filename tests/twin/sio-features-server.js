#!/usr/bin/env node
// The Node.js twin of the sio-features-server fixture (contract:
// tests/integration/fixtures/sio-features-server.md), built on the official socket.io 4.8
// installed in tests/node/node_modules: connection middleware with error data, async
// middleware (/slow), /kick, dynamic namespaces, server-to-client acks, packet middleware,
// server-side disconnects, the disconnect reasons the server observed, handlers that
// throw, and every asynchronous call made with await (`await`), alone or in a cluster
// through @socket.io/redis-adapter 8.3 (--adapter redis) or @socket.io/redis-streams-adapter
// 0.3 (--adapter redis-streams). socket.io has no handler-error
// containment: a throw in a handler, middleware or
// ack callback is an uncaught exception and the process ends (exit code 1), which is what
// --rethrow-handler-errors asks of the C++ fixture; here the flag changes nothing, and
// `handler-errors` always answers [] (no hook exists to record anything).
"use strict";

const path = require("node:path");
const http = require("node:http");
const { createRequire } = require("node:module");

const peerRequire = createRequire(path.join(__dirname, "..", "node", "package.json"));

const USAGE = `usage: sio-features-server [options]
  --port N                         port to listen on, 0 picks a free one (default 3000)
  --ping-interval MS               (default 25000)
  --ping-timeout MS                (default 20000)
  --connect-timeout MS             (default 45000)
  --max-payload BYTES              (default 1000000)
  --recovery                       enable connection state recovery
  --max-disconnection-duration MS  (default 120000)
  --rethrow-handler-errors         a handler's exception ends the process (socket.io always does)
  --allow-eio3                     also serve Engine.IO v3 clients (socket.io's allowEIO3)
  --adapter A                      memory | redis (@socket.io/redis-adapter 8.3) |
                                   redis-streams (@socket.io/redis-streams-adapter 0.3) (default memory)
  --redis URL                      (default redis://127.0.0.1:6379)
  --server-id S                    this node's name in server-side acks (default 127.0.0.1:<port>)
  --requests-timeout MS            the Redis adapter's requestsTimeout (default 5000)
`;

const FLAGS = {
  port: "int",
  "ping-interval": "int",
  "ping-timeout": "int",
  "connect-timeout": "int",
  "max-payload": "int",
  recovery: "bool",
  "max-disconnection-duration": "int",
  "rethrow-handler-errors": "bool",
  "allow-eio3": "bool",
  adapter: "string",
  redis: "string",
  "server-id": "string",
  "requests-timeout": "int",
};

function usageError(message) {
  process.stderr.write(`sio-features-server: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  // defaults as in socket.io 4.8 / engine.io 6.6
  const opts = {
    port: 3000,
    "ping-interval": 25000,
    "ping-timeout": 20000,
    "connect-timeout": 45000,
    "max-payload": 1000000,
    recovery: false,
    "max-disconnection-duration": 120000,
    "rethrow-handler-errors": false,
    adapter: "memory",
    redis: "redis://127.0.0.1:6379",
    "server-id": undefined,
    "requests-timeout": 5000,
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
    if (kind === "string") {
      opts[name] = value;
      continue;
    }
    if (!/^[0-9]+$/.test(value)) usageError(`--${name} needs a non-negative integer, got '${value}'`);
    opts[name] = Number(value);
  }
  if (opts.port > 65535) usageError(`--port out of range: ${opts.port}`);
  if (!["memory", "redis", "redis-streams"].includes(opts.adapter)) {
    usageError(`--adapter is memory, redis or redis-streams, got '${opts.adapter}'`);
  }
  return opts;
}

/**
 * --adapter redis (the official @socket.io/redis-adapter 8.3.0) or redis-streams
 * (@socket.io/redis-streams-adapter 0.3.1), on node-redis 5 clients named so that CLIENT
 * LIST shows them. Resolves {factory, waitReady(count), close()}: waitReady() resolves once
 * `count` namespaces have their subscriptions live (classic: a PSUBSCRIBE and 3 SUBSCRIBEs
 * each; streams: 2 SUBSCRIBEs each, and the stream reader blocked in XREAD).
 */
async function connectAdapter(opts) {
  const redis = peerRequire("redis");
  const name = `sio-features-twin-${process.pid}`;
  const client = redis.createClient({ url: opts.redis, name });
  const duplicates = [];
  const onError = (err) => process.stderr.write(`sio-features-server (twin): redis: ${err.message}\n`);
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args) => {
    const d = duplicate(...args);
    d.on("error", onError);
    duplicates.push(d);
    return d;
  };
  client.on("error", onError);
  await client.connect();
  let factory;
  let ready;
  if (opts.adapter === "redis") {
    const { createAdapter } = peerRequire("@socket.io/redis-adapter");
    const subClient = client.duplicate();
    await subClient.connect();
    factory = createAdapter(client, subClient, { requestsTimeout: opts["requests-timeout"] });
    ready = (sum, count) => sum("psub") >= count && sum("sub") >= 3 * count;
  } else {
    const { createAdapter } = peerRequire("@socket.io/redis-streams-adapter");
    factory = createAdapter(client);
    ready = (sum, count, lines) =>
      sum("sub") >= 2 * count && lines.some((l) => / cmd=xread /.test(l) && / flags=\S*b/.test(l));
  }
  const waitReady = async (count) => {
    for (;;) {
      const lines = String(await client.sendCommand(["CLIENT", "LIST"]))
        .split("\n")
        .filter((line) => line.includes(` name=${name} `));
      const sum = (field) => lines.reduce((n, l) => n + (Number((new RegExp(` ${field}=(\\d+)`).exec(l) || [])[1]) || 0), 0);
      if (ready(sum, count, lines)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  // the streams reader is blocked in XREAD: its connection is dropped, not closed
  const close = async () => {
    for (const d of duplicates) await Promise.resolve().then(() => d.destroy()).catch(() => {});
    await client.close().catch(() => {});
  };
  return { factory, waitReady, close };
}

/**
 * The `await` operations (contract: sio-features-server.md), each made with the promise
 * form of the call it names; a rejection answers {ok: false, error: err.message} with
 * err.responses when the rejection carries them.
 */
function awaitedOperations(io) {
  const rooms = (r) => r.rooms ?? [];
  const args = (r) => r.args ?? [];
  const sorted = (ids) => [...ids].sort();
  const adapterCall = (socket, method) => {
    const adapter = socket.nsp.adapter;
    if (typeof adapter[method] !== "function") throw new Error("not supported");
    return adapter[method].bind(adapter);
  };
  return {
    join: async (r, socket) => {
      socket.join(rooms(r));
      return null;
    },
    emitWithAck: (r, socket) => socket.nsp.to(rooms(r)).timeout(r.timeout).emitWithAck(r.event, ...args(r)),
    socketEmitWithAck: (r, socket) =>
      (r.timeout !== undefined ? socket.timeout(r.timeout) : socket).emitWithAck(r.event, ...args(r)),
    fetchSockets: async (r, socket) => {
      const main = r.rooms === undefined && socket.nsp.name === "/";
      const sockets = main ? await io.fetchSockets() : await socket.nsp.in(rooms(r)).fetchSockets();
      return sorted(sockets.map((s) => s.id));
    },
    allSockets: async (r, socket) => {
      if (r.rooms !== undefined) return sorted(await socket.nsp.in(r.rooms).allSockets());
      return sorted(await (socket.nsp.name === "/" ? io : socket.nsp).allSockets());
    },
    serverSideEmitWithAck: (r, socket) =>
      (socket.nsp.name === "/" ? io : socket.nsp).serverSideEmitWithAck(r.event, ...args(r)),
    allRooms: async (r, socket) => sorted(await adapterCall(socket, "allRooms")()),
    sockets: async (r, socket) => sorted(await adapterCall(socket, "sockets")(new Set(rooms(r)))),
    remoteJoin: async (r, socket) => {
      await adapterCall(socket, "remoteJoin")(r.target, r.room);
      return null;
    },
    remoteLeave: async (r, socket) => {
      await adapterCall(socket, "remoteLeave")(r.target, r.room);
      return null;
    },
    remoteDisconnect: async (r, socket) => {
      await adapterCall(socket, "remoteDisconnect")(r.target, r.close === true);
      return null;
    },
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { Server } = peerRequire("socket.io");
  const redisAdapter = opts.adapter === "memory" ? null : await connectAdapter(opts);

  const httpServer = http.createServer((req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not Found");
  });

  const io = new Server(httpServer, {
    pingInterval: opts["ping-interval"],
    pingTimeout: opts["ping-timeout"],
    maxHttpBufferSize: opts["max-payload"],
    connectTimeout: opts["connect-timeout"],
    allowEIO3: opts["allow-eio3"] === true,
    serveClient: false,
    connectionStateRecovery: opts.recovery
      ? { maxDisconnectionDuration: opts["max-disconnection-duration"] }
      : undefined,
    ...(redisAdapter ? { adapter: redisAdapter.factory } : {}),
  });

  // server-side events (serverSideEmit from the other nodes)
  let serverId = opts["server-id"];
  io.on("ping", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(`pong:${serverId}`);
  });
  io.on("ping-some", (ids, ack) => {
    if (typeof ack === "function" && Array.isArray(ids) && ids.includes(serverId)) ack(`pong:${serverId}`);
  });
  const awaited = awaitedOperations(io);

  // every disconnect this server saw, oldest first (all namespaces)
  const reasons = [];
  const recordDisconnect = (socket) => {
    socket.on("disconnect", (reason) => {
      reasons.push({ id: socket.id, nsp: socket.nsp.name, reason });
    });
  };

  const commonEvents = (socket) => {
    recordDisconnect(socket);
    const errors = [];
    socket.use(([event, message], next) => {
      if (event === "forbidden") next(new Error("forbidden event"));
      else if (event === "throw-in-middleware") throw new Error(message);
      else next();
    });
    socket.on("error", (err) => errors.push(err.message));

    socket.emit("auth", socket.handshake.auth);
    if (typeof socket.handshake.auth?.throwOnConnection === "string") {
      throw new Error(socket.handshake.auth.throwOnConnection);
    }
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });
    socket.on("disconnect-me", (close) => socket.disconnect(close === true));
    socket.on("server-ack", (event, args, timeoutMs, ack) => {
      if (typeof ack !== "function") return;
      socket.timeout(timeoutMs).emit(event, ...(Array.isArray(args) ? args : []), (err, ...responses) =>
        ack(err ? { error: err.message } : { responses }),
      );
    });
    socket.on("server-ack-no-timeout", (event, args, ack) => {
      if (typeof ack !== "function") return;
      socket.emit(event, ...(Array.isArray(args) ? args : []), (...responses) => ack(responses));
    });
    socket.on("throw", (message) => {
      throw new Error(message);
    });
    socket.on("throw-in-ack", (message) => {
      socket.emit("please-ack", () => {
        throw new Error(message);
      });
    });
    socket.on("throw-on-disconnect", (message, ack) => {
      socket.on("disconnect", () => {
        throw new Error(message);
      });
      if (typeof ack === "function") ack();
    });
    socket.on("handler-errors", (ack) => {
      if (typeof ack === "function") ack([]);
    });
    socket.on("errors", (ack) => {
      if (typeof ack === "function") ack(errors.slice());
    });
    socket.on("reasons", (ack) => {
      if (typeof ack === "function") ack(reasons.slice());
    });
    socket.on("await", async (request, ack) => {
      if (typeof ack !== "function") return;
      const op = request && Object.hasOwn(awaited, request.op) ? awaited[request.op] : null;
      if (!op) return ack({ ok: false, error: "unknown op" });
      try {
        ack({ ok: true, result: (await op(request, socket)) ?? null });
      } catch (err) {
        ack({ ok: false, error: err.message, ...(err.responses !== undefined ? { responses: err.responses } : {}) });
      }
    });
    socket.on("handshake", (ack) => {
      if (typeof ack !== "function") return;
      const h = socket.handshake;
      const headers = {};
      if (h.headers["x-test"] !== undefined) headers["x-test"] = h.headers["x-test"];
      ack({
        query: h.query,
        auth: h.auth,
        headers,
        address: h.address,
        xdomain: h.xdomain,
        secure: h.secure,
        url: h.url,
      });
    });
  };

  // `/`: a connection middleware rejecting on handshake.auth.reject
  const main = io.of("/");
  main.use((socket, next) => {
    const auth = socket.handshake.auth || {};
    if (typeof auth.throw === "string") throw new Error(auth.throw);
    if (typeof auth.reject === "string") {
      const err = new Error(auth.reject);
      if (auth.rejectData !== undefined) err.data = auth.rejectData;
      next(err);
    } else {
      next();
    }
  });
  main.on("connection", commonEvents);

  io.of("/custom").on("connection", commonEvents);

  const slow = io.of("/slow");
  slow.use((socket, next) => setTimeout(() => next(), 100));
  slow.on("connection", commonEvents);

  io.of("/kick").on("connection", (socket) => {
    recordDisconnect(socket);
    socket.disconnect();
  });

  const dynamic = io.of(/^\/dynamic-\d+$/);
  dynamic.use((socket, next) => {
    if (socket.nsp.name === "/dynamic-0") next(new Error("zero is not allowed"));
    else next();
  });
  dynamic.on("connection", (socket) => {
    socket.emit("nsp", socket.nsp.name);
    commonEvents(socket);
  });

  httpServer.on("error", (err) => {
    process.stderr.write(`sio-features-server (twin): ${err.message}\n`);
    process.exit(1);
  });

  httpServer.listen(opts.port, "127.0.0.1", async () => {
    const { port } = httpServer.address();
    if (serverId === undefined) serverId = `127.0.0.1:${port}`;
    if (redisAdapter) await redisAdapter.waitReady(io._nsps.size);
    process.stdout.write(`listening on ${port}\n`);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), redisAdapter ? 3000 : 1000).unref();
    io.close(() => {
      if (redisAdapter) redisAdapter.close().then(() => process.exit(0));
      else process.exit(0);
    });
    httpServer.closeIdleConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => {
  process.stderr.write(`sio-features-server (twin): ${err.message}\n`);
  process.exit(1);
});
