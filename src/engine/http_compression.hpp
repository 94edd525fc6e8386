// gzip / deflate for polling responses (Node's `httpCompression`): picks the encoding the
// client accepts (Accept-Encoding with q-values, gzip preferred) and compresses with zlib.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sio::engine {

enum class ContentEncoding { Gzip, Deflate };

// The encoding to use for a response, or nullopt when the client accepts neither.
std::optional<ContentEncoding> chooseEncoding(std::string_view acceptEncoding);

std::string_view encodingName(ContentEncoding encoding);

// Compresses `data`; nullopt if zlib fails.
std::optional<std::string> compressBody(std::string_view data, ContentEncoding encoding);

}  // namespace sio::engine
