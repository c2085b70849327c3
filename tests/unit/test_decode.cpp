// Decoding from memory: every stb_image format we can make in-process, and every bad-input class.
// (Formats that need an outside encoder: 16-bit and palette PNG, progressive JPEG, GIF, EXIF
// orientations: tests/oracle/test_oracle.py makes them with PIL and compares with PIL.)
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "decode.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<Bytes*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

Image pattern(int w, int h, int c) {
  Image im{w, h, c, {}};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        im.pixels.push_back(static_cast<std::uint8_t>((x * 7 + y * 13 + k * 50) & 255));
  return im;
}

Bytes encode(const Image& im, const std::string& format) {
  Bytes out;
  const void* px = im.pixels.data();
  if (format == "png")
    stbi_write_png_to_func(append, &out, im.width, im.height, im.channels, px, 0);
  if (format == "bmp") stbi_write_bmp_to_func(append, &out, im.width, im.height, im.channels, px);
  if (format == "tga") stbi_write_tga_to_func(append, &out, im.width, im.height, im.channels, px);
  if (format == "jpg")
    stbi_write_jpg_to_func(append, &out, im.width, im.height, im.channels, px, 95);
  return out;
}

Bytes pnm(int w, int h) {
  const std::string header = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  Bytes out(header.begin(), header.end());
  for (int i = 0; i < w * h; ++i) out.push_back(static_cast<std::uint8_t>(i * 3));
  return out;
}

// A minimal uncompressed 8-bit RGB Photoshop file: header, empty sections, planar image data.
Bytes psd(int w, int h) {
  Bytes out = {'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0, 0, 3};
  auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  };
  be32(static_cast<std::uint32_t>(h));
  be32(static_cast<std::uint32_t>(w));
  out.insert(out.end(), {0, 8, 0, 3});  // depth 8, RGB
  be32(0);                              // colour mode data
  be32(0);                              // image resources
  be32(0);                              // layers
  out.insert(out.end(), {0, 0});        // raw data
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < w * h; ++i) out.push_back(static_cast<std::uint8_t>(i * (c + 1)));
  return out;
}

Result<Image> decode(const Bytes& b, DecodeLimits limits = {}) {
  return decode_image(b.data(), b.size(), limits);
}

// `im` as an image of `channels` channels: gray is replicated into colour, a missing alpha is
// opaque, an alpha the target cannot hold is dropped (what a writer that changes the channel
// count, like stb's BMP writer, does).
Image with_channels(const Image& im, int channels) {
  Image out{im.width, im.height, channels, {}};
  const bool src_alpha = im.channels == 2 || im.channels == 4;
  for (std::size_t i = 0; i < std::size_t(im.width) * im.height; ++i) {
    const std::uint8_t* p = &im.pixels[i * im.channels];
    const std::uint8_t rgb[3] = {p[0], im.channels >= 3 ? p[1] : p[0],
                                 im.channels >= 3 ? p[2] : p[0]};
    const std::uint8_t alpha = src_alpha ? p[im.channels - 1] : 255;
    if (channels <= 2) out.pixels.push_back(rgb[0]);
    if (channels >= 3) out.pixels.insert(out.pixels.end(), rgb, rgb + 3);
    if (channels == 2 || channels == 4) out.pixels.push_back(alpha);
  }
  return out;
}

TEST(Decode, LosslessFormatsRoundTripExactly) {
  int compared = 0;
  for (const char* fmt : {"png", "bmp", "tga"}) {
    for (int c : {1, 2, 3, 4}) {
      const Image im = pattern(37, 19, c);
      auto r = decode(encode(im, fmt));
      ASSERT_TRUE(r) << fmt << c << ": " << r.error();
      EXPECT_EQ(r.value().width, 37);
      EXPECT_EQ(r.value().height, 19);
      // Every format's pixels are compared, in the channels it came back with (stb writes a
      // 1- or 2-channel BMP as RGB: the gray must come back replicated, alpha dropped).
      EXPECT_EQ(r.value().pixels, with_channels(im, r.value().channels).pixels)
          << fmt << c << " came back with " << r.value().channels << " channels";
      ++compared;
    }
  }
  EXPECT_EQ(compared, 12);
}

