// Starts the server under test (the `sio-testserver` contract, see
// /work/shared/spec/test-server.md) for black-box tests.
//
// SIO_TESTSERVER holds the command as a JSON array of strings, e.g.
//   SIO_TESTSERVER='["build/apps/sio-testserver/sio-testserver"]'
//   SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]'
// The server is always started with `--port 0`; we wait for its `listening on N` line.
//
// Run (from the repository root, after `cd tests/node && npm install`):
//   SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]' node --test tests/integration/engine/
// Other variables: RUN_SLOW=1 runs the slow tests (upgradeTimeout, 10 s);
// SIO_STRICT=1 holds the Node.js twin to the checklist where the reference differs.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";

/** require() resolving from tests/node/node_modules (the official npm peers). */
export const peerRequire = createRequire(new URL("../../node/package.json", import.meta.url));

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** The command from SIO_TESTSERVER, as an array of strings. */
export function serverCommand() {
  const raw = process.env.SIO_TESTSERVER;
  if (!raw) {
    throw new Error(
      "SIO_TESTSERVER is not set: give the command that starts the server under test as a JSON array, " +
        `e.g. SIO_TESTSERVER='["node","tests/twin/sio-testserver.js"]'`,
    );
  }
  let cmd;
  try {
    cmd = JSON.parse(raw);
  } catch (e) {
    throw new Error(`SIO_TESTSERVER is not valid JSON (${e.message}): ${raw}`);
  }
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((s) => typeof s === "string")) {
    throw new Error(`SIO_TESTSERVER must be a non-empty JSON array of strings: ${raw}`);
  }
  return cmd;
}

/**
 * True when the server under test is the Node.js twin (the official packages). Tests use it
 * only where the reference behaviour differs from the checklist (marked `reference differs:`),
 * so that they stay strict for the C++ server. SIO_STRICT=1 turns it off.
 */
export function isReference(cmd = serverCommand()) {
  // SIO_STRICT=1 holds the twin to the checklist too (to see where the reference differs)
  if (process.env.SIO_STRICT === "1") return false;
  return cmd.some((s) => /(^|[\\/])twin[\\/]sio-testserver\.js$/.test(s));
}

/**
 * Runs the command with the given flags, without waiting for anything. Resolves with
 * {code, signal, stdout, stderr} once it exits. For tests of the fixture itself.
 */
export function runServerRaw(args, { timeoutMs = STOP_TIMEOUT_MS } = {}) {
  const [bin, ...pre] = serverCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...pre, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Starts the server with `--port 0 --engine-echo` plus `extraArgs`.
 * Resolves with {port, url, host, stop(), stderr(), exited, reference}.
 *  - url: "http://127.0.0.1:<port>"
 *  - stop(): SIGTERM, then waits for the exit (SIGKILL after 5 s); resolves {code, signal}.
 *  - exited: a promise resolving {code, signal} when the process ends.
 */
export async function startServer(extraArgs = [], { engineEcho = true } = {}) {
  const cmd = serverCommand();
  const [bin, ...pre] = cmd;
  const args = [...pre, "--port", "0", ...(engineEcho ? ["--engine-echo"] : []), ...extraArgs];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdout.setEncoding("utf8");

  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exitInfo = { code, signal };
      // a grandchild (e.g. of a wrapper script) may hold the pipes open: let go of them
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 100).unref();
      resolve(exitInfo);
    });
  });

  const describe = () => `command: ${JSON.stringify([bin, ...args])}\nstdout:\n${stdout}\nstderr:\n${stderr}`;

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not print "listening on <port>" within ${START_TIMEOUT_MS} ms\n${describe()}`));
    }, START_TIMEOUT_MS);
    const onData = (d) => {
      stdout += d;
      const m = /^listening on (\d+)\r?$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        // keep draining stdout so that the child never blocks on a full pipe
        child.stdout.on("data", (more) => (stdout += more));
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start the server: ${e.message}\n${describe()}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}, signal ${signal}) before listening\n${describe()}`));
    });
  });

  const stop = async () => {
    if (exitInfo) return exitInfo;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!exitInfo) child.kill("SIGKILL");
    }, STOP_TIMEOUT_MS);
    const info = await exited;
    clearTimeout(timer);
    // The contract: SIGTERM closes cleanly and exits 0. Anything else (a crash, a
    // sanitizer report, a hang killed above) fails the test that stopped it.
    if (info.code !== 0) {
      throw new Error(`server did not exit cleanly on SIGTERM (code ${info.code}, signal ${info.signal})\n${describe()}`);
    }
    return info;
  };

  return {
    port,
    host: "127.0.0.1",
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    reference: isReference(cmd),
    stop,
    exited,
    stderr: () => stderr,
    describe,
  };
}

/** Appends the server's command line and output to an error thrown by a test. */
export function explain(srv, err) {
  const extra = `\n--- server under test ---\n${srv.describe()}`;
  if (err && typeof err === "object") {
    try {
      err.message += extra;
    } catch {
      /* read-only message */
    }
  }
  return err;
}

/**
 * Starts a server, runs fn(server), stops the server. When fn throws, the server's
 * command line and output are appended to the error message.
 */
export async function withServer(extraArgs, fn, opts) {
  const srv = await startServer(extraArgs, opts);
  try {
    return await fn(srv);
  } catch (err) {
    throw explain(srv, err);
  } finally {
    await srv.stop();
  }
}

