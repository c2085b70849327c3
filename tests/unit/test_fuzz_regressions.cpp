// Unit tests for the crashes the fuzz targets found (tests/fuzz/regressions/<target>/ keeps the
// inputs themselves): each test is the smallest input that reproduced it, checked for the
// behaviour the parser promises. Some only fail before their fix under the sanitizers
// (preset native-asan), as undefined behaviour is what the fuzzer caught.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "decode.h"
#include "npy.h"

namespace filterlens {
namespace {

// regressions/npy/empty_0x5_memcpy_null.npy: numpy.save of a (0, 5) float32 array. The reader
// copied its zero bytes of data into an empty vector's null buffer (memcpy(nullptr, ..., 0) is
// undefined; UBSan: "null pointer passed as argument 1").
TEST(FuzzRegressions, NpyEmptyArrayDecodesToAnEmptyPlane) {
  const std::vector<std::uint8_t> bytes = encode_npy(Plane(5, 0));
  const auto plane = decode_npy(bytes.data(), bytes.size());
  ASSERT_TRUE(plane) << plane.error();
  EXPECT_EQ(plane.value().width, 5);
  EXPECT_EQ(plane.value().height, 0);
  EXPECT_TRUE(plane.value().data.empty());
}

// regressions/decode/jpeg_marker_mid_block_stb_shift_exponent_32.jpg (66 bytes, minimised): a
// progressive JPEG whose first AC scan hits EOI in the middle of a block. stb_image 2.27 then
// shifts a zero by 32 in stbi__grow_buffer_unsafe (UBSan "shift exponent 32 is too large";
// nothings/stb#1293). Harmless, and exempted for that function only (stb_image_impl.cpp says
// why); this test keeps the exemption honest: if stb's other checks fired on this input, the
// sanitizer builds would fail here. stb decodes the scan's missing bits as zeros, as it does for a
// truncated file (PIL refuses it: "broken data stream"); the size checks pin that answer, the
// sanitizer builds check there is no report.
TEST(FuzzRegressions, JpegScanEndingMidBlockDecodesWithoutUndefinedBehaviour) {
  const std::vector<std::uint8_t> bytes = {
      0xff, 0xd8, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x18, 0x03, 0x01, 0x22,
      0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00, 0x1b, 0x11, 0x00, 0x01,
      0x04, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x01, 0x04, 0x06, 0x21, 0x05, 0xce, 0x31, 0xff, 0xda, 0x00, 0x08, 0x01, 0x03,
      0x01, 0x01, 0x3f, 0x01, 0x49, 0x06, 0xa4, 0x7f, 0xff, 0xd9,
  };
  const auto image = decode_image(bytes.data(), bytes.size());
  ASSERT_TRUE(image) << image.error();
  EXPECT_EQ(image.value().width, 24);
  EXPECT_EQ(image.value().height, 16);
}

// regressions/decode/bmp_negative_compression_decoded_as_32mp_of_zeros.bmp (325 bytes, a "slow
// unit": 8 s under the sanitizers): a BMP header declaring 7,995,396 x 4 pixels at 1 bit and
// compression 0xffd8ff00. stb_image reads the field as a negative int, which it neither refuses
// (it refuses 1, 2 and 4 and up) nor bounds, and decodes 4 MB of rows from a 325-byte file as
// zeros before the truncation shows. The header walk now refuses negative compression values and
// bounds OS/2 BMPs' rows too.
TEST(FuzzRegressions, BmpWithNegativeCompressionIsRefusedBeforeDecoding) {
  std::vector<std::uint8_t> bytes(325, 0);
  const std::uint8_t header[] = {'B',  'M',  0x45, 0x01, 0, 0, 0,
                                 0,    0,    0,    0x36, 0, 0, 0,  // file header, data at 54
                                 40,   0,    0,    0,              // BITMAPINFOHEADER
                                 0x04, 0x00, 0x7a, 0x00,           // width 7,995,396
                                 4,    0,    0,    0,              // height 4
                                 1,    0,    1,    0,              // planes 1, 1 bit per pixel
                                 0x00, 0xff, 0xd8, 0xff};          // compression 0xffd8ff00
  std::copy(std::begin(header), std::end(header), bytes.begin());
  const auto image = decode_image(bytes.data(), bytes.size());
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().find("unknown compression (4292411136)"), std::string::npos)
      << image.error();
}

// The OS/2 form of the same bound: 16-bit sides, no compression field.
TEST(FuzzRegressions, Os2BmpShorterThanItsRowsIsRefusedBeforeDecoding) {
  std::vector<std::uint8_t> bytes(200, 0);
  const std::uint8_t header[] = {'B',  'M',  200, 0, 0, 0,  0, 0, 0,
                                 0,    26,   0,   0, 0, 12, 0, 0, 0,  // BITMAPCOREHEADER
                                 0x00, 0x10,                          // width 4096
                                 0x00, 0x04,                          // height 1024
                                 1,    0,    24,  0};                 // planes 1, 24 bits per pixel
  std::copy(std::begin(header), std::end(header), bytes.begin());
  const auto image = decode_image(bytes.data(), bytes.size());
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().find("the BMP file is truncated (200 bytes"), std::string::npos)
      << image.error();
}

}  // namespace
}  // namespace filterlens
