// URL query strings as Node's `querystring` reads them: `a=1&b=x%20y+z`, with `+` as a
// space and percent escapes decoded. Used for Engine.IO's EIO/transport/sid parameters
// and the handshake's `query`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sio::codec {

// Parameters in the order they appear; a repeated key appears several times.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits a request target into its path and query (without the `?`).
std::pair<std::string_view, std::string_view> splitTarget(std::string_view target);

// Parses a query string. Malformed escapes are kept literally, as Node does.
QueryParams parseQuery(std::string_view query);

// Percent-decodes one component (`+` becomes a space).
std::string decodeQueryComponent(std::string_view text);

// The first value of `key`, or nullptr.
const std::string* findParam(const QueryParams& params, std::string_view key);

}  // namespace sio::codec
