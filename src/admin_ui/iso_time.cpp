// ISO 8601 in UTC with milliseconds, as JS's toISOString() writes it.
#include "iso_time.hpp"

#include <cstdio>
#include <ctime>

namespace sio::admin_ui {

int64_t epochMilliseconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string isoTime(std::chrono::system_clock::time_point time) {
  int64_t ms = epochMilliseconds(time);
  int64_t seconds = ms / 1000, millis = ms % 1000;
  if (millis < 0) millis += 1000, seconds -= 1;
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(millis));
  return buffer;
}

}  // namespace sio::admin_ui
