// Writing files so that a reader (or the user, after a crash or a full disk) sees either the old
// file or the complete new one, never half of it: the bytes go to a temporary file in the same
// directory, are flushed to the disk (fsync), and the temporary is renamed over the target (an
// atomic replace on POSIX file systems). Used by the CLI's outputs and its weights file.
//
// Errors are Status values naming the path and the system's reason ("No space left on device",
// "Permission denied", ...). On failure no temporary file is left behind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace filterlens {

// Replaces (or creates) `path` with `size` bytes at `data`. The directory must exist. A path that
// is not a regular file (a directory, a symbolic link, a device such as /dev/null, a pipe) is
// refused with nothing written: the rename would replace it with a file.
Status write_file_atomic(const std::string& path, const std::uint8_t* data, std::size_t size);
Status write_file_atomic(const std::string& path, const std::vector<std::uint8_t>& bytes);

struct NamedBytes {
  std::string name;  // a file name inside the directory (no '/')
  std::vector<std::uint8_t> bytes;
};

// Writes a set of files into `dir` (created with its parents if needed) all or nothing: every
// file is written and synced as a temporary first, and only when all succeeded are they renamed
// into place. A target that is not a regular file (as above) fails the set before any rename. If a
// rename still fails (rare: the directory changed under us), the files already renamed are put back
// as they were (kept under a second name, a hard link, until the set is in place; removed where the
// file system has no links), so the directory never holds a mixed set from this call.
Status write_files_atomic(const std::string& dir, const std::vector<NamedBytes>& files);

namespace detail {
// The rename AtomicFileSet::commit() moves each temporary into place with (std::rename). Tests
// replace it to make a rename fail half-way through a set; nothing else should.
extern int (*commit_rename)(const char* from, const char* to);
}  // namespace detail

// The same all-or-nothing set, written one file at a time, so a caller can encode, write and
// free each output before making the next (the CLI's peak memory holds one encoded file, not
// all of them). Nothing appears under the final names before commit(); temporaries of a set
// that is never committed are removed by the destructor.
// Bytes that already exist elsewhere (a header, a plane's floats), written without a copy.
struct BytePiece {
  const std::uint8_t* data;
  std::size_t size;
};

class AtomicFileSet {
 public:
  explicit AtomicFileSet(std::string dir);
  ~AtomicFileSet();
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;

  // Writes and syncs `name`'s temporary (the directory is created on the first call).
  Status add(const std::string& name, const std::uint8_t* data, std::size_t size);
  Status add(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    return add(name, bytes.data(), bytes.size());
  }
  // The pieces written one after another as one file.
  Status add(const std::string& name, const std::vector<BytePiece>& pieces);
  // A file the set must not replace, e.g. the input of the command writing it (`filterlens-cli
  // D/figure.png --out D` replaced the photo with its own figure): commit() fails before any
  // rename, naming `role` ("the input image"), when a target is that same file (device and
  // inode: another path to it counts too). A path that does not exist is nothing to protect.
  void protect(const std::string& path, const std::string& role);
  // Renames every temporary into place; on failure removes what this set renamed.
  Status commit();

 private:
  struct Protected {
    unsigned long long device, inode;
    std::string role;
  };
  std::string dir_, prefix_;
  std::vector<std::string> names_, temps_;
  std::vector<Protected> protected_;
  bool committed_ = false;
};

}  // namespace filterlens
