// compose_figure: panel scaling, layout and title text.
#include "figure.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>

namespace filterlens {
namespace {

constexpr int kMargin = 16;
constexpr int kTitleHeight = 34;
constexpr float kFontPixels = 22.0f;
constexpr int kMaxAspect = 4;

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

// Draws `text` centred on column cx with its baseline at y, black on white.
void draw_text(const stbtt_fontinfo& font, const std::string& text, Image& dst, int cx, int y) {
  const float scale = stbtt_ScaleForPixelHeight(&font, kFontPixels);
  int width = 0;
  for (char ch : text) {
    int advance = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&font, ch, &advance, &lsb);
    width += static_cast<int>(std::lround(advance * scale));
  }
  int pen = cx - width / 2;
  for (char ch : text) {
    int advance = 0, lsb = 0, gw = 0, gh = 0, xoff = 0, yoff = 0;
    stbtt_GetCodepointHMetrics(&font, ch, &advance, &lsb);
    unsigned char* glyph = stbtt_GetCodepointBitmap(&font, 0, scale, ch, &gw, &gh, &xoff, &yoff);
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
    pen += static_cast<int>(std::lround(advance * scale));
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
  std::vector<int> widths, heights;
  int total_w = kMargin;
  for (const FigurePanel& p : panels) {
    const auto [w, h] = panel_size(p.pixels, panel_height);
    widths.push_back(w);
    heights.push_back(h);
    total_w += w + kMargin;
  }
  Image fig{total_w, kMargin + kTitleHeight + panel_height + kMargin, 3, {}};
  fig.pixels.assign(static_cast<std::size_t>(fig.width) * fig.height * 3, 255);

  stbtt_fontinfo font;
  const bool have_font =
      !font_bytes.empty() &&
      stbtt_InitFont(&font, font_bytes.data(), stbtt_GetFontOffsetForIndex(font_bytes.data(), 0));
  int x = kMargin;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    if (!panels[i].pixels.empty())
      blit_scaled(panels[i].pixels, fig, x,
                  kMargin + kTitleHeight + (panel_height - heights[i]) / 2, widths[i], heights[i]);
    if (have_font)
      draw_text(font, panels[i].title, fig, x + widths[i] / 2, kMargin + kTitleHeight - 10);
    x += widths[i] + kMargin;
  }
  return fig;
}

const char* filter_scale_name(FilterScale scale) {
  return scale == FilterScale::symmetric ? "symmetric" : "min_max";
}

Image filter_tiles(const std::vector<Kernel>&, FilterScale, int) {
  return {};  // work in progress
}

}  // namespace filterlens
