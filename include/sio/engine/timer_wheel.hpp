// A timing wheel of coarse resolution for the per-connection deadlines (heartbeat, upgrade
// and connect timeouts): a ring of slots, one per tick, each an intrusive list of entries.
// An entry lives inside its owner (no allocation, no callback left behind: destroying it
// unlinks it) and calls it back through a plain function pointer and context (no
// std::function in each). Plain class with no clock and no I/O: whoever drives it says what
// time it is (advance); ContextTimerWheel drives one per io_context. Entries never fire early.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace sio::engine {

class TimerWheel {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  // Where the intrusive lists are linked: a slot's head, or an entry.
  struct Link {
    Link* prev = nullptr;
    Link* next = nullptr;
  };

  // One deadline, kept in its owner. Armed by TimerWheel::schedule, disarmed when it fires,
  // by cancel() and by its destructor. Its callback runs at most once per schedule, as
  // onExpiry(context); a member function of the owner is
  // Entry(&Entry::member<&Owner::onDeadline>, this).
  class Entry : private Link {
   public:
    using Callback = void (*)(void* context);
    Entry(Callback onExpiry, void* context) : onExpiry_(onExpiry), context_(context) {}
    ~Entry() { cancel(); }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    bool armed() const { return next != nullptr; }
    void cancel();

    // A Callback that calls `Method` (a member function taking nothing) of the context.
    template <auto Method>
    static void member(void* context) {
      (static_cast<typename OwnerOf<decltype(Method)>::type*>(context)->*Method)();
    }

   private:
    friend class TimerWheel;
    template <class>
    struct OwnerOf;
    template <class Owner>
    struct OwnerOf<void (Owner::*)()> {
      using type = Owner;
    };

    int64_t tick_ = 0;  // the tick at which it is due
    Callback onExpiry_;
    void* context_;
  };

  // resolution: the length of a tick; slots: how many ticks the ring spans (a power of two
  // is not required); origin: the time of tick 0.
  TimerWheel(Duration resolution, size_t slots, TimePoint origin);
  ~TimerWheel();  // detaches the entries still armed (they then do nothing)
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // Arms `entry` (again, if it was armed) to fire at the first tick at or after `deadline`,
  // and never at a tick already passed.
  void schedule(Entry& entry, TimePoint deadline);
  // Time is `now`: every entry whose tick has come fires (its callback may schedule or
  // cancel any entry, itself included).
  void advance(TimePoint now);
  // When advance should be called next: the time of the next tick whose slot holds an
  // entry (it may be one due a round later); none when no entry is armed. Scans the ring.
  std::optional<TimePoint> nextTick() const;
  // How many entries are armed (walks the wheel: for tests and diagnostics).
  size_t size() const;
  Duration resolution() const { return resolution_; }

 private:
  int64_t tickAtOrAfter(TimePoint time) const;
  int64_t tickAtOrBefore(TimePoint time) const;
  TimePoint timeOf(int64_t tick) const { return origin_ + resolution_ * tick; }
  Link& slotOf(int64_t tick) { return slots_[static_cast<size_t>(tick) % slotCount_]; }
  void fireSlot(Link& slot, int64_t dueTick);
  static void link(Link& head, Link& node);
  static void unlink(Link& node);

  Duration resolution_;
  size_t slotCount_;
  TimePoint origin_;
  std::unique_ptr<Link[]> slots_;  // circular lists; a head that points at itself is empty
  int64_t current_ = 0;            // the last tick advanced to
};

}  // namespace sio::engine
