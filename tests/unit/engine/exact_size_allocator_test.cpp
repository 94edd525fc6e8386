// ExactSizeAllocator: what the idle read-wait is allocated with. It hands out blocks of
// the asked size through the standard allocator interface, rebinds, and stays the handler's
// associated allocator once bound (Asio would otherwise recycle its own cached blocks).
#include "exact_size_allocator.hpp"

#include <gtest/gtest.h>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <memory>
#include <type_traits>

using sio::engine::ExactSizeAllocator;

TEST(ExactSizeAllocator, AllocatesAndRebinds) {
  ExactSizeAllocator<void> untyped;
  ExactSizeAllocator<double> allocator(untyped);
  using Traits = std::allocator_traits<ExactSizeAllocator<double>>;
  double* values = Traits::allocate(allocator, 3);
  values[0] = 1.5;
  values[2] = 2.5;
  EXPECT_EQ(values[0] + values[2], 4.0);
  Traits::deallocate(allocator, values, 3);
  EXPECT_TRUE(allocator == untyped);
  static_assert(std::is_same_v<Traits::rebind_alloc<int>, ExactSizeAllocator<int>>);
}

TEST(ExactSizeAllocator, IsTheBoundHandlersAllocator) {
  auto handler = boost::asio::bind_allocator(ExactSizeAllocator<void>(), [] {});
  using Associated = boost::asio::associated_allocator_t<decltype(handler)>;
  static_assert(std::is_same_v<Associated, ExactSizeAllocator<void>>);
  handler();
}
