// Hostile input against one server (`--engine-echo`): malformed HTTP over raw TCP, oversized
// header blocks, bad Content-Length / Transfer-Encoding, random POST bodies, random
// WebSocket frames, raw bytes after an upgrade, half-open connections and a burst of
// dropped connections. Meanwhile two "bystander" engine.io-client sessions (one over
// WebSocket, one over polling) echo messages the whole time: at the end every echo must
// have arrived, in order, a fresh handshake must work and the server must stop with exit
// code 0 (where an AddressSanitizer report would surface).
//
// Random input comes from a seeded PRNG: SIO_FUZZ_SEED=<n> replays a run (the seed is in
// every failure message).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import crypto from "node:crypto";
import { startServer, explain, peerRequire } from "../lib/testserver.mjs";
import {
  handshake,
  httpRequest,
  post,
  withTimeout,
  settlesWithin,
  wsHandshake,
  pollPackets,
  sleep,
} from "../lib/eio.mjs";
import { connectClient } from "../lib/eioclient.mjs";

const WebSocket = peerRequire("ws");

const SEED = Number(process.env.SIO_FUZZ_SEED ?? 0x5eed1234) >>> 0;

/** mulberry32: a small seeded PRNG; returns {next() in [0,1), int(n) in [0,n), bytes(n)}. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const bytes = (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  /** A random string of valid Unicode scalar values (no lone surrogates). */
  const text = (n) => {
    let s = "";
    for (let i = 0; i < n; i++) {
      const r = next();
      let cp;
      if (r < 0.6) cp = 0x20 + int(0x5f);
      else if (r < 0.7) cp = int(0x20);
      else if (r < 0.9) cp = 0x80 + int(0xd800 - 0x80);
      else cp = 0x10000 + int(0x10ffff - 0x10000);
      s += String.fromCodePoint(cp);
    }
    return s;
  };
  return { next, int, bytes, text };
}

const rnd = prng(SEED);
const seedNote = `(SIO_FUZZ_SEED=${SEED})`;

/** Runs `task(i)` for i in [0, count) with at most `width` at a time. */
async function pool(count, width, task) {
  let i = 0;
  const worker = async () => {
    while (i < count) await task(i++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * Writes `data` on a fresh TCP connection and collects what comes back until the server
 * closes or `waitMs` pass. Resolves {data: Buffer, closed, text, statuses: [codes]}.
 * `endAfterWrite`: half-close our side after writing.
 */
function rawExchange(port, data, { waitMs = 2000, endAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const buf = Buffer.concat(chunks);
      const text = buf.toString("latin1");
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ data: buf, closed, text, statuses });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", () => {}); // a reset counts as closed
    socket.on("close", () => finish(true));
    socket.on("connect", () => {
      const write = (b) => new Promise((r) => socket.write(b, () => r()));
      (async () => {
        const parts = Array.isArray(data) ? data : [data];
        for (const p of parts) {
          if (socket.destroyed) return;
          await write(typeof p === "string" ? Buffer.from(p, "latin1") : p);
        }
        if (endAfterWrite && !socket.destroyed) socket.end();
      })().catch(() => {});
    });
  });
}

/** Opens a TCP connection; resolves the socket once connected (or null on error). */
function connectRaw(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("error", () => resolve(null));
    s.on("connect", () => resolve(s));
  });
}

const HS = "/engine.io/?EIO=4&transport=polling";
const req = (line, headers = [], body = "") =>
  `${line}\r\nHost: 127.0.0.1\r\n${headers.map((h) => h + "\r\n").join("")}\r\n${body}`;

