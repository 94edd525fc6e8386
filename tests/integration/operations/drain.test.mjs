// SIGTERM drains a node (Server::drain) in a mixed Streams-adapter cluster with connection
// state recovery: node A (the server under test) is drained while two of its clients
// receive a numbered broadcast stream published from node C (C++). Each client reaches the
// cluster through its own TCP proxy (the load balancer) that sends new connections to A
// until the drain starts, then to another node: the first to B (SIO_TESTSERVER_B, the
// Node.js twin in CI), the second to C. Both recover their session there and end with every
// number exactly once, in order; A exits 0 once its writes are acknowledged.
// C++ only as the drained node (socket.io has no drain: its close() is what A does first).
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { isReference, startCommand, explain } from "../lib/testserver.mjs";
import { startRedis } from "../lib/redis.mjs";
import { client, connected, closeAll, opOk, sleep, MODES } from "../lib/sio.mjs";

const skip = isReference() ? "socket.io has no drain" : false;
const N = 150;

/** A TCP proxy on a free port that sends each new connection to `target()`'s port. */
async function startProxy(target) {
  const sockets = new Set();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(target(), "127.0.0.1");
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on("close", () => upstream.destroy());
    upstream.on("close", () => downstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

async function until(what, ms, probe) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (probe()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

test("a drained node's clients recover on a Node.js node and on a C++ node with every broadcast once, in order",
  { skip, timeout: 120_000 }, async () => {
    const redis = await startRedis();
    const common = ["--adapter", "redis-streams", "--redis", redis.url, "--recovery", "--read-count", "10", "--block-time-in-ms", "200"];
    const env_b = process.env.SIO_TESTSERVER_B ? "SIO_TESTSERVER_B" : "SIO_TESTSERVER";
    let a, b, c;
    const clients = [];
    const proxies = [];
    try {
      a = await startCommand("SIO_TESTSERVER", [...common, "--server-id", "A"]);
      b = await startCommand(env_b, [...common, "--server-id", "B"]);
      c = await startCommand("SIO_TESTSERVER", [...common, "--server-id", "C"]);
      let draining = false;
      proxies.push(await startProxy(() => (draining ? b.port : a.port)));
      proxies.push(await startProxy(() => (draining ? c.port : a.port)));

      const receivers = proxies.map((proxy) => {
        const s = client(proxy.url, "/", { mode: MODES[1], reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
        s.numbers = [];
        s.on("n", (i) => s.numbers.push(i));
        clients.push(s);
        return s;
      });
      for (const s of receivers) await connected(s);
      for (const [i, s] of receivers.entries()) assert.equal((await opOk(s, { op: "whoami" })).server, "A", `receiver ${i} on A`);
      const ids = receivers.map((s) => s.id);

      const publisher = client(c.url, "/", { mode: MODES[1] });
      clients.push(publisher);
      await connected(publisher);
      const publishing = (async () => {
        for (let i = 1; i <= N; i++) {
          await opOk(publisher, { op: "emit", event: "n", args: [i] });
          await sleep(15);
        }
      })();

      await until("a third of the stream on node A", 20_000, () => receivers.every((s) => s.numbers.length >= N / 3));
      draining = true;
      process.kill(a.pid, "SIGTERM");
      const exit = await Promise.race([a.exited, sleep(15_000).then(() => "timeout")]);
      assert.deepEqual(exit, { code: 0, signal: null }, "node A drained and exited 0");

      await publishing;
      await until("every number on both receivers", 30_000, () => receivers.every((s) => s.numbers.length >= N));
      await sleep(300); // a duplicate would show up by now
      const expected = Array.from({ length: N }, (_, k) => k + 1);
      for (const [i, s] of receivers.entries()) {
        assert.deepEqual(s.numbers, expected, `receiver ${i} got every number once, in order`);
        assert.equal(s.id, ids[i], `receiver ${i} kept its socket id`);
        assert.equal(s.recovered, true, `receiver ${i} recovered its session`);
      }
      assert.equal((await opOk(receivers[0], { op: "whoami" })).server, "B");
      assert.equal((await opOk(receivers[1], { op: "whoami" })).server, "C");

      // C counted the restore; a made-up session is counted as not restored, and why.
      const stranger = client(c.url, "/", { mode: MODES[1], auth: { pid: "no-such-pid", offset: "1-0" } });
      clients.push(stranger);
      await connected(stranger);
      assert.equal(stranger.recovered, false);
      const metrics = await (await fetch(`${c.url}/metrics`)).text();
      const value = (sample) => {
        const line = metrics.split("\n").find((l) => l.startsWith(`${sample} `));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
      };
      assert.equal(value('socketio_session_restores_total{result="recovered"}'), 1, metrics);
      assert.equal(value('socketio_session_restores_total{result="not_recovered"}'), 1, metrics);
      assert.equal(value('socketio_session_restore_failures_total{reason="unknown session"}'), 1, metrics);
    } catch (err) {
      throw explain(a ?? b ?? c, err);
    } finally {
      closeAll(...clients);
      for (const proxy of proxies) proxy.close();
      for (const node of [b, c]) if (node) await node.stop();
      if (a) await a.stop().catch(() => {});
      await redis.stop();
    }
  });

test("while a drain waits for Redis to acknowledge its writes, the node is not ready and refuses handshakes",
  { skip, timeout: 60_000 }, async () => {
    const redis = await startRedis();
    let a;
    const clients = [];
    try {
      a = await startCommand("SIO_TESTSERVER", ["--adapter", "redis-streams", "--redis", redis.url, "--recovery"]);
      const s = client(a.url, "/", { mode: MODES[1] });
      clients.push(s);
      await connected(s);
      const get = async (path, query = "") => {
        const res = await fetch(`${a.url}${path}${query}`);
        return { status: res.status, text: await res.text() };
      };
      assert.equal((await get("/readyz")).status, 200);

      redis.pause(); // the session the drain persists stays unanswered
      process.kill(a.pid, "SIGTERM");
      let ready;
      const deadline = Date.now() + 5000;
      do {
        ready = await get("/readyz");
      } while (ready.status !== 503 && Date.now() < deadline && (await sleep(50), true));
      assert.equal(ready.status, 503, "not ready while draining");
      assert.equal((await get("/healthz")).status, 200, "still serving");
      const handshake = await get("/socket.io/", "?EIO=4&transport=polling");
      assert.equal(handshake.status, 503);
      assert.deepEqual(JSON.parse(handshake.text), { message: "Server draining" });

      redis.resume();
      const exit = await Promise.race([a.exited, sleep(15_000).then(() => "timeout")]);
      assert.deepEqual(exit, { code: 0, signal: null }, "the drain ended once Redis answered");
    } catch (err) {
      throw a ? explain(a, err) : err;
    } finally {
      redis.resume();
      closeAll(...clients);
      if (a) await a.stop().catch(() => {});
      await redis.stop();
    }
  });
