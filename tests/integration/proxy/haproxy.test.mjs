// HAProxy (Debian's, started here) with docs/deploy/haproxy.cfg in front of two C++ nodes:
// stickiness by the Engine.IO `io` cookie (the nodes run with --cookie, the clients keep
// cookies), so every client connects from the same address (127.0.0.2) and round-robin
// spreads the handshakes; the scenarios of suite.mjs, and the health checks on /healthz.
// Needs nginx, haproxy and openssl (scripts/setup test).
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' node --test tests/integration/proxy/

import { test } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "../lib/cluster.mjs";
import { existsSync } from "node:fs";
import { checkHaproxyOnDebian, haproxyStats, ioCookie, missingTools, replacing, startHaproxy, withoutLines } from "./helpers.mjs";
import { proxySuite } from "./suite.mjs";

if (missingTools()) {
  test("HAProxy in front of two C++ nodes", { skip: missingTools() }, () => {});
} else {
  proxySuite({
    kind: "haproxy",
    start: startHaproxy,
    // the negative test's configuration: without the `cookie` directives, plain round-robin
    withoutStickiness: (text) =>
      replacing(withoutLines(text, /^\s*cookie io prefix indirect nocache\s*$/, 1), / cookie s[12]$/m, "", 2),
    address: (i) => `127.0.0.${i}`,
    // one address for all: the cookie, not the address, keeps a session on its node
    spreadAddress: () => "127.0.0.2",
    cookies: true,
    // HAProxy put its server's name before the session id in the cookie: s1 is node A
    checkSticky(socket, server) {
      assert.equal(ioCookie(socket), `${server === "A" ? "s1" : "s2"}~${socket.sid}`, `the io cookie of ${socket.sid} on ${server}`);
    },
    extraTests({ ctx, wrap }) {
      test("appended to Debian's /etc/haproxy/haproxy.cfg (its global section kept), with IPv6 binds, haproxy -c accepts it",
        { skip: !existsSync("/etc/haproxy/haproxy.cfg") && "no /etc/haproxy/haproxy.cfg" }, async () => {
          assert.match(await checkHaproxyOnDebian(ctx.certs), /Configuration file is valid/);
        });
      test("the health checks ask /healthz and find both nodes up", wrap(async () => {
        await eventually(async () => {
          const servers = (await haproxyStats(ctx.sticky)).filter((r) => r.pxname === "socketio_nodes" && /^s[12]$/.test(r.svname));
          assert.deepEqual(
            servers.map((r) => [r.svname, r.status, r.check_status, r.check_code]),
            [["s1", "UP", "L7OK", "200"], ["s2", "UP", "L7OK", "200"]],
          );
        }, 8000, 200);
      }));
    },
  });
}
