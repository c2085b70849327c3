// crc32.h against the published check values of CRC-32/ISO-HDLC (zlib's crc32), and its
// continuation form.
#include <gtest/gtest.h>

#include <string>

#include "crc32.h"

namespace filterlens {
namespace {

std::uint32_t crc_of(const std::string& s, std::uint32_t crc = 0) {
  return crc32(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), crc);
}

TEST(Crc32, MatchesZlibCheckValues) {
  EXPECT_EQ(crc_of(""), 0u);
  EXPECT_EQ(crc_of("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc_of("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  EXPECT_EQ(crc_of(std::string(1, '\0')), 0xD202EF8Du);
}

TEST(Crc32, ContinuesAcrossPieces) {
  const std::string text = "The quick brown fox jumps over the lazy dog";
  for (std::size_t cut = 0; cut <= text.size(); ++cut)
    EXPECT_EQ(crc_of(text.substr(cut), crc_of(text.substr(0, cut))), 0x414FA339u) << cut;
}

}  // namespace
}  // namespace filterlens
