// nginx (Debian's, started here) with docs/deploy/nginx.conf in front of two C++ nodes:
// stickiness by `hash $remote_addr consistent`, so clients connect from addresses of their
// own (127.0.0.x), and the scenarios of suite.mjs. Also checks the reason the documentation
// gives for not using ip_hash. Needs nginx, haproxy and openssl (scripts/setup test).
// Run: SIO_TESTSERVER='["build/debug/apps/sio-testserver"]' node --test tests/integration/proxy/

import { test } from "node:test";
import assert from "node:assert/strict";
import { connected, opOk } from "../lib/sio.mjs";
import { existsSync } from "node:fs";
import { checkNginxOnDebian, missingTools, replacing, startNginx, withoutLines } from "./helpers.mjs";
import { proxySuite } from "./suite.mjs";

const STICKINESS = /^\s*hash \$remote_addr consistent;\s*$/;

if (missingTools()) {
  test("nginx in front of two C++ nodes", { skip: missingTools() }, () => {});
} else {
  proxySuite({
    kind: "nginx",
    start: startNginx,
    // the negative test's configuration: without the `hash` line, nginx's default round-robin
    withoutStickiness: (text) => withoutLines(text, STICKINESS, 1),
    address: (i) => `127.0.0.${i}`,
    spreadAddress: (i) => `127.0.0.${i}`,
    cookies: false,
    extraTests({ ctx, open, wrap }) {
      test("in Debian's /etc/nginx (sites-enabled/default removed), with IPv6 listen lines, nginx -t accepts it",
        { skip: !existsSync("/etc/nginx/nginx.conf") && "no /etc/nginx/nginx.conf" }, async () => {
          assert.match(await checkNginxOnDebian(ctx.certs), /test is successful/);
        });
      test("ip_hash, which the documentation avoids, sends every client of 127.0.0.x to one node", wrap(async () => {
        const proxy = await startNginx({
          nodes: [ctx.a, ctx.b],
          certs: ctx.certs,
          edit: (text) => replacing(text, /hash \$remote_addr consistent;/, "ip_hash;", 1),
        });
        try {
          const servers = new Set();
          for (let i = 0; i < 12; i++) {
            const s = open(proxy.url, `127.0.0.${200 + i}`, { transports: ["polling"] });
            await connected(s);
            servers.add((await opOk(s, { op: "whoami" })).server);
          }
          assert.equal(servers.size, 1, `one node for 12 addresses of 127.0.0.0/24 (got ${[...servers]})`);
        } finally {
          await proxy.stop();
        }
      }));
    },
  });
}
