// Checklist §5 (Socket.IO packets) with exact bytes, over a raw WebSocket (`ws` package) on
// /socket.io/?EIO=4&transport=websocket, against both fixtures: CONNECT replies, auth,
// namespaces, CONNECT_ERROR, nothing before CONNECT, connectTimeout, `41`, echo, binary
// with attachments, acks, binary acks, and every malformed packet (connection closed,
// reason "parse error" as the features server records it).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  MODES,
  shared,
  startSioServer,
  startFeaturesServer,
  withStarted,
  connect,
  waitReason,
  closeAll,
  rawSio,
  nextText,
  withTimeout,
  sleep,
} from "../lib/sio.mjs";

const SID = '"sid":"[A-Za-z0-9_-]{20}"';
const PH = (n) => `{"_placeholder":true,"num":${n}}`;

const FIXTURES = [
  { name: "sio-testserver", start: startSioServer },
  { name: "sio-features-server", start: startFeaturesServer },
];

/**
 * Sends a CONNECT for `nsp` ("/" or "/x") with the raw payload text `payload` (may be
 * ""), asserts the reply `40[nsp,]{"sid":…}` and the `auth` event that follows; returns sid.
 */
async function rawJoin(raw, nsp = "/", payload = "", auth = payload || "{}") {
  const prefix = nsp === "/" ? "" : `${nsp},`;
  raw.send(`40${prefix}${payload}`);
  const reply = await nextText(raw, `40${prefix}`);
  assert.match(reply, new RegExp(`^\\{${SID}\\}$`), `CONNECT reply 40${prefix}${reply}`);
  assert.equal(await nextText(raw, `42${prefix}`), `["auth",${auth}]`);
  return JSON.parse(reply).sid;
}

