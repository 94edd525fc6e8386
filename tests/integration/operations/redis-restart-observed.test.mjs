// What an operator sees of a Redis restart under a node (C++ only: socket.io has no logs,
// metrics or health endpoints of its own). A classic-adapter node at `--log-level info`:
// 200 echoes and broadcasts write no log line; stopping Redis turns /readyz to 503 and
// socketio_redis_connected to 0 and logs the link going down with its backoff; once Redis
// is back, /readyz is 200 again, the gauge 1, and the log says the link is up again and
// that pub/sub resubscribed with a gap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isReference, startServer, explain } from "../lib/testserver.mjs";
import { startRedis } from "../lib/redis.mjs";
import { httpRequest } from "../lib/eio.mjs";
import { connect, closeAll, emitAck, opOk, sleep, MODES } from "../lib/sio.mjs";

const skip = isReference() ? "socket.io has no logs, metrics or health endpoints" : false;

const status = async (port, path) => (await httpRequest(port, "GET", "", undefined, { path })).status;

async function gauge(port, name) {
  const res = await httpRequest(port, "GET", "", undefined, { path: "/metrics" });
  const line = res.text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

async function until(what, ms, probe) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}

test("a Redis restart: readiness, the link gauge and the log lines follow it", { skip }, async () => {
  const redis = await startRedis();
  let node;
  const clients = [];
  try {
    node = await startServer(["--adapter", "redis", "--redis", redis.url, "--log-level", "info"], {
      engineEcho: false,
    });
    const client = await connect(node.url, "/", { mode: MODES[1] });
    clients.push(client);
    assert.equal(await status(node.port, "/readyz"), 200);
    assert.equal(await gauge(node.port, "socketio_redis_connected"), 1);

    // Traffic writes nothing to the log at info.
    const linesBefore = node.stderr().split("\n").length;
    for (let i = 0; i < 100; i++) {
      const [back] = await emitAck(client, "message-with-ack", [i]);
      assert.equal(back, i);
      await opOk(client, { op: "emit", event: "n", args: [i] });
    }
    assert.equal(node.stderr().split("\n").length, linesBefore, `lines written during traffic:\n${node.stderr()}`);
    assert.ok((await gauge(node.port, "socketio_adapter_published_total")) >= 100, "publishes counted");

    await redis.stop();
    await until("/readyz 503 while Redis is down", 10_000, async () => (await status(node.port, "/readyz")) === 503);
    assert.equal(await gauge(node.port, "socketio_redis_connected"), 0);
    assert.equal(await status(node.port, "/healthz"), 200, "the process still serves");
    await until("the link-down line", 10_000, () => /redis: link to \S+ down \(.*\); reconnecting in \d+ ms/.test(node.stderr()));

    await redis.start();
    await until("/readyz 200 after the restart", 20_000, async () => (await status(node.port, "/readyz")) === 200);
    assert.equal(await gauge(node.port, "socketio_redis_connected"), 1);
    await until("the link-up and gap lines", 10_000, () =>
      /redis: link to \S+ up again after \d+ failed attempt/.test(node.stderr()) &&
      /adapter: pub\/sub resubscribed after a lost link \(gap 1\)/.test(node.stderr()));
    assert.ok((await gauge(node.port, "socketio_adapter_subscription_gaps_total")) >= 1);
    assert.ok((await gauge(node.port, "socketio_redis_reconnects_total")) >= 1, "the reconnect counted");
    assert.equal(typeof (await gauge(node.port, "socketio_redis_commands_in_flight")), "number");
  } catch (err) {
    throw node ? explain(node, err) : err;
  } finally {
    closeAll(...clients);
    if (node) await node.stop();
    await redis.stop();
  }
});
