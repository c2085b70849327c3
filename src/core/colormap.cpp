// Colour mapping for the exports, and the GLSL prelude that gives the GPU pass the same enum
// values and the same 8-bit quantisation (shaders/colormap.frag).
#include "colormap.h"

#include <algorithm>
#include <cctype>
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

const char* colormap_label(Colormap c) {
  switch (c) {
    case Colormap::gray:
      return "auto (min..max, like imshow)";
    case Colormap::diverging:
      return "diverging (0 = white)";
    case Colormap::abs:
      return "abs (|value|)";
    case Colormap::clamp:
      return "clamp 0..1";
  }
  return "?";
}

Result<Colormap> parse_colormap(const std::string& name) {
  for (Colormap c : kColormaps) {
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
  if (!(scaled >= 0.0f)) return 0;  // also NaN, which has no level
  return static_cast<int>(scaled);
}

std::uint8_t gray_byte(int level) {
  // matplotlib's gray lookup table as bytes: entry i is int((i * (1 / 255)) * 255) in double (its
  // table holds np.linspace(0, 1, 256) and bytes=True truncates), which is i - 1 for 24 entries.
  if (level <= 0) return 0;
  if (level >= 255) return 255;
  return static_cast<std::uint8_t>(static_cast<int>(level * (1.0 / 255.0) * 255.0));
}

std::uint8_t unit_byte(float t) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f));
}

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

std::array<std::uint8_t, 3> colormap_rgb(float v, Colormap colormap, ColorRange range) {
  const float amax = std::max(std::fabs(range.lo), std::fabs(range.hi));
  switch (colormap) {
    case Colormap::gray: {
      const std::uint8_t g = gray_byte(gray_level(v, range.lo, range.hi));
      return {g, g, g};
    }
    case Colormap::abs: {
      const std::uint8_t g = amax > 0.0f ? unit_byte(std::fabs(v) / amax) : 0;
      return {g, g, g};
    }
    case Colormap::clamp: {
      const std::uint8_t g = unit_byte(v);
      return {g, g, g};
    }
    case Colormap::diverging:
      break;
  }
  const float t = amax > 0.0f ? v / amax : 0.0f;  // -1 .. 1
  const std::uint8_t fade = unit_byte(1.0f - std::fabs(t));
  // White at 0, towards blue (negative) or red (positive).
  return {t < 0 ? fade : std::uint8_t{255}, fade, t > 0 ? fade : std::uint8_t{255}};
}

Image apply_colormap(const Plane& plane, Colormap colormap) {
  return apply_colormap(plane, colormap, colormap_range(plane, colormap));
}

Image apply_colormap(const Plane& plane, Colormap colormap, ColorRange range) {
  Image out{plane.width, plane.height, 3, {}};
  out.pixels.resize(plane.data.size() * 3);
  std::uint8_t* px = out.pixels.data();
  for (float v : plane.data) {
    const std::array<std::uint8_t, 3> rgb = colormap_rgb(v, colormap, range);
    *px++ = rgb[0];
    *px++ = rgb[1];
    *px++ = rgb[2];
  }
  return out;
}

Image apply_colormap_compact(const Plane& plane, Colormap colormap) {
  if (colormap == Colormap::diverging) return apply_colormap(plane, colormap);
  const ColorRange range = colormap_range(plane, colormap);
  Image out{plane.width, plane.height, 1, {}};
  out.pixels.resize(plane.data.size());
  std::uint8_t* px = out.pixels.data();
  for (float v : plane.data) *px++ = colormap_rgb(v, colormap, range)[0];  // r == g == b
  return out;
}

// ---- The GPU's side -----------------------------------------------------------------------------
// Each GLSL function below has its C++ twin right after it; shaders/colormap.frag's main() is
// mirrored by shader_colormap_rgb. The GPU writes byte / 255.0 into an RGBA8 texture, which GL
// converts back to exactly that byte (nearest of the 256 levels).

namespace {

const char* const kGlslGray =
    R"(// matplotlib's level index floor(t * 256), clamped to 0..255, then its table's byte.
float fl_gray(float t) {
  int level = int(clamp(floor(t * 256.0), 0.0, 255.0));
  return float(FL_GRAY_BYTES[level]) / 255.0;
}
)";

std::uint8_t shader_gray(float t) {
  const float level = std::clamp(std::floor(t * 256.0f), 0.0f, 255.0f);
  return gray_byte(static_cast<int>(level));
}

const char* const kGlslUnit =
    R"(// clamp(t, 0, 1) * 255 rounded to nearest, halves up (std::lround on the CPU).
float fl_unit(float t) {
  float y = clamp(t, 0.0, 1.0) * 255.0;
  float f = floor(y);
  return (f + (y - f >= 0.5 ? 1.0 : 0.0)) / 255.0;
}
)";

std::uint8_t shader_unit(float t) {
  const float y = std::clamp(t, 0.0f, 1.0f) * 255.0f;
  const float f = std::floor(y);
  return static_cast<std::uint8_t>(f + (y - f >= 0.5f ? 1.0f : 0.0f));
}

}  // namespace

std::string colormap_glsl_prelude() {
  std::string s = "// Generated by colormap_glsl_prelude() (src/core/colormap.cpp).\n";
  for (Colormap c : kColormaps) {
    std::string name = colormap_name(c);
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    s += "const int COLORMAP_" + name + " = " + std::to_string(static_cast<int>(c)) + ";\n";
  }
  s += "const int FL_GRAY_BYTES[256] = int[256](";
  for (int level = 0; level < 256; ++level) {
    s += (level ? (level % 16 ? ", " : ",\n    ") : "") + std::to_string(gray_byte(level));
  }
  s += ");\n";
  s += kGlslGray;
  s += kGlslUnit;
  return s;
}

std::array<std::uint8_t, 3> shader_colormap_rgb(float v, Colormap colormap, ColorRange range) {
  const float lo = range.lo, hi = range.hi;
  if (colormap == Colormap::gray) {
    const float t = hi > lo ? (v - lo) / (hi - lo) : 0.0f;
    const std::uint8_t g = shader_gray(t);
    return {g, g, g};
  }
  const float amax = std::max(std::fabs(lo), std::fabs(hi));
  if (colormap == Colormap::diverging) {
    const float t = amax > 0.0f ? v / amax : 0.0f;
    const std::uint8_t fade = shader_unit(1.0f - std::fabs(t));
    return {t < 0.0f ? fade : std::uint8_t{255}, fade, t > 0.0f ? fade : std::uint8_t{255}};
  }
  if (colormap == Colormap::abs) {
    const std::uint8_t g = amax > 0.0f ? shader_unit(std::fabs(v) / amax) : 0;
    return {g, g, g};
  }
  const std::uint8_t g = shader_unit(v);
  return {g, g, g};
}

}  // namespace filterlens
