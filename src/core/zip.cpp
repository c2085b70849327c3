// The .zip layout (PKWARE's APPNOTE, sections 4.3.7, 4.3.12 and 4.3.16) for stored files.
#include "zip.h"

#include "crc32.h"

namespace filterlens {
namespace {

constexpr std::uint16_t kVersion = 20;  // 2.0: what a stored file with a folder-free name needs
constexpr std::uint16_t kUtf8Names = 1 << 11;  // general purpose flag: names are UTF-8
constexpr std::int64_t kLocalHeader = 30, kDirectoryEntry = 46, kEnd = 22;
// 1 January 2026, 00:00 in MS-DOS form: every file gets this date, so an archive of the same
// maps is the same bytes (a clock would make each export differ).
constexpr std::uint16_t kDosTime = 0, kDosDate = ((2026 - 1980) << 9) | (1 << 5) | 1;

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// The fields a local header and a directory entry share, from "version needed" to the name's
// length.
void common_fields(std::vector<std::uint8_t>& out, const std::string& name, std::uint32_t crc,
                   std::uint32_t size) {
  put16(out, kVersion);
  put16(out, kUtf8Names);
  put16(out, 0);  // stored
  put16(out, kDosTime);
  put16(out, kDosDate);
  put32(out, crc);
  put32(out, size);  // compressed size: stored, the same
  put32(out, size);
  put16(out, static_cast<std::uint32_t>(name.size()));
}

}  // namespace

bool ZipStream::fits(const std::string& name, std::int64_t size) const {
  const auto n = static_cast<std::int64_t>(name.size());
  if (entries_.size() >= kMaxZipEntries || n > 0xFFFF || size < 0 || size > kMaxZipBytes)
    return false;
  return offset_ + kLocalHeader + n + size + directory_ + kDirectoryEntry + n + kEnd <=
         kMaxZipBytes;
}

std::vector<std::uint8_t> ZipStream::add(const std::string& name, const std::uint8_t* data,
                                         std::size_t size) {
  Entry e{name, crc32(data, size), static_cast<std::uint32_t>(size),
          static_cast<std::uint32_t>(offset_)};
  std::vector<std::uint8_t> header;
  put32(header, 0x04034B50);
  common_fields(header, name, e.crc, e.size);
  put16(header, 0);  // extra field length
  header.insert(header.end(), name.begin(), name.end());
  offset_ += static_cast<std::int64_t>(header.size() + size);
  directory_ += kDirectoryEntry + static_cast<std::int64_t>(name.size());
  entries_.push_back(std::move(e));
  return header;
}

std::vector<std::uint8_t> ZipStream::finish() const {
  std::vector<std::uint8_t> out;
  for (const Entry& e : entries_) {
    put32(out, 0x02014B50);
    put16(out, kVersion);  // version made by (MS-DOS attributes)
    common_fields(out, e.name, e.crc, e.size);
    put16(out, 0);  // extra field length
    put16(out, 0);  // comment length
    put16(out, 0);  // disk number
    put16(out, 0);  // internal attributes
    put32(out, 0);  // external attributes
    put32(out, e.offset);
    out.insert(out.end(), e.name.begin(), e.name.end());
  }
  const auto directory_size = static_cast<std::uint32_t>(out.size());
  put32(out, 0x06054B50);
  put16(out, 0);  // this disk
  put16(out, 0);  // the directory's disk
  put16(out, static_cast<std::uint32_t>(entries_.size()));
  put16(out, static_cast<std::uint32_t>(entries_.size()));
  put32(out, directory_size);
  put32(out, static_cast<std::uint32_t>(offset_));
  put16(out, 0);  // comment length
  return out;
}

}  // namespace filterlens
