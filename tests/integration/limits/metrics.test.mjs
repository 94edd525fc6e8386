// GET /metrics, /healthz and /readyz on the test server's own port (contract:
// shared/spec/test-server.md): the gauges follow the clients connected; sessions closed for
// a limit (a packet announcing too many attachments, a refused handshake) show in the
// counters by reason. C++ only: socket.io has no metrics (the twin ignores them).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isReference } from "../lib/testserver.mjs";
import { httpRequest } from "../lib/eio.mjs";
import { MODES, SIO_PATH, shared, startSioServer, connect, closeAll, sleep, rawSio, withTimeout } from "../lib/sio.mjs";
import { rawJoin, placeholders } from "./helpers.mjs";

const skip = isReference() ? "socket.io has no metrics endpoint" : false;

/** The exposition as a map "name{labels}" -> number. */
async function scrape(port) {
  const res = await httpRequest(port, "GET", "", undefined, { path: "/metrics" });
  assert.equal(res.status, 200, `/metrics answered ${res.status}`);
  assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
  const samples = new Map();
  for (const line of res.text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** Scrapes until `check(samples)` holds (the server counts as events arrive), or fails. */
async function scrapeUntil(port, check, what, ms = 5000) {
  const deadline = Date.now() + ms;
  let samples;
  for (;;) {
    samples = await scrape(port);
    if (check(samples) || Date.now() > deadline) break;
    await sleep(50);
  }
  assert.ok(check(samples), `${what}; metrics: ${JSON.stringify([...samples])}`);
  return samples;
}

describe("metrics and health", { skip }, () => {
  const srv = shared({ before, after }, startSioServer, ["--max-connections", "4"]);

  test("healthz and readyz answer 200 on the memory adapter", srv.wrap(async ({ port }) => {
    for (const path of ["/healthz", "/readyz"]) {
      const res = await httpRequest(port, "GET", "", undefined, { path });
      assert.equal(res.status, 200, `${path} answered ${res.status}`);
    }
  }));

  test("gauges follow the connected clients, by namespace and by transport", srv.wrap(async ({ url, port }) => {
    const [polling, websocket] = MODES;
    const clients = [];
    try {
      clients.push(await connect(url, "/", { mode: websocket }));
      clients.push(await connect(url, "/", { mode: websocket }));
      clients.push(await connect(url, "/custom", { mode: polling }));
      await scrapeUntil(port, (m) =>
        m.get('socketio_connected_sockets{namespace="/"}') === 2 &&
        m.get('socketio_connected_sockets{namespace="/custom"}') === 1 &&
        m.get('engineio_sessions{transport="websocket"}') === 2 &&
        m.get('engineio_sessions{transport="polling"}') === 1, "3 clients counted");
    } finally {
      closeAll(...clients);
    }
    await scrapeUntil(port, (m) =>
      m.get('socketio_connected_sockets{namespace="/"}') === 0 &&
      m.get('engineio_sessions{transport="websocket"}') === 0 &&
      m.get('engineio_sessions{transport="polling"}') === 0, "every client gone");
  }));

  test("closes for a limit are counted by reason", srv.wrap(async ({ port }) => {
    const before = await scrape(port);
    const parseErrors = () => before.get('engineio_sessions_closed_total{reason="parse error"}') ?? 0;
    const raw = await rawSio(port);
    await rawJoin(raw);
    raw.send(`4511-["upload",${placeholders(11)}]`);
    await withTimeout(raw.closed, 5000, "the server to close the connection");
    await scrapeUntil(port, (m) =>
      (m.get('engineio_sessions_closed_total{reason="parse error"}') ?? 0) === parseErrors() + 1,
      "one more session closed with parse error");

    // 4 sessions fill the server: the 5th handshake is refused and counted.
    const clients = [];
    try {
      for (let i = 0; i < 4; i++) clients.push(await connect(`http://127.0.0.1:${port}`, "/", { mode: MODES[1] }));
      const res = await httpRequest(port, "GET", "EIO=4&transport=polling", undefined, { path: SIO_PATH });
      assert.equal(res.status, 503);
      await scrapeUntil(port, (m) =>
        m.get('engineio_limit_closes_total{limit="max connections"}') ===
          (before.get('engineio_limit_closes_total{limit="max connections"}') ?? 0) + 1,
        "one refused handshake counted");
    } finally {
      closeAll(...clients);
    }
  }));
});
