// The colour maps: matplotlib's gray levels, the other maps, and the GPU pass's prelude and
// arithmetic against the export's.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "colormap.h"

namespace filterlens {
namespace {

TEST(Colormap, GrayLevelsFollowMatplotlibBinning) {
  EXPECT_EQ(gray_level(0.0f, 0.0f, 1.0f), 0);
  EXPECT_EQ(gray_level(1.0f, 0.0f, 1.0f), 255);  // the top value lands in the last bin
  EXPECT_EQ(gray_level(0.5f, 0.0f, 1.0f), 128);  // floor(0.5 * 256)
  EXPECT_EQ(gray_level(0.499f, 0.0f, 1.0f), 127);
  EXPECT_EQ(gray_level(-3.0f, -4.0f, 4.0f), 32);  // t = 1/8
  EXPECT_EQ(gray_level(5.0f, 5.0f, 5.0f), 0);     // constant map: all black, like matplotlib
}

TEST(Colormap, GrayStretchesEachMapToFullRange) {
  Plane p(3, 1);
  p.data = {-2.0f, 0.0f, 6.0f};
  Image im = apply_colormap(p, Colormap::gray);
  ASSERT_EQ(im.channels, 3);
  EXPECT_EQ(im.pixels[0], 0);
  EXPECT_EQ(im.pixels[3], 64);  // t = 0.25: level 64, which matplotlib's table keeps as 64
  EXPECT_EQ(im.pixels[6], 255);
}

TEST(Colormap, DivergingIsWhiteAtZeroBlueBelowRedAbove) {
  Plane p(3, 1);
  p.data = {-2.0f, 0.0f, 2.0f};
  Image im = apply_colormap(p, Colormap::diverging);
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin(), im.pixels.begin() + 3),
            (std::vector<std::uint8_t>{0, 0, 255}));
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin() + 3, im.pixels.begin() + 6),
            (std::vector<std::uint8_t>{255, 255, 255}));
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin() + 6, im.pixels.end()),
            (std::vector<std::uint8_t>{255, 0, 0}));
  Image a = apply_colormap(p, Colormap::abs);
  EXPECT_EQ(a.pixels[0], 255);
  EXPECT_EQ(a.pixels[3], 0);
}

TEST(Colormap, NamesParse) {
  EXPECT_TRUE(parse_colormap("diverging"));
  EXPECT_FALSE(parse_colormap("viridis"));
}

}  // namespace
}  // namespace filterlens

namespace filterlens {
namespace {

TEST(Colormap, ClampAndSharedRange) {
  Plane p(3, 1);
  p.data = {-0.5f, 0.5f, 2.0f};
  Image c = apply_colormap(p, Colormap::clamp);
  EXPECT_EQ(c.pixels[0], 0);
  EXPECT_EQ(c.pixels[3], 128);
  EXPECT_EQ(c.pixels[6], 255);
  // A shared range wider than this map's own: 2.0 is no longer white.
  Image shared = apply_colormap(p, Colormap::gray, ColorRange{-0.5f, 4.5f});
  EXPECT_EQ(gray_level(2.0f, -0.5f, 4.5f), 128);  // t = 0.5
  EXPECT_EQ(shared.pixels[6], 128);               // matplotlib keeps level 128 as byte 128
}

}  // namespace
}  // namespace filterlens

// ---- The GPU pass and the export give the same bytes --------------------------------------------

