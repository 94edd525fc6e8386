// Redis stream entry ids (`ms-seq`, the time the entry was added and a sequence number):
// compared numerically, and the id right after one, as the read loop, the publisher and
// session restore need them. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>

namespace sio::adapters::streams {

// Compares two stream ids `ms-seq` numerically (-1, 0, 1).
int compareStreamIds(const std::string& a, const std::string& b);

// The id right after `id` (an exclusive XRANGE start that also works before Redis 6.2).
std::string nextStreamId(const std::string& id);

// The time part of an id: when the entry was added, in ms since the epoch.
uint64_t streamIdMs(const std::string& id);

}  // namespace sio::adapters::streams
