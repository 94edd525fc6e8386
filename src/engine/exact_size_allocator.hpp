// An allocator for the Asio operation an idle connection keeps pending (its read-wait):
// plain operator new at the operation's own size. Asio treats std::allocator as "use my
// per-thread recycling cache", which hands a small operation whatever larger block was
// freed last (an HTTP read's, about three times its size) and so keeps that block for as
// long as the connection stays idle. Named by a handler (allocator_type, get_allocator()).
#pragma once

#include <cstddef>
#include <new>

namespace sio::engine {

template <class T>
struct ExactSizeAllocator {
  using value_type = T;

  ExactSizeAllocator() = default;
  template <class U>
  ExactSizeAllocator(const ExactSizeAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t count) { return static_cast<T*>(::operator new(count * sizeof(T))); }
  void deallocate(T* pointer, std::size_t) noexcept { ::operator delete(pointer); }

  template <class U>
  bool operator==(const ExactSizeAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace sio::engine
