// A Node.js node for classic_legacy_requests_test: socket.io 4.8 with the official
// @socket.io/redis-adapter 8.3.0 (node-redis 5) on the Redis URL given as argv[2], with one
// client of its own connected and in the room "n-room". It only answers the legacy requests
// of the C++ nodes; the test stops it with SIGTERM.
const path = require("node:path");
const { createRequire } = require("node:module");
const peerRequire = createRequire(path.join(__dirname, "..", "..", "node", "package.json"));
const { Server } = peerRequire("socket.io");
const { io: connect } = peerRequire("socket.io-client");
const { createClient } = peerRequire("redis");
const { createAdapter } = peerRequire("@socket.io/redis-adapter");

async function main() {
  const pub = createClient({ url: process.argv[2] });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const io = new Server({ adapter: createAdapter(pub, sub) });
  io.on("connection", (socket) => socket.join("n-room"));
  io.listen(0);
  const port = io.httpServer.address().port;
  connect(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false });
  process.on("SIGTERM", () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
