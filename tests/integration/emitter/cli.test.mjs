// sio-emit's command line failures: a bad JSON argument or another usage error exits 2
// and writes nothing to Redis; an unreachable Redis (connection refused, or a server that
// never answers) ends with a non-zero exit within ~12 s. Needs only a private redis-server.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startRedis, freePort, respCommand } from "../lib/redis.mjs";
import { runEmit } from "./helpers.mjs";

let redis = null;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  if (redis) await redis.cleanup();
});

/** Everything in the database: the number of keys and the length of the default stream. */
const snapshot = async () => ({
  keys: await respCommand(redis.port, ["DBSIZE"]),
  stream: await respCommand(redis.port, ["XLEN", "socket.io"]),
});

test("a bad JSON argument exits 2 and sends nothing", async () => {
  // one good entry first, so that "nothing" is measured against a non-empty stream
  const ok = await runEmit(["--redis", redis.url, "emit", "fine", "1"]);
  assert.equal(ok.code, 0, ok.stderr);
  const start = await snapshot();
  assert.deepEqual(start, { keys: 1, stream: 1 });
  const bad = [
    ["emit", "ev", "{bad"],
    ["emit", "ev", "1", '"fine"', "[1,2"], // only the last one is bad: nothing at all is sent
    ["emit", "ev", "'single quotes'"],
    ["emit", "ev", "undefined"],
    ["emit", "ev", "1 2"],
    ["emit", "ev", ""],
    ["server-side-emit", "ping", "{\"a\":}"],
    ["--nsp", "/custom", "--to", "room", "emit", "ev", "NaN"],
  ];
  for (const args of bad) {
    const r = await runEmit(["--redis", redis.url, ...args]);
    assert.equal(r.code, 2, `${JSON.stringify(args)} → exit ${r.code}, stderr:\n${r.stderr}`);
    assert.match(r.stderr, /not JSON/, `${JSON.stringify(args)}: the error names the problem`);
  }
  assert.deepEqual(await snapshot(), start, "Redis unchanged");
});

test("usage errors exit 2 and send nothing", async () => {
  const start = await snapshot();
  const bad = [[], ["--redis"], ["--bogus", "emit", "x"], ["emit"], ["sockets-join"], ["sockets-leave"], ["frobnicate"]];
  for (const args of bad) {
    const r = await runEmit(args[0] === "--redis" ? args : ["--redis", redis.url, ...args]);
    assert.equal(r.code, 2, `${JSON.stringify(args)} → exit ${r.code}, stderr:\n${r.stderr}`);
    assert.match(r.stderr, /usage:/);
  }
  assert.deepEqual(await snapshot(), start, "Redis unchanged");
});

test("an unreachable Redis ends with a non-zero exit within ~12 s", async () => {
  // connection refused on a free port, and a TCP server that accepts and never answers
  const refused = await freePort();
  const silent = net.createServer(() => {});
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const runs = await Promise.all([
      runEmit(["--redis", `redis://127.0.0.1:${refused}`, "emit", "x", "1"], { timeoutMs: 20_000 }),
      runEmit(["--redis", `redis://127.0.0.1:${silent.address().port}`, "emit", "x", "1"], { timeoutMs: 20_000 }),
    ]);
    for (const [what, r] of [["refused", runs[0]], ["silent", runs[1]]]) {
      assert.notEqual(r.code, 0, `${what}: exit ${r.code}`);
      assert.notEqual(r.code, null, `${what}: still running after 20 s (killed)`);
      assert.ok(r.ms <= 12_500, `${what}: took ${r.ms} ms`);
      assert.ok(r.stderr.length > 0, `${what}: says why`);
    }
  } finally {
    silent.close();
  }
});
