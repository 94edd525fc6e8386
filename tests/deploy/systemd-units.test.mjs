// The systemd units of docs/deploy/ (docs/deployment.md, "A systemd unit"), checked as far
// as a machine without systemd as PID 1 allows: sio-chat is installed under a temporary
// prefix as the guide says, `systemd-analyze verify` must print nothing for each unit (an
// unknown key or a bad value is only a warning there, so any output fails), then the
// unit's own ExecStart line runs (under its LimitNOFILE, with the port, the Redis URL and
// the prefix substituted), serves /healthz, /readyz and the io cookie to a WebSocket
// client, survives ExecReload, and exits 0 within TimeoutStopSec of its KillSignal. Also:
// the unit as edited for TLS in the process verifies too and serves HTTPS and WSS, and a
// node started while Redis is down serves, is not ready, and says so at its log level.
// Run: SIO_CHAT_BIN=build/debug/apps/sio-chat node --test tests/deploy/systemd-units.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { connect as tlsConnect } from "node:tls";
import { request as httpsRequest } from "node:https";
import { peerRequire } from "../integration/lib/testserver.mjs";
import { PrivateCa } from "../integration/lib/tls.mjs";
import { startRedis, freePort } from "../integration/lib/redis.mjs";

const { io } = peerRequire("socket.io-client");
const source = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const chatBin = process.env.SIO_CHAT_BIN;
const UNITS = ["socketio-cpp.service", "socketio-cpp@.service"];

const has = (program) => {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves `value` after `ms` without keeping the process alive (for races). */
const after = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value).unref());

/** [section] key=value lines, with systemd's backslash line continuations; repeated keys kept. */
function parseUnit(text) {
  const sections = {};
  let section = null;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = sections[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(section && eq > 0, `not a unit line: ${line}`);
    (section[line.slice(0, eq).trim()] ??= []).push(line.slice(eq + 1).trim());
  }
  return sections;
}

/** A systemd time span as milliseconds ("45", "45s", "1min 30s", "500ms"). */
function timeSpanMs(value) {
  const units = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, number, unit] of value.matchAll(/(\d+)\s*([a-z]*)/g)) total += Number(number) * units[unit || "s"];
  return total;
}

/** The DrainOnSignal default limit, from the header (seconds). */
function drainLimitMs() {
  const header = readFileSync(join(source, "include/sio/engine/shutdown_on_signal.hpp"), "utf8");
  const match = /DrainOnSignal\([^)]*limit\s*=\s*std::chrono::seconds\((\d+)\)/.exec(header);
  assert.ok(match, "DrainOnSignal's default limit found in shutdown_on_signal.hpp");
  return Number(match[1]) * 1000;
}

/** Installs sio-chat under `prefix` as docs/deployment.md says (prefix = "" there). */
function installChat(prefix) {
  const bin = join(prefix, "usr/local/bin/sio-chat");
  const share = join(prefix, "usr/local/share/sio-chat");
  mkdirSync(dirname(bin), { recursive: true });
  mkdirSync(share, { recursive: true });
  copyFileSync(chatBin, bin);
  chmodSync(bin, 0o755);
  cpSync(join(source, "examples/chat/public"), join(share, "public"), { recursive: true });
  copyFileSync(join(source, "examples/chat/node_modules/socket.io-client/dist/socket.io.min.js"), join(share, "socket.io.min.js"));
}

// TLS in the process, as the unit's comment and docs/deployment.md say: these two flags
// appended to ExecStart, the files where the guide puts them; --host the public address,
// --port 443 (here: all addresses and a free port), --trust-proxy and --cookie removed.
const TLS_ARGS = "--tls-cert /etc/socketio-cpp/tls/fullchain.pem --tls-key /etc/socketio-cpp/tls/privkey.pem";
const TLS_DROPPED = ["--trust-proxy", "--cookie"];

