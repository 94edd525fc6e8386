// Real reverse proxies for the proxy suite: Debian's nginx and HAProxy, each started on free
// ports of 127.0.0.1 with exactly the documented configuration (docs/deploy/nginx.conf,
// docs/deploy/haproxy.cfg, placeholders filled in), its pid file and logs in its own
// temporary directory, and a TLS certificate from a private CA (lib/tls.mjs).
// Also: official socket.io-client clients bound to a chosen local address (127.0.0.x), and
// the proxies' access logs parsed into requests, for the tests in this folder.

import { spawn, execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setTimeout as delay } from "node:timers/promises";
import { freePorts } from "../lib/redis.mjs";
import { client } from "../lib/sio.mjs";
import { PrivateCa } from "../lib/tls.mjs";

export const NGINX = "/usr/sbin/nginx";
export const HAPROXY = "/usr/sbin/haproxy";
const OPENSSL = "/usr/bin/openssl"; // lib/tls.mjs runs it
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));
const DOCS = path.join(path.dirname(new URL(import.meta.url).pathname), "../../../docs/deploy");
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const run = promisify(execFile);

/** Why the suite cannot run here ("" when it can). */
export function missingTools() {
  for (const [tool, bin] of [["nginx", NGINX], ["haproxy", HAPROXY], ["openssl", OPENSSL]])
    if (!fs.existsSync(bin)) return `${tool} is not installed (scripts/setup test installs it)`;
  return "";
}

// ---- temporary directories and processes, cleaned up even when the test process ends early ----

const liveChildren = new Map(); // child process -> the signal that stops it with its workers
const liveDirs = new Set();
process.once("exit", () => {
  for (const [child, signal] of liveChildren) child.kill(signal);
  if (process.env.SIO_PROXY_KEEP_DIRS !== "1") for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function makeDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // nginx's workers run as `nobody` under root: they must reach the temp paths inside
  fs.chmodSync(dir, 0o755);
  liveDirs.add(dir);
  return dir;
}

function removeDir(dir) {
  liveDirs.delete(dir);
  if (process.env.SIO_PROXY_KEEP_DIRS !== "1") fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Spawns `bin args`; `signal` stops it, also when the test process ends first (an nginx
 * master killed with SIGKILL would leave its workers serving). Returns {child, exited, output()}.
 */
function launch(bin, args, signal) {
  const argv = SETPRIV ? [SETPRIV, "--pdeathsig", signal, "--", bin, ...args] : [bin, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  liveChildren.set(child, signal);
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (output += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (output += d));
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    }),
  );
  child.on("error", () => {});
  return { child, signal, exited, output: () => output };
}

async function stopChild(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill(proc.signal);
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  const info = await proc.exited;
  clearTimeout(timer);
  return info;
}

// ---- configuration ----

/** The text of docs/deploy/`file`. */
export const documented = (file) => fs.readFileSync(path.join(DOCS, file), "utf8");

/** `text` with every {{NAME}} replaced by values[NAME]; throws on a placeholder without a value. */
export function fillIn(text, values) {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (all, name) => {
    if (!(name in values)) throw new Error(`no value for the placeholder ${all}`);
    return values[name];
  });
}

/**
 * `text` without the lines matching `re`; throws unless exactly `count` lines matched (the
 * negative tests must not pass because the documented file changed under them).
 */
export function withoutLines(text, re, count) {
  const lines = text.split("\n");
  const kept = lines.filter((l) => !re.test(l));
  if (lines.length - kept.length !== count)
    throw new Error(`expected ${count} line(s) matching ${re} in the documented file, found ${lines.length - kept.length}`);
  return kept.join("\n");
}

/** `text` with every match of `re` replaced by `by`; throws unless there are exactly `count`. */
export function replacing(text, re, by, count) {
  const every = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
  const found = text.match(every)?.length ?? 0;
  if (found !== count) throw new Error(`expected ${count} match(es) of ${re} in the documented file, found ${found}`);
  return text.replace(every, by);
}

// ---- TLS ----

/**
 * A certificate for 127.0.0.1 and localhost from a new private CA (lib/tls.mjs: a root and
 * an intermediate, so the proxy must send the chain). Resolves {ca (the root, PEM text),
 * cert (the chain file), key, pem (chain then key in one file, for HAProxy), cleanup()}.
 */
export async function makeCertificates() {
  const ca = new PrivateCa("proxy suite");
  liveDirs.add(ca.dir);
  const { certFile, keyFile } = ca.issueServer("proxy");
  const pem = path.join(ca.dir, "proxy-haproxy.pem");
  fs.writeFileSync(pem, Buffer.concat([fs.readFileSync(certFile), fs.readFileSync(keyFile)]));
  return { ca: ca.rootPem.toString("utf8"), cert: certFile, key: keyFile, pem, cleanup: () => removeDir(ca.dir) };
}

