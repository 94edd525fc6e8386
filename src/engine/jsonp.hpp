// JSONP polling (engine.io's `polling-jsonp` transport, chosen by a `j` query parameter on
// the handshake): for browsers without XHR, as socket.io-client 2.x falls back to. A GET is
// answered with a script calling `___eio[<j>]("<payload as a JSON string>");`; a POST is a
// form whose `d` field holds the payload, its newlines escaped by the client. Pure
// functions; the payload inside is the session's ordinary string payload.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sio::engine {

// (The callback index, the digits of `j`, is read with the rest of the client's wire format:
// wire_format.hpp.)

// The script that hands `payload` to the client's callback `index`.
std::string wrapJsonp(std::string_view index, std::string_view payload);

// The payload of a JSONP POST body (`d=…`, form-encoded), with the client's newline escapes
// undone; nullopt when the body holds no single `d` field (engine.io then ignores it).
std::optional<std::string> unwrapJsonpBody(std::string_view body);

}  // namespace sio::engine
