// CPU colour mapping for exports; must agree with shaders/colormap.frag.
#include "colormap.h"

#include <algorithm>
#include <cmath>

namespace filterlens {

const char* colormap_name(Colormap c) {
  switch (c) {
    case Colormap::gray:
      return "gray";
    case Colormap::diverging:
      return "diverging";
    case Colormap::abs:
      return "abs";
    case Colormap::clamp:
      return "clamp";
  }
  return "?";
}

Result<Colormap> parse_colormap(const std::string& name) {
  for (Colormap c : {Colormap::gray, Colormap::diverging, Colormap::abs, Colormap::clamp}) {
    if (name == colormap_name(c)) return Result<Colormap>::ok(c);
  }
  return Result<Colormap>::fail("unknown colormap '" + name +
                                "' (use gray, diverging, abs or clamp)");
}

int gray_level(float v, float lo, float hi) {
  // matplotlib: Normalize in float32 for float32 data (a constant map normalises to 0), then
  // Colormap.__call__: x * N, x == N -> N - 1, clip, truncate to int.
  if (!(hi > lo)) return 0;
  const float t = (v - lo) / (hi - lo);
  const float scaled = t * 256.0f;
  if (scaled >= 256.0f) return 255;
  if (scaled < 0.0f) return 0;
  return static_cast<int>(scaled);
}

namespace {

// matplotlib's gray lookup table as bytes: entry i is int((i * (1 / 255)) * 255) in double (its
// table holds np.linspace(0, 1, 256) and bytes=True truncates), which is i - 1 for 24 entries.
std::uint8_t matplotlib_gray_byte(int level) {
  if (level >= 255) return 255;
  return static_cast<std::uint8_t>(static_cast<int>(level * (1.0 / 255.0) * 255.0));
}

}  // namespace

ColorRange colormap_range(float min, float max, Colormap colormap) {
  if (colormap == Colormap::gray) return {min, max};
  const float amax = std::max(std::fabs(min), std::fabs(max));
  return {-amax, amax};
}

ColorRange colormap_range(const Plane& plane, Colormap colormap) {
  if (plane.data.empty()) return {};
  const auto [mn, mx] = std::minmax_element(plane.data.begin(), plane.data.end());
  return colormap_range(*mn, *mx, colormap);
}

Image apply_colormap(const Plane& plane, Colormap colormap) {
  return apply_colormap(plane, colormap, colormap_range(plane, colormap));
}

Image apply_colormap(const Plane& plane, Colormap colormap, ColorRange range) {
  Image out{plane.width, plane.height, 3, {}};
  out.pixels.resize(plane.data.size() * 3);
  const float lo = range.lo, hi = range.hi;
  const float amax = std::max(std::fabs(lo), std::fabs(hi));
  auto unit = [](float t) {
    return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
  };
  std::uint8_t* px = out.pixels.data();
  for (float v : plane.data) {
    std::uint8_t r, g, b;
    if (colormap == Colormap::gray) {
      r = g = b = matplotlib_gray_byte(gray_level(v, lo, hi));
    } else if (colormap == Colormap::abs) {
      r = g = b = amax > 0.0f ? unit(std::fabs(v) / amax) : 0;
    } else if (colormap == Colormap::clamp) {
      r = g = b = unit(v);
    } else {
      const float t = amax > 0.0f ? v / amax : 0.0f;  // -1 .. 1
      const float fade = 1.0f - std::fabs(t);
      r = t < 0 ? unit(fade) : 255;  // white at 0, towards blue (negative) or red (positive)
      g = unit(fade);
      b = t > 0 ? unit(fade) : 255;
    }
    *px++ = r;
    *px++ = g;
    *px++ = b;
  }
  return out;
}

}  // namespace filterlens