namespace filterlens {
namespace {

// The prelude's `const int COLORMAP_<NAME> = <n>;` lines and FL_GRAY_BYTES table, parsed back.
int glsl_constant(const std::string& glsl, const std::string& name) {
  const std::string key = "const int " + name + " = ";
  const std::size_t at = glsl.find(key);
  if (at == std::string::npos) return -1;
  return std::stoi(glsl.substr(at + key.size()));
}

std::vector<int> glsl_gray_table(const std::string& glsl) {
  const std::string key = "FL_GRAY_BYTES[256] = int[256](";
  std::size_t at = glsl.find(key);
  std::vector<int> out;
  if (at == std::string::npos) return out;
  at += key.size();
  const std::size_t end = glsl.find(')', at);
  std::string list = glsl.substr(at, end - at);
  for (char& c : list)
    if (c == ',' || c == '\n') c = ' ';
  std::istringstream in(list);
  for (int v; in >> v;) out.push_back(v);
  return out;
}

TEST(ColormapGpu, PreludeCarriesTheEnumAndMatplotlibsTable) {
  const std::string glsl = colormap_glsl_prelude();
  EXPECT_EQ(glsl_constant(glsl, "COLORMAP_GRAY"), static_cast<int>(Colormap::gray));
  EXPECT_EQ(glsl_constant(glsl, "COLORMAP_DIVERGING"), static_cast<int>(Colormap::diverging));
  EXPECT_EQ(glsl_constant(glsl, "COLORMAP_ABS"), static_cast<int>(Colormap::abs));
  EXPECT_EQ(glsl_constant(glsl, "COLORMAP_CLAMP"), static_cast<int>(Colormap::clamp));
  const std::vector<int> table = glsl_gray_table(glsl);
  ASSERT_EQ(table.size(), 256u);
  int below = 0;
  for (int level = 0; level < 256; ++level) {
    EXPECT_EQ(table[static_cast<std::size_t>(level)], gray_byte(level)) << level;
    // matplotlib: int(level * (1 / 255) * 255) in double.
    EXPECT_EQ(gray_byte(level), static_cast<int>(level * (1.0 / 255.0) * 255.0)) << level;
    below += gray_byte(level) != level;
  }
  // The levels where floor(t * 256) / 255 on the GPU (the old shader) differed from the export.
  EXPECT_EQ(below, 24);
}

TEST(ColormapGpu, ShaderBytesEqualTheExportForEveryLevel) {
  // One value in the middle of each of the 256 gray bins, and each bin's edges.
  Plane p(256 * 3, 1);
  for (int level = 0; level < 256; ++level) {
    const float edge = level / 256.0f;
    p.data[static_cast<std::size_t>(level) * 3] = edge;
    p.data[static_cast<std::size_t>(level) * 3 + 1] = (level + 0.5f) / 256.0f;
    p.data[static_cast<std::size_t>(level) * 3 + 2] = std::nextafter(edge, -1.0f);
  }
  const ColorRange range{0.0f, 1.0f};
  const Image exported = apply_colormap(p, Colormap::gray, range);
  for (std::size_t i = 0; i < p.data.size(); ++i) {
    const auto gpu = shader_colormap_rgb(p.data[i], Colormap::gray, range);
    ASSERT_EQ(gpu[0], exported.pixels[i * 3]) << "value " << p.data[i];
  }
  // The middle of bin L shows matplotlib's byte for L.
  for (int level = 0; level < 256; ++level)
    EXPECT_EQ(exported.pixels[(static_cast<std::size_t>(level) * 3 + 1) * 3], gray_byte(level));
}

TEST(ColormapGpu, ShaderBytesEqualTheExportForManyValuesAndRanges) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> any(-3.0f, 3.0f);
  const ColorRange ranges[] = {{0.0f, 1.0f}, {-2.5f, 1.75f}, {-0.3f, 0.3f},
                               {1.0f, 1.0f}, {0.0f, 0.0f},   {-1e-6f, 3e-6f}};
  for (const ColorRange& r : ranges) {
    std::vector<float> values = {r.lo, r.hi, 0.0f, -0.0f, 0.5f, 1.0f, -1.0f};
    for (int i = 0; i < 20000; ++i) values.push_back(any(rng) * std::max(1e-5f, r.hi - r.lo));
    // The edges of the 255 rounding steps and 256 gray bins, and their neighbours.
    for (int k = 0; k <= 512; ++k) {
      const float t = k / 510.0f, u = k / 512.0f;
      for (float x : {t, u})
        for (float v : {r.lo + x * (r.hi - r.lo), x, -x}) {
          values.push_back(v);
          values.push_back(std::nextafter(v, 10.0f));
          values.push_back(std::nextafter(v, -10.0f));
        }
    }
    for (Colormap c : kColormaps)
      for (float v : values) {
        const auto gpu = shader_colormap_rgb(v, c, r);
        const auto cpu = colormap_rgb(v, c, r);
        ASSERT_EQ(gpu, cpu) << colormap_name(c) << " v=" << v << " range " << r.lo << ".." << r.hi;
      }
  }
}

}  // namespace
}  // namespace filterlens

namespace filterlens {
namespace {

TEST(ColormapCompact, OneChannelWithTheSameLevelsWhereTheMapIsGray) {
  Plane p(7, 3);
  for (std::size_t i = 0; i < p.data.size(); ++i) p.data[i] = float(i) * 0.37f - 2.0f;
  for (Colormap c : {Colormap::gray, Colormap::abs, Colormap::clamp, Colormap::diverging}) {
    const Image full = apply_colormap(p, c);
    const Image compact = apply_colormap_compact(p, c);
    if (c == Colormap::diverging) {
      EXPECT_EQ(compact.pixels, full.pixels);
      continue;
    }
    ASSERT_EQ(compact.channels, 1);
    for (std::size_t i = 0; i < p.data.size(); ++i)
      for (int k = 0; k < 3; ++k) ASSERT_EQ(compact.pixels[i], full.pixels[i * 3 + k]) << i;
  }
}

}  // namespace
}  // namespace filterlens
