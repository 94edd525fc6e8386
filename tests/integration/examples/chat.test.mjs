// The chat example (the README's main job) driven by two official socket.io-client
// instances: joining a room, messages to the room, the typing notice, leaving; and the
// page and the client script served by the same server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { peerRequire } from "../lib/testserver.mjs";

const { io } = peerRequire("socket.io-client");
const command = JSON.parse(process.env.SIO_CHAT ?? "null");
let server;
let port;

before(async () => {
  assert.ok(Array.isArray(command), "SIO_CHAT must hold the chat server's command as a JSON array");
  const [bin, ...args] = command;
  server = spawn(bin, [...args, "--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  server.stdout.setEncoding("utf8");
  port = await new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /localhost:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    server.on("exit", (code) => reject(new Error(`chat server exited early (${code})`)));
  });
});

after(async () => {
  server.kill("SIGTERM");
  const [code] = await once(server, "exit");
  assert.equal(code, 0, "the chat server exits cleanly");
});

const connect = () => io(`http://127.0.0.1:${port}`, { forceNew: true, reconnection: false });
const next = (socket, event) => new Promise((resolve) => socket.once(event, resolve));

test("the page and the official client script are served", async () => {
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /socket\.io\.min\.js/);
  const script = await fetch(`http://127.0.0.1:${port}/vendor/socket.io.min.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type"), /javascript/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/nothing`)).status, 404);
});

test("two chatters in a room: join, message, typing, leave", async () => {
  const ada = connect();
  const bob = connect();
  await Promise.all([next(ada, "connect"), next(bob, "connect")]);

  const adaJoined = await ada.emitWithAck("join", { nickname: "ada", room: "tea" });
  assert.deepEqual(adaJoined, { room: "tea", nickname: "ada", users: 1 });
  const seen = next(ada, "joined");
  const bobJoined = await bob.emitWithAck("join", { nickname: "bob", room: "tea" });
  assert.equal(bobJoined.users, 2);
  assert.deepEqual(await seen, { nickname: "bob" });

  const toAda = next(ada, "chat message");
  const toBob = next(bob, "chat message");
  bob.emit("chat message", "hello ada");
  for (const msg of await Promise.all([toAda, toBob])) {
    assert.equal(msg.from, "bob");
    assert.equal(msg.text, "hello ada");
    assert.equal(typeof msg.time, "number");
  }

  const typing = next(ada, "typing");
  bob.emit("typing", true);
  assert.deepEqual(await typing, { nickname: "bob", typing: true });

  const left = next(ada, "left");
  bob.disconnect();
  assert.deepEqual(await left, { nickname: "bob" });
  ada.disconnect();
});

test("rooms are separate", async () => {
  const a = connect();
  const b = connect();
  await Promise.all([next(a, "connect"), next(b, "connect")]);
  await a.emitWithAck("join", { nickname: "a", room: "one" });
  await b.emitWithAck("join", { nickname: "b", room: "two" });
  let leaked = false;
  b.on("chat message", () => (leaked = true));
  const own = next(a, "chat message");
  a.emit("chat message", "only for room one");
  assert.equal((await own).text, "only for room one");
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(leaked, false, "a message must not reach another room");
  a.disconnect();
  b.disconnect();
});

// The flags docs/deployment.md gives sio-chat for pages of another origin and for limits.
test("deployment flags: --cors-origin with credentials, --cookie-same-site None, --max-connections", async () => {
  const [bin, ...args] = command;
  const flags = ["--cors-origin", "https://a.example,https://b.example", "--cors-origin", "https://c.example",
    "--cookie", "--cookie-same-site", "None", "--max-connections", "2", "--max-buffered-bytes", "65536",
    "--max-disconnection-duration", "30000", "--max-len", "5000", "--trust-proxy", "--trusted-proxy-hops", "2"];
  const chat = spawn(bin, [...args, ...flags, "--host", "127.0.0.1", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    let out = "";
    chat.stdout.setEncoding("utf8");
    const chatPort = await new Promise((resolve, reject) => {
      chat.stdout.on("data", (chunk) => {
        out += chunk;
        const match = /localhost:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      chat.on("exit", (code) => reject(new Error(`sio-chat ${flags.join(" ")} exited early (${code})`)));
    });
    const handshake = (origin) =>
      fetch(`http://127.0.0.1:${chatPort}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { Origin: origin } : {} });
    for (const origin of ["https://b.example", "https://c.example"]) {
      const res = await handshake(origin);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), origin);
      assert.equal(res.headers.get("access-control-allow-credentials"), "true");
      assert.match(res.headers.get("set-cookie") ?? "", /^io=[\w-]+;.*; Secure; SameSite=None/);
    }
    // the preflight a page of a listed origin makes, and an origin not listed
    const preflight = await fetch(`http://127.0.0.1:${chatPort}/socket.io/?EIO=4&transport=polling`, {
      method: "OPTIONS",
      headers: { Origin: "https://a.example", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://a.example");
    assert.equal(preflight.headers.get("access-control-allow-credentials"), "true");
    // two sessions so far: the third handshake is beyond --max-connections 2
    const third = await handshake("https://evil.example");
    assert.equal(third.status, 503);
    assert.equal(third.headers.get("access-control-allow-origin"), null, "an origin not listed is not allowed");
  } finally {
    chat.kill("SIGTERM");
    await once(chat, "exit");
  }
});
