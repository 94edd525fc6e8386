// Helpers of the limits suite (issue 12: hostile and slow clients cannot pin a node's memory
// or descriptors): a bystander that keeps a socket.io-client echo stream running and checks
// that every echo came back in order, a raw Socket.IO join over `ws`, a send that waits for
// the bytes to leave (or the connection to fail), and /proc readers for a server's open
// descriptors and resident memory.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { connect, closeAll, nextText, sleep } from "../lib/sio.mjs";

export const PH = (n) => ({ _placeholder: true, num: n });

/** `42`/`45` payload placeholders 0..n-1 as a JSON array text: `{"_placeholder":true,"num":0},…`. */
export const placeholders = (n) => Array.from({ length: n }, (_, i) => JSON.stringify(PH(i))).join(",");

/**
 * A socket.io-client (WebSocket) that emits `message` with a sequence number every
 * `intervalMs` and records the `message-back` echoes. stop() stops sending, waits (up to
 * `ms`) for every echo, asserts they came back in order with none missing or doubled, and
 * closes the client. Resolves the number of round trips.
 */
export async function startBystander(url, { intervalMs = 20 } = {}) {
  const socket = await connect(url);
  const got = [];
  socket.on("message-back", (tag, seq) => {
    if (tag === "bystander") got.push(seq);
  });
  let sent = 0;
  let timer = setInterval(() => socket.emit("message", "bystander", sent++), intervalMs);
  let lostAt = null;
  socket.on("disconnect", (reason) => (lostAt ??= { reason, sent, got: got.length }));

  return {
    socket,
    received: () => got.length,
    /** Waits until `n` more echoes than now have come back (the stream goes on). */
    async progress(n = 10, ms = 10_000) {
      const want = got.length + n;
      const deadline = Date.now() + ms;
      while (got.length < want) {
        assert.equal(lostAt, null, `the bystander was disconnected: ${JSON.stringify(lostAt)}`);
        if (Date.now() > deadline) assert.fail(`the bystander got ${got.length} echoes, waited for ${want} for ${ms} ms`);
        await sleep(10);
      }
    },
    async stop(ms = 15_000) {
      clearInterval(timer);
      timer = null;
      try {
        const deadline = Date.now() + ms;
        while (got.length < sent && Date.now() < deadline && !lostAt) await sleep(20);
        assert.equal(lostAt, null, `the bystander was disconnected: ${JSON.stringify(lostAt)}`);
        assert.ok(sent > 0, "the bystander sent nothing");
        assert.equal(got.length, sent, `the bystander got ${got.length} of ${sent} echoes within ${ms} ms`);
        for (let i = 0; i < got.length; i++) {
          if (got[i] !== i) assert.fail(`bystander echo #${i} is ${got[i]} (echoes out of order or missing)`);
        }
        return sent;
      } finally {
        closeAll(socket);
      }
    },
    close() {
      if (timer) clearInterval(timer);
      closeAll(socket);
    },
  };
}

/** Raw Socket.IO CONNECT to `/` on a rawSio() client: `40` -> `40{"sid":…}`, `42["auth",{}]`. */
export async function rawJoin(raw) {
  raw.send("40");
  const reply = await nextText(raw, "40", 4000);
  assert.match(reply, /^\{"sid":"[A-Za-z0-9_-]{20}"\}$/);
  assert.equal(await nextText(raw, "42", 4000), '["auth",{}]');
}

/**
 * Sends `data` on a `ws` WebSocket and resolves true once it is written, false when the
 * connection is gone (not open, or the write failed).
 */
export function sendWs(ws, data, { binary } = {}) {
  if (ws.readyState !== 1) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      ws.send(data, binary === undefined ? {} : { binary }, (err) => resolve(!err));
    } catch {
      resolve(false);
    }
  });
}

/** The number of open descriptors of process `pid` (entries of /proc/<pid>/fd). */
export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The resident set size of process `pid` in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid) {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Samples rssBytes(pid) every `everyMs` until stop(); stop() resolves {peak, samples}. */
export function sampleRss(pid, everyMs = 100) {
  let peak = rssBytes(pid);
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
      samples++;
    } catch {
      /* the process is gone: the test will say so */
    }
  }, everyMs);
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}

export const MiB = 1024 * 1024;
export const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
