// compose_figure: panel scaling, layout and title text.
#include "figure.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>

#include "text.h"

namespace filterlens {
namespace {

constexpr int kMargin = 16;
constexpr int kTitleHeight = 34;
constexpr float kFontPixels = 22.0f;
constexpr int kMaxAspect = 4;
constexpr std::uint8_t kTileBackground = 40;

// Source indices in 64-bit: a 1 x 64M image's height times a 320-pixel panel overflows an int.
void blit_scaled(const Image& src, Image& dst, int x0, int y0, int w, int h) {
  for (int y = 0; y < h; ++y) {
    const auto sy = std::min<std::int64_t>(src.height - 1, std::int64_t(y) * src.height / h);
    for (int x = 0; x < w; ++x) {
      const auto sx = std::min<std::int64_t>(src.width - 1, std::int64_t(x) * src.width / w);
      const std::uint8_t* s =
          &src.pixels[(static_cast<std::size_t>(sy) * src.width + sx) * src.channels];
      std::uint8_t* d = &dst.pixels[(static_cast<std::size_t>(y0 + y) * dst.width + x0 + x) * 3];
      for (int c = 0; c < 3; ++c) d[c] = src.channels >= 3 ? s[c] : s[0];
    }
  }
}

// The glyphs of UTF-8 `text` in `font`: a byte that starts no valid sequence is U+FFFD, and a
// character the font lacks is drawn as U+25A1 (WHITE SQUARE) when the font has it, as the UI does
// (scripts/make_ui_font.py), so a title keeps one mark per character.
std::vector<int> glyphs_of(const stbtt_fontinfo& font, const std::string& text) {
  const int fallback = stbtt_FindGlyphIndex(&font, 0x25A1);
  std::vector<int> glyphs;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (cp >= 0x80) {
      const std::size_t n = utf8_sequence(text, i, cp);
      if (n > 0)
        length = n;
      else
        cp = 0xFFFD;
    }
    const int glyph = stbtt_FindGlyphIndex(&font, static_cast<int>(cp));
    glyphs.push_back(glyph != 0 ? glyph : fallback);
    i += length;
  }
  return glyphs;
}

int advance_of(const stbtt_fontinfo& font, int glyph, float scale) {
  int advance = 0, lsb = 0;
  stbtt_GetGlyphHMetrics(&font, glyph, &advance, &lsb);
  return static_cast<int>(std::lround(advance * scale));
}

int text_width(const stbtt_fontinfo& font, const std::string& text) {
  const float scale = stbtt_ScaleForPixelHeight(&font, kFontPixels);
  int width = 0;
  for (int glyph : glyphs_of(font, text)) width += advance_of(font, glyph, scale);
  return width;
}

// Draws `text` centred on column cx with its baseline at y, black on white.
void draw_text(const stbtt_fontinfo& font, const std::string& text, Image& dst, int cx, int y) {
  const float scale = stbtt_ScaleForPixelHeight(&font, kFontPixels);
  int pen = cx - text_width(font, text) / 2;
  for (int g : glyphs_of(font, text)) {
    int gw = 0, gh = 0, xoff = 0, yoff = 0;
    unsigned char* glyph = stbtt_GetGlyphBitmap(&font, 0, scale, g, &gw, &gh, &xoff, &yoff);
    for (int gy = 0; gy < gh; ++gy) {
      for (int gx = 0; gx < gw; ++gx) {
        const int px = pen + xoff + gx, py = y + yoff + gy;
        if (px < 0 || py < 0 || px >= dst.width || py >= dst.height) continue;
        const int coverage = glyph[gy * gw + gx];
        std::uint8_t* d = &dst.pixels[(static_cast<std::size_t>(py) * dst.width + px) * 3];
        for (int c = 0; c < 3; ++c) d[c] = static_cast<std::uint8_t>(d[c] * (255 - coverage) / 255);
      }
    }
    stbtt_FreeBitmap(glyph, nullptr);
    pen += advance_of(font, g, scale);
  }
}

// Each panel fits a box panel_height tall and at most kMaxAspect times as wide, keeping its
// aspect: a 3000 x 1 image becomes a thin strip across the box, not a 960,000-pixel-wide panel.
// An image already at its panel size maps to itself (shrink_for_figure relies on it).
std::pair<int, int> panel_size(const Image& im, int panel_height) {
  const double aspect = double(std::max(1, im.width)) / std::max(1, im.height);
  const int w = static_cast<int>(
      std::clamp<double>(std::lround(aspect * panel_height), 1, kMaxAspect * panel_height));
  const int h = static_cast<int>(std::clamp<double>(std::lround(w / aspect), 1, panel_height));
  return {w, h};
}

}  // namespace

Image shrink_for_figure(const Image& im, int panel_height) {
  const auto [w, h] = panel_size(im, panel_height);
  if (im.empty() || (w >= im.width && h >= im.height)) return im;
  Image out{w, h, im.channels, {}};
  out.pixels.resize(std::size_t(w) * h * im.channels);
  for (int y = 0; y < h; ++y) {
    const auto sy = std::min<std::int64_t>(im.height - 1, std::int64_t(y) * im.height / h);
    for (int x = 0; x < w; ++x) {
      const auto sx = std::min<std::int64_t>(im.width - 1, std::int64_t(x) * im.width / w);
      std::memcpy(&out.pixels[(std::size_t(y) * w + x) * im.channels],
                  &im.pixels[(std::size_t(sy) * im.width + sx) * im.channels], im.channels);
    }
  }
  return out;
}

