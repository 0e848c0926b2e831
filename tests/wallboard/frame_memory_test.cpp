// The board keeps what it frees for the next frame instead of faulting fresh pages in again.
#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstring>
#include <memory>

#include "wallboard/frame_memory.h"

#if !defined(__SANITIZE_ADDRESS__)  // ASan brings its own allocator, which ignores mallopt
TEST_CASE("a frame's freed buffers stay in the process for the next frame", "[wallboard]") {
  floorwatch::wallboard::keep_freed_memory_for_reuse();
  // The size of a few frames' vertex and scene buffers on a 1920x1080 page, touched as a frame
  // touches them. glibc's defaults map such a block and unmap it when freed.
  constexpr std::size_t kBlock = 24 * 1024 * 1024;
  const std::size_t kept_before = mallinfo2().fordblks;
  {
    std::unique_ptr<char[]> frame(new char[kBlock]);
    std::memset(frame.get(), 1, kBlock);
  }
  CHECK(mallinfo2().fordblks >= kept_before + kBlock);
}
#endif
