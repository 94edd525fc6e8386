// Checklist §1: the Engine.IO handshake and the HTTP 400 cases, on the raw echo
// endpoint /engine.io/ over plain HTTP (node:http, exact bytes).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withServer, sharedServer } from "../lib/testserver.mjs";
import { httpRequest, handshake, parseOpen, assertError, SID_RE } from "../lib/eio.mjs";

const TIMINGS = ["--ping-interval", "300", "--ping-timeout", "200", "--max-payload", "1000"];

test("polling handshake: 200 and the open packet with exactly five keys, in order", () =>
  withServer(TIMINGS, async ({ port }) => {
    const res = await httpRequest(port, "GET", "EIO=4&transport=polling");
    assert.equal(res.status, 200);
    const open = parseOpen(res.text);
    assert.deepEqual(Object.keys(open), ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]);
    assert.match(open.sid, SID_RE, "sid: 20 URL-safe base64 characters");
    // byte-exact: compact JSON, this key order, integers without a decimal point
    assert.equal(
      res.text,
      `0{"sid":"${open.sid}","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":1000}`,
    );
    assert.equal(res.body.length, Buffer.byteLength(res.text));
  }));

test("the handshake carries the defaults 25000 / 20000 / 1000000 when no flag is given", () =>
  withServer([], async ({ port }) => {
    const { sid, text } = await handshake(port);
    assert.equal(
      text,
      `0{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
    );
  }));

test("every handshake gets a fresh sid", () =>
  withServer([], async ({ port }) => {
    const sids = new Set();
    for (let i = 0; i < 5; i++) sids.add((await handshake(port)).sid);
    assert.equal(sids.size, 5);
    for (const sid of sids) assert.match(sid, SID_RE);
  }));

describe("HTTP 400 with {code, message}", () => {
  const shared = sharedServer({ before, after }, TIMINGS);
  const cases = [
    // code 5: missing or non-numeric EIO, or a version other than 4
    ["missing EIO", "GET", "transport=polling", 5, "Unsupported protocol version"],
    ["non-numeric EIO", "GET", "EIO=abc&transport=polling", 5, "Unsupported protocol version"],
    ["empty EIO", "GET", "EIO=&transport=polling", 5, "Unsupported protocol version"],
    ["EIO=3", "GET", "EIO=3&transport=polling", 5, "Unsupported protocol version"],
    ["EIO=5", "GET", "EIO=5&transport=polling", 5, "Unsupported protocol version"],
    // code 0: missing or unknown transport
    ["missing transport", "GET", "EIO=4", 0, "Transport unknown"],
    ["unknown transport", "GET", "EIO=4&transport=foo", 0, "Transport unknown"],
    // code 2: a handshake (no sid) with POST or PUT
    ["handshake with POST", "POST", "EIO=4&transport=polling", 2, "Bad handshake method", "4hello"],
    ["handshake with PUT", "PUT", "EIO=4&transport=polling", 2, "Bad handshake method", "4hello"],
    // code 1: unknown sid
    ["unknown sid (GET)", "GET", "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", 1, "Session ID unknown"],
    ["unknown sid (POST)", "POST", "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA", 1, "Session ID unknown", "4hello"],
    // code 3: anything else malformed, e.g. a plain GET asking for the websocket transport
    ["GET handshake with transport=websocket but no upgrade", "GET", "EIO=4&transport=websocket", 3, "Bad request"],
  ];
  for (const [name, method, query, code, message, body] of cases) {
    test(
      `${name} -> 400 {"code":${code}}`,
      shared.wrap(async ({ port }) => {
        const res = await httpRequest(port, method, query, body);
        assertError(res, code, message);
      }),
    );
  }

  test(
    "a GET with a polling sid but transport=websocket (no upgrade) -> 400 code 3",
    shared.wrap(async ({ port }) => {
      const { sid } = await handshake(port);
      const res = await httpRequest(port, "GET", `EIO=4&transport=websocket&sid=${sid}`);
      assertError(res, 3, "Bad request");
    }),
  );

  // Not testable here: a request refused by an `allowRequest` hook
  // (403, code 4 "Forbidden") needs a hook the fixture does not expose.
  test("a request refused by allowRequest -> 403 code 4", { skip: "the fixture has no allowRequest hook" }, () => {});
});