// ---- the proxies ----

/** One GET to `url` (CA `ca` for https), on its own connection: resolves the status. */
function probe(url, ca) {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith("https:") ? https : http;
    const req = mod.get(url, { agent: false, ca, timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("timeout", () => req.destroy(new Error("probe timed out")));
    req.on("error", reject);
  });
}

/** Waits until `url` answers `status` (the proxy itself answering: it is up). */
async function waitAnswering(url, status, ca, proc, describe) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = "";
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`the proxy exited before answering ${url}\n${describe()}`);
    try {
      const got = await probe(url, ca);
      if (got === status) return;
      last = `status ${got}`;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${START_TIMEOUT_MS} ms (${last})\n${describe()}`);
    await delay(50);
  }
}

const tail = (text, lines = 60) => text.split("\n").slice(-lines).join("\n");
const readOr = (file) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
};

/**
 * Starts nginx with docs/deploy/nginx.conf, included in a minimal main configuration of the
 * test's own (pid file, error log, temp paths and an access log with the status and the
 * upstream, all in its temporary directory; `daemon off`). Options: nodes [a, b] (servers of
 * lib/testserver.mjs), certs (makeCertificates()), edit(text) (changes the documented text,
 * for the negative tests). Resolves a proxy object (see proxyObject()).
 */
export async function startNginx({ nodes, certs, edit = (t) => t }) {
  const dir = makeDir("sio-proxy-nginx-");
  const [port, tlsPort] = await freePorts(2);
  const f = (name) => path.join(dir, name);
  const site = edit(
    fillIn(documented("nginx.conf"), {
      LISTEN: `127.0.0.1:${port}`,
      LISTEN_TLS: `127.0.0.1:${tlsPort}`,
      TLS_CERT: certs.cert,
      TLS_KEY: certs.key,
      NODE_A: `127.0.0.1:${nodes[0].port}`,
      NODE_B: `127.0.0.1:${nodes[1].port}`,
    }),
  );
  fs.writeFileSync(f("socketio.conf"), site);
  fs.writeFileSync(
    f("nginx.conf"),
    [
      "# The proxy suite's main configuration around docs/deploy/nginx.conf (socketio.conf).",
      "daemon off;",
      "worker_processes 2;",
      `pid ${f("nginx.pid")};`,
      `error_log ${f("error.log")} info;`,
      "events { worker_connections 512; }",
      "http {",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((p) => `    ${p}_temp_path ${f(`${p}_temp`)};`),
      `    log_format proxy_test '$remote_addr $status $upstream_addr "$request"';`,
      `    access_log ${f("access.log")} proxy_test;`,
      `    include ${f("socketio.conf")};`,
      "}",
      "",
    ].join("\n"),
  );
  // SIGTERM: a fast shutdown (SIGQUIT would wait for open WebSockets)
  const proc = launch(NGINX, ["-p", dir, "-c", f("nginx.conf"), "-e", f("error.log")], "SIGTERM");
  const servers = new Map(nodes.map((n) => [`127.0.0.1:${n.port}`, n.serverId]));
  return proxyObject({
    kind: "nginx",
    dir,
    port,
    tlsPort,
    certs,
    proc,
    config: site,
    logs: () => `--- error.log ---\n${tail(readOr(f("error.log")))}\n--- access.log ---\n${tail(readOr(f("access.log")))}`,
    requests: () => parseNginxLog(readOr(f("access.log")), servers),
  });
}

/**
 * Starts HAProxy with docs/deploy/haproxy.cfg in the foreground (-db; it logs to standard
 * output). Same options and result as startNginx().
 */
export async function startHaproxy({ nodes, certs, edit = (t) => t }) {
  const dir = makeDir("sio-proxy-haproxy-");
  const [port, tlsPort] = await freePorts(2);
  const f = (name) => path.join(dir, name);
  const config = edit(
    fillIn(documented("haproxy.cfg"), {
      LISTEN: `127.0.0.1:${port}`,
      LISTEN_TLS: `127.0.0.1:${tlsPort}`,
      TLS_PEM: certs.pem,
      NODE_A: `127.0.0.1:${nodes[0].port}`,
      NODE_B: `127.0.0.1:${nodes[1].port}`,
    }),
  );
  fs.writeFileSync(f("haproxy.cfg"), config);
  // the test's own addition, in a second configuration file: the runtime API on a Unix socket
  fs.writeFileSync(f("admin.cfg"), `global\n    stats socket ${f("admin.sock")} mode 600 level admin\n`);
  const files = ["-f", f("haproxy.cfg"), "-f", f("admin.cfg")];
  const check = await run(HAPROXY, ["-c", ...files]).catch((e) => e);
  if (check instanceof Error) {
    removeDir(dir);
    throw new Error(`haproxy -c rejects the configuration:\n${check.stdout}${check.stderr}\n${config}`);
  }
  // SIGTERM: a hard stop
  const proc = launch(HAPROXY, ["-db", ...files], "SIGTERM");
  const servers = new Map([["s1", nodes[0].serverId], ["s2", nodes[1].serverId]]);
  return proxyObject({
    kind: "haproxy",
    dir,
    port,
    tlsPort,
    certs,
    proc,
    config,
    logs: () => "(HAProxy logs to its output)",
    requests: () => parseHaproxyLog(proc.output(), servers),
    extra: { admin: (command) => adminCommand(f("admin.sock"), command) },
  });
}

/** One command of HAProxy's runtime API; resolves the answer's text. */
function adminCommand(socketPath, command) {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath);
    let text = "";
    conn.setEncoding("utf8");
    conn.on("connect", () => conn.end(`${command}\n`));
    conn.on("data", (d) => (text += d));
    conn.on("end", () => resolve(text));
    conn.on("error", reject);
  });
}

/** `show stat` as objects keyed by the CSV header (pxname, svname, status, check_status, …). */
export async function haproxyStats(proxy) {
  const [header, ...rows] = (await proxy.admin("show stat")).trim().split("\n");
  const keys = header.replace(/^# /, "").split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [keys[i], v])));
}

/**
 * What startNginx()/startHaproxy() resolve, once the proxy answers on both ports:
 *   url, tlsUrl         http://127.0.0.1:<port>, https://127.0.0.1:<tls port>
 *   requests()          [{client, status, request, node}] from the access log: the client's
 *                       address, the HTTP status, the request line, the node's server id
 *   mark() / since(m)   requests logged after a mark
 *   describe()          the configuration and the logs, for failure messages
 *   stop()              stops it, removes its directory
 *   admin(command)      (HAProxy) the answer of its runtime API
 */
async function proxyObject({ kind, dir, port, tlsPort, certs, proc, config, logs, requests, extra = {} }) {
  const url = `http://127.0.0.1:${port}`;
  const tlsUrl = `https://127.0.0.1:${tlsPort}`;
  // the configuration without its comments (the documented file has them)
  const directives = config.split("\n").filter((l) => l.trim() && !/^\s*#/.test(l)).join("\n");
  const describe = () => `--- ${kind} (${dir}) configuration, comments left out ---\n${directives}\n${logs()}\n--- ${kind} output ---\n${tail(proc.output())}`;
  const proxy = {
    ...extra,
    kind,
    url,
    tlsUrl,
    requests,
    mark: () => requests().length,
    since: (mark) => requests().slice(mark),
    describe,
    async stop() {
      await stopChild(proc);
      removeDir(dir);
    },
  };
  try {
    // the proxy answers a path it does not pass on with its own 404
    await waitAnswering(`${url}/proxy-suite-probe`, 404, undefined, proc, describe);
    await waitAnswering(`${tlsUrl}/proxy-suite-probe`, 404, certs.ca, proc, describe);
  } catch (e) {
    await proxy.stop();
    throw e;
  }
  return proxy;
}

/** nginx lines `$remote_addr $status $upstream_addr "$request"`. */
function parseNginxLog(text, servers) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^(\S+) (\d+) (.*?) "(.*)"$/.exec(line);
    if (m) out.push({ client: m[1], status: Number(m[2]), node: servers.get(m[3]) ?? m[3], request: m[4] });
  }
  return out;
}

