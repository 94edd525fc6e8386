// What the Admin UI shows of the process behind a node: host name, pid and uptime (Node's
// os.hostname(), process.pid, process.uptime()).
#pragma once

#include <cstdint>
#include <string>

namespace sio::admin_ui {

std::string hostName();
int64_t processId();
// Seconds since the process started, with a fractional part.
double processUptimeSeconds();

}  // namespace sio::admin_ui