for (const fx of FIXTURES) {
  describe(`raw Socket.IO frames [${fx.name}]`, () => {
    const srv = shared({ before, after }, fx.start);

    test(
      '`40` -> `40{"sid":"<20 chars>"}`, then `42["auth",{}]`',
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          raw.send("40");
          const m = await raw.next();
          assert.match(m.text, new RegExp(`^40\\{${SID}\\}$`));
          assert.equal((await raw.next()).text, '42["auth",{}]');
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      '`40{"token":"123"}` passes {"token":"123"} as handshake.auth',
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/", '{"token":"123"}');
          // key order is kept
          const raw2 = await rawSio(port);
          try {
            await rawJoin(raw2, "/", '{"z":1,"a":[2,{"y":null}]}');
          } finally {
            await raw2.close();
          }
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      '`40/custom,` -> `40/custom,{"sid":…}`; `40/custom` (no comma) parses too',
      srv.wrap(async ({ port }) => {
        const a = await rawSio(port);
        const b = await rawSio(port);
        const c = await rawSio(port);
        try {
          await rawJoin(a, "/custom");
          b.send("40/custom");
          assert.match(await nextText(b, "40/custom,"), new RegExp(`^\\{${SID}\\}$`));
          assert.equal(await nextText(b, "42/custom,"), '["auth",{}]');
          // with an auth payload
          await rawJoin(c, "/custom", '{"token":"1"}');
        } finally {
          await a.close();
          await b.close();
          await c.close();
        }
      }),
    );

    test(
      '`40/random` -> `44/random,{"message":"Invalid namespace"}`; the connection stays usable',
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          raw.send("40/random");
          assert.equal((await raw.next()).text, '44/random,{"message":"Invalid namespace"}');
          raw.send('40/random,{"token":"x"}');
          assert.equal((await raw.next()).text, '44/random,{"message":"Invalid namespace"}');
          await rawJoin(raw, "/");
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      "`41` (leave `/`): nothing comes back, the session stays open and `/custom` keeps working",
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/");
          await rawJoin(raw, "/custom");
          raw.send("41");
          await raw.silent(300);
          assert.equal(raw.isOpen(), true);
          raw.send('42/custom,["message",1]');
          assert.equal((await raw.next()).text, '42/custom,["message-back",1]');
          // `/` can be joined again
          await rawJoin(raw, "/");
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      'echo: `42["message",1,"2",{"3":[true]}]` -> `42["message-back",1,"2",{"3":[true]}]`',
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/");
          raw.send('42["message",1,"2",{"3":[true]}]');
          assert.equal((await raw.next()).text, '42["message-back",1,"2",{"3":[true]}]');
          // compact JSON, key order kept, integral numbers without a decimal point
          raw.send('42[ "message" , {"b":1, "a":2}, 1.0, 2.50, 1e3, -7, "é€\\u0001", null ]');
          assert.equal((await raw.next()).text, '42["message-back",{"b":1,"a":2},1,2.5,1000,-7,"é€\\u0001",null]');
          // on a namespace
          await rawJoin(raw, "/custom");
          raw.send('42/custom,["message",[]]');
          assert.equal((await raw.next()).text, '42/custom,["message-back",[]]');
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      "binary: `452-[…ph0,ph1]` + 2 frames -> `452-[\"message-back\",ph0,ph1]` + the 2 frames in order",
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/");
          raw.send(`452-["message",${PH(0)},${PH(1)}]`);
          raw.sendBinary(Buffer.from([1, 2, 3]));
          raw.sendBinary(Buffer.from([4, 5]));
          assert.equal((await raw.next()).text, `452-["message-back",${PH(0)},${PH(1)}]`);
          assert.deepEqual([...(await raw.next()).binary], [1, 2, 3]);
          assert.deepEqual([...(await raw.next()).binary], [4, 5]);
          // placeholders in reverse order in the payload: each stays where it is
          raw.send(`452-["message",{"x":${PH(1)}},[${PH(0)}]]`);
          raw.sendBinary(Buffer.from([10]));
          raw.sendBinary(Buffer.from([11]));
          const text = await nextText(raw, "452-");
          const payload = JSON.parse(text);
          assert.equal(payload[0], "message-back");
          const frames = [(await raw.next()).binary, (await raw.next()).binary];
          const at = (ph) => [...frames[ph.num]];
          assert.deepEqual(at(payload[1].x), [11]);
          assert.deepEqual(at(payload[2][0]), [10]);
          assert.equal(text.indexOf('"_placeholder":true,"num":'), text.indexOf('"_placeholder"'), "key order");
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      'ack: `42456["message-with-ack",1,"2",{"3":[false]}]` -> `43456[1,"2",{"3":[false]}]`',
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/");
          raw.send('42456["message-with-ack",1,"2",{"3":[false]}]');
          assert.equal((await raw.next()).text, '43456[1,"2",{"3":[false]}]');
          raw.send('420["message-with-ack"]');
          assert.equal((await raw.next()).text, "430[]");
          await rawJoin(raw, "/custom");
          raw.send('42/custom,12["message-with-ack","x"]');
          assert.equal((await raw.next()).text, '43/custom,12["x"]');
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      "binary ack: `452-789[\"message-with-ack\",ph0,ph1]` + 2 frames -> `462-789[ph0,ph1]` + 2 frames",
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await rawJoin(raw, "/");
          raw.send(`452-789["message-with-ack",${PH(0)},${PH(1)}]`);
          raw.sendBinary(Buffer.from([7, 7, 7]));
          raw.sendBinary(Buffer.from([8]));
          assert.equal((await raw.next()).text, `462-789[${PH(0)},${PH(1)}]`);
          assert.deepEqual([...(await raw.next()).binary], [7, 7, 7]);
          assert.deepEqual([...(await raw.next()).binary], [8]);
        } finally {
          await raw.close();
        }
      }),
    );
  });

  describe(`raw timings [${fx.name}]`, () => {
    const srv = shared({ before, after }, fx.start, ["--ping-interval", "100", "--ping-timeout", "1000", "--connect-timeout", "1000"]);

    test(
      "before a CONNECT the server sends nothing but Engine.IO packets",
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          await sleep(450);
          const texts = raw.frames.map((f) => f.text);
          assert.ok(texts.every((t) => t === "2"), `frames before CONNECT: ${JSON.stringify(texts)}`);
          assert.ok(texts.length >= 2, `pings received: ${texts.length}`);
          await rawJoin(raw, "/");
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      "no CONNECT within connectTimeout -> the Engine.IO connection is closed",
      srv.wrap(async ({ port }) => {
        const start = Date.now();
        const raw = await rawSio(port);
        try {
          await withTimeout(raw.closed, 3000, "the server to close the connection");
          const elapsed = Date.now() - start;
          assert.ok(elapsed >= 800, `closed after ${elapsed} ms, connectTimeout is 1000`);
          assert.ok(
            raw.frames.every((f) => f.text === "2" || f.text === "1"),
            `only pings (and a close packet): ${JSON.stringify(raw.frames)}`,
          );
        } finally {
          await raw.close();
        }
      }),
    );

    test(
      "a refused namespace does not count as a CONNECT: the connection still closes at connectTimeout",
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          raw.send("40/random,");
          assert.equal((await raw.next()).text, '44/random,{"message":"Invalid namespace"}');
          await withTimeout(raw.closed, 3000, "the server to close the connection");
        } finally {
          await raw.close();
        }
      }),
    );
  });
}