Image compose_figure(const std::vector<FigurePanel>& panels,
                     const std::vector<unsigned char>& font_bytes, int panel_height) {
  // One row, as the notebook's plot, up to kMaxFigureRow panels; more (a model's 64 filters)
  // wrap into an about square grid of columns as wide as their widest panel.
  const int n = static_cast<int>(panels.size());
  int cols = n;
  if (n > kMaxFigureRow) {
    cols = 1;
    while (cols * cols < n) ++cols;
  }
  const int rows = cols > 0 ? (n + cols - 1) / cols : 0;
  std::vector<int> widths, heights, col_w(static_cast<std::size_t>(std::max(cols, 1)), 0);
  for (int i = 0; i < n; ++i) {
    const auto [w, h] = panel_size(panels[static_cast<std::size_t>(i)].pixels, panel_height);
    widths.push_back(w);
    heights.push_back(h);
    int& c = col_w[static_cast<std::size_t>(i % std::max(cols, 1))];
    c = std::max(c, w);
  }
  int total_w = kMargin;
  for (int w : col_w) total_w += w + kMargin;
  const int row_h = kTitleHeight + panel_height + kMargin;
  Image fig{total_w, kMargin + std::max(rows, 1) * row_h, 3, {}};
  fig.pixels.assign(static_cast<std::size_t>(fig.width) * fig.height * 3, 255);

  stbtt_fontinfo font;
  const bool have_font =
      !font_bytes.empty() &&
      stbtt_InitFont(&font, font_bytes.data(), stbtt_GetFontOffsetForIndex(font_bytes.data(), 0));
  int x = kMargin;
  for (int i = 0; i < n; ++i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const int col = i % cols, top = kMargin + (i / cols) * row_h;
    if (col == 0) x = kMargin;
    const int cx = x + (col_w[static_cast<std::size_t>(col)] - widths[k]) / 2;
    if (!panels[k].pixels.empty())
      blit_scaled(panels[k].pixels, fig, cx, top + kTitleHeight + (panel_height - heights[k]) / 2,
                  widths[k], heights[k]);
    if (have_font)  // as wide as its column and the gap after it
      draw_text(
          font,
          fit_text_middle(
              panels[k].title,
              static_cast<float>(col_w[static_cast<std::size_t>(col)] + kMargin - 4),
              [&](const std::string& t) { return static_cast<float>(text_width(font, t)); }, "..."),
          fig, cx + widths[k] / 2, top + kTitleHeight - 10);
    x += col_w[static_cast<std::size_t>(col)] + kMargin;
  }
  return fig;
}

const char* filter_scale_name(FilterScale scale) {
  return scale == FilterScale::symmetric ? "symmetric" : "min_max";
}

Image filter_tiles(const std::vector<Kernel>& filters, FilterScale scale, int cell) {
  if (filters.empty()) return {};
  int kh = 1, kw = 1;
  for (const Kernel& k : filters) {
    kh = std::max(kh, k.height);
    kw = std::max(kw, k.width);
  }
  // About 48 pixels a tile by default, each weight at least 3 pixels: big enough to read a 3x3.
  if (cell <= 0) cell = std::max(3, 48 / std::max(kh, kw));
  cell = std::min(cell, 64);
  const int n = static_cast<int>(filters.size());
  int cols = 1;
  while (cols * cols < n) ++cols;
  const int rows = (n + cols - 1) / cols;
  const int gap = std::max(2, cell / 2);
  const int tile_w = kw * cell, tile_h = kh * cell;
  Image out{gap + cols * (tile_w + gap), gap + rows * (tile_h + gap), 3, {}};
  out.pixels.assign(static_cast<std::size_t>(out.width) * out.height * 3, kTileBackground);
  for (int i = 0; i < n; ++i) {
    const Kernel& k = filters[static_cast<std::size_t>(i)];
    const std::size_t plane = static_cast<std::size_t>(k.width) * k.height;
    if (plane == 0 || k.channels < 1 || k.weights.size() < plane * k.channels) continue;
    float lo = k.weights[0], hi = k.weights[0];
    for (float v : k.weights) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const float amax = std::max(std::fabs(lo), std::fabs(hi));
    auto level = [&](float v) -> std::uint8_t {
      float t;
      if (scale == FilterScale::symmetric) {
        t = amax > 0.0f ? 0.5f + 0.5f * v / amax : 0.5f;
      } else {
        t = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
      }
      return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
    };
    // Smaller filters sit centred in the tile of the largest.
    const int x0 = gap + (i % cols) * (tile_w + gap) + (kw - k.width) * cell / 2;
    const int y0 = gap + (i / cols) * (tile_h + gap) + (kh - k.height) * cell / 2;
    for (int ky = 0; ky < k.height; ++ky) {
      for (int kx = 0; kx < k.width; ++kx) {
        std::uint8_t rgb[3];
        for (int c = 0; c < 3; ++c) rgb[c] = level(k.at(kx, ky, k.channels == 3 ? c : 0));
        for (int y = 0; y < cell; ++y) {
          std::uint8_t* d = &out.pixels[(static_cast<std::size_t>(y0 + ky * cell + y) * out.width +
                                         x0 + kx * cell) *
                                        3];
          for (int x = 0; x < cell; ++x, d += 3) std::memcpy(d, rgb, 3);
        }
      }
    }
  }
  return out;
}

}  // namespace filterlens
