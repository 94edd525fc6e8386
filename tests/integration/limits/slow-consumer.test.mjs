// Clients that stop reading (`--max-buffered-bytes 1048576`): 100 raw WebSocket clients
// complete the Socket.IO connect and pause their TCP socket (never closed). Half of them send
// `message` events of 100 KB in a loop (the server queues each `message-back` echo for a
// reader that never reads); the other half join room `stuck` first, then receive 10 KB
// broadcasts that a healthy publisher asks for at a steady rate, while 10 healthy
// socket.io-client clients in `stuck` read everything. The healthy clients get every
// broadcast in order; the server closes every stuck connection once it passes the bound,
// so its descriptors come back down (/proc/<pid>/fd); and its resident memory at its peak
// stays far below what 100 unbounded queues would hold. A second test: volatile broadcasts
// to a non-reading client are dropped, not queued, so they do not close it.
// C++ only: socket.io has no slow-consumer bound (its memory grows without limit).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isReference } from "../lib/testserver.mjs";
import { shared, startSioServer, connect, opOk, closeAll, rawSio, nextText, sleep } from "../lib/sio.mjs";
import { rawJoin, sendWs, fdCount, rssBytes, sampleRss, MiB, mib } from "./helpers.mjs";

const skip = isReference() ? "socket.io has no slow-consumer bound (memory grows without limit)" : false;

const BOUND = 1024 * 1024; // --max-buffered-bytes
const STUCK = 100; // non-reading clients, half senders, half room members
const HEALTHY = 10; // reading clients in room `stuck`
const SENDER_MESSAGE = 100 * 1024; // bytes of each `message` a stuck sender sends
// A stuck sender stops after this many messages (70 MB) if its connection is still open:
// with the old bound (64 MiB a session), 50 senders would make the server hold 3.2 GB, far
// above the RSS limit below. Writes count once in the kernel: up to ~10 MB of them (the
// client's send and the server's receive buffers) may never reach the server.
const SENDER_CAP = 700;
const BROADCAST = 10 * 1024; // bytes of each broadcast to `stuck`
const WINDOW = 50; // broadcasts the publisher may be ahead of the slowest healthy client (500 KB)
const INFLIGHT = 8; // `op emit` requests awaiting their ack at once
const MIN_PUBLISH_MS = 3000; // publish at least this long
// Every stuck connection closed within this (a bound, not a timing): a stuck member needs
// some 500 broadcasts (the server's kernel send buffer, up to tcp_wmem's 4 MB, fills before
// its queue does), about 10 s on the ASan build, 30 s with two suites at once on 2 cores.
const DEADLINE_MS = 90_000;
const FD_SLACK = 3; // descriptors beyond baseline + healthy connections still taken as "all closed"
// The RSS limit over the baseline: 3 MiB per stuck client plus 200 MiB, plus 256 MiB for
// AddressSanitizer's quarantine (freed memory it holds back: 256 MiB by default), as CI
// builds with ASan. Measured on the ASan build: +400 to +460 MiB at the peak, +80 MiB with
// ASAN_OPTIONS=quarantine_size_mb=0. The old behaviour (64 MiB queued per session) holds
// some 3.2 GB with 50 senders writing SENDER_CAP messages each: far beyond it.
const ASAN_QUARANTINE = 256 * MiB;
const RSS_MARGIN = STUCK * BOUND * 3 + 200 * MiB + ASAN_QUARANTINE;

