// Hostile files against the decoder: each case is one of the crashes or bombs found on 468e5ed
// (issue 9), built here byte by byte so it runs natively, under ASan + UBSan and in wasm. Before
// the pre-decode walk (decode_checks.cpp) these aborted the sanitizer build, read uninitialised
// memory or allocated gigabytes; now each is refused with its cause, or decoded correctly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "decode.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

// A PNG chunk. The CRC is written as zero: stb_image does not read CRCs, and these files only
// exist to reach the decoder's checks.
void chunk(Bytes& png, const char* type, const Bytes& body) {
  put_be32(png, static_cast<std::uint32_t>(body.size()));
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), body.begin(), body.end());
  put_be32(png, 0);
}

// A zlib stream of stored (uncompressed) deflate blocks, enough for any test PNG.
Bytes zlib_stored(const Bytes& data) {
  Bytes z = {0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - pos);
    const bool last = pos + n == data.size();
    z.insert(z.end(), {static_cast<std::uint8_t>(last), static_cast<std::uint8_t>(n),
                       static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(~n),
                       static_cast<std::uint8_t>(~n >> 8)});
    z.insert(z.end(), data.begin() + static_cast<long>(pos),
             data.begin() + static_cast<long>(pos + n));
    pos += n;
  } while (pos < data.size());
  std::uint32_t a = 1, b = 0;  // Adler-32
  for (std::uint8_t v : data) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(z, (b << 16) | a);
  return z;
}

Bytes png_file(std::uint32_t w, std::uint32_t h, std::uint8_t depth, std::uint8_t color,
               const Bytes& plte, const Bytes& raw_rows) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.insert(ihdr.end(), {depth, color, 0, 0, 0});
  chunk(png, "IHDR", ihdr);
  if (!plte.empty()) chunk(png, "PLTE", plte);
  chunk(png, "IDAT", zlib_stored(raw_rows));
  chunk(png, "IEND", {});
  return png;
}

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

Result<Image> decode(const Bytes& b) {
  return decode_image(b.data(), b.size());
}

void expect_refused(const Bytes& b, const std::string& part) {
  auto r = decode(b);
  ASSERT_FALSE(r) << "decoded as " << r.value().width << " x " << r.value().height;
  EXPECT_NE(r.error().find(part), std::string::npos) << r.error();
  auto p = probe_image(b.data(), b.size());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), r.error()) << "probe and decode must refuse alike";
}

TEST(DecodeHostile, PngDeclaringFourGigapixelsSquaredIsRefusedWithoutOverflow) {
  // 468e5ed multiplied these in int: UBSan aborted, release builds wrapped to a small number.
  const Bytes png = png_file(0xFFFFFFFFu, 0xFFFFFFFFu, 8, 0, {}, Bytes(16, 0));
  auto r = decode(png);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "image is 4294967295 x 4294967295 (18446744065120 MP); the limit is 64 MP");
}

TEST(DecodeHostile, LimitMessageNeverSaysTheSameNumberTwice) {
  const Bytes png = png_file(8001, 8000, 8, 0, {}, Bytes(16, 0));
  auto r = decode(png);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "image is 8001 x 8000 (64.01 MP); the limit is 64 MP");
}

TEST(DecodeHostile, ShortPalettePixelsAreBlackNotUninitialisedMemory) {
  // 4 x 2, 8-bit palette with 2 entries; indices 0, 1 and out-of-range 2, 7, 200, 255.
  const Bytes plte = {10, 20, 30, 200, 150, 100};
  const Bytes rows = {0, 0, 1, 2, 7, 0, 255, 200, 1, 0};  // filter byte 0 before each row
  auto r = decode(png_file(4, 2, 8, 3, plte, rows));
  ASSERT_TRUE(r) << r.error();
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 3);
  const Bytes want = {10, 20, 30, 200, 150, 100, 0,   0,   0,   0,  0,  0,
                      0,  0,  0,  0,   0,   0,   200, 150, 100, 10, 20, 30};
  EXPECT_EQ(im.pixels, want);
}

