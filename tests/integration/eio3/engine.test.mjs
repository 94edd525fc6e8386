// Engine.IO v3 on the wire (allowEIO3), byte for byte, on the echo endpoint /engine.io/
// of the test server started with --allow-eio3: the v3 open packet, string payloads with
// UTF-16 lengths, binary payloads for XHR2 clients and base64 for b64=1 clients, WebSocket
// frames with the type byte, the client-driven heartbeat, the upgrade, malformed payloads,
// and the refusal of v3 without --allow-eio3. The same assertions hold for the twin
// (engine.io 6.6 with allowEIO3), which proves them right.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withServer, sharedServer } from "../lib/testserver.mjs";
import { EIO_PATH, SID_RE, assertSessionGone, withTimeout, httpRequest } from "../lib/eio.mjs";
import { v3Request, v3Handshake, v3Ws, splitStringPayload } from "./helpers.mjs";

const path = EIO_PATH;
const bin = (...bytes) => Buffer.from(bytes);
const FLAGS = ["--allow-eio3", "--ping-interval", "1000", "--ping-timeout", "800", "--max-payload", "5000"];

/** GET on a v3 session: the response, asserted 200. */
async function get(port, sid) {
  const res = await withTimeout(v3Request(port, "GET", { sid, path }), 3000, "a v3 GET");
  assert.equal(res.status, 200, `GET answered ${res.status} ${JSON.stringify(res.text)}`);
  return res;
}

/** POST `body` on a v3 session: asserts 200 `ok`. */
async function post(port, sid, body, headers) {
  const res = await v3Request(port, "POST", { sid, path, body, headers });
  assert.equal(res.status, 200, `POST answered ${res.status} ${JSON.stringify(res.text)}`);
  assert.equal(res.text, "ok");
}

const octets = { "Content-Type": "application/octet-stream" };

describe("Engine.IO v3 polling", () => {
  const shared = sharedServer({ before, after }, FLAGS);

  test(
    "handshake: a string payload holding the open packet (maxPayload included, as engine.io sends it)",
    shared.wrap(async ({ port }) => {
      const { sid, open, res } = await v3Handshake(port, { path });
      assert.match(sid, SID_RE);
      assert.deepEqual(open, { sid, upgrades: ["websocket"], pingInterval: 1000, pingTimeout: 800, maxPayload: 5000 });
      const packet = `0{"sid":"${sid}","upgrades":["websocket"],"pingInterval":1000,"pingTimeout":800,"maxPayload":5000}`;
      assert.equal(res.text, `${packet.length}:${packet}`);
      assert.match(String(res.headers["content-type"]), /^text\/plain; charset=UTF-8$/i);
    }),
  );

  test(
    "text messages: lengths in UTF-16 units, several packets in one payload",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      await post(port, sid, "6:4hello");
      assert.equal((await get(port, sid)).text, "6:4hello");
      // é is one unit, 😀 two: the length is 4, not the 7 UTF-8 bytes
      await post(port, sid, "4:4é😀2:4a0:1:4");
      const res = await get(port, sid);
      assert.equal(res.text, "4:4é😀2:4a1:4");
      assert.deepEqual(splitStringPayload(res.text), ["4é😀", "4a", "4"]);
    }),
  );

  test(
    "binary to an XHR2 client: the binary payload form, as application/octet-stream",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      // a binary message sent as base64 text, then a text message: the echo holds both
      await post(port, sid, "10:b4AQIDBA==3:4hi");
      const res = await get(port, sid);
      assert.match(String(res.headers["content-type"]), /^application\/octet-stream/);
      assert.deepEqual([...res.body], [1, 5, 255, 4, 1, 2, 3, 4, 0, 3, 255, 0x34, 0x68, 0x69]);
    }),
  );

  test(
    "binary from an XHR2 client: a POSTed binary payload (two-digit lengths, UTF-8 text)",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      const data = Buffer.alloc(12, 7);
      const text = Buffer.from("4é", "utf8");
      const body = Buffer.concat([bin(1, 1, 3, 255, 4), data, bin(0, 3, 255), text]);
      await post(port, sid, body, octets);
      const res = await get(port, sid);
      assert.deepEqual([...res.body], [...body]);
    }),
  );

  test(
    "b64=1: binary is sent back as `b4<base64>` in a string payload",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path, query: "&b64=1" });
      await post(port, sid, "10:b4AQIDBA==");
      const res = await get(port, sid);
      assert.match(String(res.headers["content-type"]), /^text\/plain/);
      assert.equal(res.text, "10:b4AQIDBA==");
    }),
  );

  test(
    "heartbeat: the client pings, the server answers pong (and sends no ping of its own)",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      await post(port, sid, "1:2");
      assert.equal((await get(port, sid)).text, "1:3");
      await post(port, sid, "5:2test");
      assert.equal((await get(port, sid)).text, "1:3");
    }),
  );

  test(
    "a pong from a v3 client is the wrong heartbeat direction: the session closes",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      await post(port, sid, "1:3");
      await assertSessionGone(port, sid);
    }),
  );

  test(
    "a v4 request on a v3 session is refused (400 Bad request), the session goes on",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      const res = await httpRequest(port, "GET", `EIO=4&transport=polling&sid=${sid}`);
      assert.equal(res.status, 400);
      assert.equal(res.text, JSON.stringify({ code: 3, message: "Bad request" }));
      await post(port, sid, "2:4x");
      assert.equal((await get(port, sid)).text, "2:4x");
    }),
  );

  // `lenient`: engine.io's parser-v3 takes it (Buffer.from ignores bad base64 characters;
  // a binary element shorter than its length is cut short): reference differs
  for (const [what, body, headers, lenient] of [
    ["an empty payload", "", undefined],
    ["no length", ":4a", undefined],
    ["a non-digit length", "x:4a", undefined],
    ["a length past the data", "9:4ab", undefined],
    ["a huge length", "99999999999999999999999:4a", undefined],
    ["an unknown packet type", "1:9", undefined],
    ["bad base64", "6:b4!!!!", undefined, true],
    ["a truncated binary payload", bin(1, 9, 9, 255, 4, 1), octets, true],
    ["a binary payload without separator", bin(0, 1, 2, 3), octets],
    ["a binary payload with a digit byte over 9", bin(0, 1, 12, 255, 0x34), octets, true],
  ]) {
    test(
      `a malformed payload closes the session: ${what}`,
      shared.wrap(async ({ port, reference }) => {
        if (lenient && reference) return;
        const { sid } = await v3Handshake(port, { path });
        const res = await v3Request(port, "POST", { sid, path, body, headers });
        assert.ok(res.status === 200 || res.status === 400, `POST answered ${res.status}`);
        await assertSessionGone(port, sid);
      }),
    );
  }
});

