// `--max-connections N`: Engine.IO sessions at once. With 3, three clients (polling only,
// WebSocket only, and polling upgraded to WebSocket, the upgrade being no new session) hold
// the server; a 4th handshake is refused with HTTP 503 and {"message":"Too many connections"}
// over polling, and with a 503 answer instead of 101 over WebSocket. The three keep working,
// and once one of them leaves a new handshake succeeds again.
// C++ only: socket.io has no maxConnections (the twin ignores the flag).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isReference } from "../lib/testserver.mjs";
import { httpRequest, openWs, withTimeout } from "../lib/eio.mjs";
import {
  MODES,
  SIO_PATH,
  shared,
  startSioServer,
  connect,
  upgraded,
  closeAll,
  emitAck,
  sleep,
} from "../lib/sio.mjs";

const skip = isReference() ? "socket.io has no maxConnections" : false;

const POLLING_HANDSHAKE = "EIO=4&transport=polling";

/** A plain polling handshake on /socket.io/ (its own TCP connection). */
const pollingHandshake = (port) => httpRequest(port, "GET", POLLING_HANDSHAKE, undefined, { path: SIO_PATH });

/** Asserts a refused handshake: 503 with a JSON body whose message is "Too many connections". */
function assertTooMany(res) {
  assert.equal(res.status, 503, `expected 503, got ${res.status} ${JSON.stringify(res.text)}`);
  assert.match(String(res.headers["content-type"]), /^application\/json/, "a JSON body");
  const body = JSON.parse(res.text);
  assert.equal(body.message, "Too many connections", `body ${res.text}`);
}

/** A WebSocket handshake on /socket.io/ expected to be refused with 503 (no 101). */
async function assertWsRefused(port) {
  const c = openWs(port, "EIO=4&transport=websocket", { path: SIO_PATH });
  try {
    const info = await withTimeout(c.closed, 5000, "the WebSocket upgrade to be answered");
    assert.equal(info.code, null, `the upgrade was accepted (then closed: ${JSON.stringify(info)})`);
    assert.equal(info.httpStatus, 503, `upgrade answered ${info.httpStatus}`);
  } finally {
    await c.close();
  }
}

/** One echo round trip through `message-with-ack`. */
async function roundTrip(socket, tag) {
  const [back] = await emitAck(socket, "message-with-ack", [tag], 5000);
  assert.equal(back, tag);
}

describe("--max-connections 3", { skip }, () => {
  const srv = shared({ before, after }, startSioServer, ["--max-connections", "3"]);

  test(
    "the 4th handshake is refused with 503 over polling and WebSocket; the 3 sessions keep working; a slot freed is taken again",
    srv.wrap(async ({ url, port }) => {
      const [polling, websocket, both] = MODES;
      const clients = [];
      try {
        clients.push(await connect(url, "/", { mode: polling }));
        clients.push(await connect(url, "/", { mode: websocket }));
        const upgrading = await connect(url, "/", { mode: both });
        clients.push(upgrading);
        // the upgrade of a session already counted is no new session: it is not refused
        await upgraded(upgrading, 5000);

        assertTooMany(await pollingHandshake(port));
        await assertWsRefused(port);
        // a refused handshake takes no slot: still refused
        assertTooMany(await pollingHandshake(port));

        for (const [i, c] of clients.entries()) await roundTrip(c, `still here ${i}`);

        // one leaves: within a few seconds a new handshake gets a session
        closeAll(clients.shift());
        const deadline = Date.now() + 5000;
        let res;
        for (;;) {
          res = await pollingHandshake(port);
          if (res.status === 200 || Date.now() > deadline) break;
          assertTooMany(res);
          await sleep(50);
        }
        assert.equal(res.status, 200, `no handshake accepted within 5 s after a client left: ${res.status} ${res.text}`);
        assert.match(res.text, /^0\{"sid":"[A-Za-z0-9_-]{20}"/);

        // that handshake holds the freed slot: full again
        assertTooMany(await pollingHandshake(port));
        await assertWsRefused(port);
        for (const [i, c] of clients.entries()) await roundTrip(c, `after ${i}`);
      } finally {
        closeAll(...clients);
      }
    }),
  );
});
