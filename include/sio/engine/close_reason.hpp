// The reasons an Engine.IO session closes, spelled exactly as Node's engine.io reports
// them (Socket.IO passes them on to its own `disconnect` event).
#pragma once

#include <string_view>

namespace sio::engine::close_reason {

inline constexpr std::string_view kTransportClose = "transport close";
inline constexpr std::string_view kTransportError = "transport error";
inline constexpr std::string_view kPingTimeout = "ping timeout";
inline constexpr std::string_view kParseError = "parse error";
inline constexpr std::string_view kForcedClose = "forced close";

}  // namespace sio::engine::close_reason