TEST(DecodeHostile, EmptyIdatChunksAreSkipped) {
  // A valid PNG may hold IDAT chunks of 0 bytes. stb_image 2.27 memcpy'd an empty one before the
  // first with data from a null pointer (UBSan: "null pointer passed as argument 1").
  const Bytes plte = {10, 20, 30, 200, 150, 100};  // short: the palette's padded copy as well
  const Bytes rows = {0, 0, 1, 2, 7, 0, 255, 200, 1, 0};
  const Bytes plain = png_file(4, 2, 8, 3, plte, rows);
  auto want = decode(plain);
  ASSERT_TRUE(want) << want.error();
  const std::string idat = "IDAT";
  const auto first_idat = static_cast<std::ptrdiff_t>(
      std::search(plain.begin(), plain.end(), idat.begin(), idat.end()) - plain.begin() - 4);
  Bytes empty;
  chunk(empty, "IDAT", {});
  Bytes png(plain.begin(), plain.begin() + first_idat);  // signature, IHDR, PLTE
  for (int i = 0; i < 2; ++i) png.insert(png.end(), empty.begin(), empty.end());
  const auto iend = static_cast<std::ptrdiff_t>(plain.size() - 12);
  png.insert(png.end(), plain.begin() + first_idat, plain.begin() + iend);  // the data
  png.insert(png.end(), empty.begin(), empty.end());                        // one after it too
  png.insert(png.end(), plain.begin() + iend, plain.end());                 // IEND
  auto r = decode(png);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().pixels, want.value().pixels);
  // Bytes after IEND that look like a chunk of 2^32 - 12 bytes: the copy stops at IEND. (In wasm,
  // where size_t has 32 bits, the length wrapped the position back onto itself: a loop forever.)
  for (const std::uint32_t junk : {0xFFFFFFF4u, 0xFFFFFFFFu, 0x7FFFFFFFu}) {
    Bytes tail = png;
    put_be32(tail, junk);
    tail.insert(tail.end(), {'j', 'u', 'n', 'k', 0, 0, 0, 0});
    auto t = decode(tail);
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t.value().pixels, want.value().pixels);
  }
  // Only empty chunks: no image data, refused before stb_image sees it.
  Bytes none(plain.begin(), plain.begin() + first_idat);
  none.insert(none.end(), empty.begin(), empty.end());
  none.insert(none.end(), plain.begin() + iend, plain.end());
  expect_refused(none, "holds no image data");
}

TEST(DecodeHostile, GifWithoutFramesSaysSo) {
  // Header, a 2-entry global palette, a comment extension, then the trailer: no image at all.
  Bytes gif = text("GIF89a");
  gif.insert(gif.end(), {2, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255});
  gif.insert(gif.end(), {0x21, 0xFE, 3, 'h', 'i', '!', 0, 0x3B});
  expect_refused(gif, "the GIF holds no image (it ends before its first frame)");
}

TEST(DecodeHostile, ShortBmpPalettePixelsAreBlack) {
  // 4 x 1, 8-bit, a 2-entry palette, indices 0, 1, 2, 255: stb_image 2.27 read entries 2 and 255
  // from an uninitialised stack array.
  Bytes bmp = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 14 + 40 + 8, 0, 0, 0};
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le32(40);                             // BITMAPINFOHEADER
  le32(4);                              // width
  le32(1);                              // height
  bmp.insert(bmp.end(), {1, 0, 8, 0});  // planes, bits per pixel
  for (int i = 0; i < 6; ++i) le32(0);  // compression, sizes, resolution, colours used/important
  bmp.insert(bmp.end(), {30, 20, 10, 0, 100, 150, 200, 0});  // palette: BGR0
  bmp.insert(bmp.end(), {0, 1, 2, 255});
  bmp[2] = static_cast<std::uint8_t>(bmp.size());
  auto r = decode(bmp);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r.value().channels, 3);
  EXPECT_EQ(r.value().pixels, (Bytes{10, 20, 30, 200, 150, 100, 0, 0, 0, 0, 0, 0}));
}

