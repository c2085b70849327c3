#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "image.h"

namespace filterlens {
namespace {

TEST(ToGray, UsesPilIntegerLumaWeights) {
  // Expected levels computed by hand from L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
  Image rgb{4, 1, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30}};
  Plane g = to_gray(rgb);
  ASSERT_EQ(g.width, 4);
  EXPECT_FLOAT_EQ(g.data[0], 76.0f / 255.0f);   // (255*19595+32768)>>16 = 76
  EXPECT_FLOAT_EQ(g.data[1], 150.0f / 255.0f);  // (255*38470+32768)>>16 = 150
  EXPECT_FLOAT_EQ(g.data[2], 29.0f / 255.0f);   // (255*7471+32768)>>16 = 29
  EXPECT_FLOAT_EQ(g.data[3], 124.0f / 255.0f);  // (195950+7694000+224130+32768)>>16 = 124
}

TEST(ToGray, IgnoresAlphaAndPassesGrayThrough) {
  Image rgba{1, 1, 4, {255, 255, 255, 0}};
  EXPECT_FLOAT_EQ(to_gray(rgba).data[0], 1.0f);
  Image ga{2, 1, 2, {7, 0, 200, 255}};
  Image g8 = to_gray_u8(ga);
  EXPECT_EQ(g8.channels, 1);
  EXPECT_EQ(g8.pixels[0], 7);
  EXPECT_EQ(g8.pixels[1], 200);
}

// PIL's L for one pixel, written out here (not taken from image.cpp), over 255.
float pil_gray(int r, int g, int b) {
  return static_cast<float>((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255.0f;
}

bool same_floats(const Plane& a, const Plane& b) {
  return a.width == b.width && a.height == b.height && a.data.size() == b.data.size() &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

TEST(ToGray, SimdGivesTheReferenceFloatsForEveryRgbTriple) {
  // All 2^24 colours, a sixteenth at a time (4096 x 256 pixels: 16 blue values), as RGB and as
  // RGBA with a varying alpha; both against the reference loop, and every pixel against PIL's
  // formula written out above.
  Image rgb{4096, 256, 3, {}}, rgba{4096, 256, 4, {}};
  Plane out;
  for (int slice = 0; slice < 16; ++slice) {
    rgb.pixels.resize(4096u * 256u * 3u);
    rgba.pixels.resize(4096u * 256u * 4u);
    for (std::uint32_t i = 0; i < 4096u * 256u; ++i) {
      const std::uint32_t colour = static_cast<std::uint32_t>(slice) * 4096u * 256u + i;
      const std::uint8_t r = colour & 0xff, g = (colour >> 8) & 0xff, b = colour >> 16;
      std::uint8_t* p3 = &rgb.pixels[i * 3u];
      std::uint8_t* p4 = &rgba.pixels[i * 4u];
      p3[0] = p4[0] = r;
      p3[1] = p4[1] = g;
      p3[2] = p4[2] = b;
      p4[3] = static_cast<std::uint8_t>(i * 37u);
    }
    for (const Image* image : {&rgb, &rgba}) {
      to_gray(*image, out);
      const Plane reference = to_gray_reference(*image);
      ASSERT_TRUE(same_floats(out, reference)) << "slice " << slice << ", " << image->channels;
      const std::uint8_t* p = image->pixels.data();
      for (std::size_t i = 0; i < out.data.size(); ++i, p += image->channels)
        ASSERT_EQ(out.data[i], pil_gray(p[0], p[1], p[2])) << "pixel " << i;
    }
  }
}

// A width x 3 image of `channels` whose i-th byte is i * mul + add (mod 256).
Image patterned(int width, int channels, unsigned mul, unsigned add) {
  Image image{width, 3, channels, {}};
  image.pixels.resize(static_cast<std::size_t>(width) * 3 * channels);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = static_cast<std::uint8_t>(i * mul + add);
  return image;
}

TEST(ToGray, SimdAndItsTailsAgreeWithTheReferenceAtEveryWidth) {
  // Widths 1..40 on 3 rows: the SIMD blocks (4 or 16 pixels) and the scalar tail after them, for
  // gray, gray + alpha, RGB and RGBA.
  for (int channels = 1; channels <= 4; ++channels) {
    for (int width = 1; width <= 40; ++width) {
      const Image image = patterned(width, channels, 97u, 13u);
      Plane out;
      to_gray(image, out);
      ASSERT_TRUE(same_floats(out, to_gray_reference(image))) << channels << " x " << width;
      for (std::size_t i = 0; i < out.data.size(); ++i) {
        const std::uint8_t* p = &image.pixels[i * static_cast<std::size_t>(channels)];
        const float expected = channels >= 3 ? pil_gray(p[0], p[1], p[2]) : p[0] / 255.0f;
        ASSERT_EQ(out.data[i], expected) << channels << " x " << width << ", pixel " << i;
      }
    }
  }
  // Every gray level passes through as level / 255.
  Image gray{256, 1, 1, {}};
  for (int v = 0; v < 256; ++v) gray.pixels.push_back(static_cast<std::uint8_t>(v));
  const Plane g = to_gray(gray);
  for (int v = 0; v < 256; ++v) EXPECT_EQ(g.data[static_cast<std::size_t>(v)], v / 255.0f);
}

TEST(ToGray, AnImageWithoutItsPixelsGivesZerosNotAReadPastThem) {
  Image short_rgb{64, 64, 3, std::vector<std::uint8_t>(100, 200)};
  Plane out;
  out.data.assign(64 * 64, 0.5f);  // a reused buffer: nothing of it may stay
  to_gray(short_rgb, out);
  ASSERT_EQ(out.data.size(), 64u * 64u);
  for (float v : out.data) ASSERT_EQ(v, 0.0f);
}

bool same_planes(const RgbPlanes& a, const RgbPlanes& b) {
  return same_floats(a.r, b.r) && same_floats(a.g, b.g) && same_floats(a.b, b.b);
}

TEST(RgbPlanes, SimdGivesTheReferenceFloatsAtEveryWidthAndEveryByte) {
  // Widths 1..40 on 3 rows for 1-4 channels (SIMD blocks and the scalar tail), then every byte
  // value in every channel; each float against the reference and against value / 255 written out.
  for (int channels = 1; channels <= 4; ++channels) {
    for (int width = 1; width <= 40; ++width) {
      const Image image = patterned(width, channels, 89u, 7u);
      const RgbPlanes planes = to_rgb_planes(image);
      ASSERT_TRUE(same_planes(planes, to_rgb_planes_reference(image)))
          << channels << " x " << width;
      for (std::size_t i = 0; i < planes.r.data.size(); ++i) {
        const std::uint8_t* p = &image.pixels[i * static_cast<std::size_t>(channels)];
        ASSERT_EQ(planes.r.data[i], p[0] / 255.0f);
        ASSERT_EQ(planes.g.data[i], p[channels >= 3 ? 1 : 0] / 255.0f);
        ASSERT_EQ(planes.b.data[i], p[channels >= 3 ? 2 : 0] / 255.0f);
      }
    }
    Image every{256, 1, channels, {}};
    for (int v = 0; v < 256; ++v)
      for (int c = 0; c < channels; ++c)
        every.pixels.push_back(static_cast<std::uint8_t>((v + 85 * c) & 0xff));
    const RgbPlanes planes = to_rgb_planes(every);
    ASSERT_TRUE(same_planes(planes, to_rgb_planes_reference(every))) << channels;
    for (int v = 0; v < 256; ++v) ASSERT_EQ(planes.r.data[static_cast<std::size_t>(v)], v / 255.0f);
  }
  // Not an image (pixels missing): no planes, no read past them.
  EXPECT_TRUE(to_rgb_planes(Image{64, 64, 3, std::vector<std::uint8_t>(100, 1)}).r.empty());
}

TEST(Resize, ShorterSideLikeTorchvision) {
  Plane p(1920, 1080);
  Plane r = resize_shorter_side(p, 128);
  EXPECT_EQ(r.height, 128);
  EXPECT_EQ(r.width, 227);  // int(128 * 1920 / 1080) = int(227.55)
  Plane tall(30, 100);
  Plane t = resize_shorter_side(tall, 15);
  EXPECT_EQ(t.width, 15);
  EXPECT_EQ(t.height, 50);
}

TEST(Resize, ConstantStaysConstantAndAveragesWhenShrinking) {
  Plane p(64, 64);
  for (float& v : p.data) v = 0.25f;
  Plane r = resize_bilinear_aa(p, 16, 16);
  for (float v : r.data) EXPECT_NEAR(v, 0.25f, 1e-6f);
  // A 1-pixel checkerboard shrunk 4x averages to 0.5 everywhere (antialiasing, not sampling).
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) p.data[static_cast<std::size_t>(y) * 64 + x] = float((x + y) & 1);
  r = resize_bilinear_aa(p, 16, 16);
  for (int y = 1; y < 15; ++y)
    for (int x = 1; x < 15; ++x) EXPECT_NEAR(r.at(x, y), 0.5f, 1e-6f);
}

TEST(Resize, EmptyOrNonPositiveGivesEmpty) {
  EXPECT_TRUE(resize_shorter_side(Plane(), 10).empty());
  EXPECT_TRUE(resize_shorter_side(Plane(4, 4), 0).empty());
}

}  // namespace
}  // namespace filterlens
