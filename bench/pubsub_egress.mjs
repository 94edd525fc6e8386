// How much Redis egress the classic adapter's interest-based subscription saves
// (--subscribe-to-local-rooms-only): N sio-testserver nodes on a private redis-server, each
// with R clients in R rooms of its own; B broadcasts to one random room each, published
// as Node's RedisAdapter/redis-emitter do (`key#nsp#room#`). With the reference PSUBSCRIBE
// `key#nsp#*` every node receives every broadcast; with interest-based subscription only
// the node that has the room does. Measured: Redis's total_net_output_bytes over the run,
// for both modes; every broadcast is checked to arrive exactly at its room's client.
// Usage: SIO_TESTSERVER='["build/release/apps/sio-testserver"]' SIO_REDIS_FIXTURE=build/release/tests/redis/redis-fixture \
//          node bench/pubsub_egress.mjs [NODES ROOMS BROADCASTS]

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startRedis } from "../tests/integration/lib/redis.mjs";
import { startCommand } from "../tests/integration/lib/testserver.mjs";
import { connect, closeAll, opOk } from "../tests/integration/lib/sio.mjs";

const peerRequire = createRequire(new URL("../tests/node/package.json", import.meta.url));
const [nodes = 3, rooms = 20, broadcasts = 1000] = process.argv.slice(2).map(Number);
const payload = "x".repeat(100);

const outputBytes = async (redis) => Number(/total_net_output_bytes:(\d+)/.exec(await redis.command("INFO", "stats"))[1]);

async function run(interest) {
  const redis = await startRedis();
  const servers = [];
  const clients = [];
  const client = peerRequire("redis").createClient({ url: redis.url });
  await client.connect();
  try {
    const args = ["--adapter", "redis", "--redis", redis.url, ...(interest ? ["--subscribe-to-local-rooms-only"] : [])];
    for (let i = 0; i < nodes; i++) servers.push(await startCommand("SIO_TESTSERVER", [...args, "--server-id", `n${i}`]));
    const roomNames = [];
    for (let i = 0; i < nodes; i++)
      for (let r = 0; r < rooms; r++) {
        const s = await connect(servers[i].url, "/");
        const room = `room-${i}-${r}`;
        await opOk(s, { op: "join", rooms: [room] });
        s.count = 0;
        s.on("b", () => s.count++);
        clients.push(s);
        roomNames.push(room);
      }
    await new Promise((resolve) => setTimeout(resolve, 300)); // room subscriptions settle
    const { Emitter } = peerRequire("@socket.io/redis-emitter");
    const emitter = new Emitter(client);
    const before = await outputBytes(redis);
    const expected = new Map();
    for (let k = 0; k < broadcasts; k++) {
      const room = roomNames[Math.floor(Math.random() * roomNames.length)];
      expected.set(room, (expected.get(room) ?? 0) + 1);
      emitter.to(room).emit("b", payload);
    }
    const deadline = Date.now() + 30000;
    while (clients.reduce((n, s) => n + s.count, 0) < broadcasts && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await outputBytes(redis);
    clients.forEach((s, i) => assert.equal(s.count, expected.get(roomNames[i]) ?? 0, `${roomNames[i]} got its broadcasts once`));
    return after - before;
  } finally {
    closeAll(...clients);
    await client.close().catch(() => {});
    for (const s of servers) await s.stop().catch(() => {});
    await redis.cleanup();
  }
}

const pattern = await run(false);
const interest = await run(true);
const perBroadcast = (bytes) => (bytes / broadcasts).toFixed(0);
console.log(`${nodes} nodes × ${rooms} rooms, ${broadcasts} broadcasts of ~${payload.length} bytes to one room each`);
console.log(`Redis egress, PSUBSCRIBE key#nsp#* (reference):   ${pattern} bytes (${perBroadcast(pattern)} per broadcast)`);
console.log(`Redis egress, --subscribe-to-local-rooms-only:    ${interest} bytes (${perBroadcast(interest)} per broadcast)`);
console.log(`saved: ${(100 * (1 - interest / pattern)).toFixed(1)}%`);