TEST(Decode, PnmAndPsd) {
  auto p = decode(pnm(5, 3));
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p.value().channels, 1);
  EXPECT_EQ(p.value().pixels[4], 12);
  auto s = decode(psd(4, 2));
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s.value().width, 4);
  EXPECT_EQ(s.value().height, 2);
  EXPECT_EQ(s.value().pixels[static_cast<std::size_t>(s.value().channels) * 5 + 1],
            10);  // pixel 5, green = 5 * 2
}

TEST(Decode, JpegIsCloseToTheOriginal) {
  Image im{32, 32, 3, std::vector<std::uint8_t>(32 * 32 * 3, 180)};
  auto r = decode(encode(im, "jpg"));
  ASSERT_TRUE(r) << r.error();
  for (std::uint8_t v : r.value().pixels) EXPECT_NEAR(v, 180, 2);
}

TEST(Decode, EmptyInput) {
  EXPECT_EQ(decode({}).error(), "the file is empty (0 bytes)");
  EXPECT_FALSE(decode_image(nullptr, 10));
}

TEST(Decode, GarbageIsNotAnImage) {
  Bytes junk(1000);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 31 + 7);
  auto r = decode(junk);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not an image FilterLens can read"), std::string::npos) << r.error();
  const std::string text = "hello, this is a text file\n";
  EXPECT_FALSE(decode(Bytes(text.begin(), text.end())));
}

// Model files people drop expecting filters are named, with where filters come from.
TEST(Decode, ModelFilesAreNamedWithWhereFiltersComeFrom) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("PK\x03\x04", 4) + std::string(200, 'z'), "a zip archive (PyTorch"},
      {std::string("\x89HDF\r\n\x1a\n", 8) + std::string(200, 'h'), "an HDF5 file (Keras"},
      {std::string("FLCNNW\r\n", 8) + std::string(200, '\0'), "trained-network file"},
      {std::string(300, 'q'), "not an image FilterLens can read"}};
  for (const auto& [bytes, what] : cases) {
    auto r = decode(Bytes(bytes.begin(), bytes.end()));
    ASSERT_FALSE(r) << what;
    EXPECT_NE(r.error().find(what), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(".npy and .safetensors"), std::string::npos) << r.error();
  }
}

TEST(Decode, UnsupportedFormatsAreNamed) {
  const std::string webp = std::string("RIFF\x24\0\0\0WEBPVP8 ", 16) + std::string(40, '\0');
  auto r = decode(Bytes(webp.begin(), webp.end()));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("WebP"), std::string::npos) << r.error();
  const std::string avif = std::string(
                               "\0\0\0\x1c"
                               "ftypavif",
                               12) +
                           std::string(40, '\0');
  r = decode(Bytes(avif.begin(), avif.end()));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("AVIF"), std::string::npos) << r.error();
  const std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string(40, '\0');
  r = decode(Bytes(tiff.begin(), tiff.end()));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("TIFF"), std::string::npos) << r.error();
}

TEST(Decode, TruncatedFilesOfEveryFormatFail) {
  const Image im = pattern(64, 48, 3);
  std::vector<std::pair<std::string, Bytes>> files = {
      {"png", encode(im, "png")}, {"jpg", encode(im, "jpg")}, {"bmp", encode(im, "bmp")},
      {"tga", encode(im, "tga")}, {"pnm", pnm(64, 48)},       {"psd", psd(64, 48)}};
  for (auto& [name, bytes] : files) {
    ASSERT_TRUE(decode(bytes)) << name << " must decode whole";
    for (double keep : {0.9, 0.5, 0.1}) {
      Bytes cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * keep));
      auto r = decode(cut);
      EXPECT_FALSE(r) << name << " cut to " << keep << " decoded anyway";
      if (!r) {
        EXPECT_FALSE(r.error().empty());
      }
    }
  }
}

TEST(Decode, AbsurdDimensionsAreRefusedFromTheHeader) {
  Bytes png = encode(pattern(8, 8, 1), "png");
  // IHDR width and height, big-endian, at bytes 16..23: declare 100000 x 100000.
  for (int at : {16, 20}) {
    png[static_cast<std::size_t>(at)] = 0;
    png[static_cast<std::size_t>(at) + 1] = 0x01;
    png[static_cast<std::size_t>(at) + 2] = 0x86;
    png[static_cast<std::size_t>(at) + 3] = 0xA0;
  }
  auto r = decode(png);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "image is 100000 x 100000 (10000 MP); the limit is 64 MP");
}

