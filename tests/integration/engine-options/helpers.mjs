// Shared by the engine-options suite: starts the engine options server (a raw Engine.IO
// echo server whose options come from its flags) from SIO_ENGINE_OPTIONS_SERVER, e.g.
//   SIO_ENGINE_OPTIONS_SERVER='["node","tests/twin/engine-options-server.js"]'
//   SIO_ENGINE_OPTIONS_SERVER='["build/debug/tests/integration/engine-options-server"]'
// Run: SIO_ENGINE_OPTIONS_SERVER=… node --test tests/integration/engine-options/
// A message `repeat:N` is answered with N times `x`; any other message is echoed.

import {
  startCommand,
  withCommand,
  sharedCommand,
  runCommandRaw,
  explain,
} from "../lib/testserver.mjs";

export const ENV = "SIO_ENGINE_OPTIONS_SERVER";
const opts = { twinScript: "engine-options-server.js" };

export const startOptionsServer = (args = []) => startCommand(ENV, args, opts);
export const withOptionsServer = (args, fn) => withCommand(ENV, args, fn, opts);
export const sharedOptionsServer = (hooks, args = []) => sharedCommand(hooks, ENV, args, opts);
export const runOptionsServerRaw = (args, o) => runCommandRaw(ENV, args, o);

export const HANDSHAKE = "EIO=4&transport=polling";
export const pollQuery = (sid) => `EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
export const wsQuery = (sid) => `EIO=4&transport=websocket&sid=${encodeURIComponent(sid)}`;

/**
 * Several servers for one test file, started together in before() and stopped together
 * in after() (stopping takes a while: a server may wait for its sessions to close).
 * `configs` maps a name to the server's flags. Returns {server(name), wrap(name, fn)},
 * where wrap(name, fn) runs fn(server, t) with that server's output added to failures.
 */
export function optionsServerPool(hooks, configs) {
  const servers = {};
  hooks.before(async () => {
    const started = await Promise.allSettled(
      Object.entries(configs).map(async ([name, args]) => (servers[name] = await startOptionsServer(args))),
    );
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  });
  hooks.after(async () => {
    const stopped = await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
    const failed = stopped.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  });
  return {
    server: (name) => servers[name],
    wrap: (name, fn) => async (t) => {
      const srv = servers[name];
      if (!srv) throw new Error(`server '${name}' did not start`);
      try {
        return await fn(srv, t);
      } catch (err) {
        throw explain(srv, err);
      }
    },
  };
}
