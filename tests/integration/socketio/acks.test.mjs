// Acknowledgements both ways and nested binary both ways, on sio-features-server, with the
// official client in three transport modes.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startFeaturesServer,
  connect,
  waitEvent,
  emitAck,
  closeAll,
} from "../lib/sio.mjs";

const b = (...bytes) => Buffer.from(bytes);

/** Buffers (or other byte views) replaced by {$bin: [bytes]} so deepEqual checks content and place. */
function norm(v) {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $bin: [...v] };
  if (v instanceof ArrayBuffer) return { $bin: [...new Uint8Array(v)] };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

/** Asserts every binary leaf of `v` is a Buffer (the Node.js client's type). */
function assertBuffers(v, where = "args") {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
    assert.ok(Buffer.isBuffer(v), `${where} is a Buffer`);
  } else if (Array.isArray(v)) v.forEach((x, i) => assertBuffers(x, `${where}[${i}]`));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) assertBuffers(x, `${where}.${k}`);
}

// binary at several depths, next to other values, including an empty buffer
const NESTED = () => [
  b(1, 2, 3),
  "text",
  { a: b(4), list: [0, b(5, 6), { deep: { deeper: [b(), b(255, 0, 127)] } }], n: null },
  [[[b(7)]]],
  42,
];

for (const mode of MODES) {
  describe(`acks and binary [${mode.name}]`, () => {
    const features = shared({ before, after }, startFeaturesServer);

    test(
      "client -> server ack: message-with-ack answers with the same args",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        const c = await connect(url, "/custom", { mode });
        try {
          assert.deepEqual(await emitAck(s, "message-with-ack", [1, "2", { 3: [false] }, null, 4.5]), [
            1,
            "2",
            { 3: [false] },
            null,
            4.5,
          ]);
          assert.deepEqual(await emitAck(s, "message-with-ack", []), []);
          assert.deepEqual(await emitAck(c, "message-with-ack", ["custom"]), ["custom"]);
          // several acks in flight at once, each answered to its own callback
          const all = await Promise.all([1, 2, 3, 4, 5].map((i) => emitAck(s, "message-with-ack", [i, `#${i}`])));
          assert.deepEqual(all, [1, 2, 3, 4, 5].map((i) => [i, `#${i}`]));
        } finally {
          closeAll(s, c);
        }
      }),
    );

    test(
      "client emitWithAck with timeout(): resolves the first ack argument; no ack -> timeout error",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        try {
          assert.equal(await s.timeout(2000).emitWithAck("message-with-ack", "first", "second"), "first");
          assert.deepEqual(await s.timeout(2000).emitWithAck("message-with-ack", { x: [1] }), { x: [1] });
          // `message` never acks
          const start = Date.now();
          await assert.rejects(s.timeout(200).emitWithAck("message", "no ack"), { message: "operation has timed out" });
          assert.ok(Date.now() - start >= 180);
          // the event itself was handled
          assert.deepEqual(await waitEvent(s, "message-back"), ["no ack"]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "server -> client ack with timeout: answered -> {responses}; not answered -> \"operation has timed out\"",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        const c = await connect(url, "/custom", { mode });
        try {
          s.on("add", (x, y, cb) => cb(x + y, "extra", { z: true }));
          s.on("silent", () => {});
          c.on("add", (x, y, cb) => cb(x * y));
          assert.deepEqual(await emitAck(s, "server-ack", ["add", [1, 2], 2000]), [{ responses: [3, "extra", { z: true }] }]);
          assert.deepEqual(await emitAck(c, "server-ack", ["add", [3, 4], 2000]), [{ responses: [12] }]);
          const start = Date.now();
          assert.deepEqual(await emitAck(s, "server-ack", ["silent", [1], 300]), [{ error: "operation has timed out" }]);
          assert.ok(Date.now() - start >= 250, `answered after ${Date.now() - start} ms, timeout 300`);
          // the socket keeps working after a timed-out ack
          assert.deepEqual(await emitAck(s, "server-ack", ["add", [10, 5], 2000]), [{ responses: [15, "extra", { z: true }] }]);
        } finally {
          closeAll(s, c);
        }
      }),
    );

    test(
      "server -> client ack without timeout",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        try {
          s.on("echo", (...args) => {
            const cb = args.pop();
            cb(...args.reverse());
          });
          assert.deepEqual(await emitAck(s, "server-ack-no-timeout", ["echo", [1, "b", [null]]]), [[[null], "b", 1]]);
          s.on("nothing", (cb) => cb());
          assert.deepEqual(await emitAck(s, "server-ack-no-timeout", ["nothing", []]), [[]]);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "nested binary client -> server -> client: message / message-back keeps content and place",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        const c = await connect(url, "/custom", { mode });
        try {
          s.emit("message", ...NESTED());
          const back = await waitEvent(s, "message-back");
          assert.deepEqual(norm(back), norm(NESTED()));
          assertBuffers(back);
          // a lone buffer, and a large one
          const big = Buffer.alloc(100_000, 0xab);
          c.emit("message", big);
          const [bigBack] = await waitEvent(c, "message-back");
          assert.ok(Buffer.isBuffer(bigBack) && bigBack.equals(big));
        } finally {
          closeAll(s, c);
        }
      }),
    );

    test(
      "nested binary in acks: client -> server ack (binary ack from the server)",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        try {
          const res = await emitAck(s, "message-with-ack", NESTED());
          assert.deepEqual(norm(res), norm(NESTED()));
          assertBuffers(res);
        } finally {
          closeAll(s);
        }
      }),
    );

    test(
      "nested binary server -> client event and client -> server binary ack",
      features.wrap(async ({ url }) => {
        const s = await connect(url, "/", { mode });
        try {
          let seen;
          s.on("bin", (...args) => {
            const cb = args.pop();
            seen = args;
            // answer with other binary, nested differently
            cb({ got: args.length, first: args[0], more: [b(9, 9), { z: b(8) }] }, b(1));
          });
          const [r] = await emitAck(s, "server-ack", ["bin", NESTED(), 2000]);
          assert.deepEqual(norm(seen), norm(NESTED()), "the server's event carries the buffers in place");
          assertBuffers(seen);
          assert.deepEqual(norm(r), norm({ responses: [{ got: 5, first: b(1, 2, 3), more: [b(9, 9), { z: b(8) }] }, b(1)] }));
          assertBuffers(r);
          const [r2] = await emitAck(s, "server-ack-no-timeout", ["bin", [b(0), { k: [b(1, 2)] }]]);
          assert.deepEqual(norm(r2), norm([{ got: 2, first: b(0), more: [b(9, 9), { z: b(8) }] }, b(1)]));
        } finally {
          closeAll(s);
        }
      }),
    );
  });
}
