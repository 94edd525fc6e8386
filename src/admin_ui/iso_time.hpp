// Timestamps as the Admin UI receives them from Node: a JS Date sent as JSON, i.e.
// Date.prototype.toISOString() ("2024-05-01T12:34:56.789Z"), and milliseconds since the
// epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sio::admin_ui {

std::string isoTime(std::chrono::system_clock::time_point time);
int64_t epochMilliseconds(std::chrono::system_clock::time_point time);

}  // namespace sio::admin_ui