/**
 * For a describe() block sharing one server: returns {get server(), wrap(fn)}, where
 * before()/after() start and stop it and wrap(fn) runs fn(server) with the server's
 * output appended to failures.
 */
export function sharedServer(hooks, extraArgs = [], opts) {
  let srv = null;
  hooks.before(async () => {
    srv = await startServer(extraArgs, opts);
  });
  hooks.after(async () => {
    if (srv) await srv.stop();
  });
  return {
    get server() {
      return srv;
    },
    wrap: (fn) => async (t) => {
      try {
        return await fn(srv, t);
      } catch (err) {
        throw explain(srv, err);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Generic helpers for other server commands (e.g. SIO_ENGINE_OPTIONS_SERVER): the same
// contract as above (`listening on <port>` on stdout, exit 0 on SIGTERM), but the command
// comes from the named environment variable and no flag is added besides `--port 0`.

/** The command (array of strings) held as a JSON array by the environment variable `envVar`. */
export function commandFromEnv(envVar, example = '["node","tests/twin/<server>.js"]') {
  const raw = process.env[envVar];
  if (!raw) {
    throw new Error(
      `${envVar} is not set: give the command that starts the server under test as a JSON array, ` +
        `e.g. ${envVar}='${example}'`,
    );
  }
  let cmd;
  try {
    cmd = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${envVar} is not valid JSON (${e.message}): ${raw}`);
  }
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((s) => typeof s === "string")) {
    throw new Error(`${envVar} must be a non-empty JSON array of strings: ${raw}`);
  }
  return cmd;
}

/**
 * True when `cmd` runs the Node.js twin script `tests/twin/<twinScript>` (and SIO_STRICT
 * is not 1). See isReference().
 */
export function isReferenceCommand(cmd, twinScript) {
  if (process.env.SIO_STRICT === "1") return false;
  const escaped = twinScript.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(^|[\\\\/])twin[\\\\/]${escaped}$`);
  return cmd.some((s) => re.test(s));
}

/** Like runServerRaw(), for the command in `envVar`: runs it with `args` as given. */
export function runCommandRaw(envVar, args, { timeoutMs = STOP_TIMEOUT_MS } = {}) {
  const [bin, ...pre] = commandFromEnv(envVar);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...pre, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Starts the command held by `envVar` with `--port 0` plus `args`. Resolves with the same
 * object as startServer(): {port, host, url, pid, reference, stop(), exited, stderr(),
 * describe()}; stop() throws when the exit code after SIGTERM is not 0.
 * `twinScript` names the Node.js twin (file name under tests/twin/) for `reference`.
 */
export async function startCommand(envVar, args = [], { twinScript } = {}) {
  const cmd = commandFromEnv(envVar);
  const [bin, ...pre] = cmd;
  const fullArgs = [...pre, "--port", "0", ...args];
  const child = spawn(bin, fullArgs, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdout.setEncoding("utf8");

  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exitInfo = { code, signal };
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 100).unref();
      resolve(exitInfo);
    });
  });

  const describe = () => `command: ${JSON.stringify([bin, ...fullArgs])}\nstdout:\n${stdout}\nstderr:\n${stderr}`;

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not print "listening on <port>" within ${START_TIMEOUT_MS} ms\n${describe()}`));
    }, START_TIMEOUT_MS);
    const onData = (d) => {
      stdout += d;
      const m = /^listening on (\d+)\r?$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stdout.on("data", (more) => (stdout += more));
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start the server: ${e.message}\n${describe()}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}, signal ${signal}) before listening\n${describe()}`));
    });
  });

  const stop = async () => {
    if (exitInfo) {
      if (exitInfo.code !== 0) {
        throw new Error(`server had exited before stop() (code ${exitInfo.code}, signal ${exitInfo.signal})\n${describe()}`);
      }
      return exitInfo;
    }
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!exitInfo) child.kill("SIGKILL");
    }, STOP_TIMEOUT_MS);
    const info = await exited;
    clearTimeout(timer);
    if (info.code !== 0) {
      throw new Error(`server did not exit cleanly on SIGTERM (code ${info.code}, signal ${info.signal})\n${describe()}`);
    }
    return info;
  };

  return {
    port,
    host: "127.0.0.1",
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    reference: twinScript ? isReferenceCommand(cmd, twinScript) : false,
    stop,
    exited,
    stderr: () => stderr,
    describe,
  };
}

/** withServer() for startCommand(): starts, runs fn(server), stops (failing on a bad exit). */
export async function withCommand(envVar, args, fn, opts) {
  const srv = await startCommand(envVar, args, opts);
  try {
    return await fn(srv);
  } catch (err) {
    throw explain(srv, err);
  } finally {
    await srv.stop();
  }
}

/** sharedServer() for startCommand(). */
export function sharedCommand(hooks, envVar, args = [], opts) {
  let srv = null;
  hooks.before(async () => {
    srv = await startCommand(envVar, args, opts);
  });
  hooks.after(async () => {
    if (srv) await srv.stop();
  });
  return {
    get server() {
      return srv;
    },
    wrap: (fn) => async (t) => {
      try {
        return await fn(srv, t);
      } catch (err) {
        throw explain(srv, err);
      }
    },
  };
}
