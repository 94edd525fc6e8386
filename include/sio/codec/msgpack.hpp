// MessagePack for sio::Value, byte-identical to the two JavaScript encoders the Socket.IO
// cluster adapters use (@msgpack/msgpack 2.8 for the streams adapter, notepack.io 3.0.1
// for the classic/sharded adapters and the emitter), and a strict decoder that accepts
// everything either JS decoder accepts and returns what JSON.stringify would show of it
// (timestamps as ISO-8601 strings, numbers as JS Numbers: safe integers become Int).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sio/codec/value.hpp"

namespace sio::codec {

// Which JavaScript encoder to imitate. They differ only for integral numbers beyond
// ±(2^53 - 1): @msgpack/msgpack writes float64 (cb), notepack writes uint64/int64
// (cf/d3) holding the value modulo 2^64.
enum class MsgpackFlavor {
  MsgpackJs,  // @msgpack/msgpack 2.8 (streams adapter, streams emitter, CSR sessions)
  Notepack,   // notepack.io 3.0.1 (classic and sharded adapters, redis-emitter)
};

// Appends the bytes the JS encoder writes for the JS equivalent of `value`:
// - Int and integral Double are one JS Number. Safe integers take the smallest of
//   fixint/uint8..64 (>= 0, -0 included) or negative fixint/int8..64; an Int beyond
//   ±(2^53 - 1) is the Number it rounds to. Other numbers, NaN (canonical) and ±Infinity
//   are float64; float32 is never written.
// - string: fixstr/str8/str16/str32 of its bytes as they are; Binary: bin8/16/32;
//   array: fixarray/array16/32; object: fixmap/map16/32, keys in the Value's order.
// Throws std::length_error for a string, binary, array or object of 2^32 or more.
void appendMsgpack(const Value& value, std::string& out, MsgpackFlavor flavor);
std::string toMsgpack(const Value& value, MsgpackFlavor flavor);

struct MsgpackParseOptions {
  size_t maxDepth = 128;           // arrays/maps nested deeper are an error
  size_t maxElements = 16u << 20;  // array elements + map members in the whole value
};

struct MsgpackError {
  size_t offset = 0;    // byte offset of the problem
  std::string message;  // e.g. "truncated input", "nesting too deep"
};

// Parses exactly one msgpack value; trailing bytes are an error. Decoding follows what the
// JS decoders produce, as JSON.stringify would then show it:
// - every int and float type becomes a JS Number: Int when it is an integer of at most
//   2^53 - 1 in magnitude (so 1.0 and -0.0 decode as Int 0/1), Double otherwise (64-bit
//   integers beyond that round as in JS);
// - str → String (bytes kept as they are), bin → Binary, nil → null;
// - map keys are strings, or numbers turned into strings as JS does ("1", "1.5", "NaN");
//   other key types are an error. A duplicate key keeps its first position and takes the
//   last value;
// - ext −1 with 4, 8 or 12 data bytes (timestamp 32/64/96) → the ISO-8601 string of the
//   JS Date ("1970-01-01T00:00:00.000Z", "+010000-…" beyond year 9999), null when outside
//   the Date range;
// - notepack 2.x legacy forms: `d7 00 <int64 ms>` Date → ISO string, `d4 00 xx`
//   (undefined) → null, ext type 0 in ext8/16/32 (ArrayBuffer) → Binary;
// - any other ext → [type, Binary] (notepack's shape).
// Claimed lengths beyond the remaining input are rejected before any allocation.
std::optional<Value> parseMsgpack(std::string_view bytes, MsgpackError* error = nullptr,
                                  MsgpackParseOptions options = {});

struct MsgpackPrefix {
  Value value;
  size_t consumed = 0;  // bytes the value took; the rest of the input follows it
};

// Parses one msgpack value at the start of `bytes` and leaves what follows it unread.
std::optional<MsgpackPrefix> parseMsgpackPrefix(std::string_view bytes,
                                                MsgpackError* error = nullptr,
                                                MsgpackParseOptions options = {});

}  // namespace sio::codec
