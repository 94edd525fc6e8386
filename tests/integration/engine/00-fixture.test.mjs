// The part of the sio-testserver contract the engine tests rely on
// (/work/shared/spec/test-server.md): the `listening on <port>` line, a usage error
// exiting 2, and a clean exit 0 on SIGTERM / SIGINT.

import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, runServerRaw, withServer } from "../lib/testserver.mjs";
import { handshake } from "../lib/eio.mjs";

test("--port 0 picks a free port and prints `listening on <port>`", () =>
  withServer([], async (srv) => {
    assert.ok(Number.isInteger(srv.port) && srv.port > 0 && srv.port < 65536, `port ${srv.port}`);
    await handshake(srv.port); // it really listens there
  }));

test("two servers started with --port 0 get different ports", async () => {
  const a = await startServer();
  const b = await startServer();
  try {
    assert.notEqual(a.port, b.port);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("an unknown flag prints a usage error on stderr and exits 2", async () => {
  const r = await runServerRaw(["--port", "0", "--no-such-flag"]);
  assert.equal(r.code, 2, `exit code ${r.code} (signal ${r.signal}); stderr: ${r.stderr}`);
  assert.ok(r.stderr.trim().length > 0, "usage message on stderr");
  assert.doesNotMatch(r.stdout, /listening on/);
});

test("a flag missing its value exits 2", async () => {
  const r = await runServerRaw(["--port"]);
  assert.equal(r.code, 2, `exit code ${r.code} (signal ${r.signal}); stderr: ${r.stderr}`);
});

for (const sig of ["SIGTERM", "SIGINT"]) {
  test(`${sig} closes the server and it exits 0`, async () => {
    const srv = await startServer();
    await handshake(srv.port);
    process.kill(srv.pid, sig);
    const { code, signal } = await srv.exited;
    assert.equal(signal, null, `killed by ${signal}\n${srv.describe()}`);
    assert.equal(code, 0, `exit code ${code}\n${srv.describe()}`);
  });
}
