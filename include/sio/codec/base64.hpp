// Base64 (RFC 4648 standard alphabet, with padding): Engine.IO polling carries binary
// packets as `b` + base64. Decoding is strict: bad characters or padding are an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sio::codec {

std::string base64Encode(std::string_view bytes);
void base64EncodeAppend(std::string_view bytes, std::string& out);

// Decodes standard base64; returns nullopt on any character outside the alphabet,
// a length that is not a multiple of 4, or misplaced padding.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace sio::codec