describe("raw Socket.IO frames [sio-features-server only]", () => {
  const srv = shared({ before, after }, startFeaturesServer);
  const rec = shared({ before, after }, startFeaturesServer, ["--recovery"]);

  test(
    'with --recovery, `40` -> `40{"sid":"…","pid":"…"}`',
    rec.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        raw.send("40");
        assert.match((await raw.next()).text, new RegExp(`^40\\{${SID},"pid":"[^"]+"\\}$`));
        // the `auth` event, with its offset as an extra last argument
        assert.match((await raw.next()).text, /^42\["auth",\{\}(,"[^"]+")?\]$/);
        raw.send("40/custom,");
        assert.match((await raw.next()).text, new RegExp(`^40/custom,\\{${SID},"pid":"[^"]+"\\}$`));
      } finally {
        await raw.close();
      }
    }),
  );

  test(
    'a middleware error -> `44{"message":…[,"data":…]}`',
    srv.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        raw.send('40{"reject":"no"}');
        assert.equal((await raw.next()).text, '44{"message":"no"}');
        raw.send('40{"reject":"nope","rejectData":{"a":[1,"x"],"b":null}}');
        assert.equal((await raw.next()).text, '44{"message":"nope","data":{"a":[1,"x"],"b":null}}');
        raw.send('40{"reject":"n","rejectData":7}');
        assert.equal((await raw.next()).text, '44{"message":"n","data":7}');
        raw.send("40/dynamic-0,");
        assert.equal((await raw.next()).text, '44/dynamic-0,{"message":"zero is not allowed"}');
        // after refusals, a CONNECT succeeds
        await rawJoin(raw, "/", '{"reject":false}');
      } finally {
        await raw.close();
      }
    }),
  );

  test(
    "dynamic namespace: `40/dynamic-3,` -> CONNECT, then `nsp`, then `auth`",
    srv.wrap(async ({ port }) => {
      const raw = await rawSio(port);
      try {
        raw.send("40/dynamic-3,");
        assert.match(await nextText(raw, "40/dynamic-3,"), new RegExp(`^\\{${SID}\\}$`));
        assert.equal((await raw.next()).text, '42/dynamic-3,["nsp","/dynamic-3"]');
        assert.equal((await raw.next()).text, '42/dynamic-3,["auth",{}]');
      } finally {
        await raw.close();
      }
    }),
  );

  // Each case: CONNECT to `/`, then the bad frame(s); the server closes the connection and
  // records "parse error" for the `/` socket.
  const MALFORMED = [
    ["unknown packet type", ["4abc"]],
    ["unknown packet type 7", ['47["message"]']],
    ["EVENT payload not an array", ["42{}"]],
    ["EVENT payload a string", ['42"message"']],
    ["invalid ack id", ['42abc["message"]']],
    ["EVENT with an empty array", ["42[]"]],
    ["EVENT whose first element is an object", ['42[{"a":1}]']],
    ["EVENT whose first element is null", ["42[null]"]],
    ["EVENT whose first element is a number", ['42[1,"x"]'], "numeric"],
    ...["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"].map((name) => [
      `reserved event name "${name}"`,
      [`42["${name}"]`],
    ]),
    ["CONNECT payload a string (other namespace)", ['40/custom,"x"']],
    ["CONNECT payload an array (other namespace)", ["40/custom,[1]"]],
    ["CONNECT payload a boolean (other namespace)", ["40/custom,true"]],
    ["more attachments than announced", [`451-["message",${PH(0)}]`, Buffer.from([1]), Buffer.from([2])]],
    ["placeholder num out of range", [`451-["message",${PH(1)}]`, Buffer.from([1])]],
    ["placeholder num negative", [`451-["message",${PH(-1)}]`, Buffer.from([1])]],
    ["binary frame without a binary packet", [Buffer.from([9])]],
  ];

  for (const [what, frames, special] of MALFORMED) {
    test(
      `malformed: ${what} (${frames.map((f) => (Buffer.isBuffer(f) ? "<binary>" : f)).join(" + ")}) -> closed, "parse error"`,
      srv.wrap(async ({ port, url, reference }) => {
        const ctl = await connect(url, "/custom", { mode: MODES[1] });
        const raw = await rawSio(port);
        try {
          const sid = await rawJoin(raw, "/");
          for (const f of frames) {
            if (Buffer.isBuffer(f)) raw.sendBinary(f);
            else raw.send(f);
          }
          if (special === "numeric" && reference) {
            // reference differs: socket.io-parser 4.2 accepts a number as the event name
            await sleep(200);
            assert.equal(raw.isOpen(), true);
            return;
          }
          await withTimeout(raw.closed, 2000, "the server to close the connection");
          const [r] = await waitReason(ctl, sid);
          assert.equal(r.nsp, "/");
          if (reference) {
            // reference differs: socket.io 4.8 closes the Engine.IO socket on a decoding
            // error, so its sockets see "forced close", not "parse error"
            assert.ok(["parse error", "forced close"].includes(r.reason), r.reason);
          } else {
            assert.equal(r.reason, "parse error");
          }
        } finally {
          await raw.close();
          closeAll(ctl);
        }
      }),
    );
  }

  for (const bad of ['40"x"', "40[1]", "40true", '40/custom,"x"', "4abc", "42{}"]) {
    test(
      `malformed before any CONNECT: \`${bad}\` -> closed`,
      srv.wrap(async ({ port }) => {
        const raw = await rawSio(port);
        try {
          raw.send(bad);
          await withTimeout(raw.closed, 2000, "the server to close the connection");
        } finally {
          await raw.close();
        }
      }),
    );
  }

  test(
    "`41` is recorded as \"client namespace disconnect\"",
    srv.wrap(async ({ port, url }) => {
      const ctl = await connect(url, "/custom", { mode: MODES[1] });
      const raw = await rawSio(port);
      try {
        const sid = await rawJoin(raw, "/");
        raw.send("41");
        assert.deepEqual(await waitReason(ctl, sid), [{ id: sid, nsp: "/", reason: "client namespace disconnect" }]);
      } finally {
        await raw.close();
        closeAll(ctl);
      }
    }),
  );

  test(
    "disconnect-me over raw frames: false -> `41`, connection open; true -> `41` and the connection closes",
    srv.wrap(async ({ port, url }) => {
      const ctl = await connect(url, "/custom", { mode: MODES[1] });
      const raw = await rawSio(port);
      try {
        const sid1 = await rawJoin(raw, "/");
        raw.send('42["disconnect-me",false]');
        assert.equal((await raw.next()).text, "41");
        await raw.silent(200);
        assert.equal(raw.isOpen(), true);
        assert.deepEqual(await waitReason(ctl, sid1), [{ id: sid1, nsp: "/", reason: "server namespace disconnect" }]);

        const sid2 = await rawJoin(raw, "/");
        raw.send('42["disconnect-me",true]');
        assert.equal((await raw.next()).text, "41");
        await withTimeout(raw.closed, 2000, "the server to close the connection");
        assert.deepEqual(await waitReason(ctl, sid2), [{ id: sid2, nsp: "/", reason: "server namespace disconnect" }]);
      } finally {
        await raw.close();
        closeAll(ctl);
      }
    }),
  );
});
