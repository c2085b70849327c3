// byte_reader.h: the fixed-width readers against hand-written bytes, and the cursor's promise
// that a read past the end reads nothing, returns 0 and stays failed.
#include <gtest/gtest.h>

#include <vector>

#include "byte_reader.h"

namespace filterlens {
namespace {

const std::vector<std::uint8_t> kBytes = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};

TEST(ByteReader, FixedWidthReadersAgreeWithTheByteOrder) {
  EXPECT_EQ(be16(kBytes.data()), 0x1234u);
  EXPECT_EQ(le16(kBytes.data()), 0x3412u);
  EXPECT_EQ(be32(kBytes.data()), 0x12345678u);
  EXPECT_EQ(le32(kBytes.data()), 0x78563412u);
  // The top bit set must not sign-extend through int promotion.
  EXPECT_EQ(be32(kBytes.data() + 4), 0x9ABCDEF0u);
  EXPECT_EQ(le32(kBytes.data() + 4), 0xF0DEBC9Au);
  EXPECT_EQ(be16(kBytes.data() + 6), 0xDEF0u);
}

TEST(ByteReader, CursorReadsInSequence) {
  ByteReader r(kBytes.data(), kBytes.size());
  EXPECT_EQ(r.u8(), 0x12u);
  EXPECT_EQ(r.be16(), 0x3456u);
  EXPECT_EQ(r.le32(), 0xDEBC9A78u);
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_TRUE(r.has(1));
  EXPECT_FALSE(r.has(2));
  EXPECT_TRUE(r);
  const std::uint8_t* last = r.take(1);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(*last, 0xF0u);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r);
}

TEST(ByteReader, ReadPastTheEndFailsAndStaysFailed) {
  ByteReader r(kBytes.data(), kBytes.size());
  EXPECT_TRUE(r.skip(6));
  EXPECT_EQ(r.be32(), 0u);  // only 2 bytes left: nothing is read
  EXPECT_FALSE(r);
  EXPECT_EQ(r.position(), 6u);
  EXPECT_EQ(r.be16(), 0u);  // would fit, but the reader has failed
  EXPECT_EQ(r.take(1), nullptr);
  EXPECT_FALSE(r.has(0));

  ByteReader huge(kBytes.data(), kBytes.size());
  EXPECT_FALSE(huge.skip(static_cast<std::size_t>(-1)));  // no wrap-around of position + n
  EXPECT_EQ(huge.position(), 0u);

  ByteReader empty(nullptr, 0);
  EXPECT_EQ(empty.u8(), 0u);
  EXPECT_FALSE(empty);
}

}  // namespace
}  // namespace filterlens
