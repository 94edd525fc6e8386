// The process-wide logger behind sio/log.hpp: spdlog, standard error by default, `warn`
// until told otherwise. The level lives in an atomic, so `enabled()` costs one load and a
// disabled line builds no string.
#include "sio/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace sio::log {
namespace {

std::atomic<Level> currentLevel{Level::Warn};
std::mutex loggerMutex;

spdlog::level::level_enum toSpdlog(Level level) {
  switch (level) {
    case Level::Trace:
      return spdlog::level::trace;
    case Level::Debug:
      return spdlog::level::debug;
    case Level::Info:
      return spdlog::level::info;
    case Level::Warn:
      return spdlog::level::warn;
    case Level::Error:
      return spdlog::level::err;
    case Level::Off:
      return spdlog::level::off;
  }
  return spdlog::level::warn;
}

std::shared_ptr<spdlog::logger>& loggerSlot() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created =
        std::make_shared<spdlog::logger>("sio", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    created->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l sio: %v");
    created->set_level(toSpdlog(currentLevel.load()));
    return created;
  }();
  return logger;
}

std::shared_ptr<spdlog::logger> currentLogger() {
  std::lock_guard lock(loggerMutex);
  return loggerSlot();
}

}  // namespace

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "trace") return Level::Trace;
  if (name == "debug") return Level::Debug;
  if (name == "info") return Level::Info;
  if (name == "warn") return Level::Warn;
  if (name == "error") return Level::Error;
  if (name == "off") return Level::Off;
  return std::nullopt;
}

void setLevel(Level level) {
  currentLevel.store(level);
  currentLogger()->set_level(toSpdlog(level));
}

Level level() {
  return currentLevel.load();
}

bool enabled(Level level) {
  return level != Level::Off && level >= currentLevel.load();
}

void setLogger(std::shared_ptr<spdlog::logger> logger) {
  if (!logger) return;
  logger->set_level(toSpdlog(currentLevel.load()));
  std::lock_guard lock(loggerMutex);
  loggerSlot() = std::move(logger);
}

void write(Level level, std::string_view message) {
  if (!enabled(level)) return;
  currentLogger()->log(toSpdlog(level), "{}", message);
}

}  // namespace sio::log
