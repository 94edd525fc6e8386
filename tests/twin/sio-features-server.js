#!/usr/bin/env node
// The Node.js twin of the sio-features-server fixture (contract:
// tests/integration/fixtures/sio-features-server.md), built on the official socket.io 4.8
// installed in tests/node/node_modules: connection middleware with error data, async
// middleware (/slow), /kick, dynamic namespaces, server-to-client acks, packet middleware,
// server-side disconnects, the disconnect reasons the server observed, and handlers that
// throw. socket.io has no handler-error containment: a throw in a handler, middleware or
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
    if (!/^[0-9]+$/.test(value)) usageError(`--${name} needs a non-negative integer, got '${value}'`);
    opts[name] = Number(value);
  }
  if (opts.port > 65535) usageError(`--port out of range: ${opts.port}`);
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { Server } = peerRequire("socket.io");

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
  });

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

  httpServer.listen(opts.port, "127.0.0.1", () => {
    process.stdout.write(`listening on ${httpServer.address().port}\n`);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 1000).unref();
    io.close(() => process.exit(0));
    httpServer.closeIdleConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main();