TEST(DecodeHostile, TopDownBmpIsReadTopRowFirst) {
  // A negative height means the rows are stored top row first (PIL opens these; stb_image 2.27's
  // header probe passed the negative height on, which read as "an empty image").
  for (const int bits : {24, 32}) {
    Bytes bmp = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 14 + 40, 0, 0, 0};
    auto le32 = [&](std::uint32_t v) {
      for (int i = 0; i < 4; ++i) bmp.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    le32(40);                              // BITMAPINFOHEADER
    le32(2);                               // width
    le32(static_cast<std::uint32_t>(-2));  // height -2: top-down
    bmp.insert(bmp.end(), {1, 0, static_cast<std::uint8_t>(bits), 0});
    for (int i = 0; i < 6; ++i) le32(0);
    const int bytes = bits / 8;
    // Row 0: red, green; row 1: blue, white (BGR[A] samples, rows padded to 4 bytes).
    const std::vector<Bytes> pixels = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {255, 255, 255}};
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 2; ++x) {
        Bytes p = pixels[static_cast<std::size_t>(2 * y + x)];
        if (bytes == 4) p.push_back(255);
        bmp.insert(bmp.end(), p.begin(), p.end());
      }
      while ((bmp.size() - 54) % 4 != 0) bmp.push_back(0);
    }
    bmp[2] = static_cast<std::uint8_t>(bmp.size());
    auto r = decode(bmp);
    ASSERT_TRUE(r) << bits << "-bit: " << r.error();
    EXPECT_EQ(r.value().width, 2);
    EXPECT_EQ(r.value().height, 2);
    Bytes rgb;
    const int c = r.value().channels;
    for (std::size_t i = 0; i < r.value().pixels.size(); i += static_cast<std::size_t>(c))
      rgb.insert(rgb.end(), r.value().pixels.begin() + static_cast<std::ptrdiff_t>(i),
                 r.value().pixels.begin() + static_cast<std::ptrdiff_t>(i + 3));
    EXPECT_EQ(rgb, (Bytes{255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255})) << bits << "-bit";
    auto probed = probe_image(bmp.data(), bmp.size());
    ASSERT_TRUE(probed) << probed.error();
    EXPECT_EQ(probed.value().height, 2);
  }
}

// A BITMAPINFOHEADER BMP of 16 bits a pixel, `compression` 0 or 3 (then `masks` R, G, B follow
// the header), one row of `pixels`, or `data` as the pixel data when given.
Bytes bmp16(std::uint32_t compression, const std::vector<std::uint32_t>& masks,
            const std::vector<std::uint16_t>& pixels, const Bytes& data = {}) {
  Bytes bmp = {
      'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(14 + 40 + 4 * masks.size()),
      0,   0,   0};
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le32(40);
  le32(static_cast<std::uint32_t>(pixels.size()));  // width
  le32(1);                                          // height
  bmp.insert(bmp.end(), {1, 0, 16, 0});
  le32(compression);
  for (int i = 0; i < 5; ++i) le32(0);
  for (std::uint32_t m : masks) le32(m);
  if (!data.empty()) bmp.insert(bmp.end(), data.begin(), data.end());
  for (std::uint16_t p : pixels)
    bmp.insert(bmp.end(), {std::uint8_t(p & 255), std::uint8_t(p >> 8)});
  while (bmp.size() % 4 != 2) bmp.push_back(0);  // the row padded to 4 bytes (the header is 54)
  bmp[2] = static_cast<std::uint8_t>(bmp.size());
  return bmp;
}

