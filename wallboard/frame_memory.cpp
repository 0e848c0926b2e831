#include "wallboard/frame_memory.h"

#include <malloc.h>

namespace floorwatch::wallboard {

void keep_freed_memory_for_reuse() {
  // The largest mmap threshold glibc accepts on 64-bit (half its 64 MiB heap size): a frame's
  // buffers stay below it. Setting these also turns off glibc's own adjusting of them.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
}

}  // namespace floorwatch::wallboard
