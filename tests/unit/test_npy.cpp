#include <gtest/gtest.h>

#include <string>

#include "npy.h"

namespace filterlens {
namespace {

TEST(Npy, HeaderIsNumpyVersion1AndAligned) {
  Plane p(3, 2);
  p.data = {1, 2, 3, 4, 5, -6.5f};
  const std::vector<std::uint8_t> b = encode_npy(p);
  ASSERT_GT(b.size(), 10u);
  EXPECT_EQ(std::string(b.begin() + 1, b.begin() + 6), "NUMPY");
  EXPECT_EQ(b[0], 0x93);
  const std::size_t header_len = b[8] | (b[9] << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  const std::string header(b.begin() + 10, b.begin() + 10 + static_cast<long>(header_len));
  EXPECT_NE(header.find("'shape': (2, 3)"), std::string::npos);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(b.size(), 10 + header_len + 6 * 4);
  // Last value -6.5f is 0xC0D00000, stored little-endian.
  EXPECT_EQ(b[b.size() - 1], 0xC0);
  EXPECT_EQ(b[b.size() - 2], 0xD0);
}

TEST(Npy, RoundTripAndStrictReader) {
  Plane p(5, 4);
  for (std::size_t i = 0; i < p.data.size(); ++i) p.data[i] = float(i) * 0.25f;
  auto b = encode_npy(p);
  auto r = decode_npy(b.data(), b.size());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().data, p.data);
  b.pop_back();
  EXPECT_FALSE(decode_npy(b.data(), b.size()));
}

}  // namespace
}  // namespace filterlens
