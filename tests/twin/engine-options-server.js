#!/usr/bin/env node
// The Node.js twin of tests/integration/fixtures/engine_options_server.cpp: a raw
// Engine.IO echo server on the official `engine.io` package (6.6, from
// tests/node/node_modules) whose options come from the command line. Prints
// `listening on <port>`; SIGTERM / SIGINT exit 0; an unknown flag exits 2.
//
//   --port N  --path P  --ping-interval MS  --ping-timeout MS  --max-payload N
//   --upgrade-timeout MS  --transports polling,websocket  --no-upgrades
//   --cors  --cors-origin O (repeatable)  --cors-origin-suffix S  --cors-credentials
//   --cors-allowed-header H  --cors-exposed-header H  --cors-max-age S
//   --allow-request-header NAME   (handshakes without that header get 403 "missing NAME")
//   --cookie  --cookie-name N  --per-message-deflate  --deflate-threshold N
//   --no-http-compression  --compression-threshold N
// A message `repeat:N` is answered with N times `x`; any other message is echoed.
"use strict";

const path = require("node:path");
const http = require("node:http");
const { createRequire } = require("node:module");

const peerRequire = createRequire(path.join(__dirname, "..", "node", "package.json"));

function fail(message) {
  process.stderr.write(`engine-options-server (twin): ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    port: 0,
    path: "/engine.io",
    engine: {},
    cors: null,
    origins: null, // exact origins (--cors-origin)
    suffix: null, // --cors-origin-suffix
    allowRequestHeader: null,
  };
  const cors = () => (o.cors ??= {});
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${flag} needs a value`);
      return argv[++i];
    };
    const int = () => {
      const v = value();
      if (!/^[0-9]+$/.test(v)) fail(`${flag} needs a non-negative integer, got '${v}'`);
      return Number(v);
    };
    switch (flag) {
      case "--port":
        o.port = int();
        break;
      case "--path":
        o.path = value();
        break;
      case "--ping-interval":
        o.engine.pingInterval = int();
        break;
      case "--ping-timeout":
        o.engine.pingTimeout = int();
        break;
      case "--upgrade-timeout":
        o.engine.upgradeTimeout = int();
        break;
      case "--max-payload":
        o.engine.maxHttpBufferSize = int();
        break;
      case "--transports":
        o.engine.transports = value().split(",");
        break;
      case "--no-upgrades":
        o.engine.allowUpgrades = false;
        break;
      case "--cors":
        cors();
        break;
      case "--cors-origin":
        cors();
        (o.origins ??= []).push(value());
        break;
      case "--cors-origin-suffix":
        cors();
        o.origins ??= [];
        o.suffix = value();
        break;
      case "--cors-credentials":
        cors().credentials = true;
        break;
      case "--cors-allowed-header":
        (cors().allowedHeaders ??= []).push(value());
        break;
      case "--cors-exposed-header":
        (cors().exposedHeaders ??= []).push(value());
        break;
      case "--cors-max-age":
        cors().maxAge = int();
        break;
      case "--allow-request-header":
        o.allowRequestHeader = value().toLowerCase();
        break;
      case "--cookie":
        o.engine.cookie ??= {};
        break;
      case "--cookie-name":
        (o.engine.cookie ??= {}).name = value();
        break;
      case "--per-message-deflate":
        o.engine.perMessageDeflate ??= { threshold: 1024 };
        break;
      case "--deflate-threshold":
        (o.engine.perMessageDeflate ??= {}).threshold = int();
        break;
      case "--no-http-compression":
        o.engine.httpCompression = false;
        break;
      case "--compression-threshold":
        if (!o.engine.httpCompression) o.engine.httpCompression = {};
        o.engine.httpCompression.threshold = int();
        break;
      default:
        fail(`unknown flag ${flag}`);
    }
  }
  if (o.port > 65535) fail(`--port out of range: ${o.port}`);
  if (o.cors) {
    // `cors` package origin: "*" (default), an exact list, or a predicate
    if (o.suffix !== null) {
      const list = o.origins;
      const suffix = o.suffix;
      o.cors.origin = (origin, cb) =>
        cb(null, typeof origin === "string" && (list.includes(origin) || origin.endsWith(suffix)));
    } else if (o.origins) {
      o.cors.origin = o.origins;
    } else {
      o.cors.origin = "*";
    }
    o.engine.cors = o.cors;
  }
  if (o.allowRequestHeader !== null) {
    const name = o.allowRequestHeader;
    // as the C++ fixture: the header must be present (any value)
    o.engine.allowRequest = (req, cb) => cb(`missing ${name}`, req.headers[name] !== undefined);
  }
  return o;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const engine = peerRequire("engine.io");

  const httpServer = http.createServer((req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not Found");
  });

  const eio = new engine.Server(o.engine);
  eio.attach(httpServer, { path: o.path, destroyUpgrade: false });
  eio.on("connection", (socket) => {
    socket.on("message", (data) => {
      if (typeof data === "string" && data.startsWith("repeat:")) {
        socket.send("x".repeat(Number.parseInt(data.slice(7), 10) || 0));
      } else {
        socket.send(data); // text stays text, binary stays binary
      }
    });
  });

  // engine.io handles upgrades on its path only when it serves WebSocket; every other
  // upgrade request is refused here
  const enginePath = o.path.replace(/\/$/, "") + "/";
  const websocket = !o.engine.transports || o.engine.transports.includes("websocket");
  httpServer.on("upgrade", (req, socket) => {
    if (websocket && req.url.slice(0, enginePath.length) === enginePath) return;
    socket.on("error", () => {});
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  httpServer.on("error", (err) => {
    process.stderr.write(`engine-options-server (twin): ${err.message}\n`);
    process.exit(1);
  });
  httpServer.listen(o.port, "127.0.0.1", () => {
    process.stdout.write(`listening on ${httpServer.address().port}\n`);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 1000).unref();
    eio.close();
    httpServer.close(() => process.exit(0));
    httpServer.closeAllConnections();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main();