TEST(DecodeHostile, SixteenBitBmpSamplesAreScaledAsPilScalesThem) {
  // PIL's BGR;15 and BGR;16 unpackers: an n-bit value v is v * 255 / (2^n - 1) rounded down.
  // stb_image repeats the bits instead (5-bit 4 gave 33, PIL 32).
  auto pil = [](int v, int bits) { return std::uint8_t(v * 255 / ((1 << bits) - 1)); };
  const std::vector<int> r = {0, 4, 17, 31}, g = {1, 9, 30, 63}, b = {31, 2, 13, 0};
  std::vector<std::uint16_t> p555, p565;
  for (std::size_t i = 0; i < r.size(); ++i) {
    p555.push_back(std::uint16_t(r[i] << 10 | (g[i] & 31) << 5 | b[i]));
    p565.push_back(std::uint16_t(r[i] << 11 | g[i] << 5 | b[i]));
  }
  Bytes want555, want565;
  for (std::size_t i = 0; i < r.size(); ++i) {
    want555.insert(want555.end(), {pil(r[i], 5), pil(g[i] & 31, 5), pil(b[i], 5)});
    want565.insert(want565.end(), {pil(r[i], 5), pil(g[i], 6), pil(b[i], 5)});
  }
  const auto plain = decode(bmp16(0, {}, p555));
  const auto masked555 = decode(bmp16(3, {0x7C00, 0x3E0, 0x1F}, p555));
  const auto masked565 = decode(bmp16(3, {0xF800, 0x7E0, 0x1F}, p565));
  ASSERT_TRUE(plain && masked555 && masked565);
  EXPECT_EQ(plain.value().pixels, want555);
  EXPECT_EQ(masked555.value().pixels, want555);
  EXPECT_EQ(masked565.value().pixels, want565);
}

TEST(DecodeHostile, CompressedBmpsNameTheirKindAndAnotherDecoderMayReadThem) {
  // RLE8 (compression 1): a valid BMP PIL and browsers read (4 x 2, a 3-colour palette, runs
  // of 4 x index 1, then 2 x 2 and 2 x 0); stb_image does not. It was "damaged".
  Bytes rle = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 14 + 40 + 12, 0, 0, 0};
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) rle.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le32(40);
  le32(4);
  le32(2);
  rle.insert(rle.end(), {1, 0, 8, 0});  // planes, 8 bits a pixel
  le32(1);                              // BI_RLE8
  le32(10);                             // the data's size
  le32(0);
  le32(0);
  le32(3);  // colours used
  le32(0);
  rle.insert(rle.end(), {0, 0, 0, 0, 100, 100, 100, 0, 200, 200, 200, 0});
  rle.insert(rle.end(), {4, 1, 0, 0, 2, 2, 2, 0, 0, 1});
  rle[2] = static_cast<std::uint8_t>(rle.size());
  for (auto [code, kind] : {std::pair{1, "RLE8"}, {2, "RLE4"}, {4, "JPEG"}, {5, "PNG"}}) {
    rle[30] = static_cast<std::uint8_t>(code);
    expect_refused(rle, std::string("it is ") + (code == 1 || code == 2 ? "an " : "a ") + kind +
                            "-compressed BMP, which FilterLens cannot decode");
    EXPECT_TRUE(another_decoder_may_read(rle.data(), rle.size())) << kind;
  }
  rle[30] = 7;
  expect_refused(rle, "the BMP header declares an unknown compression (7)");
  EXPECT_FALSE(another_decoder_may_read(rle.data(), rle.size()));
  // Uncompressed BMPs stay FilterLens's own.
  const Bytes plain = bmp16(0, {}, {1, 2});
  EXPECT_FALSE(another_decoder_may_read(plain.data(), plain.size()));
}

TEST(DecodeHostile, PngWhoseDataIsFarLargerThanItsPixelsIsABomb) {
  // 1 x 1 gray needs 2 bytes inflated; 1 MB of deflate data could inflate to 1 GB.
  Bytes rows(1 << 20, 0);
  const Bytes png = png_file(1, 1, 8, 0, {}, rows);
  ASSERT_GT(png.size(), 1000u);
  expect_refused(png, "decompression bomb");
}

TEST(DecodeHostile, PngWithTooLittleDataForItsSizeIsRefusedBeforeDecoding) {
  // 8000 x 8000 declared, 20 bytes of image data: deflate's best ratio needs ~62 KB.
  expect_refused(png_file(8000, 8000, 8, 0, {}, Bytes(1, 0)), "header is forged");
}

TEST(DecodeHostile, PngWithImpossibleDepthIsRefused) {
  expect_refused(png_file(4, 4, 3, 2, {}, Bytes(4 * 13, 0)), "colour type / bit depth");
}

