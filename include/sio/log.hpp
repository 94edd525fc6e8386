// The library's log: one process-wide logger (spdlog underneath), quiet by default (`warn`),
// its level changeable at run time. Lines go to standard error unless the application
// hands over a spdlog logger of its own. Nothing is logged per message at `info` or above;
// repeated events (sessions closed for a limit, …) are logged as counts per interval.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

namespace spdlog {
class logger;
}

namespace sio::log {

enum class Level { Trace, Debug, Info, Warn, Error, Off };

// "trace", "debug", "info", "warn", "error" or "off"; nullopt for anything else.
std::optional<Level> parseLevel(std::string_view name);
void setLevel(Level level);
Level level();
bool enabled(Level level);

// The application's own logger (its sinks and format); its level is set to level().
void setLogger(std::shared_ptr<spdlog::logger> logger);

void write(Level level, std::string_view message);
inline void debug(std::string_view message) { write(Level::Debug, message); }
inline void info(std::string_view message) { write(Level::Info, message); }
inline void warn(std::string_view message) { write(Level::Warn, message); }
inline void error(std::string_view message) { write(Level::Error, message); }

}  // namespace sio::log
