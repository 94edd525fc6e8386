// Connection state recovery under the msgpack parser (`--parser msgpack --recovery`), in the
// three transport modes: the client's CONNECT carries {pid, offset} in msgpack, the missed
// broadcasts (binary inside) come back once and in order, each with its offset.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { MODES, shared, connected, disconnected, waitEvent, opOk, closeAll, sleep } from "../lib/sio.mjs";
import { startMsgpackServer, msgpackConnect, norm } from "./helpers.mjs";

for (const mode of MODES) {
  describe(`msgpack parser: connection state recovery [${mode.name}]`, () => {
    const srv = shared({ before, after }, startMsgpackServer, ["--recovery"]);

    test(
      "transport closed, 3 broadcasts with binary missed, reconnect: recovered, each once and in order",
      srv.wrap(async ({ url }) => {
        const ctl = await msgpackConnect(url, "/", { mode });
        const a = await msgpackConnect(url, "/", { mode });
        try {
          const room = `rec-${process.pid}-${mode.name}`;
          await opOk(a, { op: "join", rooms: [room] });
          await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [0] });
          const [first, offset] = await waitEvent(a, "news");
          assert.equal(first, 0);
          assert.equal(typeof offset, "string", "the offset follows the args");

          const id = a.id;
          a.io.engine.close(); // abrupt: the server sees "transport close"
          await disconnected(a);
          const deadline = Date.now() + 3000;
          while ((await opOk(ctl, { op: "fetchSockets", rooms: [id] })).length) {
            assert.ok(Date.now() < deadline, "the server still lists the closed socket");
            await sleep(20);
          }
          for (const i of [1, 2, 3]) {
            await opOk(ctl, { op: "emit", rooms: [room], event: "news", args: [i, { bin: Buffer.from([i]) }] });
          }

          a.connect();
          await connected(a);
          assert.equal(a.recovered, true, "socket.recovered");
          assert.equal(a.id, id, "the same id after recovery");
          const missed = [];
          for (let i = 0; i < 3; i++) missed.push(await waitEvent(a, "news"));
          assert.deepEqual(
            missed.map((args) => norm(args.slice(0, 2))),
            [1, 2, 3].map((i) => [i, { bin: { $bin: [i] } }]),
          );
          for (const args of missed) assert.equal(typeof args[2], "string", `an offset: ${JSON.stringify(args)}`);
          await sleep(100);
          assert.equal(a.received.filter((e) => e.event === "news").length, 4, "nothing twice");
        } finally {
          closeAll(a, ctl);
        }
      }),
    );
  });
}
