// What the coroutine suites share: the `await` request of sio-features-server (contract:
// tests/integration/fixtures/sio-features-server.md), clients that answer (or not) the
// server's acks, and the closing of every client a test opened.

import assert from "node:assert/strict";
import { connect, closeAll } from "../lib/sio.mjs";

/** Sends an `await` request; resolves the raw answer {ok, result | error[, responses]}. */
export function awaited(socket, request, ms = 10000) {
  return socket.timeout(ms).emitWithAck("await", request);
}

/** Sends an `await` request, asserts {"ok":true}; resolves `result`. */
export async function awaitedOk(socket, request, ms) {
  const answer = await awaited(socket, request, ms);
  assert.equal(answer.ok, true, `await ${JSON.stringify(request)} failed: ${JSON.stringify(answer)}`);
  return answer.result;
}

/** Sends an `await` request, asserts it failed; resolves the answer {error[, responses]}. */
export async function awaitedError(socket, request, ms) {
  const answer = await awaited(socket, request, ms);
  assert.equal(answer.ok, false, `await ${JSON.stringify(request)} did not fail: ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Clients for one test: open(url, nsp, {answer}) connects one that acks the server's
 * `question` (x) with `answer:<name>:<x>` (unless answer is false); closeAll() ends them.
 */
export function clients() {
  const open = [];
  return {
    async open(url, nsp = "/", { name = `c${open.length}`, answer = true } = {}) {
      const socket = await connect(url, nsp);
      open.push(socket);
      socket.label = name;
      if (answer) socket.on("question", (x, ack) => ack(`answer:${name}:${x}`));
      socket.on("two-answers", (ack) => ack("first", "second"));
      return socket;
    },
    closeAll() {
      closeAll(...open.splice(0));
    },
  };
}

export const sorted = (items) => [...items].sort();
