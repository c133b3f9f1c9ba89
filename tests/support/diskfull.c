/* A full disk, simulated: an LD_PRELOAD library that makes writes to regular files fail
 * with ENOSPC once more than GANTOOL_DISKFULL_AFTER bytes have been written in total.
 *
 *   GANTOOL_DISKFULL_AFTER=100000 LD_PRELOAD=.../libgantool_diskfull.so gantool prepare ...
 *
 * Environment:
 *   GANTOOL_DISKFULL_AFTER  bytes the "disk" takes, summed over every regular file the
 *                           process writes (file descriptors 0-2 and pipes, terminals and
 *                           devices are not counted nor refused). Unset or not a number: the
 *                           library does nothing.
 * The write that crosses the limit writes what still fits and returns a short count (as a
 * real disk does); every later write to a regular file fails with errno ENOSPC.
 *
 * Intercepted: write, pwrite, pwrite64, writev, pwritev (HDF5's sec2 driver calls pwrite,
 * libstdc++'s file streams call write and writev) and fwrite (fmt::print and stdio; glibc
 * flushes its buffers through an internal write that cannot be intercepted, so fwrite is
 * counted and refused itself, without setting the stream's error flag). ftruncate is left
 * alone: extending a file needs no space on a real disk either.
 * Built by CMake as the target gantool_diskfull; tests get its path as GANTOOL_DISKFULL_LIB. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static atomic_llong g_written;

/* The limit in bytes, or -1 when none is set. */
static long long limit(void) {
  static long long cached = -2;
  if (cached == -2) {
    const char* text = getenv("GANTOOL_DISKFULL_AFTER");
    char* end = NULL;
    long long value = text ? strtoll(text, &end, 10) : -1;
    cached = text && end != text && value >= 0 ? value : -1;
  }
  return cached;
}

static int counted(int fd) {
  struct stat st;
  return fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* How many of `count` bytes the disk still takes on fd (count when it is not counted);
 * -1 with errno ENOSPC when it is full. */
static long long admit(int fd, size_t count) {
  if (limit() < 0 || count == 0 || !counted(fd)) return (long long)count;
  const long long before = atomic_fetch_add(&g_written, (long long)count);
  const long long room = limit() - before;
  if (room <= 0) {
    errno = ENOSPC;
    return -1;
  }
  return room < (long long)count ? room : (long long)count;
}

/* The next definition of `name` (libc's), looked up once. */
#define REAL(name)                         \
  static __typeof__(name)* real_##name;    \
  if (!real_##name) real_##name = (__typeof__(name)*)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t count) {
  REAL(write);
  const long long n = admit(fd, count);
  return n < 0 ? -1 : real_write(fd, buf, (size_t)n);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite);
  const long long n = admit(fd, count);
  return n < 0 ? -1 : real_pwrite(fd, buf, (size_t)n, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite64);
  const long long n = admit(fd, count);
  return n < 0 ? -1 : real_pwrite64(fd, buf, (size_t)n, offset);
}

/* The bytes of an iovec array. A vector write is refused whole when the disk cannot take
 * all of it (simpler than a partial one, and still a failure the caller must handle). */
static size_t iov_total(const struct iovec* iov, int n) {
  size_t total = 0;
  for (int i = 0; i < n; ++i) total += iov[i].iov_len;
  return total;
}

/* True when the disk takes the whole vector; else errno is set (ENOSPC). */
static int admit_whole(int fd, const struct iovec* iov, int n) {
  const size_t total = iov_total(iov, n);
  const long long admitted = admit(fd, total);
  if (admitted < 0) return 0;
  if ((size_t)admitted < total) {
    errno = ENOSPC;
    return 0;
  }
  return 1;
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  REAL(writev);
  return admit_whole(fd, iov, iovcnt) ? real_writev(fd, iov, iovcnt) : -1;
}

ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t offset) {
  REAL(pwritev);
  return admit_whole(fd, iov, iovcnt) ? real_pwritev(fd, iov, iovcnt, offset) : -1;
}

size_t fwrite(const void* ptr, size_t size, size_t nmemb, FILE* stream) {
  REAL(fwrite);
  if (size == 0) return real_fwrite(ptr, size, nmemb, stream);
  const long long n = admit(fileno(stream), size * nmemb);
  if (n < 0) return 0;
  return real_fwrite(ptr, size, (size_t)n / size, stream);
}
