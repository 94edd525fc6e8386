// TimerWheel: slots are circular doubly-linked lists with a head each, so an entry leaves
// whatever list holds it in constant time. A slot being fired is first moved to a list on
// the stack, so callbacks may schedule, cancel or destroy any entry meanwhile.
#include "sio/engine/timer_wheel.hpp"

#include <algorithm>

namespace sio::engine {
void TimerWheel::Entry::cancel() {
  if (!armed()) return;
  unlink(*this);
}

TimerWheel::TimerWheel(Duration resolution, size_t slots, TimePoint origin)
    : resolution_(std::max(resolution, Duration(1))),
      slotCount_(std::max<size_t>(slots, 1)),
      origin_(origin),
      slots_(std::make_unique<Link[]>(slotCount_)) {
  for (size_t i = 0; i < slotCount_; ++i) slots_[i].prev = slots_[i].next = &slots_[i];
}

TimerWheel::~TimerWheel() {
  for (size_t i = 0; i < slotCount_; ++i) {
    Link& head = slots_[i];
    for (Link* node = head.next; node != &head;) {
      Link* next = node->next;
      node->prev = node->next = nullptr;
      node = next;
    }
  }
}

int64_t TimerWheel::tickAtOrAfter(TimePoint time) const {
  if (time <= origin_) return 0;
  auto elapsed = time - origin_;
  return (elapsed + resolution_ - Duration(1)) / resolution_;
}

int64_t TimerWheel::tickAtOrBefore(TimePoint time) const {
  if (time <= origin_) return 0;
  return (time - origin_) / resolution_;
}

void TimerWheel::link(Link& head, Link& node) {
  node.prev = head.prev;
  node.next = &head;
  head.prev->next = &node;
  head.prev = &node;
}

void TimerWheel::unlink(Link& node) {
  node.prev->next = node.next;
  node.next->prev = node.prev;
  node.prev = node.next = nullptr;
}

void TimerWheel::schedule(Entry& entry, TimePoint deadline) {
  entry.cancel();
  entry.tick_ = std::max(tickAtOrAfter(deadline), current_ + 1);
  link(slotOf(entry.tick_), entry);
}

void TimerWheel::advance(TimePoint now) {
  int64_t target = tickAtOrBefore(now);
  if (target <= current_) return;
  int64_t from = current_;
  // From here on, what the callbacks schedule lands after `target`.
  current_ = target;
  int64_t steps = std::min<int64_t>(target - from, static_cast<int64_t>(slotCount_));
  for (int64_t tick = from + 1; tick <= from + steps; ++tick) fireSlot(slotOf(tick), target);
}

void TimerWheel::fireSlot(Link& slot, int64_t dueTick) {
  if (slot.next == &slot) return;
  Link pending;  // the slot's entries, moved here
  pending.next = slot.next;
  pending.prev = slot.prev;
  pending.next->prev = &pending;
  pending.prev->next = &pending;
  slot.prev = slot.next = &slot;
  while (pending.next != &pending) {
    auto& entry = static_cast<Entry&>(*pending.next);
    unlink(entry);
    if (entry.tick_ > dueTick) {
      link(slot, entry);  // a later round
      continue;
    }
    entry.onExpiry_(entry.context_);  // may destroy the entry: nothing of it is touched after this
  }
}

std::optional<TimerWheel::TimePoint> TimerWheel::nextTick() const {
  for (size_t step = 1; step <= slotCount_; ++step) {
    int64_t tick = current_ + static_cast<int64_t>(step);
    const Link& head = slots_[static_cast<size_t>(tick) % slotCount_];
    if (head.next != &head) return timeOf(tick);
  }
  return std::nullopt;
}

size_t TimerWheel::size() const {
  size_t count = 0;
  for (size_t i = 0; i < slotCount_; ++i)
    for (const Link* node = slots_[i].next; node != &slots_[i]; node = node->next) ++count;
  return count;
}

}  // namespace sio::engine
