// zip.h: the archive's records where APPNOTE puts them, and the limits of a zip without ZIP64.
// (That Python's zipfile reads the page's archives, CRCs checked, is the e2e web test's.)
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crc32.h"
#include "zip.h"

namespace filterlens {
namespace {

std::uint32_t le16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | std::uint32_t(b[at + 1]) << 8;
}
std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return le16(b, at) | le16(b, at + 2) << 16;
}

TEST(Zip, RecordsSitWhereTheDirectorySaysWithTheirCrcsAndUtf8Names) {
  const std::vector<std::uint8_t> a = {1, 2, 3, 4, 5}, empty;
  const std::string name_a = "cat-edge.png", name_b = "\xE7\x8C\xAB-gray.npy";  // 猫-gray.npy
  ZipStream zip;
  std::vector<std::uint8_t> archive = zip.add(name_a, a.data(), a.size());
  archive.insert(archive.end(), a.begin(), a.end());
  const std::size_t second = archive.size();
  const std::vector<std::uint8_t> header_b = zip.add(name_b, empty.data(), 0);
  archive.insert(archive.end(), header_b.begin(), header_b.end());
  EXPECT_EQ(zip.size(), static_cast<std::int64_t>(archive.size()));
  const std::size_t directory = archive.size();
  const std::vector<std::uint8_t> tail = zip.finish();
  archive.insert(archive.end(), tail.begin(), tail.end());

  // Local header 1 at 0: signature, stored, UTF-8 flag, CRC, both sizes, name, then the bytes.
  EXPECT_EQ(le32(archive, 0), 0x04034B50u);
  EXPECT_EQ(le16(archive, 6), 1u << 11);
  EXPECT_EQ(le16(archive, 8), 0u);
  EXPECT_EQ(le32(archive, 14), crc32(a.data(), a.size()));
  EXPECT_EQ(le32(archive, 18), 5u);
  EXPECT_EQ(le32(archive, 22), 5u);
  EXPECT_EQ(le16(archive, 26), name_a.size());
  EXPECT_EQ(std::string(archive.begin() + 30, archive.begin() + 30 + long(name_a.size())), name_a);
  EXPECT_EQ(archive[30 + name_a.size()], 1);
  EXPECT_EQ(le32(archive, second), 0x04034B50u);
  EXPECT_EQ(le32(archive, second + 14), 0u);  // the CRC of nothing

  // The end record: two entries, the directory's size and offset.
  const std::size_t end = archive.size() - 22;
  EXPECT_EQ(le32(archive, end), 0x06054B50u);
  EXPECT_EQ(le16(archive, end + 8), 2u);
  EXPECT_EQ(le16(archive, end + 10), 2u);
  EXPECT_EQ(le32(archive, end + 12), end - directory);
  EXPECT_EQ(le32(archive, end + 16), directory);
  // Directory entries: each names its local header's offset and the same CRC and name.
  EXPECT_EQ(le32(archive, directory), 0x02014B50u);
  EXPECT_EQ(le32(archive, directory + 16), crc32(a.data(), a.size()));
  EXPECT_EQ(le32(archive, directory + 42), 0u);
  const std::size_t entry_b = directory + 46 + name_a.size();
  EXPECT_EQ(le32(archive, entry_b), 0x02014B50u);
  EXPECT_EQ(le32(archive, entry_b + 42), second);
  EXPECT_EQ(std::string(archive.begin() + long(entry_b) + 46, archive.begin() + long(end)), name_b);
}

TEST(Zip, NothingPastTheFormatsLimitsIsAccepted) {
  ZipStream zip;
  const std::string name = "m.npy";
  // 4 GB - 1 in all: the file, its header and directory entry (with the name twice), the end.
  const std::int64_t most = 0xFFFFFFFFLL - 30 - 46 - 22 - 2 * 5;
  EXPECT_TRUE(zip.fits(name, most));
  EXPECT_FALSE(zip.fits(name, most + 1));
  EXPECT_FALSE(zip.fits(name, -1));
  EXPECT_FALSE(zip.fits(std::string(70000, 'a'), 1));  // a name's length is 16 bits
  const std::uint8_t byte = 0;
  for (std::size_t i = 0; i < kMaxZipEntries; ++i) zip.add("f", &byte, 1);
  EXPECT_FALSE(zip.fits("f", 1)) << "the entry count is 16 bits";
}

}  // namespace
}  // namespace filterlens
