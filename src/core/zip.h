// zip: a .zip archive written as a stream, for "All maps" in the browser (one download instead of
// a file per map). Files are stored (method 0: PNG is compressed already, and deflating float
// maps is slow for little), with UTF-8 names (flag bit 11) and no ZIP64, so an archive holds at
// most kMaxZipEntries files and kMaxZipBytes bytes; the caller starts another archive before
// either limit (ZipStream::fits).
//
// The stream returns only the bytes around the files' own: the caller writes add()'s header, then
// the file's bytes, for every file, then finish()'s directory. So a file's bytes can leave the
// program (a Blob in the page) at once, and an archive of many large maps is never held whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace filterlens {

// 0xFFFF entries (and 0xFFFFFFFF bytes) mark a ZIP64 archive to readers: one fewer.
constexpr std::size_t kMaxZipEntries = 65534;
constexpr std::int64_t kMaxZipBytes = 0xFFFFFFFFLL;

class ZipStream {
 public:
  // Whether a file of `name` and `size` bytes still fits this archive (its header, its bytes,
  // its directory entry and the directory's end, under kMaxZipBytes, and below kMaxZipEntries).
  bool fits(const std::string& name, std::int64_t size) const;
  // The local header to write before `size` bytes at `data`, which must fit. Names are
  // written as given (UTF-8); the caller makes them safe.
  std::vector<std::uint8_t> add(const std::string& name, const std::uint8_t* data,
                                std::size_t size);
  // The central directory and its end record, written after the last file.
  std::vector<std::uint8_t> finish() const;

  std::size_t entries() const { return entries_.size(); }
  // The bytes written so far (headers and files).
  std::int64_t size() const { return offset_; }

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0, size = 0, offset = 0;
  };
  std::vector<Entry> entries_;
  std::int64_t offset_ = 0;
  std::int64_t directory_ = 0;  // the central directory's size so far
};

}  // namespace filterlens
