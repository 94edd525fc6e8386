// Seeded random JS values for the msgpack differential tests: JSON-like values with Buffers
// at any depth, every number class (unsafe integers, -0, NaN, ±Infinity included),
// multi-byte strings and sizes that cross every msgpack header boundary; and the tagged JSON
// that carries them to the C++ checkers (tagged_values.hpp reads it back).

// mulberry32: small, seedable, good enough for test data.
let state = 0;

/** Restarts the sequence (the same seed gives the same values). */
export function seed(n) {
  state = n >>> 0;
}

export function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const int = (n) => Math.floor(rand() * n);
export const pick = (a) => a[int(a.length)];

// Lengths that cross every header boundary, and ordinary small ones.
const STR_LENGTHS = [0, 1, 5, 30, 31, 32, 33, 100, 254, 255, 256, 257, 1000];
const BIN_LENGTHS = [0, 1, 3, 16, 255, 256, 257, 1024];
const COUNTS = [0, 1, 2, 3, 4, 14, 15, 16, 17];

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz0123456789 _-",
  "é€ü中文ß",
  "😀🎉𝄞",
  "a\"\\/\n\t\u0000\u001f\u007f",
];

export function randomString(byteTarget) {
  // Builds up to about byteTarget UTF-8 bytes (exact when ASCII is picked).
  const alphabet = rand() < 0.6 ? ALPHABETS[0] : pick(ALPHABETS);
  const chars = [...alphabet];
  let s = "";
  let bytes = 0;
  while (bytes < byteTarget) {
    const c = pick(chars);
    const b = Buffer.byteLength(c);
    if (bytes + b > byteTarget) {
      s += "x".repeat(byteTarget - bytes);
      break;
    }
    s += c;
    bytes += b;
  }
  return s;
}

const POW = [5, 7, 8, 15, 16, 31, 32, 52, 53, 54, 63, 64, 70];
export function randomNumber() {
  switch (int(12)) {
    case 0:
      return int(128);
    case 1:
      return -int(40);
    case 2: {
      const p = 2 ** pick(POW);
      return (rand() < 0.5 ? 1 : -1) * (p + pick([-2, -1, 0, 1, 2]));
    }
    case 3:
      return Math.floor((rand() - 0.5) * 2 ** int(54));
    case 4:
      return (rand() - 0.5) * 10 ** (int(40) - 20);
    case 5:
      return pick([0, -0, NaN, Infinity, -Infinity, 0.1, 1.5, -1.5, 5e-324, 1e21, 1e300, -1e300]);
    case 6: // unsafe integers
      return (rand() < 0.5 ? 1 : -1) * Math.floor(2 ** (53 + rand() * 20));
    case 7:
      return Math.fround(rand() * 1000);
    case 8:
      return int(0x10000) * pick([1, -1]);
    case 9:
      return int(2 ** 32) * pick([1, -1]);
    case 10:
      return 2 ** 53 * pick([1, -1]);
    default:
      return rand() * 1e6;
  }
}

export function randomKey() {
  switch (int(6)) {
    case 0:
      return String(int(100)); // integer-like keys: JS puts them first
    case 1:
      return randomString(pick([0, 1, 31, 32, 40]));
    default:
      return pick(["type", "data", "nsp", "uid", "rooms", "except", "flags", "id", "a", "b"]) + int(20);
  }
}

export function randomValue(depth) {
  const r = rand();
  if (depth > 0 && r < 0.3) {
    const n = rand() < 0.85 ? int(5) : rand() < 0.9 ? pick(COUNTS) : int(40);
    if (rand() < 0.5) {
      const a = [];
      for (let i = 0; i < n; i++) a.push(randomValue(depth - 1));
      return a;
    }
    const o = {};
    for (let i = 0; i < n; i++) o[randomKey()] = randomValue(depth - 1);
    return o;
  }
  const k = int(10);
  if (k < 3) return randomNumber();
  if (k < 6) return randomString(rand() < 0.85 ? int(20) : pick(STR_LENGTHS));
  if (k < 8) {
    const b = Buffer.alloc(rand() < 0.8 ? int(8) : pick(BIN_LENGTHS));
    for (let i = 0; i < b.length; i++) b[i] = int(256);
    return b;
  }
  if (k < 9) return rand() < 0.5;
  return null;
}

// Tagged JSON: Buffers → {"$bin":"<hex>"}, -0/NaN/±Infinity → {"$num":"-0"|"NaN"|...}.
export function tag(v) {
  if (v instanceof Uint8Array) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") };
  if (typeof v === "number") {
    if (Object.is(v, -0) || !Number.isFinite(v)) return { $num: Object.is(v, -0) ? "-0" : String(v) };
    return v;
  }
  if (Array.isArray(v)) return v.map(tag);
  if (v instanceof Date) return v.toJSON();
  if (v && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v)) o[k] = tag(v[k]);
    return o;
  }
  return v;
}
