// Where one stream's read loop (StreamReader) stands, with no I/O: it is told how each
// command was answered and which entries were handed on, and it answers what to send next
// (the starting XREVRANGE, the next XREAD and from which id, a pause before a retry) and
// whether entries were trimmed away unread (a gap). Unit-testable with every interleaving
// of reads, failures and reconnects.
//
// The rules (spec §1.8): the loop starts from the stream's last entry id at start-up (not
// `$` between calls, which loses entries) and always reads after the last id it handed on,
// across failures and reconnects, so no entry is lost or handed on twice. After a failure,
// the first read that succeeds asks for the stream's oldest entry: when it is newer than
// the last id handed on, trimming removed entries this node had not read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stream_entry.hpp"

namespace sio::adapters::streams {

class StreamCursor {
 public:
  struct Stats {
    uint64_t entries = 0, errors = 0, trimGaps = 0;
    uint64_t lagMs = 0;  // age of the last entry read by the latest read; 0 when caught up
  };

  // What the driver does next.
  struct Actions {
    bool findStart = false;   // XREVRANGE stream + - COUNT 1; answer with onStart
    bool read = false;        // XREAD … STREAMS stream readFrom(); answer with onReadAnswer
    bool retryLater = false;  // wait a moment, then call onRetry
  };

  // Entries trimmed away before this node read them: those after `after`, up to `upTo`.
  struct Gap {
    std::string after, upTo;
  };

  // Starts the loop (once; again only after a failed start).
  Actions start();
  // The XREVRANGE answered: the stream's last entry, or none when the stream is empty.
  Actions onStart(const std::vector<StreamEntry>& last);
  // A command failed (the link broke, or Redis answered an error).
  Actions onFailure();
  // The pause after a failure is over.
  Actions onRetry();

  // An XREAD answered. True: before handing its entries on, ask for the stream's oldest
  // entry (XRANGE stream - + COUNT 1) and report it with onOldest (once, after a failure).
  bool onReadAnswer();
  // An entry of that answer is about to be handed on: the next read starts after it (a bad
  // entry is skipped, never read again).
  void handOn(const std::string& id);
  // The answer's entries were handed on; `entries`: it held some (XREAD's BLOCK did not
  // time out). nowMs: the wall clock, in ms since the epoch, to measure the lag.
  Actions onReadDone(bool entries, int64_t nowMs);
  // The oldest entry of the stream (none: empty): a gap when entries after the last id
  // handed on were trimmed away.
  std::optional<Gap> onOldest(const std::vector<StreamEntry>& oldest);

  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }
  // The id the next XREAD reads after; empty until the start id is known.
  const std::string& readFrom() const { return offset_; }
  // Where the entries not read yet begin (an XRANGE start); none until the start id is known.
  std::optional<std::string> behindFrom() const;
  const Stats& stats() const { return stats_; }

 private:
  Actions readNext();

  std::string offset_;  // the last id handed on ("0-0": none yet, the stream was empty)
  bool started_ = false, stopped_ = false, hadError_ = false;
  Stats stats_;
};

}  // namespace sio::adapters::streams
