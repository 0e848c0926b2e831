// An SQLite VFS shim for fault tests, loaded into a real floorwatchd with LD_PRELOAD: it wraps
// the default VFS (as SQLite's own test suite does with its test_vfs/test_devsym shims) and, as
// the file named by $FLOORWATCH_FAULTY_VFS says at each call, passes writes and syncs through
// ("ok"), fails them with an I/O error ("eio"), or makes every sync slow ("slow_sync_ms=N").
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs;
sqlite3_io_methods faulty_methods;

struct Mode {
  bool eio = false;
  int slow_sync_ms = 0;
};

// Read at every call: the test flips the mode by rewriting the file while the daemon runs.
Mode current_mode() {
  Mode mode;
  const char* control = std::getenv("FLOORWATCH_FAULTY_VFS");
  if (!control) return mode;
  const int fd = ::open(control, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return mode;
  char text[64] = {};
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return mode;
  mode.eio = std::strncmp(text, "eio", 3) == 0;
  if (std::strncmp(text, "slow_sync_ms=", 13) == 0) mode.slow_sync_ms = std::atoi(text + 13);
  return mode;
}

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;  // the wrapped VFS's file, in the bytes right after this struct
};

sqlite3_file* real_of(sqlite3_file* file) {
  return reinterpret_cast<FaultyFile*>(file)->real;
}

int faulty_close(sqlite3_file* f) {
  return real_of(f)->pMethods->xClose(real_of(f));
}
int faulty_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buffer, amount, offset);
}
int faulty_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (current_mode().eio) return SQLITE_IOERR_WRITE;
  return real_of(f)->pMethods->xWrite(real_of(f), buffer, amount, offset);
}
int faulty_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int faulty_sync(sqlite3_file* f, int flags) {
  const Mode mode = current_mode();
  if (mode.eio) return SQLITE_IOERR_FSYNC;
  if (mode.slow_sync_ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(mode.slow_sync_ms));
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int faulty_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int faulty_lock(sqlite3_file* f, int level) {
  return real_of(f)->pMethods->xLock(real_of(f), level);
}
int faulty_unlock(sqlite3_file* f, int level) {
  return real_of(f)->pMethods->xUnlock(real_of(f), level);
}
int faulty_check_reserved_lock(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int faulty_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int faulty_sector_size(sqlite3_file* f) {
  return real_of(f)->pMethods->xSectorSize(real_of(f));
}
int faulty_device_characteristics(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int faulty_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int faulty_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void faulty_shm_barrier(sqlite3_file* f) {
  real_of(f)->pMethods->xShmBarrier(real_of(f));
}
int faulty_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}
int faulty_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real_of(f)->pMethods->xFetch(real_of(f), offset, amount, out);
}
int faulty_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return real_of(f)->pMethods->xUnfetch(real_of(f), offset, page);
}

int faulty_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultyFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  const int rc = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
  wrapper->base.pMethods = wrapper->real->pMethods ? &faulty_methods : nullptr;
  return rc;
}

// Everything else of the VFS (delete, access, randomness, time...) is the real one's.
int faulty_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}
int faulty_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return real_vfs->xAccess(real_vfs, name, flags, out);
}
int faulty_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return real_vfs->xFullPathname(real_vfs, name, size, out);
}

__attribute__((constructor)) void register_faulty_vfs() {
  real_vfs = sqlite3_vfs_find(nullptr);
  if (!real_vfs) return;
  faulty_vfs = *real_vfs;
  faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
  faulty_vfs.zName = "floorwatch-faulty";
  faulty_vfs.pNext = nullptr;
  faulty_vfs.xOpen = faulty_open;
  faulty_vfs.xDelete = faulty_delete;
  faulty_vfs.xAccess = faulty_access;
  faulty_vfs.xFullPathname = faulty_full_pathname;
  faulty_methods = sqlite3_io_methods{3,
                                      faulty_close,
                                      faulty_read,
                                      faulty_write,
                                      faulty_truncate,
                                      faulty_sync,
                                      faulty_file_size,
                                      faulty_lock,
                                      faulty_unlock,
                                      faulty_check_reserved_lock,
                                      faulty_file_control,
                                      faulty_sector_size,
                                      faulty_device_characteristics,
                                      faulty_shm_map,
                                      faulty_shm_lock,
                                      faulty_shm_barrier,
                                      faulty_shm_unmap,
                                      faulty_fetch,
                                      faulty_unfetch};
  sqlite3_vfs_register(&faulty_vfs, /*makeDflt=*/1);
}

}  // namespace
