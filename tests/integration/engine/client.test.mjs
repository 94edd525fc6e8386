// Checklist §1-4 seen from the official engine.io-client 6.6 (polling only, websocket
// only, and the default polling-then-upgrade), on the echo endpoint /engine.io/.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withServer, sharedServer } from "../lib/testserver.mjs";
import { connectClient } from "../lib/eioclient.mjs";
import { withTimeout, settlesWithin } from "../lib/eio.mjs";

const MAX = 1000;

const MODES = [
  ["polling only", { transports: ["polling"] }, "polling"],
  ["websocket only", { transports: ["websocket"] }, "websocket"],
];

async function open(port, opts) {
  const c = connectClient(port, opts);
  await withTimeout(c.opened, 3000, "the engine.io-client to open");
  return c;
}

describe("engine.io-client", () => {
  const shared = sharedServer({ before, after }, ["--max-payload", String(MAX)]);

  for (const [name, opts, transport] of MODES) {
    test(
      `${name}: connects, echoes text and binary`,
      shared.wrap(async ({ port }) => {
        const c = await open(port, opts);
        try {
          assert.equal(c.socket.transport.name, transport);
          assert.match(c.socket.id, /^[A-Za-z0-9_-]{20}$/);
          c.socket.send("hello");
          assert.equal(await c.next(), "hello");
          c.socket.send("héllo €");
          assert.equal(await c.next(), "héllo €");
          c.socket.send(Uint8Array.from([1, 2, 3, 4]));
          const b1 = await c.next();
          assert.ok(typeof b1 !== "string", `binary echoed as ${typeof b1}`);
          assert.deepEqual([...Buffer.from(b1)], [1, 2, 3, 4]);
          c.socket.send(Buffer.from([0, 255, 128]));
          const b2 = await c.next();
          assert.deepEqual([...Buffer.from(b2)], [0, 255, 128]);
          // several messages in a row keep their order
          for (let i = 0; i < 5; i++) c.socket.send(`m${i}`);
          for (let i = 0; i < 5; i++) assert.equal(await c.next(), `m${i}`);
        } finally {
          await c.close();
        }
      }),
    );

    test(
      `${name}: a message of exactly maxPayload encoded bytes is echoed`,
      shared.wrap(async ({ port }) => {
        const c = await open(port, opts);
        try {
          // the encoded packet `4` + text is exactly maxPayload bytes
          const text = "a".repeat(MAX - 1);
          c.socket.send(text);
          assert.equal(await c.next(), text);
          // the largest binary message whose encoding fits: raw over WebSocket,
          // `b` + base64 over polling
          const size = transport === "websocket" ? MAX : Math.floor((MAX - 1) / 4) * 3;
          const bin = Buffer.alloc(size, 0x5a);
          c.socket.send(bin);
          const got = await c.next();
          assert.ok(Buffer.from(got).equals(bin));
          assert.ok(!c.isClosed());
        } finally {
          await c.close();
        }
      }),
    );

    test(
      `${name}: a message over maxPayload closes the connection`,
      shared.wrap(async ({ port }) => {
        const c = await open(port, opts);
        c.socket.send("b".repeat(MAX)); // encoded: maxPayload + 1 bytes
        const info = await withTimeout(c.closed, 3000, "the connection to close");
        assert.notEqual(info.reason, "forced close", `closed by the server, not by us: ${info.reason}`);
      }),
    );

    test(
      `${name}: close() -> 'close' with reason "forced close"`,
      shared.wrap(async ({ port }) => {
        const c = await open(port, opts);
        c.socket.send("bye");
        assert.equal(await c.next(), "bye");
        c.socket.close();
        const info = await withTimeout(c.closed, 2000, "the 'close' event");
        assert.equal(info.reason, "forced close");
      }),
    );
  }

  test(
    "default transports: polling first, then the `upgrade` event, transport becomes websocket",
    shared.wrap(async ({ port }) => {
      const c = connectClient(port);
      try {
        await withTimeout(c.opened, 3000, "the engine.io-client to open");
        assert.equal(c.socket.transport.name, "polling");
        const t = await withTimeout(c.upgraded, 3000, "the `upgrade` event");
        assert.equal(t.name, "websocket");
        assert.equal(c.socket.transport.name, "websocket");
        c.socket.send("after upgrade");
        assert.equal(await c.next(), "after upgrade");
        c.socket.send(Buffer.from([7, 7, 7]));
        assert.deepEqual([...Buffer.from(await c.next())], [7, 7, 7]);
      } finally {
        await c.close();
      }
    }),
  );

  test(
    "default transports: messages sent during the upgrade are all echoed, in order",
    shared.wrap(async ({ port }) => {
      const c = connectClient(port);
      try {
        await withTimeout(c.opened, 3000, "the engine.io-client to open");
        const N = 20;
        for (let i = 0; i < N; i++) c.socket.send(`n${i}`);
        const upgradedBefore = await withTimeout(c.upgraded, 3000, "the `upgrade` event");
        assert.equal(upgradedBefore.name, "websocket");
        for (let i = N; i < 2 * N; i++) c.socket.send(`n${i}`);
        for (let i = 0; i < 2 * N; i++) assert.equal(await c.next(), `n${i}`);
      } finally {
        await c.close();
      }
    }),
  );
});

describe("engine.io-client heartbeat (pingInterval 300, pingTimeout 200)", () => {
  for (const [name, opts] of [...MODES, ["default (upgraded)", {}]]) {
    test(`${name}: the connection stays alive over 1.5 s`, () =>
      withServer(["--ping-interval", "300", "--ping-timeout", "200"], async ({ port }) => {
        const c = await open(port, opts);
        try {
          let pings = 0;
          c.socket.on("ping", () => pings++);
          const r = await settlesWithin(c.closed, 1500);
          assert.equal(r.settled, false, `closed: ${JSON.stringify(r.value)}`);
          assert.ok(pings >= 3, `only ${pings} pings in 1.5 s with pingInterval 300`);
          c.socket.send("still alive");
          assert.equal(await c.next(), "still alive");
        } finally {
          await c.close();
        }
      }));
  }
});
