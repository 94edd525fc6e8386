// The aggregated events of server_stats, from the Engine.IO counters: one entry per type
// (per close reason for rawDisconnection) that moved since the previous report, stamped
// with the report's second; nothing from before instrument(); and the timestamps the UI
// gets (JS Date JSON).
#include "engine_events.hpp"

#include <gtest/gtest.h>

#include "iso_time.hpp"

namespace sio::admin_ui {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point at(int64_t ms) {
  return system_clock::time_point(milliseconds(ms));
}

TEST(EngineEvents, ReportsWhatMovedSinceThePreviousReport) {
  engine::ServerStats stats;
  stats.sessionsOpened = 5;  // before instrument(): not reported
  stats.sessionsClosed["ping timeout"] = 1;
  EngineEvents events(stats);
  EXPECT_EQ(events.take(stats, at(1000)), Value::array());

  stats.sessionsOpened += 2;
  stats.sessionsClosed["ping timeout"] += 1;
  stats.sessionsClosed["transport close"] = 3;
  stats.messagesReceived += 4;
  stats.bytesReceived += 40;
  stats.messagesSent += 6;
  stats.bytesSent += 600;
  Value report = events.take(stats, at(1796625645987));
  auto entry = [](const char* type, int64_t count) {
    return Value::object({{"timestamp", int64_t(1796625645000)}, {"type", type}, {"count", count}});
  };
  auto closed = [](const char* reason, int64_t count) {
    return Value::object({{"timestamp", int64_t(1796625645000)},
                          {"type", "rawDisconnection"},
                          {"subType", reason},
                          {"count", count}});
  };
  EXPECT_EQ(report,
            Value::array({entry("rawConnection", 2), closed("ping timeout", 1),
                          closed("transport close", 3), entry("packetsIn", 4), entry("bytesIn", 40),
                          entry("packetsOut", 6), entry("bytesOut", 600)}));
  // reported once
  stats.messagesSent += 1;
  stats.bytesSent += 9;
  EXPECT_EQ(
      events.take(stats, at(1796625647001)),
      Value::array(
          {Value::object(
               {{"timestamp", int64_t(1796625647000)}, {"type", "packetsOut"}, {"count", 1}}),
           Value::object(
               {{"timestamp", int64_t(1796625647000)}, {"type", "bytesOut"}, {"count", 9}})}));
}

TEST(IsoTime, WritesJsDateJson) {
  EXPECT_EQ(isoTime(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(isoTime(at(1796625645987)), "2026-12-07T06:40:45.987Z");
  EXPECT_EQ(isoTime(at(951782400005)), "2000-02-29T00:00:00.005Z");
  EXPECT_EQ(epochMilliseconds(at(1796625645987)), 1796625645987);
}

}  // namespace
}  // namespace sio::admin_ui
