// The msgpack parser over a raw WebSocket (`ws` package), frame by frame: every packet is
// one binary message both ways; a text message, bytes that are not a msgpack packet, the
// binary packet types of the default parser and packets of the wrong shape close the
// connection (on the C++ server with reason "parse error", counted in /metrics).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { httpRequest } from "../lib/eio.mjs";
import { shared, rawSio, withTimeout, sleep } from "../lib/sio.mjs";
import { startMsgpackServer, encoded, msgpackParser } from "./helpers.mjs";

/** Decodes one binary frame with the npm decoder (throws on anything it refuses). */
function decode(frame) {
  assert.ok(frame.binary, `expected a binary message, got text ${JSON.stringify(frame.text)}`);
  let packet;
  const decoder = new msgpackParser.Decoder();
  decoder.on("decoded", (p) => (packet = p));
  decoder.add(frame.binary);
  return packet;
}

/** Sends a binary CONNECT to `nsp` and reads the reply and the `auth` event; returns the sid. */
async function rawJoin(raw, nsp = "/") {
  raw.sendBinary(encoded({ type: 0, data: undefined, nsp }));
  const reply = decode(await raw.next());
  assert.equal(reply.type, 0);
  assert.equal(reply.nsp, nsp);
  assert.match(reply.data.sid, /^[A-Za-z0-9_-]{20}$/);
  assert.deepEqual(decode(await raw.next()), { type: 2, data: ["auth", {}], nsp });
  return reply.data.sid;
}

async function parseErrors(port) {
  const res = await httpRequest(port, "GET", "", undefined, { path: "/metrics" });
  assert.equal(res.status, 200);
  const m = /^engineio_sessions_closed_total\{reason="parse error"\} (\d+)$/m.exec(res.text);
  return m ? Number(m[1]) : 0;
}

const hex = (h) => Buffer.from(h.replace(/ /g, ""), "hex");

// [what, frame (Buffer: binary, string: text), joined first?, socket.io-msgpack-parser accepts it?]
const MALFORMED = [
  ["a text message (the default parser's CONNECT)", "40", false],
  ["a text message after CONNECT", '42["message"]', true],
  ["not msgpack (0xc1 is never used)", hex("c1"), false],
  ["a truncated map", encoded({ type: 2, data: ["message"], nsp: "/" }).subarray(0, 10), true],
  ["trailing bytes", Buffer.concat([encoded({ type: 2, data: ["message"], nsp: "/" }), hex("00")]), true],
  ["an array, not a map", encoded([2, ["message"], "/"]), true],
  ["a map announcing 2^32 - 1 members", hex("df ffffffff a4 74797065 02"), true],
  ["BINARY_EVENT (type 5)", encoded({ type: 5, data: ["message"], nsp: "/" }), true],
  ["type 2.5", encoded({ type: 2.5, data: ["message"], nsp: "/" }), true],
  ["no nsp", encoded({ type: 2, data: ["message"] }), true],
  ["nsp not a string", encoded({ type: 2, data: ["message"], nsp: 1 }), true],
  ["nsp a Date (notepack's d7 00)", encoded({ type: 2, data: ["message"], nsp: new Date(0) }), true],
  ["EVENT data not an array", encoded({ type: 2, data: { 0: "message" }, nsp: "/" }), true],
  ["CONNECT data not an object", encoded({ type: 0, data: "auth", nsp: "/" }), false],
  ["DISCONNECT with data", encoded({ type: 1, data: [], nsp: "/" }), true],
  ["ack id not an integer", encoded({ type: 2, data: ["message-with-ack"], id: 1.5, nsp: "/" }), true],
  // stricter than socket.io-msgpack-parser, as the default parser is
  ["EVENT with an empty array", encoded({ type: 2, data: [], nsp: "/" }), true, "accepts"],
  ["EVENT named by a number", encoded({ type: 2, data: [1], nsp: "/" }), true, "accepts"],
  ["EVENT with a reserved name", encoded({ type: 2, data: ["disconnect"], nsp: "/" }), true, "accepts"],
  ["negative ack id", encoded({ type: 2, data: ["message"], id: -1, nsp: "/" }), true, "accepts"],
  ["ack id past 2^53 - 1", encoded({ type: 2, data: ["message"], id: 2 ** 53, nsp: "/" }), true, "accepts"],
  ["an id on CONNECT", encoded({ type: 0, id: 1, nsp: "/" }), false, "accepts"],
];

describe("msgpack parser: raw frames", () => {
  const srv = shared({ before, after }, startMsgpackServer);

  test(
    "CONNECT without data, EVENT with an ack id, DISCONNECT: one binary message each way",
    srv.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        await rawJoin(raw);
        await rawJoin(raw, "/custom");
        // socket.io-client's shape: {type, data, options, id, nsp}; `options` is not the server's
        raw.sendBinary(encoded({ type: 2, data: ["message-with-ack", 1, Buffer.from([2])], options: { compress: true }, id: 41, nsp: "/custom" }));
        const ack = await raw.next();
        assert.deepEqual(ack.binary, encoded({ id: 41, type: 3, data: [1, Buffer.from([2])], nsp: "/custom" }));
        raw.sendBinary(encoded({ type: 1, nsp: "/custom" }));
        raw.sendBinary(encoded({ type: 2, data: ["message", "after"], nsp: "/" }));
        assert.deepEqual(decode(await raw.next()), { type: 2, data: ["message-back", "after"], nsp: "/" });
        assert.ok(raw.frames.every((f) => f.binary || f.text === "2"), "only binary Socket.IO messages (and pings)");
        assert.ok(raw.isOpen());
      } finally {
        await raw.close();
      }
    }),
  );

  test(
    "a packet for a namespace the connection did not join closes it",
    srv.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        await rawJoin(raw);
        raw.sendBinary(encoded({ type: 2, data: ["message"], nsp: "/custom" }));
        await withTimeout(raw.closed, 2000, "the server to close the connection");
      } finally {
        await raw.close();
      }
    }),
  );

  for (const [what, frame, joinFirst, reference] of MALFORMED) {
    test(`malformed: ${what} -> the connection is closed ("parse error")`, async (t) => {
      const { port, reference: isTwin } = srv.server;
      if (reference && isTwin) return t.skip(`socket.io-msgpack-parser ${reference} it`);
      const before = isTwin ? 0 : await parseErrors(port);
      const raw = await rawSio(port);
      try {
        if (joinFirst) await rawJoin(raw);
        if (typeof frame === "string") raw.send(frame);
        else raw.sendBinary(frame);
        await withTimeout(raw.closed, 2000, "the server to close the connection");
        if (isTwin) return; // socket.io has no metrics
        const deadline = Date.now() + 2000;
        while ((await parseErrors(port)) !== before + 1) {
          assert.ok(Date.now() < deadline, `parse errors counted: ${await parseErrors(port)}, want ${before + 1}`);
          await sleep(25);
        }
      } finally {
        await raw.close();
      }
    });
  }

  test(
    "after all that, the server still serves",
    srv.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        await rawJoin(raw);
      } finally {
        await raw.close();
      }
    }),
  );
});