function upgradeRequest(path = "/engine.io/?EIO=4&transport=websocket") {
  const key = crypto.randomBytes(16).toString("base64");
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`
  );
}

/** A masked client frame. */
function clientFrame(opcode, payload, { fin = true } = {}) {
  const len = payload.length;
  const head = [((fin ? 0x80 : 0) | opcode) & 0xff];
  if (len < 126) head.push(0x80 | len);
  else if (len < 65536) head.push(0x80 | 126, len >> 8, len & 0xff);
  else throw new Error("frame too long for this helper");
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
  return Buffer.concat([Buffer.from(head), mask, masked]);
}

/** Normalises an engine.io-client message for comparison. */
const norm = (d) => (typeof d === "string" ? d : "bin:" + Buffer.from(d).toString("hex"));

/**
 * A bystander: an engine.io-client session that sends a message every `everyMs` (text and,
 * every third one, binary) and records every echo.
 */
function bystander(port, name, transports) {
  const c = connectClient(port, { transports });
  const sent = [];
  const received = [];
  let timer = null;
  let i = 0;
  c.socket.on("message", (d) => received.push(norm(d)));
  return {
    c,
    sent,
    received,
    async start(everyMs = 20) {
      await withTimeout(c.opened, 5000, `bystander ${name} to open`);
      timer = setInterval(() => {
        const n = i++;
        const msg = n % 3 === 2 ? Buffer.from([n & 0xff, (n >> 8) & 0xff, 0, 0xff]) : `${name}-${n}-é✓`;
        sent.push(norm(msg));
        c.socket.send(msg);
      }, everyMs);
    },
    stopSending() {
      clearInterval(timer);
    },
    async drained(ms = 5000) {
      const deadline = Date.now() + ms;
      while (received.length < sent.length && Date.now() < deadline && !c.isClosed()) await sleep(20);
    },
  };
}

describe(`hostile input ${seedNote}`, () => {
  let srv = null;
  let stopped = false;
  const bystanders = [];

  before(async () => {
    srv = await startServer();
    bystanders.push(bystander(srv.port, "ws", ["websocket"]), bystander(srv.port, "poll", ["polling"]));
    await Promise.all(bystanders.map((b) => b.start()));
  });

  after(async () => {
    for (const b of bystanders) {
      b.stopSending();
      b.c.socket.close();
    }
    // when the last test did not get to stop it: a bad exit (e.g. a sanitizer report) still fails
    if (srv && !stopped) await srv.stop();
  });

  /** Wraps a test: the server must still run afterwards; failures show its output. */
  const wrap = (fn) => async (t) => {
    try {
      await fn(srv, t);
      if (stopped) return;
      const alive = await settlesWithin(srv.exited, 0);
      assert.equal(alive.settled, false, `the server exited: ${JSON.stringify(alive.value)}`);
    } catch (err) {
      if (err && typeof err === "object") err.message += ` ${seedNote}`;
      throw explain(srv, err);
    }
  };

  test(
    "malformed request lines and headers over raw TCP -> 400 and the connection closed",
    wrap(async ({ port }) => {
      const strict = {
        "garbage line": "GARBAGE\r\n\r\n",
        "method only": "GET\r\n\r\n",
        "HTTP/9.9": req(`GET ${HS} HTTP/9.9`),
        "HTTP/1.x": req(`GET ${HS} HTTP/1.x`),
        "header without colon": req(`GET ${HS} HTTP/1.1`, ["Bad Header Without Colon"]),
        "space in header name": req(`GET ${HS} HTTP/1.1`, ["Foo Bar: x"]),
        "space before colon": req(`GET ${HS} HTTP/1.1`, ["Foo : x"]),
        "empty header name": req(`GET ${HS} HTTP/1.1`, [": v"]),
        "NUL in header value": req(`GET ${HS} HTTP/1.1`, ["X: a\x00b"]),
        "control char in header value": req(`GET ${HS} HTTP/1.1`, ["X: a\x01b"]),
        "bare CR line ends": `GET ${HS} HTTP/1.1\rHost: x\r\r`,
        "binary method": req("\xff\xfe\xfd /engine.io/ HTTP/1.1"),
        "TLS ClientHello": "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + "A".repeat(40),
        "request line of NULs": "\x00".repeat(64) + "\r\n\r\n",
      };
      // Either rejected (400) or accepted as HTTP allows (obs-fold may be unfolded, a
      // lenient parser may take bare LF or extra spaces): only "no crash" is asserted.
      const lenient = {
        "bare LF line ends": `GET ${HS} HTTP/1.1\nHost: x\n\n`,
        "obs-fold header": req(`GET ${HS} HTTP/1.1`, ["X: a", " b"]),
        "double spaces in request line": req(`GET  ${HS}  HTTP/1.1`),
        "lowercase method": req(`get ${HS} HTTP/1.1`),
        "absolute-form target": req(`GET http://127.0.0.1${HS} HTTP/1.1`),
        "target without slash": req(`GET engine.io HTTP/1.1`),
        "HTTP/1.0 no Host": `GET ${HS} HTTP/1.0\r\n\r\n`,
      };
      const results = await Promise.all(
        Object.entries({ ...strict, ...lenient }).map(async ([name, data]) => [name, await rawExchange(port, data)]),
      );
      const failures = [];
      for (const [name, r] of results) {
        if (!(name in strict)) continue;
        const ok = (r.statuses.length === 0 || (r.statuses.length === 1 && r.statuses[0] === 400)) && r.closed;
        if (!ok) failures.push(`${name}: statuses ${JSON.stringify(r.statuses)}, closed ${r.closed}: ${JSON.stringify(r.text.slice(0, 120))}`);
      }
      assert.deepEqual(failures, [], "each must get 400 (or nothing) and the connection closed");
    }),
  );

  test(
    "oversized header blocks (> 16 KiB) -> 431 or closed; a never-ending one is cut off",
    wrap(async ({ port, reference }) => {
      const cases = {
        "one 20 KiB header": req(`GET ${HS} HTTP/1.1`, ["X-Big: " + "a".repeat(20 * 1024)]),
        "20 KiB request target": req(`GET ${HS}&pad=${"p".repeat(20 * 1024)} HTTP/1.1`),
        "2000 small headers (~24 KiB)": req(`GET ${HS} HTTP/1.1`, Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`)),
      };
      const results = await Promise.all(Object.entries(cases).map(async ([n, d]) => [n, await rawExchange(port, d)]));
      const failures = [];
      for (const [name, r] of results) {
        const ok = (r.statuses.length === 0 || (r.statuses.length === 1 && r.statuses[0] === 431)) && r.closed;
        if (ok) continue;
        if (reference && name.startsWith("2000") && r.statuses[0] === 200) {
          // reference differs: Node's HTTP server (maxHeaderSize 16 KiB) accepts this ~24 KiB
          // block of 2000 short headers and answers the handshake 200.
          continue;
        }
        failures.push(`${name}: statuses ${JSON.stringify(r.statuses)}, closed ${r.closed}`);
      }
      assert.deepEqual(failures, []);

      // 4 MiB of header lines, written as long as the server reads: it must answer / close
      // long before the end instead of buffering it all
      const line = Buffer.from("X-Flood: " + "f".repeat(1000) + "\r\n");
      const parts = [Buffer.from(`GET ${HS} HTTP/1.1\r\nHost: x\r\n`), ...Array(4096).fill(line)];
      const started = Date.now();
      const flood = await rawExchange(port, parts, { waitMs: 5000 });
      assert.ok(flood.closed, `the server kept reading an endless header block for ${Date.now() - started} ms`);
      assert.ok(flood.statuses.length === 0 || flood.statuses[0] === 431, `statuses ${JSON.stringify(flood.statuses)}`);
    }),
  );

  test(
    "bad Content-Length / Transfer-Encoding on a POST to a live session -> 400, closed, nothing smuggled",
    wrap(async ({ port }) => {
      // a second request hidden in the body: it must never be answered (its answer would
      // be an open packet)
      const smuggled = req(`GET ${HS} HTTP/1.1`);
      const ct = "Content-Type: text/plain;charset=UTF-8";
      const cases = {
        "Content-Length: abc": [["Content-Length: abc"], "4hello"],
        "Content-Length: -1": [["Content-Length: -1"], "4hello"],
        "Content-Length: 1e3": [["Content-Length: 1e3"], "4hello"],
        "Content-Length: 0x10": [["Content-Length: 0x10"], "4hello"],
        "two different Content-Lengths": [["Content-Length: 6", "Content-Length: 7"], "4hello!"],
        "Content-Length: 5, 6": [["Content-Length: 5, 6"], "4hello"],
        "Content-Length overflow": [["Content-Length: 99999999999999999999999"], "4hello"],
        "Content-Length and chunked": [["Content-Length: 6", "Transfer-Encoding: chunked"], "6\r\n4hello\r\n0\r\n\r\n" + smuggled],
        "chunk size not hex": [["Transfer-Encoding: chunked"], "zz\r\n4hello\r\n0\r\n\r\n" + smuggled],
        "negative chunk size": [["Transfer-Encoding: chunked"], "-6\r\n4hello\r\n0\r\n\r\n" + smuggled],
        "chunk size overflow": [["Transfer-Encoding: chunked"], "ffffffffffffffffffff\r\n4hello\r\n"],
        "chunk data longer than its size": [["Transfer-Encoding: chunked"], "2\r\n4hello\r\n0\r\n\r\n" + smuggled],
        // RFC 9112 6.3: chunked not the final coding of a request -> 400 and close
        "Transfer-Encoding: gzip": [["Transfer-Encoding: gzip"], smuggled],
        "Transfer-Encoding: chunked, gzip": [["Transfer-Encoding: chunked, gzip"], smuggled],
        "Transfer-Encoding: xchunked": [["Transfer-Encoding: xchunked"], smuggled],
      };
      const results = await Promise.all(
        Object.entries(cases).map(async ([name, [headers, body]]) => {
          const { sid } = await handshake(port); // a live session of its own
          const line = `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1`;
          return [name, await rawExchange(port, req(line, [ct, ...headers], body))];
        }),
      );
      const failures = [];
      for (const [name, r] of results) {
        const ok = r.statuses.every((s) => s === 400) && !r.text.includes('0{"sid"') && r.closed;
        if (!ok) {
          failures.push(`${name}: statuses ${JSON.stringify(r.statuses)}, closed ${r.closed}: ${JSON.stringify(r.text.slice(0, 400))}`);
        }
      }
      assert.deepEqual(failures, [], "each must get 400 (or nothing), the connection closed, the hidden request unanswered");
    }),
  );

  test(
    "random bytes as POST bodies to live sessions (300 rounds) -> 200 or 400 (or a reset), never anything else",
    wrap(async ({ port }, t) => {
      // generated up front, so that a seed always gives the same inputs
      const rounds = Array.from({ length: 300 }, () => {
        const r = rnd.next();
        let body;
        if (r < 0.4) body = rnd.bytes(rnd.int(3000));
        else if (r < 0.7) body = Buffer.from("4" + rnd.text(rnd.int(500)) + (rnd.next() < 0.5 ? "\x1e" + rnd.text(20) : ""));
        else if (r < 0.85) body = Buffer.from("b" + rnd.bytes(rnd.int(300)).toString("latin1"), "latin1");
        else body = Buffer.concat([Buffer.from(String(rnd.int(10))), rnd.bytes(rnd.int(100))]);
        const contentType = rnd.next() < 0.8 ? "text/plain;charset=UTF-8" : "application/octet-stream";
        return { body, contentType, drain: rnd.next() < 0.1 };
      });
      const outcomes = new Map();
      const count = (k) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
      // a refused request may be reset before its answer is read: that counts as "closed"
      const isReset = (e) => ["ECONNRESET", "EPIPE"].includes(e?.code) || /socket hang up/.test(e?.message);
      const sids = [];
      await pool(rounds.length, 6, async (round) => {
        const slot = round % 6;
        const { body, contentType, drain } = rounds[round];
        if (!sids[slot]) sids[slot] = (await handshake(port)).sid;
        const sid = sids[slot];
        let res;
        try {
          res = await withTimeout(
            httpRequest(port, "POST", `EIO=4&transport=polling&sid=${sid}`, body, {
              headers: { "Content-Type": contentType },
            }),
            5000,
            `POST round ${round}`,
          );
        } catch (e) {
          if (!isReset(e)) throw e;
          count("reset");
          sids[slot] = null;
          return;
        }
        count(res.status);
        assert.ok([200, 400].includes(res.status), `round ${round}: POST answered ${res.status} ${JSON.stringify(res.text)}`);
        if (res.status !== 200) sids[slot] = null; // the session was closed: take a new one
        else if (drain) {
          // sometimes read what the echo queued
          const g = await withTimeout(
            httpRequest(port, "GET", `EIO=4&transport=polling&sid=${sid}`),
            5000,
            `GET round ${round}`,
          );
          assert.ok([200, 400].includes(g.status), `round ${round}: GET answered ${g.status}`);
          if (g.status !== 200 || g.text.split("\x1e").includes("1")) sids[slot] = null;
        }
      });
      t.diagnostic(`POST outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
      assert.ok(outcomes.get(200) > 0, `no POST was accepted: ${JSON.stringify([...outcomes])}`);
    }),
  );

  test(
    "random WebSocket text and binary frames (300 frames): binary and `4<text>` echoed exactly, invalid UTF-8 closes",
    wrap(async ({ port }, t) => {
      let client = null;
      const fresh = async () => {
        if (client) await client.close();
        client = (await wsHandshake(port)).client;
      };
      await fresh();
      let closedByGarbage = 0;
      for (let round = 0; round < 300; round++) {
        if (!client.isOpen()) await fresh();
        const r = rnd.next();
        if (r < 0.35) {
          const payload = rnd.bytes(rnd.int(2000));
          client.send(payload, { binary: true });
          const m = await client.next(3000);
          assert.equal(m.isBinary, true, `round ${round}: binary echo`);
          assert.ok(m.data.equals(payload), `round ${round}: binary echo differs (${payload.length} bytes)`);
        } else if (r < 0.7) {
          const text = "4" + rnd.text(rnd.int(400));
          client.send(text);
          const m = await client.next(3000);
          assert.equal(m.isBinary, false, `round ${round}: text echo`);
          assert.equal(m.text, text, `round ${round}: text echo differs`);
        } else if (r < 0.8) {
          // invalid UTF-8 in a text frame: the connection must be failed (RFC 6455 8.1)
          client.send(Buffer.concat([Buffer.from("4"), rnd.bytes(rnd.int(50)), Buffer.from([0xff, 0xfe])]), { binary: false });
          const info = await withTimeout(client.closed, 3000, `round ${round}: the server to close on invalid UTF-8`);
          assert.ok(info.code !== null, `round ${round}: ${JSON.stringify(info)}`);
          assert.equal(client.pending(), 0, `round ${round}: nothing echoed for invalid UTF-8`);
        } else {
          // random bytes in a text frame: echoed or closed, then probe with a binary frame
          client.send(rnd.bytes(1 + rnd.int(200)), { binary: false });
          const probe = Buffer.from([round & 0xff, 1, 2, 3]);
          client.send(probe, { binary: true });
          const got = await settlesWithin(
            (async () => {
              for (;;) {
                const m = await client.next(3000);
                if (m.isBinary && m.data.equals(probe)) return "echoed";
              }
            })(),
            3000,
          );
          if (!got.settled || got.error) {
            await withTimeout(client.closed, 1000, `round ${round}: the probe was neither echoed nor the socket closed`);
            closedByGarbage++;
          }
        }
      }
      await client.close();
      t.diagnostic(`random text frames that closed the connection: ${closedByGarbage}`);
    }),
  );

  test(
    "random raw bytes after a WebSocket upgrade (120 rounds); an unmasked frame closes the connection",
    wrap(async ({ port }) => {
      const inputs = Array.from({ length: 120 }, (_, round) => ({
        unmasked: rnd.bytes(rnd.int(100)),
        garbage: rnd.bytes(1 + rnd.int(round % 3 === 1 ? 4000 : 500)),
        pause: rnd.int(30),
      }));
      await pool(inputs.length, 6, async (round) => {
        const { unmasked, garbage, pause } = inputs[round];
        const s = await connectRaw(port);
        assert.ok(s, "connect");
        let buf = Buffer.alloc(0);
        let closed = false;
        const closedP = new Promise((resolve) => s.on("close", () => resolve((closed = true))));
        s.on("error", () => {});
        s.on("data", (d) => (buf = Buffer.concat([buf, d])));
        s.write(upgradeRequest());
        const deadline = Date.now() + 3000;
        while (!buf.includes("\r\n\r\n") && !closed && Date.now() < deadline) await sleep(5);
        const head = buf.toString("latin1").split("\r\n")[0];
        assert.match(head, /^HTTP\/1\.1 101 /, `round ${round}: upgrade answered ${JSON.stringify(head)}`);
        const kind = round % 3;
        if (kind === 0) {
          // an unmasked client frame: the server must close (RFC 6455 5.1)
          s.write(Buffer.concat([Buffer.from([0x81, unmasked.length]), unmasked]));
          const r = await settlesWithin(closedP, 3000);
          assert.ok(r.settled, `round ${round}: an unmasked frame did not close the connection`);
        } else if (kind === 1) {
          s.write(garbage);
          await sleep(pause);
          s.destroy();
        } else {
          // a valid masked frame first, then random bytes, then FIN
          s.write(clientFrame(0x1, Buffer.from("4ok")));
          s.write(garbage);
          s.end();
          await settlesWithin(closedP, 200);
          s.destroy();
        }
      });
    }),
  );

  test(
    "half-open connections: partial requests, partial bodies, partial upgrades and frames, then gone",
    wrap(async ({ port }) => {
      const victims = await Promise.all(Array.from({ length: 5 }, () => handshake(port)));
      const partials = [
        `GET ${HS}`,
        `GET ${HS} HTTP/1.1\r\nHost: 127.0.0.1\r\n`,
        `GET ${HS} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: aaaa`,
        upgradeRequest().slice(0, 60),
        "P",
      ];
      const jobs = [];
      for (let i = 0; i < 60; i++) {
        const sid = victims[i % victims.length].sid;
        let data;
        if (i % 3 === 0) data = partials[i % partials.length];
        else if (i % 3 === 1) {
          data = `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n` +
            `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n4partial`;
        } else data = upgradeRequest(`/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
        jobs.push(
          (async () => {
            const s = await connectRaw(port);
            if (!s) return;
            s.on("error", () => {});
            s.write(Buffer.from(data, "latin1"));
            if (i % 3 === 2) {
              // after the 101, half a frame header announcing 100 bytes
              await sleep(20);
              s.write(Buffer.from([0x81, 0x80 | 100, 1]));
            }
            await sleep(10 + (i % 5) * 10);
            s.destroy();
          })(),
        );
      }
      await Promise.all(jobs);

      // partial requests followed by our FIN: the server must not hold the connection
      const halfClosed = await Promise.all(
        partials.map((p) => rawExchange(port, p, { endAfterWrite: true, waitMs: 3000 })),
      );
      const lingering = halfClosed.filter((r) => !r.closed).length;
      assert.equal(lingering, 0, `${lingering} half-closed partial requests still open after 3 s`);
    }),
  );

  test(
    "200 connections opened and dropped at once (three waves)",
    wrap(async ({ port }) => {
      // wave 1: connect, drop
      let sockets = await Promise.all(Array.from({ length: 200 }, () => connectRaw(port)));
      assert.ok(sockets.filter(Boolean).length >= 190, "most connections accepted");
      for (const s of sockets) s?.destroy();
      // wave 2: half of them send a partial request, then all drop at once
      sockets = await Promise.all(Array.from({ length: 200 }, () => connectRaw(port)));
      await Promise.all(
        sockets.map((s, i) => s && i % 2 === 0 && new Promise((r) => s.write(`GET ${HS} HTTP/1.1\r\nHo`, r))),
      );
      for (const s of sockets) s?.destroy();
      // wave 3: full handshakes and WebSocket upgrades whose answer nobody reads
      sockets = await Promise.all(Array.from({ length: 200 }, () => connectRaw(port)));
      for (const [i, s] of sockets.entries()) {
        if (!s) continue;
        s.on("error", () => {});
        s.write(i % 2 ? req(`GET ${HS} HTTP/1.1`) : upgradeRequest());
      }
      await sleep(5);
      for (const s of sockets) s?.destroy();
      await sleep(200);
    }),
  );

  test(
    "afterwards: the bystanders got every echo in order, a fresh handshake works, exit 0 on SIGTERM",
    wrap(async ({ port }) => {
      for (const b of bystanders) b.stopSending();
      await Promise.all(bystanders.map((b) => b.drained(5000)));
      for (const [i, b] of bystanders.entries()) {
        const name = i === 0 ? "websocket" : "polling";
        assert.equal(b.c.isClosed(), false, `the ${name} bystander was closed`);
        assert.ok(b.sent.length > 50, `the ${name} bystander sent only ${b.sent.length} messages`);
        assert.deepEqual(b.received, b.sent, `the ${name} bystander's echoes`);
      }

      const { sid } = await handshake(port);
      assert.equal((await post(port, sid, "4fresh")).text, "ok");
      assert.deepEqual(await pollPackets(port, sid, 1), ["4fresh"]);
      const { client } = await wsHandshake(port);
      client.send("4fresh ws");
      assert.equal((await client.next()).text, "4fresh ws");
      await client.close();

      for (const b of bystanders) await b.c.close();
      stopped = true;
      const info = await srv.stop(); // throws unless exit code 0
      assert.equal(info.code, 0);
    }),
  );
});