/** HAProxy's HTTP log format (option httplog), raw. */
function parseHaproxyLog(text, servers) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^(\S+):\d+ \[[^\]]*\] \S+ [^/\s]+\/(\S+) \S+ (-?\d+) .*"([^"]*)"$/.exec(line);
    if (m) out.push({ client: m[1], status: Number(m[3]), node: servers.get(m[2]) ?? m[2], request: m[4] });
  }
  return out;
}

// ---- clients ----

/**
 * An official socket.io-client socket to `url` (the proxy) whose TCP connections, polling
 * and WebSocket, leave from the local address `address` (127.0.0.x: all of 127/8 is on lo).
 * `transports` as socket.io-client's (undefined: polling, then the upgrade). `cookies`
 * keeps cookies (engine.io-client's cookie jar in Node, turned on by withCredentials).
 * Besides lib/sio.mjs's recording, socket.transportErrors lists the engine's transport
 * errors ({message, status (the HTTP status for polling), body}) and upgrade errors, and
 * socket.pings counts the heartbeats it answered.
 */
export function clientFrom(url, address, { transports, cookies = false, ca, extraHeaders, ...options } = {}) {
  const Agent = url.startsWith("https:") ? https.Agent : http.Agent;
  const socket = client(url, "/", {
    mode: { transports },
    agent: new Agent({ localAddress: address, ...(ca ? { ca } : {}) }),
    localAddress: address,
    withCredentials: cookies,
    ...(ca ? { ca } : {}),
    ...(extraHeaders ? { extraHeaders } : {}),
    ...options,
  });
  socket.address = address;
  socket.pings = 0; // heartbeats answered
  socket.io.on("ping", () => socket.pings++);
  socket.transportErrors = [];
  const engine = socket.io.engine;
  const record = (kind) => (err) =>
    socket.transportErrors.push({
      kind,
      message: String(err?.message ?? err),
      status: err?.description,
      body: typeof err?.context?.responseText === "string" ? err.context.responseText : undefined,
    });
  engine.on("error", record("error"));
  engine.on("upgradeError", record("upgradeError"));
  return socket;
}

