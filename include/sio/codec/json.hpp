// JSON text for sio::Value, as JavaScript writes and reads it: compact output exactly as
// JSON.stringify (key order kept, integers without a decimal point, doubles in JS's
// shortest form, NaN/Infinity as null, strings escaped like JSON.stringify), and a strict
// parser as JSON.parse (with a nesting limit, so hostile input cannot exhaust the stack).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sio/codec/value.hpp"

namespace sio::codec {

// Writes `value` as JSON.stringify would. A Binary is written as Node writes a Buffer:
// {"type":"Buffer","data":[1,2,3]}.
void appendJson(const Value& value, std::string& out);
std::string toJson(const Value& value);

struct JsonParseOptions {
  size_t maxDepth = 128;  // arrays/objects nested deeper are an error
};

struct JsonError {
  size_t offset = 0;    // byte offset of the problem
  std::string message;  // e.g. "unexpected character", "nesting too deep"
};

// Parses exactly one JSON text (surrounding whitespace allowed). Numbers without a
// fraction or exponent that fit in int64 become Int, all others Double. A duplicate key
// keeps its first position and takes the last value, as JSON.parse does.
std::optional<Value> parseJson(std::string_view text, JsonError* error = nullptr,
                               JsonParseOptions options = {});

}  // namespace sio::codec
