// Connecting with the official socket.io-client in three transport modes: auth, the
// namespaces of both fixtures, unknown and dynamic namespaces, connection middleware
// errors with data, async middleware (/slow), /kick, and the handshake the server sees.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startFeaturesServer,
  startSioServer,
  client,
  connect,
  connected,
  connectError,
  disconnected,
  sameConnection,
  waitEvent,
  emitAck,
  upgraded,
  closeAll,
  waitReason,
} from "../lib/sio.mjs";

for (const mode of MODES) {
  describe(`connect [${mode.name}]`, () => {
    const features = shared({ before, after }, startFeaturesServer);
    const sio = shared({ before, after }, startSioServer, ["--namespaces", "/a,/b"]);

    test(
      "the `auth` event echoes handshake.auth; {} when none",
      features.wrap(async ({ url }) => {
        const auth = { token: "abc", n: [1, 2.5, null], nested: { ok: true } };
        const a = client(url, "/", { mode, auth });
        const b = client(url, "/", { mode });
        try {
          await Promise.all([connected(a), connected(b)]);
          assert.deepEqual(await waitEvent(a, "auth"), [auth]);
          assert.deepEqual(await waitEvent(b, "auth"), [{}]);
          assert.match(a.id, /^[A-Za-z0-9_-]{20}$/);
          assert.notEqual(a.id, b.id);
        } finally {
          closeAll(a, b);
        }
      }),
    );

    test(
      "sio-testserver: `/`, `/custom`, `/a`, `/b` (--namespaces) connect and echo; others do not exist",
      sio.wrap(async ({ url }) => {
        const sockets = [];
        try {
          for (const nsp of ["/", "/custom", "/a", "/b"]) {
            const s = await connect(url, nsp, { mode, auth: { nsp } });
            sockets.push(s);
            assert.deepEqual(await waitEvent(s, "auth"), [{ nsp }], nsp);
            s.emit("message", nsp, 1, { two: [2] });
            assert.deepEqual(await waitEvent(s, "message-back"), [nsp, 1, { two: [2] }], nsp);
            assert.deepEqual(await emitAck(s, "message-with-ack", ["x", nsp]), ["x", nsp], nsp);
          }
          for (const nsp of ["/c", "/random", "/a/b", "/custom/x"]) {
            const s = client(url, nsp, { mode });
            sockets.push(s);
            const err = await connectError(s);
            assert.equal(err.message, "Invalid namespace", nsp);
          }
        } finally {
          closeAll(...sockets);
        }
      }),
    );

    test(
      "several namespaces share one connection (multiplexing)",
      sio.wrap(async ({ url }) => {
        const main = await connect(url, "/", { mode });
        const a = sameConnection(main, "/a");
        const custom = sameConnection(main, "/custom");
        try {
          await Promise.all([connected(a), connected(custom)]);
          assert.equal(a.io, main.io);
          assert.equal(main.io.engine.id, custom.io.engine.id);
          a.emit("message", "on a");
          custom.emit("message", "on custom");
          assert.deepEqual(await waitEvent(a, "message-back"), ["on a"]);
          assert.deepEqual(await waitEvent(custom, "message-back"), ["on custom"]);
          assert.equal(main.received.filter((e) => e.event === "message-back").length, 0);
          const bad = sameConnection(main, "/nope");
          assert.equal((await connectError(bad)).message, "Invalid namespace");
          // the refused namespace does not affect the others
          main.emit("message", "still");
          assert.deepEqual(await waitEvent(main, "message-back"), ["still"]);
        } finally {
          closeAll(main, a, custom);
        }
      }),
    );

    test(
      "features server: `/custom` works; an unknown namespace gets connect_error \"Invalid namespace\"",
      features.wrap(async ({ url }) => {
        const c = await connect(url, "/custom", { mode, auth: { x: 1 } });
        const r = client(url, "/random", { mode });
        try {
          assert.deepEqual(await waitEvent(c, "auth"), [{ x: 1 }]);
          c.emit("message", "hi");
          assert.deepEqual(await waitEvent(c, "message-back"), ["hi"]);
          assert.equal((await connectError(r)).message, "Invalid namespace");
        } finally {
          closeAll(c, r);
        }
      }),
    );

    test(
      "dynamic namespaces: /dynamic-7 gets `nsp` \"/dynamic-7\"; /dynamic-0 is refused by the parent middleware",
      features.wrap(async ({ url }) => {
        const seven = client(url, "/dynamic-7", { mode, auth: { d: 7 } });
        const big = client(url, "/dynamic-1234567890", { mode });
        const zero = client(url, "/dynamic-0", { mode });
        const notDigits = client(url, "/dynamic-x", { mode });
        try {
          await connected(seven);
          assert.deepEqual(await waitEvent(seven, "nsp"), ["/dynamic-7"]);
          assert.deepEqual(await waitEvent(seven, "auth"), [{ d: 7 }]);
          seven.emit("message", [1, "two"]);
          assert.deepEqual(await waitEvent(seven, "message-back"), [[1, "two"]]);
          assert.deepEqual(await emitAck(seven, "message-with-ack", [7]), [7]);

          await connected(big);
          assert.deepEqual(await waitEvent(big, "nsp"), ["/dynamic-1234567890"]);

          const err = await connectError(zero);
          assert.equal(err.message, "zero is not allowed");
          assert.equal((await connectError(notDigits)).message, "Invalid namespace");
        } finally {
          closeAll(seven, big, zero, notDigits);
        }
      }),
    );

    test(
      "connection middleware: connect_error carries err.message and err.data",
      features.wrap(async ({ url }) => {
        const data = { code: 42, list: [1, "a", null], nested: { deep: [true] } };
        const withData = client(url, "/", { mode, auth: { reject: "not welcome", rejectData: data } });
        const noData = client(url, "/", { mode, auth: { reject: "go away" } });
        const scalar = client(url, "/", { mode, auth: { reject: "scalar", rejectData: "just a string" } });
        try {
          const e1 = await connectError(withData);
          assert.equal(e1.message, "not welcome");
          assert.deepEqual(e1.data, data);
          const e2 = await connectError(noData);
          assert.equal(e2.message, "go away");
          assert.equal(e2.data, undefined);
          const e3 = await connectError(scalar);
          assert.equal(e3.message, "scalar");
          assert.equal(e3.data, "just a string");
          // the middleware is only on `/`
          const custom = await connect(url, "/custom", { mode, auth: { reject: "ignored here" } });
          closeAll(custom);
        } finally {
          closeAll(withData, noData, scalar);
        }
      }),
    );

    test(
      "async middleware on /slow: the connection completes after the delay",
      features.wrap(async ({ url }) => {
        const start = Date.now();
        const s = await connect(url, "/slow", { mode, auth: { slow: true } });
        try {
          const elapsed = Date.now() - start;
          assert.ok(elapsed >= 90, `connected after ${elapsed} ms, the middleware waits 100 ms`);
          assert.deepEqual(await waitEvent(s, "auth"), [{ slow: true }]);
          s.emit("message", "slow");
          assert.deepEqual(await waitEvent(s, "message-back"), ["slow"]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "/kick: the client connects, then gets disconnect \"io server disconnect\"",
      features.wrap(async ({ url }) => {
        const ctl = await connect(url, "/custom", { mode });
        const s = client(url, "/kick", { mode });
        try {
          let id;
          s.once("connect", () => (id = s.id));
          assert.equal(await disconnected(s), "io server disconnect");
          assert.ok(id, "the socket was connected before the kick");
          assert.equal(s.connected, false);
          assert.deepEqual(await waitReason(ctl, id), [{ id, nsp: "/kick", reason: "server namespace disconnect" }]);
        } finally {
          closeAll(s, ctl);
        }
      }),
    );

    test(
      "handshake: query, auth, x-test header, address, xdomain, secure, url",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", {
          mode,
          auth: { who: "me" },
          query: { foo: "bar" },
          extraHeaders: { "x-test": "yes", "x-other": "no" },
        });
        const plain = await connect(url, "/custom", { mode });
        try {
          const [h] = await emitAck(s, "handshake");
          assert.deepEqual(Object.keys(h).sort(), ["address", "auth", "headers", "query", "secure", "url", "xdomain"]);
          assert.equal(h.query.foo, "bar");
          assert.equal(h.query.EIO, "4");
          assert.equal(h.query.transport, mode.transports?.[0] ?? "polling");
          assert.deepEqual(h.auth, { who: "me" });
          assert.deepEqual(h.headers, { "x-test": "yes" });
          assert.match(h.address, /^(::ffff:)?127\.0\.0\.1$/);
          assert.equal(h.xdomain, false);
          assert.equal(h.secure, false);
          assert.ok(h.url.startsWith("/socket.io/?"), h.url);
          assert.match(h.url, /[?&]foo=bar(&|$)/);
          assert.match(h.url, /[?&]EIO=4(&|$)/);

          const [p] = await emitAck(plain, "handshake");
          assert.deepEqual(p.headers, {}, "x-test absent when not sent");
          assert.deepEqual(p.auth, {});
        } finally {
          closeAll(s, plain);
        }
      }),
    );

    if (!mode.transports) {
      test(
        "the default client upgrades to WebSocket and keeps working",
        sio.wrap(async ({ url }) => {
          const s = await connect(url, "/", { mode });
          try {
            await upgraded(s);
            s.emit("message", "after upgrade", Buffer.from([9, 8]));
            const back = await waitEvent(s, "message-back");
            assert.equal(back[0], "after upgrade");
            assert.deepEqual([...back[1]], [9, 8]);
          } finally {
            closeAll(s);
          }
        }),
      );
    }
  });
}