Bytes small_jpeg() {
  Bytes out;
  std::vector<std::uint8_t> px(16 * 16 * 3, 90);
  stbi_write_jpg_to_func(
      [](void* ctx, void* data, int size) {
        auto* o = static_cast<Bytes*>(ctx);
        o->insert(o->end(), static_cast<std::uint8_t*>(data),
                  static_cast<std::uint8_t*>(data) + size);
      },
      &out, 16, 16, 3, px.data(), 90);
  return out;
}

std::size_t find_marker(const Bytes& b, std::uint8_t marker) {
  for (std::size_t i = 2; i + 1 < b.size(); ++i)
    if (b[i] == 0xFF && b[i + 1] == marker) return i;
  return b.size();
}

TEST(DecodeHostile, JpegHuffmanTableWithMoreThan256CodesIsRefused) {
  // stb_image 2.27 writes past its size[257] table for such a DHT (UBSan: index 257 out of bounds).
  Bytes jpg = small_jpeg();
  ASSERT_TRUE(decode(jpg));
  const std::size_t dht = find_marker(jpg, 0xC4);
  ASSERT_LT(dht + 21, jpg.size());
  // The first table's 16 counts follow the 2-byte length and the class/id byte.
  for (int i = 0; i < 16; ++i) jpg[dht + 5 + static_cast<std::size_t>(i)] = 0xFF;
  expect_refused(jpg, "at most 256 are possible");
}

TEST(DecodeHostile, FillBytesBeforeTheJpegMarkerDoNotSkipTheChecks) {
  // stb_image skips 0xFF fill bytes before SOI; the fuzzer found a bad DHT behind just one.
  Bytes jpg = small_jpeg();
  const std::size_t dht = find_marker(jpg, 0xC4);
  for (int i = 0; i < 16; ++i) jpg[dht + 5 + static_cast<std::size_t>(i)] = 0xFF;
  jpg.insert(jpg.begin(), 0xFF);
  expect_refused(jpg, "at most 256 are possible");
  Bytes good = small_jpeg();
  good.insert(good.begin(), {0xFF, 0xFF});
  EXPECT_TRUE(decode(good)) << "a JPEG behind fill bytes still decodes";
}

TEST(DecodeHostile, PsdWithAlphaReadsItsColourChannelsAsStored) {
  // stb_image's white-matte removal for 4 channels overflowed a float-to-8-bit cast (UBSan);
  // the colour channels are now read as stored, as PIL's convert('L') uses them.
  Bytes psd = {'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0, 0, 4};
  put_be32(psd, 1);                                                               // height
  put_be32(psd, 2);                                                               // width
  psd.insert(psd.end(), {0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});  // raw data
  psd.insert(psd.end(), {10, 200, 20, 210, 30, 220, 128, 64});  // planar R, G, B, alpha
  auto r = decode(psd);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r.value().channels, 4);  // stb_image always gives PSDs 4 channels (alpha opaque)
  EXPECT_EQ(r.value().pixels, (Bytes{10, 20, 30, 255, 200, 210, 220, 255}));
}

TEST(DecodeHostile, HdrRunLengthCountOfZeroIsRefusedNotLoopedOn) {
  // stb_image 2.27 never advances past a zero count (a fuzzer timeout).
  std::string hdr = "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 8\n";
  hdr += std::string("\x02\x02\x00\x08", 4);
  hdr += std::string("\x88\x10\x00", 3);  // a run of 8, then a count of 0
  expect_refused(text(hdr), "run-length data is damaged");
  std::string ok = "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 8\n";
  ok += std::string("\x02\x02\x00\x08", 4);
  for (int c = 0; c < 4; ++c)
    ok += std::string("\x88", 1) + std::string(1, char(c == 3 ? 128 : 100));
  auto r = decode(text(ok));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().width, 8);
}

TEST(DecodeHostile, JpegFrameFarLargerThanItsDataIsRefused) {
  // 8000 x 8000 needs at least one bit per 8x8 block (125,000 bytes); this file has ~600.
  Bytes jpg = small_jpeg();
  const std::size_t sof = find_marker(jpg, 0xC0);
  ASSERT_LT(sof + 9, jpg.size());
  for (std::size_t at : {sof + 5, sof + 7}) {
    jpg[at] = 0x1F;  // 8000 = 0x1F40
    jpg[at + 1] = 0x40;
  }
  expect_refused(jpg, "header is forged");
}