describe("Engine.IO v3 over WebSocket", () => {
  const shared = sharedServer({ before, after }, FLAGS);

  async function open(port, query = "") {
    const ws = v3Ws(port, query, { path });
    await withTimeout(ws.opened, 3000, "the WebSocket to open");
    const first = await ws.next();
    assert.equal(first.isBinary, false);
    assert.equal(first.text[0], "0");
    return { ws, open: JSON.parse(first.text.slice(1)) };
  }

  test(
    "open packet, text echo, binary frames led by the type byte, ping answered by pong",
    shared.wrap(async ({ port }) => {
      const { ws, open: o } = await open(port);
      try {
        assert.deepEqual(Object.keys(o), ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]);
        assert.deepEqual(o.upgrades, []);
        ws.send("4héllo 😀");
        assert.equal((await ws.next()).text, "4héllo 😀");
        ws.send(bin(4, 1, 2, 3), { binary: true });
        const m = await ws.next();
        assert.equal(m.isBinary, true);
        assert.deepEqual([...m.data], [4, 1, 2, 3]);
        // an empty binary message is the type byte alone
        ws.send(bin(4), { binary: true });
        assert.deepEqual([...(await ws.next()).data], [4]);
        ws.send("2");
        assert.equal((await ws.next()).text, "3");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "b64=1: binary goes out as `b4<base64>` text; `b4…` text from the client is binary",
    shared.wrap(async ({ port }) => {
      const { ws } = await open(port, "&b64=1");
      try {
        ws.send(bin(4, 1, 2, 3), { binary: true });
        const m = await ws.next();
        assert.equal(m.isBinary, false);
        assert.equal(m.text, "b4AQID");
        ws.send("b4BAUG");
        assert.equal((await ws.next()).text, "b4BAUG");
      } finally {
        await ws.close();
      }
    }),
  );

  test(
    "an invalid frame closes the WebSocket",
    shared.wrap(async ({ port }) => {
      const { ws } = await open(port);
      ws.send("abc");
      const info = await withTimeout(ws.closed, 3000, "the server to close the WebSocket");
      assert.ok(info.code !== null);
    }),
  );

  test(
    "upgrade of a v3 polling session: 2probe -> 3probe, noop to the poll, 5, then echo on WebSocket",
    shared.wrap(async ({ port }) => {
      const { sid } = await v3Handshake(port, { path });
      const ws = v3Ws(port, `&sid=${sid}`, { path });
      try {
        await withTimeout(ws.opened, 3000, "the WebSocket to open");
        const pending = v3Request(port, "GET", { sid, path });
        ws.send("2probe");
        assert.equal((await ws.next()).text, "3probe");
        const released = await withTimeout(pending, 3000, "the pending GET to be released");
        assert.equal(released.status, 200);
        assert.equal(released.text, "1:6");
        ws.send("5");
        ws.send(bin(4, 9, 8), { binary: true });
        assert.deepEqual([...(await ws.next()).data], [4, 9, 8]);
        const after = await v3Request(port, "GET", { sid, path });
        assert.equal(after.status, 400, "polling is over after the upgrade");
      } finally {
        await ws.close();
      }
    }),
  );
});

describe("JSONP polling (`j=`), as engine.io still serves it", () => {
  const shared = sharedServer({ before, after }, FLAGS);
  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  // what engine.io-client 3.x's JSONP transport does to a payload before it POSTs it
  const escapeLikeTheClient = (data) => data.replace(/\\n/g, "\\\n").replace(/\n/g, "\\n");
  const body = (payload) => `d=${encodeURIComponent(escapeLikeTheClient(payload))}`;

  async function jsonpHandshake(port, eio) {
    const res = await httpRequest(port, "GET", `EIO=${eio}&transport=polling&j=7&b64=1`);
    assert.equal(res.status, 200, `handshake answered ${res.status} ${res.text}`);
    const m = /^___eio\[7\]\((".*")\);$/.exec(res.text);
    assert.ok(m, `expected a JSONP script, got ${JSON.stringify(res.text)}`);
    return { sid: /"sid":"([^"]+)"/.exec(JSON.parse(m[1]))[1], payload: JSON.parse(m[1]), res };
  }
  const q = (eio, sid) => `EIO=${eio}&transport=polling&j=7&sid=${sid}`;

  test(
    "v3: the handshake, a POSTed form and the answer, inside `___eio[7](…);`",
    shared.wrap(async ({ port }) => {
      const { sid, payload, res } = await jsonpHandshake(port, 3);
      assert.match(payload, /^\d+:0\{"sid":/);
      assert.match(String(res.headers["content-type"]), /^text\/plain; charset=UTF-8$/i);
      // a newline, a literal backslash-n, U+2028 and binary (b64): all round trip
      const messages = ["4a\nb", "4c\\nd", "4e\u2028f"];
      const payloadOut = messages.map((m) => `${m.length}:${m}`).join("") + "10:b4AQIDBA==";
      const post = await httpRequest(port, "POST", q(3, sid), body(payloadOut), { headers: form });
      assert.equal(post.status, 200);
      assert.equal(post.text, "ok");
      const got = await httpRequest(port, "GET", q(3, sid));
      assert.equal(got.status, 200);
      assert.equal(got.text, `___eio[7](${JSON.stringify(payloadOut).replace("\u2028", "\\u2028")});`);
      assert.ok(got.text.includes("\\u2028"), "U+2028 is escaped in the script");
    }),
  );

  test(
    "v4: the same framing around the v4 payload",
    shared.wrap(async ({ port }) => {
      const { sid, payload } = await jsonpHandshake(port, 4);
      assert.match(payload, /^0\{"sid":/);
      const post = await httpRequest(port, "POST", q(4, sid), body("4hello\x1ebAQID"), { headers: form });
      assert.equal(post.text, "ok");
      const got = await httpRequest(port, "GET", q(4, sid));
      assert.equal(got.text, `___eio[7](${JSON.stringify("4hello\x1ebAQID")});`);
    }),
  );

  test(
    "a form without a `d` field is ignored; a malformed payload in it closes the session",
    shared.wrap(async ({ port }) => {
      const { sid } = await jsonpHandshake(port, 3);
      const ignored = await httpRequest(port, "POST", q(3, sid), "x=1", { headers: form });
      assert.equal(ignored.text, "ok");
      await httpRequest(port, "POST", q(3, sid), body("2:4z"), { headers: form });
      assert.equal((await httpRequest(port, "GET", q(3, sid))).text, `___eio[7]("2:4z");`);
      await httpRequest(port, "POST", q(3, sid), body("9:4z"), { headers: form });
      await assertSessionGone(port, sid);
    }),
  );
});

test("with --allow-eio3, a session without client pings ends after pingInterval + pingTimeout", () =>
  withServer(["--allow-eio3", "--ping-interval", "200", "--ping-timeout", "100"], async ({ port }) => {
    const { sid } = await v3Handshake(port, { path });
    // the v3 timeout is pingInterval + pingTimeout from the handshake: gone in the end
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await v3Request(port, "GET", { sid, path });
      if (res.status === 400) break;
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes(":2"), `the server must not ping a v3 client: ${res.text}`);
      if (Date.now() > deadline) throw new Error("the session never timed out");
    }
  }));

test("without --allow-eio3, EIO=3 is refused: 400 code 5 on polling, 400 on WebSocket", () =>
  withServer([], async ({ port, reference }) => {
    const res = await v3Request(port, "GET", { path });
    assert.equal(res.status, 400);
    assert.equal(res.text, JSON.stringify({ code: 5, message: "Unsupported protocol version" }));
    const sio = await v3Request(port, "GET", {});
    assert.equal(sio.status, 400);
    assert.equal(sio.text, JSON.stringify({ code: 5, message: "Unsupported protocol version" }));
    const ws = v3Ws(port, "", {});
    const closed = await withTimeout(ws.closed, 3000, "the upgrade to be refused");
    assert.equal(ws.pending(), 0, "no Engine.IO packet on a refused upgrade");
    // reference differs: engine.io answers 101 first, then writes its 400 into the upgraded
    // socket (see tests/integration/engine/websocket.test.mjs)
    if (!reference) assert.equal(closed.httpStatus, 400, `expected HTTP 400, got ${JSON.stringify(closed)}`);
  }));