/** ExecStart's argv edited for TLS in the process, as the unit's comment says. */
function tlsCommandLine(argv, prefix) {
  setArg(argv, "--host", "0.0.0.0");
  for (const flag of TLS_DROPPED) {
    assert.ok(argv.includes(flag), `${flag} in ExecStart (the comment says to remove it)`);
    argv.splice(argv.indexOf(flag), 1);
  }
  argv.push(...TLS_ARGS.replaceAll("/etc/socketio-cpp/", `${prefix}/etc/socketio-cpp/`).split(" "));
  return argv;
}

/** The unit's text with the commented TLS lines turned on, as its comment says. */
function tlsUnitText(text) {
  const lines = text.split("\n");
  const on = (re) => {
    const i = lines.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `a line matching ${re} in the unit`);
    lines[i] = lines[i].replace(/^#/, "");
  };
  on(/^#SupplementaryGroups=ssl-cert$/);
  on(/^#CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/);
  on(/^#AmbientCapabilities=CAP_NET_BIND_SERVICE$/);
  const empty = lines.indexOf("CapabilityBoundingSet=");
  assert.ok(empty >= 0, "the empty CapabilityBoundingSet= line");
  lines.splice(empty, 1);
  return lines.join("\n");
}

/** The unit's text for this test: installed paths under `prefix`, the instance name set. */
function localUnit(name, prefix, instance) {
  const text = readFileSync(join(source, "docs/deploy", name), "utf8")
    .replaceAll("/usr/local/", `${prefix}/usr/local/`)
    .replaceAll("/etc/socketio-cpp/", `${prefix}/etc/socketio-cpp/`);
  const file = name.includes("@.") ? name.replace("@.", `@${instance}.`) : name;
  return { text, file };
}

/** ExecStart as argv: specifiers expanded as systemd would for `instance`. */
function commandLine(value, instance, mainPid) {
  const expanded = value.replaceAll("%i", String(instance)).replaceAll("%%", "%").replaceAll("$MAINPID", String(mainPid ?? ""));
  return expanded.split(/\s+/).filter(Boolean);
}

const setArg = (argv, flag, value) => {
  const i = argv.indexOf(flag);
  assert.ok(i > 0 && i + 1 < argv.length, `${flag} in ExecStart`);
  argv[i + 1] = value;
};

/** GET `url`'s status (0 when it cannot connect); https with `ca` trusted. */
function status(url, ca) {
  return new Promise((resolve) => {
    if (!ca) return fetch(url).then((res) => resolve(res.status), () => resolve(0));
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

/** The SHA-256 fingerprint of the certificate the server at `port` shows now. */
function servedFingerprint(port, ca) {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

async function until(what, ms, probe) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}

for (const name of UNITS) {
  for (const tls of [false, true]) {
    if (tls && name.includes("@.")) continue;
    verifyTest(name, tls);
  }

  test(`${name}: ExecStart serves, ExecReload keeps it serving, KillSignal drains it to exit 0 within TimeoutStopSec`, (t) =>
    runUnit(t, name, { tls: false }));
}

function verifyTest(name, tls) {
  const what = tls ? `${name} with its TLS lines turned on` : name;
  test(`${what}: systemd-analyze verify prints nothing`, { skip: !has("systemd-analyze") && "no systemd-analyze (package systemd)" }, () => {
    assert.ok(chatBin, "SIO_CHAT_BIN: the sio-chat binary");
    const prefix = mkdtempSync(join(tmpdir(), "sio-unit-"));
    try {
      installChat(prefix);
      const { text, file } = localUnit(name, prefix, 3000);
      const path = join(prefix, file);
      writeFileSync(path, tls ? tlsUnitText(text) : text);
      // Warnings (an unknown key, a value it cannot parse) leave the exit status at 0.
      let output;
      try {
        output = execFileSync("sh", ["-c", 'systemd-analyze verify "$0" 2>&1', path], { encoding: "utf8" });
      } catch (error) {
        assert.fail(`systemd-analyze verify ${file} exited ${error.status}:\n${error.stdout}`);
      }
      assert.equal(output.trim(), "", `systemd-analyze verify ${file} printed:\n${output}`);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
}

test("socketio-cpp.service with TLS in the process: HTTPS and WSS, ExecReload serves a renewed certificate", (t) =>
  runUnit(t, "socketio-cpp.service", { tls: true }));

async function runUnit(t, name, { tls }) {
  assert.ok(chatBin, "SIO_CHAT_BIN: the sio-chat binary");
  const prefix = mkdtempSync(join(tmpdir(), "sio-unit-"));
  const redis = await startRedis();
  const ca = tls ? new PrivateCa("sio unit") : null;
  let child;
  let client;
  try {
    installChat(prefix);
    const port = await freePort();
    const { text } = localUnit(name, prefix, port);
    const service = parseUnit(text).Service;
    assert.ok(service, "a [Service] section");
    const one = (key) => {
      assert.equal(service[key]?.length, 1, `exactly one ${key}=`);
      return service[key][0];
    };

    // The stop timeout stays above the longest drain.
    const stopMs = timeSpanMs(one("TimeoutStopSec"));
    assert.ok(stopMs > drainLimitMs(), `TimeoutStopSec (${stopMs} ms) above DrainOnSignal's limit (${drainLimitMs()} ms)`);
    const nofile = Number(one("LimitNOFILE"));
    assert.ok(nofile >= 4096, `LimitNOFILE=${nofile} leaves room for thousands of connections`);
    const maxConnections = /--max-connections (\d+)/.exec(one("ExecStart"));
    assert.ok(maxConnections && Number(maxConnections[1]) < nofile, `--max-connections below LimitNOFILE=${nofile}`);
    const signal = one("KillSignal");
    assert.match(signal, /^SIG[A-Z]+$/);

    const argv = commandLine(one("ExecStart"), port);
    if (!name.includes("@.")) setArg(argv, "--port", String(port));
    setArg(argv, "--redis", redis.url);
    if (tls) {
      const dir = join(prefix, "etc/socketio-cpp/tls");
      mkdirSync(dir, { recursive: true });
      const issued = ca.issueServer();
      copyFileSync(issued.certFile, join(dir, "fullchain.pem"));
      copyFileSync(issued.keyFile, join(dir, "privkey.pem"));
      tlsCommandLine(argv, prefix);
    }
    // systemd applies LimitNOFILE; prlimit does the same for this process, within this
    // machine's hard limit (a container's may be lower than the unit's value).
    const hard = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
    const applied = hard === "unlimited" ? nofile : Math.min(nofile, Number(hard));
    if (applied < nofile) t.diagnostic(`LimitNOFILE=${nofile} applied as ${applied}: the hard limit here`);
    const [program, ...args] = has("prlimit") ? ["prlimit", `--nofile=${applied}:${applied}`, "--", ...argv] : argv;
    child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on("exit", (code, sig) => resolve({ code, sig, at: Date.now() })));
    const base = `${tls ? "https" : "http"}://localhost:${port}`;
    const caPem = ca?.rootPem;
    await Promise.race([
      until("/healthz 200", 10_000, async () => (await status(`${base}/healthz`, caPem)) === 200),
      exited.then(({ code }) => assert.fail(`ExecStart exited (${code}) before serving:\n${output}`)),
    ]);
    await until("/readyz 200 (Redis link up, stream reader caught up)", 15_000, async () => (await status(`${base}/readyz`, caPem)) === 200);
    if (has("prlimit")) {
      const limits = readFileSync(`/proc/${child.pid}/limits`, "utf8");
      assert.match(limits, new RegExp(`Max open files\\s+${applied}\\s+${applied}`));
    }

    if (!tls) {
      // --cookie: the handshake names the session in the io cookie (HAProxy sticks by it).
      const handshake = await fetch(`${base}/socket.io/?EIO=4&transport=polling`);
      assert.equal(handshake.status, 200);
      assert.match(handshake.headers.get("set-cookie") ?? "", /^io=[A-Za-z0-9_-]+;/);
    }

    client = io(base, { transports: ["websocket"], reconnection: false, forceNew: true, ca: caPem });
    await new Promise((resolve, reject) => {
      client.once("connect", resolve);
      client.once("connect_error", reject);
    });

    // ExecReload (SIGHUP) reads the TLS files again; without TLS it changes nothing.
    const before = tls ? await servedFingerprint(port, caPem) : null;
    if (tls) {
      const renewed = ca.issueServer();
      copyFileSync(renewed.certFile, join(prefix, "etc/socketio-cpp/tls/fullchain.pem"));
      copyFileSync(renewed.keyFile, join(prefix, "etc/socketio-cpp/tls/privkey.pem"));
    }
    const [reload, ...reloadArgs] = commandLine(one("ExecReload"), port, child.pid);
    execFileSync(reload, reloadArgs);
    await sleep(300);
    assert.equal(child.exitCode, null, `still running after ExecReload:\n${output}`);
    assert.equal(await status(`${base}/healthz`, caPem), 200);
    if (tls) {
      await until("the renewed certificate served", 5_000, async () => (await servedFingerprint(port, caPem)) !== before);
      assert.ok(client.connected, "the WSS client connected before the reload stays connected");
    }

    // KillSignal: the drain tells the client to go, then the process exits 0.
    const disconnected = new Promise((resolve) => client.once("disconnect", resolve));
    const sentAt = Date.now();
    child.kill(signal);
    const result = await Promise.race([exited, after(stopMs, null)]);
    assert.ok(result, `no exit within TimeoutStopSec (${stopMs} ms):\n${output}`);
    assert.equal(result.code, 0, `exit status after ${signal} (signal ${result.sig}):\n${output}`);
    assert.ok(result.at - sentAt < stopMs);
    assert.equal(await Promise.race([disconnected, after(1000, "not told")]), "transport close");
  } finally {
    client?.close();
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await redis.stop();
    ca?.remove();
    rmSync(prefix, { recursive: true, force: true });
  }
}

// docs/deployment.md, "A systemd unit": a node started while Redis is unreachable serves,
// is not ready, and warns once at the default log level; once Redis answers it is ready.
test("a node started before its Redis: /healthz 200, /readyz 503 and a warning at the default level, then ready", async () => {
  assert.ok(chatBin, "SIO_CHAT_BIN: the sio-chat binary");
  const prefix = mkdtempSync(join(tmpdir(), "sio-unit-"));
  const redis = await startRedis();
  await redis.stop(); // its port stays reserved for the start below
  let child;
  try {
    installChat(prefix);
    const port = await freePort();
    const argv = commandLine(parseUnit(localUnit("socketio-cpp@.service", prefix, port).text).Service.ExecStart[0], port);
    setArg(argv, "--redis", redis.url);
    setArg(argv, "--log-level", "warn"); // the default level
    child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const base = `http://localhost:${port}`;
    await until("/healthz 200", 10_000, async () => (await status(`${base}/healthz`)) === 200);
    await until("the warning", 5_000, async () => /redis: cannot reach 127\.0\.0\.1:\d+ \(.*\); reconnecting in \d+ ms/.test(output));
    assert.equal(await status(`${base}/readyz`), 503, "not ready without Redis");
    await sleep(1500); // several attempts: still one warning per Redis connection
    const warnings = output.match(/redis: cannot reach/g).length;
    assert.ok(warnings <= 3, `one warning per connection (commands, pub/sub, stream reader), not per attempt:\n${output}`);
    await redis.start();
    await until("/readyz 200 once Redis answers", 15_000, async () => (await status(`${base}/readyz`)) === 200);
    assert.match(output, /redis: connected to 127\.0\.0\.1:\d+ after \d+ failed attempt\(s\)/);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await redis.stop();
    rmSync(prefix, { recursive: true, force: true });
  }
});
