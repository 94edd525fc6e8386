// The fixtures themselves: sio-features-server's flags and lifecycle
// (tests/integration/fixtures/sio-features-server.md), and the parts of the sio-testserver
// contract that the other files do not reach (--server-id, no extra namespace by default,
// clients disconnected on SIGTERM).

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  startFeaturesServer,
  startSioServer,
  runFeaturesServerRaw,
  withStarted,
  connect,
  client,
  connectError,
  disconnected,
  opOk,
  closeAll,
  waitEvent,
  rawSio,
} from "../lib/sio.mjs";

const ws = { mode: MODES[1] };

test("features server: --port 0 picks a free port and prints `listening on <port>`", () =>
  withStarted(startFeaturesServer, [], async ({ url, port }) => {
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
    const s = await connect(url, "/", ws);
    assert.deepEqual(await waitEvent(s, "auth"), [{}]);
    closeAll(s);
  }));

test("features server: every flag of the contract is accepted", () =>
  withStarted(
    startFeaturesServer,
    [
      "--ping-interval", "1000",
      "--ping-timeout", "500",
      "--connect-timeout", "2000",
      "--max-payload", "5000",
      "--recovery",
      "--max-disconnection-duration", "1000",
    ],
    async ({ url, port }) => {
      const raw = await rawSio(port);
      try {
        assert.deepEqual(
          [raw.open.pingInterval, raw.open.pingTimeout, raw.open.maxPayload],
          [1000, 500, 5000],
        );
        raw.send("40");
        assert.match((await raw.next()).text, /^40\{"sid":"[A-Za-z0-9_-]{20}","pid":"[^"]+"\}$/, "--recovery");
      } finally {
        await raw.close();
      }
      const s = await connect(url, "/custom", ws);
      closeAll(s);
    },
  ));

for (const args of [["--port", "0", "--no-such-flag"], ["--port"], ["--port", "0", "--ping-interval", "abc"]]) {
  test(`features server: a bad flag exits 2 (${args.join(" ")})`, async () => {
    const r = await runFeaturesServerRaw(args);
    assert.equal(r.code, 2, `exit code ${r.code} (signal ${r.signal}); stderr: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /listening on/);
  });
}

for (const [name, start] of [
  ["sio-features-server", startFeaturesServer],
  ["sio-testserver", startSioServer],
]) {
  for (const sig of ["SIGTERM", "SIGINT"]) {
    test(`${name}: ${sig} disconnects the clients and exits 0`, async () => {
      const srv = await start([]);
      const s = await connect(srv.url, "/", ws);
      try {
        process.kill(srv.pid, sig);
        const reason = await disconnected(s, 3000);
        assert.ok(["io server disconnect", "transport close"].includes(reason), `client-side reason ${reason}`);
        const { code, signal } = await srv.exited;
        assert.equal(signal, null, `killed by ${signal}\n${srv.describe()}`);
        assert.equal(code, 0, `exit code ${code}\n${srv.describe()}`);
      } finally {
        closeAll(s);
      }
    });
  }
}

test("sio-testserver: --server-id names the node in whoami and fetchSockets", () =>
  withStarted(startSioServer, ["--server-id", "node-Ä"], async ({ url }) => {
    const s = await connect(url, "/custom", ws);
    try {
      assert.equal((await opOk(s, { op: "whoami" })).server, "node-Ä");
      const [entry] = await opOk(s, { op: "fetchSockets", rooms: [s.id] });
      assert.equal(entry.server, "node-Ä");
      assert.deepEqual(entry.data, { server: "node-Ä" });
    } finally {
      closeAll(s);
    }
  }));

test("sio-testserver: without --namespaces only `/` and `/custom` exist", () =>
  withStarted(startSioServer, [], async ({ url }) => {
    const ok = await connect(url, "/custom", ws);
    const a = client(url, "/a", ws);
    const slow = client(url, "/slow", ws);
    try {
      assert.equal((await connectError(a)).message, "Invalid namespace");
      assert.equal((await connectError(slow)).message, "Invalid namespace");
    } finally {
      closeAll(ok, a, slow);
    }
  }));