/** Runs `fn(i)` for i in [0, n) with at most `width` at a time; resolves the results. */
async function pool(n, width, fn) {
  const out = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

/** A raw Socket.IO client joined to `/` (and to `rooms` through `op join`). */
async function rawClient(port, rooms = []) {
  const raw = await rawSio(port);
  await rawJoin(raw);
  if (rooms.length) {
    raw.send(`420["op",${JSON.stringify({ op: "join", rooms })}]`);
    assert.equal(await nextText(raw, "430", 5000), '[{"ok":true,"result":null}]');
  }
  return raw;
}

/** Stops reading: the client's TCP socket is paused (left open). */
const stopReading = (raw) => raw.ws._socket.pause();

/** Polls until `pred()` is true; false when `ms` pass first. */
async function until(pred, ms, everyMs = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (pred()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** A healthy socket.io-client in `rooms`, recording the sequence numbers of event `event`. */
async function healthyClient(url, rooms, event) {
  const socket = await connect(url);
  socket.seqs = [];
  socket.on(event, (seq) => socket.seqs.push(seq));
  if (rooms.length) await opOk(socket, { op: "join", rooms });
  return socket;
}

/** Asserts that `socket` got 0..count-1 of its recorded sequence, in order. */
function assertAllInOrder(socket, count, who) {
  assert.equal(socket.seqs.length, count, `${who} got ${socket.seqs.length} of ${count} broadcasts`);
  socket.seqs.forEach((seq, i) => {
    if (seq !== i) assert.fail(`${who}: broadcast #${i} is ${seq} (out of order or missing)`);
  });
}

describe(`non-reading clients, --max-buffered-bytes ${BOUND}`, { skip }, () => {
  const srv = shared({ before, after }, startSioServer, ["--max-buffered-bytes", String(BOUND)]);

  test(
    `${STUCK} non-reading clients (echo senders and room members) are closed at the bound; ${HEALTHY} healthy clients get every broadcast; descriptors and memory stay bounded`,
    { timeout: 240_000 },
    srv.wrap(async ({ url, port, pid }, t) => {
      const baseFd = fdCount(pid);
      const baseRss = rssBytes(pid);
      const rss = sampleRss(pid, 100);
      const healthy = [];
      const stuck = [];
      let publisher;
      try {
        for (let i = 0; i < HEALTHY; i++) healthy.push(await healthyClient(url, ["stuck"], "b"));
        publisher = await connect(url);
        const healthyConnections = HEALTHY + 1;

        // the stuck clients: even ones send echoes, odd ones are members of `stuck`
        const clients = await pool(STUCK, 10, (i) => rawClient(port, i % 2 ? ["stuck"] : []));
        stuck.push(...clients);
        const peakFdConnected = fdCount(pid);
        t.diagnostic(`descriptors: baseline ${baseFd}, with ${healthyConnections} healthy and ${STUCK} stuck clients ${peakFdConnected}`);

        for (const raw of stuck) stopReading(raw);

        // senders: 100 KB `message` events until the connection fails (or SENDER_CAP)
        const body = JSON.stringify(["message", "x".repeat(SENDER_MESSAGE)]);
        const senders = stuck
          .filter((_, i) => i % 2 === 0)
          .map(async (raw) => {
            let sent = 0;
            while (sent < SENDER_CAP && (await sendWs(raw.ws, `42${body}`))) sent++;
            return sent;
          });

        // the publisher: 10 KB broadcasts to `stuck`, in sequence, until every stuck connection
        // is gone (and for at least MIN_PUBLISH_MS)
        const target = baseFd + healthyConnections + FD_SLACK;
        const filler = "y".repeat(BROADCAST);
        const started = Date.now();
        let published = 0;
        let fdDownAfter = null;
        let opFailure = null;
        const inflight = new Set();
        for (;;) {
          // paced by the healthy readers (at most WINDOW broadcasts ahead of the slowest), so
          // that a busy test process never makes a healthy client a slow consumer itself;
          // up to INFLIGHT requests pipelined (one connection: the server runs them in order)
          const caughtUp = await until(() => healthy.every((s) => s.seqs.length >= published - WINDOW), 10_000, 2);
          assert.ok(caughtUp, `healthy clients stalled: ${healthy.map((s) => s.seqs.length)} of ${published} broadcasts`);
          while (inflight.size >= INFLIGHT && !opFailure) await Promise.race(inflight);
          if (opFailure) throw opFailure;
          const request = opOk(publisher, { op: "emit", rooms: ["stuck"], event: "b", args: [published, filler] }, 10_000)
            .catch((e) => (opFailure ??= e))
            .finally(() => inflight.delete(request));
          inflight.add(request);
          published++;
          const elapsed = Date.now() - started;
          if (fdDownAfter === null && fdCount(pid) <= target) fdDownAfter = elapsed;
          if (fdDownAfter !== null && elapsed >= MIN_PUBLISH_MS) break;
          if (elapsed > DEADLINE_MS) break;
        }
        await Promise.all(inflight);
        if (opFailure) throw opFailure;
        const fdAtEnd = fdCount(pid);
        t.diagnostic(
          `published ${published} broadcasts of ${BROADCAST} bytes in ${Date.now() - started} ms; ` +
            `descriptors <= ${target} after ${fdDownAfter} ms; at the end ${fdAtEnd}`,
        );

        const sent = await Promise.all(senders);
        t.diagnostic(
          `messages of ${SENDER_MESSAGE} bytes sent per stuck sender before its connection failed: ` +
            `min ${Math.min(...sent)}, max ${Math.max(...sent)}, total ${sent.reduce((a, b) => a + b, 0)}`,
        );

        // the healthy clients got every broadcast, in order
        await until(() => healthy.every((s) => s.seqs.length >= published), 15_000);
        healthy.forEach((s, i) => assertAllInOrder(s, published, `healthy client ${i}`));

        const { peak, samples } = rss.stop();
        t.diagnostic(
          `RSS: baseline ${mib(baseRss)}, peak ${mib(peak)} (+${mib(peak - baseRss)}; ${samples} samples), ` +
            `limit +${mib(RSS_MARGIN)}`,
        );

        assert.notEqual(
          fdDownAfter,
          null,
          `the server still holds ${fdAtEnd} descriptors after ${DEADLINE_MS} ms (baseline ${baseFd}, ` +
            `${healthyConnections} healthy connections, want <= ${target}): stuck connections were not closed`,
        );
        assert.ok(
          sent.every((n) => n < SENDER_CAP),
          `a stuck sender wrote ${SENDER_CAP} messages of ${SENDER_MESSAGE} bytes without being closed`,
        );
        assert.ok(
          peak - baseRss <= RSS_MARGIN,
          `RSS peaked at ${mib(peak)}, ${mib(peak - baseRss)} over the baseline ${mib(baseRss)} (limit ${mib(RSS_MARGIN)})`,
        );
      } finally {
        rss.stop();
        await Promise.all(stuck.map((raw) => raw.close()));
        closeAll(publisher, ...healthy);
      }
    }),
  );

  test(
    "volatile broadcasts to a non-reading client are dropped, not queued: it stays connected while a non-volatile one is closed",
    { timeout: 120_000 },
    srv.wrap(async ({ url, port, pid }, t) => {
      const publisher = await connect(url);
      let volatileClient;
      let control;
      try {
        volatileClient = await rawClient(port, ["vstuck"]);
        const withOne = fdCount(pid);
        control = await rawClient(port, ["nstuck"]);
        stopReading(volatileClient);
        stopReading(control);

        // the same broadcasts to both rooms: volatile to `vstuck`, plain to `nstuck`, until
        // the server closes the plain one (its descriptor goes), then 1 MB more
        const filler = "z".repeat(BROADCAST);
        const started = Date.now();
        let rounds = 0;
        let controlClosedAt = null;
        while (Date.now() - started < DEADLINE_MS) {
          await opOk(publisher, { op: "emit", rooms: ["vstuck"], volatile: true, event: "vb", args: [rounds, filler] });
          await opOk(publisher, { op: "emit", rooms: ["nstuck"], event: "nb", args: [rounds, filler] });
          rounds++;
          if (controlClosedAt === null && fdCount(pid) <= withOne) controlClosedAt = rounds;
          if (controlClosedAt !== null && rounds >= controlClosedAt + BOUND / BROADCAST) break;
          await sleep(2);
        }
        t.diagnostic(`rounds: ${rounds}; the non-volatile client's descriptor went after round ${controlClosedAt}`);
        assert.notEqual(controlClosedAt, null, `the non-volatile non-reading client was not closed within ${DEADLINE_MS} ms`);

        // the volatile one reads again: what it got is in order, and it still answers
        volatileClient.ws._socket.resume();
        volatileClient.send('42["message","alive"]');
        const seqs = [];
        for (;;) {
          const text = await nextText(volatileClient, "42", 10_000);
          if (text === '["message-back","alive"]') break;
          const [event, seq] = JSON.parse(text);
          assert.equal(event, "vb", `unexpected event ${text.slice(0, 80)}`);
          seqs.push(seq);
        }
        t.diagnostic(`volatile broadcasts received: ${seqs.length} of ${rounds}`);
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `volatile broadcasts out of order: ${seqs[i - 1]} then ${seqs[i]}`);
        assert.ok(seqs.length < rounds, "some volatile broadcasts were dropped while the client did not read");
      } finally {
        await volatileClient?.close();
        await control?.close();
        closeAll(publisher);
      }
    }),
  );
});
