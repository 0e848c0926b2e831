#pragma once
// The board's process keeps the memory it frees for the next frame. Mesa's software rasteriser
// and ImGui allocate and free megabytes per frame (vertex buffers, scene bins); glibc's defaults
// hand those back to the kernel (munmap, heap trim), and the next frame faults every page in
// again: 10–20 ms on the queues page's once-a-second frame on llvmpipe (docs/benchmarks.md).

namespace floorwatch::wallboard {

/// Once, at start, before any thread or GL context: big blocks come from the heap and freed
/// memory stays there for reuse, up to the process's high-water mark.
void keep_freed_memory_for_reuse();

}  // namespace floorwatch::wallboard
