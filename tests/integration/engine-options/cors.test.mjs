// CORS (the engine.io `cors` option, i.e. the `cors` npm package): exact headers on the
// handshake, on polls, on the POST `ok`, on 400 errors and on preflights.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { optionsServerPool, HANDSHAKE, pollQuery } from "./helpers.mjs";
import { httpRequest, parseOpen } from "../lib/eio.mjs";

const METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";
const get = (port, query, headers = {}) => httpRequest(port, "GET", query, undefined, { headers });
const options = (port, query, headers) => httpRequest(port, "OPTIONS", query, undefined, { headers });
const pool = optionsServerPool({ before, after }, {
  none: [],
  any: ["--cors"],
  list: [
    "--cors-origin", "http://a.example",
    "--cors-origin", "http://b.example",
    "--cors-credentials",
    "--cors-allowed-header", "Content-Type",
    "--cors-allowed-header", "X-Token",
    "--cors-exposed-header", "X-One",
    "--cors-exposed-header", "X-Two",
    "--cors-max-age", "600",
  ],
  suffix: ["--cors-origin-suffix", ".example.com"],
});

const corsHeaders = (res) => Object.keys(res.headers).filter((h) => h.startsWith("access-control-"));

async function handshakeFrom(port, origin) {
  const res = await get(port, HANDSHAKE, origin ? { Origin: origin } : {});
  assert.equal(res.status, 200, `handshake: ${res.status} ${res.text}`);
  return { res, sid: parseOpen(res.text).sid };
}

describe("without --cors", () => {
  test(
    "no Access-Control-* header on a handshake with an Origin",
    pool.wrap("none", async ({ port }) => {
      const { res } = await handshakeFrom(port, "http://a.example");
      assert.deepEqual(corsHeaders(res), []);
    }),
  );

  test(
    "an OPTIONS handshake is not a preflight: 400 code 2, no Access-Control-* header",
    pool.wrap("none", async ({ port }) => {
      const res = await options(port, HANDSHAKE, {
        Origin: "http://a.example",
        "Access-Control-Request-Method": "POST",
      });
      assert.equal(res.status, 400, `${res.status} ${res.text}`);
      assert.equal(res.text, '{"code":2,"message":"Bad handshake method"}');
      assert.deepEqual(corsHeaders(res), []);
    }),
  );
});

describe("--cors (default origin `*`)", () => {
  test(
    "handshake with and without an Origin: `Access-Control-Allow-Origin: *`, no Vary, no credentials",
    pool.wrap("any", async ({ port }) => {
      for (const origin of ["http://a.example", undefined]) {
        const { res } = await handshakeFrom(port, origin);
        assert.equal(res.headers["access-control-allow-origin"], "*", `origin ${origin}`);
        assert.equal(res.headers.vary, undefined, `origin ${origin}: no Vary with a fixed '*'`);
        assert.deepEqual(corsHeaders(res), ["access-control-allow-origin"], `origin ${origin}`);
      }
    }),
  );

  test(
    "the POST `ok`, the GET and a 400 error all carry `Access-Control-Allow-Origin: *`",
    pool.wrap("any", async ({ port }) => {
      const origin = { Origin: "http://a.example" };
      const { sid } = await handshakeFrom(port, "http://a.example");
      const p = await httpRequest(port, "POST", pollQuery(sid), "4hi", { headers: origin });
      assert.equal(p.status, 200);
      assert.equal(p.text, "ok");
      assert.equal(p.headers["access-control-allow-origin"], "*", "POST ok");
      const g = await get(port, pollQuery(sid), origin);
      assert.equal(g.text, "4hi");
      assert.equal(g.headers["access-control-allow-origin"], "*", "GET");
      const e = await get(port, "EIO=4&transport=foo", origin);
      assert.equal(e.status, 400);
      assert.equal(e.text, '{"code":0,"message":"Transport unknown"}');
      assert.equal(e.headers["access-control-allow-origin"], "*", "400 Transport unknown");
      const u = await get(port, pollQuery("AAAAAAAAAAAAAAAAAAAA"), origin);
      assert.equal(u.status, 400);
      assert.equal(u.text, '{"code":1,"message":"Session ID unknown"}');
      assert.equal(u.headers["access-control-allow-origin"], "*", "400 Session ID unknown");
    }),
  );

  test(
    "preflight: 204, empty, Allow-Methods, the requested headers echoed with `Vary: Access-Control-Request-Headers`, no Max-Age",
    pool.wrap("any", async ({ port }) => {
      const res = await options(port, HANDSHAKE, {
        Origin: "http://a.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-custom",
      });
      assert.equal(res.status, 204);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers["access-control-allow-origin"], "*");
      assert.equal(res.headers["access-control-allow-methods"], METHODS);
      assert.equal(res.headers["access-control-allow-headers"], "content-type,x-custom");
      assert.equal(res.headers.vary, "Access-Control-Request-Headers");
      assert.equal(res.headers["access-control-max-age"], undefined);
      assert.equal(res.headers["access-control-allow-credentials"], undefined);
    }),
  );

  test(
    "preflight on a live session's URL: 204 as well",
    pool.wrap("any", async ({ port }) => {
      const { sid } = await handshakeFrom(port);
      const res = await options(port, pollQuery(sid), {
        Origin: "http://a.example",
        "Access-Control-Request-Method": "POST",
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers["access-control-allow-origin"], "*");
      assert.equal(res.headers["access-control-allow-methods"], METHODS);
    }),
  );
});

