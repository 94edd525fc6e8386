// The limits of connection state recovery that docs/deployment.md states, on real
// sio-testserver nodes and a real redis-server: the classic pub/sub adapter restores
// nothing (even on the node the client left), and with the Streams adapter a client whose
// offset was trimmed out of the stream (MAXLEN) is not restored either, which
// socketio_session_restore_failures_total{reason="offset not found"} counts. C++ only: the
// metrics are ours. (Restores that work, across nodes, are cluster-streams' recovery suite.)
// Run: SIO_TESTSERVER='["build/release/apps/sio-testserver"]' node --test tests/deploy/
import { test } from "node:test";
import assert from "node:assert/strict";
import { isReference, startServer, explain } from "../integration/lib/testserver.mjs";
import { startRedis, respCommand } from "../integration/lib/redis.mjs";
import { connect, closeAll, disconnected, opOk, waitEvent, sleep } from "../integration/lib/sio.mjs";

const skip = !process.env.SIO_TESTSERVER
  ? "SIO_TESTSERVER not set"
  : isReference() && "the restore-failure metric is ours";

/** Stream ids ("ms-seq") in order. */
const idAfter = (a, b) => {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am > bm || (am === bm && as > bs);
};

async function metric(port, sample) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

/** A client that got one broadcast (so it has an offset), then lost its transport. */
async function connectedThenDropped(node, ctl) {
  const s = await connect(node.url, "/");
  assert.equal(typeof s._pid, "string", "recovery on: the CONNECT reply carries a pid");
  await opOk(ctl, { op: "emit", rooms: [s.id], event: "first", args: [] });
  await waitEvent(s, "first");
  const saved = { pid: s._pid, offset: s._lastOffset, id: s.id };
  s.io.engine.close(); // "transport close": a disconnect the server may save for recovery
  await disconnected(s);
  return saved;
}

test("the classic pub/sub adapter restores no session, not even on the node the client left", { skip }, async () => {
  const redis = await startRedis();
  let node;
  const clients = [];
  try {
    node = await startServer(["--adapter", "redis", "--redis", redis.url, "--recovery"], { engineEcho: false });
    const ctl = await connect(node.url, "/");
    clients.push(ctl);
    const saved = await connectedThenDropped(node, ctl);
    await sleep(200);
    const again = await connect(node.url, "/", { auth: { pid: saved.pid, offset: saved.offset ?? "" } });
    clients.push(again);
    const me = await opOk(again, { op: "whoami" });
    assert.equal(me.recovered, false);
    assert.notEqual(me.id, saved.id, "a new socket id");
    assert.equal(await metric(node.port, 'socketio_session_restores_total{result="not_recovered"}'), 1);
  } catch (err) {
    throw node ? explain(node, err) : err;
  } finally {
    closeAll(...clients);
    if (node) await node.stop();
    await redis.stop();
  }
});

test("Streams adapter: a session whose offset was trimmed from the stream (MAXLEN) is not restored, and counted", { skip }, async () => {
  const redis = await startRedis();
  let node;
  const clients = [];
  try {
    // MAXLEN ~ trims whole stream nodes (100 entries each by default): 10 keeps about 100
    node = await startServer(["--adapter", "redis-streams", "--redis", redis.url, "--recovery", "--max-len", "10"], {
      engineEcho: false,
    });
    const ctl = await connect(node.url, "/");
    clients.push(ctl);
    const saved = await connectedThenDropped(node, ctl);
    assert.match(saved.offset, /^\d+-\d+$/, "the broadcast carried a stream offset");
    for (let i = 0; i < 300; i++) await opOk(ctl, { op: "emit", rooms: ["nobody"], event: "filler", args: [i] });
    const [first] = await respCommand(redis.port, ["XRANGE", "socket.io", "-", "+", "COUNT", "1"]);
    assert.ok(idAfter(first[0], saved.offset), `the stream now starts after the client's offset (${first[0]}, ${saved.offset})`);

    const again = await connect(node.url, "/", { auth: { pid: saved.pid, offset: saved.offset } });
    clients.push(again);
    const me = await opOk(again, { op: "whoami" });
    assert.equal(me.recovered, false, "not restored: the missed packets cannot be read any more");
    assert.notEqual(me.id, saved.id);
    assert.equal(await metric(node.port, 'socketio_session_restore_failures_total{reason="offset not found"}'), 1);
  } catch (err) {
    throw node ? explain(node, err) : err;
  } finally {
    closeAll(...clients);
    if (node) await node.stop();
    await redis.stop();
  }
});
