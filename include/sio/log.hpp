// The library's log: one process-wide logger (spdlog underneath), quiet by default (`warn`),
// its level changeable at run time. Lines go to standard error unless the application
// hands over a spdlog logger of its own. Nothing is logged per message at `info` or above;
// repeated events (sessions closed for a limit, …) are logged as counts per interval.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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
inline void debug(std::string_view message) {
  write(Level::Debug, message);
}
inline void info(std::string_view message) {
  write(Level::Info, message);
}
inline void warn(std::string_view message) {
  write(Level::Warn, message);
}
inline void error(std::string_view message) {
  write(Level::Error, message);
}

// An event that may repeat many times (a malformed message, a failed publish): the first
// is written at once, later ones at most once per interval, each line saying how many
// happened since the line before. No timer: a burst's tail is told with the next event.
class RepeatedEvent {
 public:
  explicit RepeatedEvent(Level level,
                         std::chrono::steady_clock::duration interval = std::chrono::seconds(10))
      : level_(level), interval_(interval) {}

  // `message` is built only when a line is written.
  template <class MessageFn>
  void record(MessageFn&& message) {
    ++unreported_;
    auto now = std::chrono::steady_clock::now();
    if (written_ && now - last_ < interval_) return;
    if (enabled(level_)) {
      std::string line = message();
      if (unreported_ > 1)
        line += " (" + std::to_string(unreported_) + " times since the last line)";
      write(level_, line);
    }
    written_ = true;
    last_ = now;
    unreported_ = 0;
  }

 private:
  Level level_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point last_{};
  bool written_ = false;
  uint64_t unreported_ = 0;
};

}  // namespace sio::log