describe("--cors-origin list, credentials, allowed/exposed headers, max-age", () => {
  test(
    "an allowed origin is echoed with `Vary: Origin`, credentials and exposed headers",
    pool.wrap("list", async ({ port }) => {
      for (const origin of ["http://a.example", "http://b.example"]) {
        const { res } = await handshakeFrom(port, origin);
        assert.equal(res.headers["access-control-allow-origin"], origin);
        assert.equal(res.headers.vary, "Origin");
        assert.equal(res.headers["access-control-allow-credentials"], "true");
        assert.equal(res.headers["access-control-expose-headers"], "X-One,X-Two");
        assert.equal(res.headers["access-control-allow-methods"], undefined, "methods only on preflights");
        assert.equal(res.headers["access-control-max-age"], undefined, "max-age only on preflights");
      }
    }),
  );

  test(
    "a disallowed origin (or none) gets no Access-Control-Allow-Origin, but `Vary: Origin`",
    pool.wrap("list", async ({ port }) => {
      for (const origin of ["http://c.example", "http://a.example.evil", "null", undefined]) {
        const { res } = await handshakeFrom(port, origin);
        assert.equal(res.headers["access-control-allow-origin"], undefined, `origin ${origin}`);
        assert.equal(res.headers.vary, "Origin", `origin ${origin}`);
      }
    }),
  );

  test(
    "the POST `ok`, the GET and 400 errors carry the echoed origin and credentials",
    pool.wrap("list", async ({ port }) => {
      const origin = "http://b.example";
      const h = { Origin: origin };
      const { sid } = await handshakeFrom(port, origin);
      const check = (res, what) => {
        assert.equal(res.headers["access-control-allow-origin"], origin, what);
        assert.equal(res.headers["access-control-allow-credentials"], "true", what);
        assert.equal(res.headers.vary, "Origin", what);
      };
      const p = await httpRequest(port, "POST", pollQuery(sid), "4hi", { headers: h });
      assert.equal(p.text, "ok");
      check(p, "POST ok");
      const g = await get(port, pollQuery(sid), h);
      assert.equal(g.text, "4hi");
      check(g, "GET");
      const e = await get(port, "EIO=5&transport=polling", h);
      assert.equal(e.status, 400);
      assert.equal(e.text, '{"code":5,"message":"Unsupported protocol version"}');
      check(e, "400 Unsupported protocol version");
      const m = await httpRequest(port, "POST", HANDSHAKE, "4x", { headers: h });
      assert.equal(m.status, 400);
      assert.equal(m.text, '{"code":2,"message":"Bad handshake method"}');
      check(m, "400 Bad handshake method");
    }),
  );

  test(
    "preflight from an allowed origin: 204 with every configured header",
    pool.wrap("list", async ({ port }) => {
      const res = await options(port, HANDSHAKE, {
        Origin: "http://a.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-other",
      });
      assert.equal(res.status, 204);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers["access-control-allow-origin"], "http://a.example");
      assert.equal(res.headers.vary, "Origin", "configured Allow-Headers: no Vary on the request headers");
      assert.equal(res.headers["access-control-allow-credentials"], "true");
      assert.equal(res.headers["access-control-allow-methods"], METHODS);
      assert.equal(res.headers["access-control-allow-headers"], "Content-Type,X-Token", "the configured headers, not the requested ones");
      assert.equal(res.headers["access-control-max-age"], "600");
      assert.equal(res.headers["access-control-expose-headers"], "X-One,X-Two");
    }),
  );

  test(
    "preflight from a disallowed origin: no Access-Control-Allow-Origin",
    pool.wrap("list", async ({ port }) => {
      const res = await options(port, HANDSHAKE, {
        Origin: "http://c.example",
        "Access-Control-Request-Method": "POST",
      });
      assert.equal(res.headers["access-control-allow-origin"], undefined);
      assert.equal(res.headers.vary, "Origin");
    }),
  );
});

describe("--cors-origin-suffix (an origin predicate)", () => {
  test(
    "an origin ending with the suffix is echoed with `Vary: Origin`",
    pool.wrap("suffix", async ({ port }) => {
      for (const origin of ["https://app.example.com", "http://a.b.example.com"]) {
        const { res } = await handshakeFrom(port, origin);
        assert.equal(res.headers["access-control-allow-origin"], origin);
        assert.equal(res.headers.vary, "Origin");
        assert.equal(res.headers["access-control-allow-credentials"], undefined);
      }
    }),
  );

  test(
    "other origins (and none) get no Access-Control-Allow-Origin",
    pool.wrap("suffix", async ({ port }) => {
      for (const origin of ["https://example.org", "https://app.example.com.evil.org", "https://example.co", undefined]) {
        const { res } = await handshakeFrom(port, origin);
        assert.equal(res.headers["access-control-allow-origin"], undefined, `origin ${origin}`);
      }
    }),
  );

  test(
    "preflight from a matching origin: 204, origin echoed, `Vary: Origin, Access-Control-Request-Headers`",
    pool.wrap("suffix", async ({ port }) => {
      const res = await options(port, HANDSHAKE, {
        Origin: "https://app.example.com",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-custom",
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal(res.headers["access-control-allow-methods"], METHODS);
      assert.equal(res.headers["access-control-allow-headers"], "x-custom");
      // both Vary values (the `vary` package appends); a cache keyed on one only is wrong
      assert.equal(res.headers.vary, "Origin, Access-Control-Request-Headers");
    }),
  );
});