/** The `io` cookie in the client's jar (engine.io-client 6.6 keeps it on the engine). */
export function ioCookie(socket) {
  const jar = socket.io.engine._cookieJar;
  if (!jar) throw new Error("the client has no cookie jar (engine.io-client changed?)");
  for (const [name, cookie] of jar.cookies) if (name === "io") return cookie.value;
  return undefined;
}

// ---- the files as the guide installs them on Debian (docs/deployment.md, quick start) ----

/**
 * haproxy -c on Debian's /etc/haproxy/haproxy.cfg with docs/deploy/haproxy.cfg appended
 * from its `defaults` line on, by the guide's own sed command, and the placeholders
 * filled in for IPv4 and IPv6 (`:::80 v4v6`). Resolves haproxy's output; throws if it
 * rejects the file. Needs /etc/haproxy/haproxy.cfg (Debian's package).
 */
export async function checkHaproxyOnDebian(certs) {
  const dir = makeDir("sio-proxy-haproxy-debian-");
  try {
    const { stdout: appended } = await run("sed", ["-n", "/^defaults/,$p", path.join(DOCS, "haproxy.cfg")]);
    const text = fs.readFileSync("/etc/haproxy/haproxy.cfg", "utf8") + fillIn(appended, {
      LISTEN: ":::80 v4v6",
      LISTEN_TLS: ":::443 v4v6",
      TLS_PEM: certs.pem,
      NODE_A: "127.0.0.1:3000",
      NODE_B: "127.0.0.1:3001",
    });
    if (/^global/m.test(appended)) throw new Error("the appended part holds a global section");
    fs.writeFileSync(path.join(dir, "haproxy.cfg"), text);
    const { stdout, stderr } = await run(HAPROXY, ["-c", "-f", path.join(dir, "haproxy.cfg")]);
    return stdout + stderr;
  } finally {
    removeDir(dir);
  }
}

/**
 * nginx -t on a copy of Debian's /etc/nginx (its paths pointed at the copy) without
 * sites-enabled/default, with docs/deploy/nginx.conf in conf.d and the guide's IPv6
 * `listen` lines added. Resolves nginx's output; throws if it rejects the configuration.
 */
export async function checkNginxOnDebian(certs) {
  const dir = makeDir("sio-proxy-nginx-debian-");
  try {
    const etc = path.join(dir, "nginx");
    fs.cpSync("/etc/nginx", etc, { recursive: true });
    fs.rmSync(path.join(etc, "sites-enabled/default"));
    const main = path.join(etc, "nginx.conf");
    fs.writeFileSync(
      main,
      fs.readFileSync(main, "utf8").replaceAll("/etc/nginx/", `${etc}/`).replace(/^pid .*$/m, `pid ${dir}/nginx.pid;`),
    );
    const site = fillIn(documented("nginx.conf"), {
      LISTEN: "80",
      LISTEN_TLS: "443",
      TLS_CERT: certs.cert,
      TLS_KEY: certs.key,
      NODE_A: "127.0.0.1:3000",
      NODE_B: "127.0.0.1:3001",
    })
      .replace(/^(\s*)listen 80;$/m, "$1listen 80;\n$1listen [::]:80;")
      .replace(/^(\s*)listen 443 ssl;$/m, "$1listen 443 ssl;\n$1listen [::]:443 ssl;");
    if (!site.includes("listen [::]:80;") || !site.includes("listen [::]:443 ssl;")) throw new Error("the IPv6 lines were not added");
    fs.writeFileSync(path.join(etc, "conf.d/socketio.conf"), site);
    const { stdout, stderr } = await run(NGINX, ["-t", "-c", main]);
    return stdout + stderr;
  } finally {
    removeDir(dir);
  }
}
