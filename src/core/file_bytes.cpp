// read_file_bytes with messages a person can act on. POSIX calls rather than iostreams: the
// file's type and size are checked on the open descriptor (no window between a check by name
// and the open), and opening never blocks (O_NONBLOCK: a FIFO without a writer would).
#include "file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace filterlens {
namespace {

std::string gigabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  return buf;
}

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path,
                                                  std::uint64_t max_bytes) {
  using R = Result<std::vector<std::uint8_t>>;
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == EISDIR) return R::fail("it is a directory");
    return R::fail(std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return R::fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return R::fail("it is a directory");
  if (!S_ISREG(st.st_mode))
    return R::fail(std::string("it is not a regular file (") + kind_of(st.st_mode) + ")");
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes)
    return R::fail("the file is " + gigabytes(size) + "; the limit is " + gigabytes(max_bytes));
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return R::fail(std::string("read error: ") + std::strerror(errno));
    if (n == 0) break;  // the file shrank while being read: keep what is there
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return R::ok(std::move(bytes));
}

}  // namespace filterlens
