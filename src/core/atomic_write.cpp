// Temporary file + fsync + rename, with POSIX calls (std::ofstream can neither fsync nor say why
// a write failed). Temporaries are hidden (".NAME.PID.N.tmp") and opened with O_EXCL, so two
// processes writing the same target never share one; the final file gets the usual 0666 & ~umask
// permissions, like a file std::ofstream creates.
#include "atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace filterlens {
namespace {

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

Status fail(const std::string& what, const std::string& path, int err) {
  return Status::fail("cannot " + what + " " + quoted(path) + ": " + std::strerror(err));
}

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A durable rename needs the directory's entry written too; file systems that cannot sync a
// directory (EINVAL) are fine: the rename itself is still atomic there.
void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes the pieces, one after another, to a new temporary next to `path`; sets `tmp` to its name.
Status write_temp(const std::string& path, const std::vector<BytePiece>& pieces, std::string& tmp) {
  static std::atomic<unsigned> counter{0};
  const std::size_t name_at = path.find_last_of('/') + 1;  // 0 when there is no '/'
  const std::string dir_part = path.substr(0, name_at), base = path.substr(name_at);
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = dir_part + "." + base + "." + std::to_string(::getpid()) + "." +
          std::to_string(counter++) + ".tmp";
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) return fail("write", path, errno);
  }
  if (fd < 0) return fail("write", path, EEXIST);
  for (const BytePiece& piece : pieces) {
    std::size_t done = 0;
    while (done < piece.size) {
      const ::ssize_t n = ::write(fd, piece.data + done, piece.size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        ::close(fd);
        ::unlink(tmp.c_str());
        return fail("write", path, err);
      }
      done += static_cast<std::size_t>(n);
    }
  }
  // A full disk can surface only here (delayed allocation), so fsync and close are checked too.
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail("write", path, err);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail("write", path, err);
  }
  return Status::ok();
}

// Whether `path` may be replaced by a new file: it does not exist or is a regular file. A
// directory, a link, a device or a pipe would be replaced by the rename (a FIFO or /dev/null
// turned into a regular file, a link into a copy), so they are refused before anything is written.
Status replaceable(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return Status::ok();
  if (S_ISDIR(st.st_mode)) return fail("write", path, EISDIR);
  const char* what = S_ISLNK(st.st_mode)    ? "a symbolic link"
                     : S_ISFIFO(st.st_mode) ? "a pipe"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                                            : "a device";
  return Status::fail("cannot write " + quoted(path) + ": it is " + what +
                      ", not a file; give the name of a new or ordinary file");
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::uint8_t* data, std::size_t size) {
  if (Status r = replaceable(path); !r) return r;
  std::string tmp;
  Status s = write_temp(path, {{data, size}}, tmp);
  if (!s) return s;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail("write", path, err);
  }
  sync_dir(parent_dir(path));
  return Status::ok();
}

Status write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  return write_file_atomic(path, bytes.data(), bytes.size());
}

namespace detail {
int (*commit_rename)(const char* from, const char* to) = std::rename;
}  // namespace detail

AtomicFileSet::AtomicFileSet(std::string dir)
    : dir_(std::move(dir)), prefix_(dir_.empty() || dir_.back() == '/' ? dir_ : dir_ + "/") {}

AtomicFileSet::~AtomicFileSet() {
  if (!committed_)
    for (const std::string& t : temps_) ::unlink(t.c_str());
}

Status AtomicFileSet::add(const std::string& name, const std::uint8_t* data, std::size_t size) {
  return add(name, std::vector<BytePiece>{{data, size}});
}

Status AtomicFileSet::add(const std::string& name, const std::vector<BytePiece>& pieces) {
  if (temps_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
      return Status::fail("cannot create directory " + filterlens::quoted(dir_) + ": " +
                          ec.message());
  }
  if (name.empty() || name.find('/') != std::string::npos)
    return Status::fail("cannot write " + filterlens::quoted(prefix_ + name) +
                        ": not a plain file name");
  std::string tmp;
  Status s = write_temp(prefix_ + name, pieces, tmp);
  if (!s) return s;
  names_.push_back(name);
  temps_.push_back(tmp);
  return Status::ok();
}

void AtomicFileSet::protect(const std::string& path, const std::string& role) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    protected_.push_back({static_cast<unsigned long long>(st.st_dev),
                          static_cast<unsigned long long>(st.st_ino), role});
}

Status AtomicFileSet::commit() {
  // A target a file should not replace (a directory, a link, a device, a pipe, a file the caller
  // protected) fails the set before anything is renamed.
  for (const std::string& name : names_) {
    const std::string target = prefix_ + name;
    if (Status r = replaceable(target); !r) return r;
    struct stat st;
    if (::stat(target.c_str(), &st) != 0) continue;
    for (const Protected& p : protected_)
      if (p.device == static_cast<unsigned long long>(st.st_dev) &&
          p.inode == static_cast<unsigned long long>(st.st_ino))
        return Status::fail("cannot write " + quoted(target) + ": it is " + p.role +
                            "; write the outputs to another folder");
  }
  // A second name (a hard link) for each file being replaced, so that a rename failing half-way
  // puts the previous set back rather than leaving some of it deleted. Where links are not
  // possible (some file systems) such a failure removes the new file instead.
  std::vector<std::string> kept(names_.size());
  for (std::size_t i = 0; i < names_.size(); ++i) {
    const std::string old_copy = temps_[i] + ".old";  // temporaries' names are unique
    if (::link((prefix_ + names_[i]).c_str(), old_copy.c_str()) == 0) kept[i] = old_copy;
  }
  for (std::size_t i = 0; i < names_.size(); ++i) {
    const std::string target = prefix_ + names_[i];
    if (detail::commit_rename(temps_[i].c_str(), target.c_str()) != 0) {
      const int err = errno;
      // Back as it was: the previous file where there was one, no file where there was none.
      // Should putting a previous file back fail too, the new one stays (a file is never lost).
      for (std::size_t j = 0; j < i; ++j) {
        const std::string done = prefix_ + names_[j];
        if (kept[j].empty())
          ::unlink(done.c_str());
        else if (std::rename(kept[j].c_str(), done.c_str()) == 0)
          kept[j].clear();
      }
      for (const std::string& old_copy : kept)
        if (!old_copy.empty()) ::unlink(old_copy.c_str());
      temps_.erase(temps_.begin(), temps_.begin() + static_cast<long>(i));  // the rest: dtor
      return fail("write", target, err);
    }
  }
  for (const std::string& old_copy : kept)
    if (!old_copy.empty()) ::unlink(old_copy.c_str());
  committed_ = true;
  sync_dir(dir_);
  return Status::ok();
}

Status write_files_atomic(const std::string& dir, const std::vector<NamedBytes>& files) {
  AtomicFileSet set(dir);
  if (files.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::fail("cannot create directory " + quoted(dir) + ": " + ec.message());
  }
  for (const NamedBytes& f : files) {
    Status s = set.add(f.name, f.bytes);
    if (!s) return s;
  }
  return set.commit();
}

}  // namespace filterlens