TEST(DecodeHostile, JpegWithZeroHeightOrComponentsIsRefused) {
  Bytes jpg = small_jpeg();
  const std::size_t sof = find_marker(jpg, 0xC0);
  Bytes zero_height = jpg;
  zero_height[sof + 5] = zero_height[sof + 6] = 0;
  expect_refused(zero_height, "DNL");
  Bytes two_components = jpg;
  two_components[sof + 9] = 2;
  expect_refused(two_components, "colour components");
}

// Valid files of kinds stb_image does not read are called unsupported, with what to do, not
// "damaged or truncated".
TEST(DecodeHostile, ValidJpegAndPsdKindsFilterLensCannotReadAreNamedNotCalledDamaged) {
  const Bytes jpg = small_jpeg();
  const std::size_t sof = find_marker(jpg, 0xC0);
  for (const auto& [marker, kind] :
       std::vector<std::pair<std::uint8_t, std::string>>{{0xC3, "it is a lossless JPEG"},
                                                         {0xC9, "it is an arithmetic-coded JPEG"},
                                                         {0xCA, "it is an arithmetic-coded JPEG"},
                                                         {0xC5, "it is a hierarchical JPEG"}}) {
    Bytes other = jpg;
    other[sof + 1] = marker;
    expect_refused(other, kind + ", which FilterLens cannot decode; convert it to PNG");
    // The page hands these to the browser's decoder (Chromium reads arithmetic-coded JPEGs) ...
    // but not a Huffman-coded file whose frame marker says arithmetic (this one keeps its DHT).
    const bool says_arithmetic = marker >= 0xC9;
    EXPECT_EQ(another_decoder_may_read(other.data(), other.size()), !says_arithmetic) << kind;
    if (says_arithmetic) {
      Bytes no_tables = other;  // its DHT segment turned into an application segment
      no_tables[find_marker(no_tables, 0xC4) + 1] = 0xEF;
      EXPECT_TRUE(another_decoder_may_read(no_tables.data(), no_tables.size())) << kind;
      other = no_tables;  // for the checks below
    }
    // ... but not one whose header declares more pixels than FilterLens opens.
    Bytes huge = other;
    huge[sof + 3] = huge[sof + 4] = huge[sof + 5] = huge[sof + 6] = 0xFF;  // 65535 x 65535
    EXPECT_FALSE(another_decoder_may_read(huge.data(), huge.size())) << kind;
    DecodeLimits small;
    small.max_pixels = 10;
    EXPECT_FALSE(another_decoder_may_read(other.data(), other.size(), small)) << kind;
    // Cut short (no end-of-image marker): FilterLens's own message stands. Zeros after the marker
    // are allowed.
    const Bytes cut(other.begin(), other.end() - 2);
    EXPECT_FALSE(another_decoder_may_read(cut.data(), cut.size())) << kind;
    Bytes padded_end = other;
    padded_end.insert(padded_end.end(), 5, 0);
    EXPECT_TRUE(another_decoder_may_read(padded_end.data(), padded_end.size())) << kind;
  }
  Bytes twelve_bit = jpg;
  twelve_bit[sof + 4] = 12;
  expect_refused(twelve_bit, "it is a 12-bit JPEG, which FilterLens cannot decode");
  EXPECT_TRUE(another_decoder_may_read(twelve_bit.data(), twelve_bit.size()));
  for (std::uint8_t precision : {0, 9, 11}) {  // no JPEG has these
    Bytes odd = jpg;
    odd[sof + 4] = precision;
    expect_refused(odd, "the JPEG frame header is damaged");
    EXPECT_FALSE(another_decoder_may_read(odd.data(), odd.size())) << "damaged: its message stands";
  }
  // A JPEG FilterLens reads, a truncated one, and formats it reads or cannot read at all.
  EXPECT_FALSE(another_decoder_may_read(jpg.data(), jpg.size()));
  const Bytes cut(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(jpg.size() / 2));
  EXPECT_FALSE(another_decoder_may_read(cut.data(), cut.size()));
  const Bytes webp = text(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16));
  EXPECT_TRUE(another_decoder_may_read(webp.data(), webp.size()));
  const Bytes unknown = text("not an image at all");
  EXPECT_TRUE(another_decoder_may_read(unknown.data(), unknown.size())) << "unknown to us";
  EXPECT_FALSE(another_decoder_may_read(nullptr, 0));
  Bytes extended = jpg;
  extended[sof + 1] = 0xC1;
  EXPECT_TRUE(decode(extended)) << "extended sequential (SOF1) is read like baseline";

  const auto psd = [](std::uint16_t channels, std::uint16_t mode) {
    Bytes b = {'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(channels)};
    put_be32(b, 1);  // height
    put_be32(b, 2);  // width
    b.insert(b.end(),
             {0, 8, 0, static_cast<std::uint8_t>(mode), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    b.insert(b.end(), std::size_t(2) * channels, 100);
    return b;
  };
  expect_refused(psd(1, 1), "it is a grayscale PSD, which FilterLens cannot decode");
  expect_refused(psd(4, 4), "it is a CMYK PSD");
  expect_refused(psd(1, 2), "it is an indexed-colour PSD");
  expect_refused(psd(3, 6), "the PSD header is damaged (colour mode 6)");
  expect_refused(psd(3, 200), "the PSD header is damaged (colour mode 200)");
  const Bytes gray_psd = psd(1, 1);
  EXPECT_FALSE(another_decoder_may_read(gray_psd.data(), gray_psd.size()))
      << "browsers read no PSD";
  expect_refused(psd(56, 3), "56 channels, more than FilterLens reads (16)");
  EXPECT_TRUE(decode(psd(3, 3)));  // the same file in RGB is read
}

TEST(DecodeHostile, PnmHeaderNumbersAreParsedBeforeStb) {
  // stb_image's PNM reader overflows an int on these (UBSan: signed integer overflow).
  expect_refused(text("P5 99999999999 99999999999 255\n"), "too large");
  expect_refused(text("P5\n4 4\n99999999999\n"), "too large");
  expect_refused(text("P6 4 4 70000\n" + std::string(96, 'x')), "maximum value of 70000");
  expect_refused(text("P5 4 4 255\n" + std::string(10, 'x')), "truncated");
  expect_refused(text("P2 4 4 255\n1 2 3"), "P2");
  auto ok = decode(text("P5 # a comment\n2 1\n# another\n255\n\x10\x20"));
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok.value().pixels, (Bytes{0x10, 0x20}));
}

TEST(DecodeHostile, TinyGifDeclaringAHugeCanvasIsRefused) {
  // 35 bytes claiming 7000 x 9000: 468e5ed decoded it for 71 s and 3.2 GB.
  Bytes gif = text("GIF89a");
  gif.insert(gif.end(), {0x58, 0x1B, 0x28, 0x23, 0x80, 0, 0, 0, 0, 0, 255,  255,  255, 0x2C, 0,
                         0,    0,    0,    1,    0,    1, 0, 0, 2, 2, 0x44, 0x01, 0,   0x3B});
  expect_refused(gif, "header is forged");
}

TEST(DecodeHostile, TinyPsdDeclaringAHugeImageIsRefused) {
  Bytes psd = {'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0, 0, 3};
  put_be32(psd, 6000);  // height: 36 MP, under the limit
  put_be32(psd, 6000);  // width
  psd.insert(psd.end(), {0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  psd.resize(140, 0x80);
  expect_refused(psd, "header is forged");
  Bytes many_channels = psd;
  many_channels[13] = 57;
  expect_refused(many_channels, "57 channels");
}

TEST(DecodeHostile, ProbeReportsTheDisplayedSize) {
  const Bytes png = png_file(5, 3, 8, 2, {}, Bytes(3 * 16, 7));
  auto p = probe_image(png.data(), png.size());
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p.value().width, 5);
  EXPECT_EQ(p.value().height, 3);
  EXPECT_EQ(p.value().channels, 3);
  EXPECT_EQ(p.value().format, "PNG");
}

}  // namespace
}  // namespace filterlens
