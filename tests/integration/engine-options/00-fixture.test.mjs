// The engine options server's own contract: `listening on <port>`, exit 2 on a bad flag,
// exit 0 on SIGTERM, timing flags reflected in the open packet, the `repeat:N` message.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { optionsServerPool, runOptionsServerRaw, startOptionsServer } from "./helpers.mjs";
import { handshake, post, pollPackets } from "../lib/eio.mjs";

const pool = optionsServerPool({ before, after }, {
  plain: [],
  timing: ["--ping-interval", "1500", "--ping-timeout", "1200", "--max-payload", "5000"],
});

test(
  "--port 0: prints `listening on <port>` and serves a handshake at /engine.io/",
  pool.wrap("plain", async ({ port }) => {
    const { open, text } = await handshake(port);
    assert.deepEqual(Object.keys(open), ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]);
    assert.equal(
      text,
      `0{"sid":"${open.sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
    );
  }));

test("an unknown flag exits 2 without listening", async () => {
  const r = await runOptionsServerRaw(["--port", "0", "--no-such-flag"]);
  assert.equal(r.code, 2, `exit code ${r.code} (signal ${r.signal}); stderr: ${r.stderr}`);
  assert.ok(r.stderr.trim().length > 0, "an error message on stderr");
  assert.doesNotMatch(r.stdout, /listening on/);
});

test("a flag missing its value exits 2", async () => {
  const r = await runOptionsServerRaw(["--port", "0", "--path"]);
  assert.equal(r.code, 2, `exit code ${r.code} (signal ${r.signal}); stderr: ${r.stderr}`);
});

test("SIGTERM with a live session exits 0", async () => {
  const srv = await startOptionsServer();
  await handshake(srv.port);
  const info = await srv.stop(); // throws unless exit code 0
  assert.equal(info.code, 0);
});

test(
  "--ping-interval / --ping-timeout / --max-payload are in the open packet",
  pool.wrap("timing", async ({ port }) => {
    const { open } = await handshake(port);
    assert.equal(open.pingInterval, 1500);
    assert.equal(open.pingTimeout, 1200);
    assert.equal(open.maxPayload, 5000);
  }));

test(
  "`repeat:N` is answered with N times `x`, other messages are echoed",
  pool.wrap("plain", async ({ port }) => {
    const { sid } = await handshake(port);
    assert.equal((await post(port, sid, "4repeat:5")).text, "ok");
    assert.deepEqual(await pollPackets(port, sid, 1), ["4xxxxx"]);
    assert.equal((await post(port, sid, "4hello")).text, "ok");
    assert.deepEqual(await pollPackets(port, sid, 1), ["4hello"]);
  }));