TEST(Decode, AbsurdJpegDimensionsAreRefusedFromTheFrameHeader) {
  Bytes jpg = encode(pattern(16, 16, 3), "jpg");
  std::size_t sof = 2;
  while (sof + 1 < jpg.size() && !(jpg[sof] == 0xFF && jpg[sof + 1] == 0xC0)) ++sof;
  ASSERT_LT(sof + 9, jpg.size());
  for (std::size_t at : {sof + 5, sof + 7}) {  // height, then width: 60000 = 0xEA60
    jpg[at] = 0xEA;
    jpg[at + 1] = 0x60;
  }
  auto r = decode(jpg);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "image is 60000 x 60000 (3600 MP); the limit is 64 MP");
}

TEST(Decode, LimitIsConfigurableAndStopsDecompressionBombs) {
  // 1000 x 1000 of one colour compresses to a few kilobytes: a small bomb.
  Image flat{1000, 1000, 1, std::vector<std::uint8_t>(1000 * 1000, 0)};
  const Bytes png = encode(flat, "png");
  EXPECT_LT(png.size(), 20000u);
  DecodeLimits small;
  small.max_pixels = 500'000;
  auto r = decode(png, small);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "image is 1000 x 1000 (1.0 MP); the limit is 0.5 MP");
  EXPECT_TRUE(decode(png));
}

TEST(Decode, ExifOrientationIsApplied) {
  // 48 x 32 image, bright only in its top-left 16 x 16 block. Insert an APP1 EXIF segment with
  // orientation 6 ("rotate 90 clockwise to view"): the bright block must end up at the top right
  // of a 32 x 48 image.
  Image im{48, 32, 1, std::vector<std::uint8_t>(48 * 32, 0)};
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) im.pixels[static_cast<std::size_t>(y) * 48 + x] = 250;
  Bytes jpg = encode(im, "jpg");
  const std::uint8_t exif[] = {
      0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,  // TIFF header
      0,    1,                                                                        // 1 entry
      0x01, 0x12, 0,    3,    0,   0,   0,   1,   0, 6, 0,   0,  // orientation = 6
      0,    0,    0,    0};                                      // no next IFD
  ASSERT_EQ(jpeg_exif_orientation(jpg.data(), jpg.size()), 1);
  jpg.insert(jpg.begin() + 2, std::begin(exif), std::end(exif));
  ASSERT_EQ(jpeg_exif_orientation(jpg.data(), jpg.size()), 6);
  auto r = decode(jpg);
  ASSERT_TRUE(r) << r.error();
  const Image& out = r.value();
  ASSERT_EQ(out.width, 32);
  ASSERT_EQ(out.height, 48);
  auto mean = [&](int x0, int y0) {
    int sum = 0;
    for (int y = y0 + 4; y < y0 + 12; ++y)
      for (int x = x0 + 4; x < x0 + 12; ++x)
        sum += out.pixels[(static_cast<std::size_t>(y) * 32 + x) * out.channels];
    return sum / 64;
  };
  EXPECT_GT(mean(16, 0), 240);  // top right
  EXPECT_LT(mean(0, 0), 10);    // top left
  EXPECT_LT(mean(16, 32), 10);  // bottom right
}

TEST(Decode, EveryOrientationMapsCornersLikePil) {
  // Top-left corner of the stored image goes to: PIL's exif_transpose, worked out by hand.
  Image im{3, 2, 1, {1, 2, 3, 4, 5, 6}};
  const std::vector<std::vector<std::uint8_t>> want = {
      {1, 2, 3, 4, 5, 6}, {3, 2, 1, 6, 5, 4}, {6, 5, 4, 3, 2, 1}, {4, 5, 6, 1, 2, 3},
      {1, 4, 2, 5, 3, 6}, {4, 1, 5, 2, 6, 3}, {6, 3, 5, 2, 4, 1}, {3, 6, 2, 5, 1, 4}};
  for (int o = 1; o <= 8; ++o) EXPECT_EQ(apply_exif_orientation(im, o).pixels, want[o - 1]) << o;
}

TEST(Sniff, KnowsTheCommonMagics) {
  const std::string png = "\x89PNG\r\n\x1a\n";
  EXPECT_EQ(sniff_format(reinterpret_cast<const std::uint8_t*>(png.data()), png.size()), "PNG");
  const std::uint8_t jpg[] = {0xFF, 0xD8, 0xFF, 0xE0};
  EXPECT_EQ(sniff_format(jpg, 4), "JPEG");
  EXPECT_EQ(sniff_format(jpg, 1), "");
}

}  // namespace
}  // namespace filterlens
