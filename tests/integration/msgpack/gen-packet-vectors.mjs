// Differential vectors for the C++ msgpack parser (sio/protocol/msgpack_packet.hpp): random
// Socket.IO packets encoded and decoded by the real socket.io-msgpack-parser 3.0.2 (its own
// notepack.io 2.2 inside), in three kinds:
//   E  packets as socket.io's server builds them (keys in its order: `id` first on an ACK),
//      every type, random payloads with binary at any depth;
//   C  packets as socket.io-client builds them (`options` key, CONNECT with undefined data,
//      {type, id, data} ACKs), for the decoder;
//   M  one-byte mutations and truncations of such encodings, and packets with one field
//      replaced by an odd value (a Date, an ArrayBuffer, 2^53, ...), with the npm decoder's
//      verdict.
// Usage: node gen-packet-vectors.mjs <out-file> [count=2000] [seed]   (format: see below)
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { seed, rand, int, pick, randomString, randomValue, tag } from "./random-values.mjs";

const require = createRequire(new URL("../../node/package.json", import.meta.url));
const parser = require("socket.io-msgpack-parser");

const [outFile, countArg, seedArg] = process.argv.slice(2);
if (!outFile) {
  console.error("usage: node gen-packet-vectors.mjs <out-file> [count] [seed]");
  process.exit(2);
}
const COUNT = Number(countArg ?? 2000);
const SEED = Number(seedArg ?? process.env.MSGPACK_DIFF_SEED ?? 20260202) >>> 0;
seed(SEED);

const encoder = new parser.Encoder();
const encode = (packet) => Buffer.from(encoder.encode(packet)[0]);

/** The npm decoder's packet, or null when it throws. */
function decode(bytes) {
  const decoder = new parser.Decoder();
  let packet = null;
  decoder.on("decoded", (p) => (packet = p));
  try {
    decoder.add(bytes);
  } catch {
    return null;
  }
  return packet;
}

const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);
const ID_EDGES = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];

const randomNsp = () => pick(["/", "/", "/", "/chat", "/admin", "/é€😀", "/" + randomString(int(40))]);
const randomId = () => (rand() < 0.5 ? int(1000) : pick(ID_EDGES));
const randomSid = () => randomString(20);
function randomArgs() {
  const n = rand() < 0.9 ? int(5) : pick([15, 16, 17, 40]);
  return Array.from({ length: n }, () => randomValue(int(4)));
}
function randomEventName() {
  for (;;) {
    const name = rand() < 0.5 ? pick(["message", "chat", "file", "e"]) : randomString(int(40));
    if (!RESERVED.has(name)) return name;
  }
}

/** A packet object as socket.io 4.8's server builds it (Socket#emit, #ack, #_onconnect, …). */
function serverPacket() {
  const nsp = randomNsp();
  switch (int(7)) {
    case 0:
      return { type: 0, data: rand() < 0.5 ? { sid: randomSid() } : { sid: randomSid(), pid: randomSid() }, nsp };
    case 1:
      return { type: 0, nsp }; // an Engine.IO v3 client's CONNECT reply
    case 2:
      return { type: 1, nsp };
    case 3:
      return { type: 2, data: [randomEventName(), ...randomArgs()], nsp };
    case 4:
      return { type: 2, data: [randomEventName(), ...randomArgs()], id: randomId(), nsp };
    case 5:
      return { id: randomId(), type: 3, data: randomArgs(), nsp };
    default: {
      const message = randomString(int(60));
      const data = pick([message, { message }, { message, data: randomValue(int(3)) }]);
      return { type: 4, data, nsp };
    }
  }
}

/** A packet object as socket.io-client 4.8 builds it. */
function clientPacket() {
  const nsp = randomNsp();
  switch (int(5)) {
    case 0: {
      const auth = pick([undefined, {}, { token: randomString(int(30)) }, { pid: randomSid(), offset: randomSid(), n: randomValue(2) }]);
      return { type: 0, data: auth, nsp };
    }
    case 1:
      return { type: 1, nsp };
    case 2: {
      const packet = { type: 2, data: [randomEventName(), ...randomArgs()] };
      packet.options = { compress: rand() < 0.5 };
      if (rand() < 0.5) packet.id = randomId();
      packet.nsp = nsp;
      return packet;
    }
    default:
      return { type: 3, id: randomId(), data: randomArgs(), nsp };
  }
}

/** {type, nsp, id?, data?} of a packet, tagged: the fields the C++ Packet holds. */
function fields(p) {
  const out = { type: p.type, nsp: p.nsp };
  if (p.id !== undefined) out.id = p.id;
  if (p.data !== undefined) out.data = p.data;
  return JSON.stringify(tag(out));
}

const INTERESTING = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0xa0, 0xc0, 0xc1, 0xc2, 0xc4, 0xc7, 0xcb, 0xd4, 0xd7, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff];

function mutate(bytes) {
  const b = Buffer.from(bytes);
  const at = int(b.length);
  switch (int(5)) {
    case 0:
      return b.subarray(0, at);
    case 1:
      b[at] = int(256);
      return b;
    case 2:
      b[at] = pick(INTERESTING);
      return b;
    case 3:
      return Buffer.concat([b.subarray(0, at), Buffer.from([pick(INTERESTING)]), b.subarray(at)]);
    default:
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
  }
}

/** Values a field should not hold, and a few it may: what the npm checks let through varies. */
const ODD = () => [
  undefined, null, true, NaN, Infinity, -1, 2.5, 2 ** 53, 5, 6, "2", "", "/", [], {}, [1], ["disconnect"],
  ["e"], [[]], { message: "m" }, Buffer.from([1]), new Uint8Array([1, 2]).buffer, new Date(int(2 ** 40)),
  randomValue(int(3)),
];

/** A valid packet with one field (type, nsp, id or data) replaced by an odd value. */
function oddPacket() {
  const packet = rand() < 0.5 ? serverPacket() : clientPacket();
  packet[pick(["type", "nsp", "id", "data"])] = pick(ODD());
  return packet;
}

const hex = (b) => Buffer.from(b).toString("hex");
const lines = [];
for (let i = 0; i < COUNT; i++) {
  // E <fields of the packet> <npm encoding hex> <fields of the npm decoder's packet>
  const packet = serverPacket();
  const bytes = encode(packet);
  const back = decode(bytes);
  if (!back) throw new Error(`the npm decoder refuses its own encoding of ${JSON.stringify(tag(packet))}`);
  lines.push(["E", fields(packet), hex(bytes), fields(back)].join("\t"));
}
for (let i = 0; i < COUNT / 2; i++) {
  // C <npm encoding hex> <fields of the npm decoder's packet>
  const bytes = encode(clientPacket());
  lines.push(["C", hex(bytes), fields(decode(bytes))].join("\t"));
}
for (let i = 0; i < COUNT; i++) {
  // M <mutated bytes hex> <fields of the npm decoder's packet, or "refused">
  const bytes = i % 2 ? encode(oddPacket()) : mutate(encode(rand() < 0.5 ? serverPacket() : clientPacket()));
  const back = decode(bytes);
  lines.push(["M", hex(bytes), back ? fields(back) : "refused"].join("\t"));
}

writeFileSync(outFile, lines.join("\n") + "\n");
console.log(`gen-packet-vectors: seed ${SEED}, ${lines.length} vectors → ${outFile}`);
