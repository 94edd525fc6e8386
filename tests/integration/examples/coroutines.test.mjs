// The coroutine example (examples/coroutines, the README's) driven by the official
// socket.io-client: a survey of the other clients with the answers that came before the
// timeout, fetchSockets of a room, and an ack asked back from the client, answered or timed out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { peerRequire } from "../lib/testserver.mjs";

const { io } = peerRequire("socket.io-client");
const command = JSON.parse(process.env.SIO_COROUTINES_EXAMPLE ?? "null");
let server;
let port;
const clients = [];

before(async () => {
  assert.ok(Array.isArray(command), "SIO_COROUTINES_EXAMPLE must hold the example's command as a JSON array");
  const [bin, ...args] = command;
  server = spawn(bin, [...args, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  server.stdout.setEncoding("utf8");
  port = await new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    server.on("exit", (code) => reject(new Error(`the example exited early (${code})`)));
  });
});

after(async () => {
  for (const c of clients) c.disconnect();
  server.kill("SIGTERM");
  const [code] = await once(server, "exit");
  assert.equal(code, 0, "the example exits cleanly");
});

const connect = async () => {
  const socket = io(`http://127.0.0.1:${port}`, { forceNew: true, reconnection: false, transports: ["websocket"] });
  clients.push(socket);
  await once(socket, "connect");
  return socket;
};

test("survey: the other clients' answers; one that does not answer makes it incomplete, with the answers that came", async () => {
  const asker = await connect();
  const a = await connect();
  const b = await connect();
  a.on("survey", (q, ack) => ack(`a says yes to ${q}`));
  b.on("survey", (q, ack) => ack(`b says no to ${q}`));
  const done = await asker.timeout(10000).emitWithAck("survey", "lunch?");
  assert.equal(done.complete, true);
  assert.deepEqual(done.answers.sort(), ["a says yes to lunch?", "b says no to lunch?"]);

  const silent = await connect(); // no survey listener: never answers
  const partial = await asker.timeout(10000).emitWithAck("survey", "tea?");
  assert.equal(partial.complete, false);
  assert.deepEqual(partial.answers.sort(), ["a says yes to tea?", "b says no to tea?"]);
  silent.disconnect();
});

test("who: the ids of the sockets in a room", async () => {
  const a = await connect();
  const b = await connect();
  await a.timeout(5000).emitWithAck("join", "kitchen");
  await b.timeout(5000).emitWithAck("join", "kitchen");
  const ids = await a.timeout(5000).emitWithAck("who", "kitchen");
  assert.deepEqual(ids.sort(), [a.id, b.id].sort());
});

test("ask-back: the client's answer, or the timeout error", async () => {
  const named = await connect();
  named.on("name?", (ack) => ack("ada"));
  assert.equal(await named.timeout(5000).emitWithAck("ask-back"), "ada");
  const mute = await connect();
  assert.deepEqual(await mute.timeout(5000).emitWithAck("ask-back"), { error: "operation has timed out" });
});
