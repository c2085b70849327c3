// png_write.h: PNGs decoded again by the core's decoder give the same pixels for 1-4 channels and
// odd sizes; images the encoder cannot represent come back empty instead of reading out of
// bounds. stb_image_write's other writers are linked from the core as well (test_decode.cpp
// uses them for its fixtures).
#include <gtest/gtest.h>

#include <cstring>

#include "decode.h"
#include "png_write.h"

namespace filterlens {
namespace {

Image pattern(int w, int h, int c) {
  Image im{w, h, c, {}};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        im.pixels.push_back(static_cast<std::uint8_t>((x * 37 + y * 11 + k * 71) & 255));
  return im;
}

TEST(PngWrite, RoundTripsEveryChannelCount) {
  for (int c = 1; c <= 4; ++c) {
    for (auto [w, h] : {std::pair{1, 1}, {7, 3}, {3, 17}, {64, 5}}) {
      const Image im = pattern(w, h, c);
      const std::vector<std::uint8_t> png = encode_png(im);
      ASSERT_GE(png.size(), 8u);
      EXPECT_EQ(std::memcmp(png.data(), "\x89PNG\r\n\x1a\n", 8), 0);
      auto back = decode_image(png.data(), png.size());
      ASSERT_TRUE(back) << back.error();
      EXPECT_EQ(back.value().width, w);
      EXPECT_EQ(back.value().height, h);
      EXPECT_EQ(back.value().channels, c);
      EXPECT_EQ(back.value().pixels, im.pixels) << c << " channels, " << w << " x " << h;
    }
  }
}

TEST(PngWrite, RefusesImagesItCannotRepresent) {
  EXPECT_TRUE(encode_png(Image{}).empty());
  Image five = pattern(2, 2, 4);
  five.channels = 5;
  EXPECT_TRUE(encode_png(five).empty());
  Image short_pixels = pattern(4, 4, 3);
  short_pixels.pixels.resize(short_pixels.pixels.size() - 1);
  EXPECT_TRUE(encode_png(short_pixels).empty());
  // A header that claims more than the pixels hold (int overflow bait): refused, not read.
  Image lying = pattern(2, 2, 1);
  lying.width = 1 << 20;
  lying.height = 1 << 20;
  EXPECT_TRUE(encode_png(lying).empty());
}

}  // namespace
}  // namespace filterlens
