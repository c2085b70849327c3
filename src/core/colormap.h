// colormap: the one colour-map type of FilterLens and its rules, a float Plane -> 8-bit RGB. The
// PNG exports (app and CLI) use apply_colormap; the app's GPU pass (shaders/colormap.frag) is
// compiled with colormap_glsl_prelude() in front, which carries this enum's values and the same
// 8-bit quantisation, so a panel on screen and its exported PNG hold the same bytes.
//
//   gray       per-map min -> black, max -> white: matplotlib's imshow(cmap='gray') with its
//              default Normalize (256 levels, value index = floor(t * 256), 1.0 -> 255), byte
//              for byte as matplotlib's cm.gray(..., bytes=True) gives them
//   diverging  0 -> white, negative -> blue, positive -> red, scaled by the largest |value|
//   abs        |value| from 0 (black) to the largest |value| (white)
//   clamp      clamp(value, 0, 1) in gray: the values as an 8-bit image would store them
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "image.h"
#include "result.h"

namespace filterlens {

// The values are the shader's mode numbers (colormap_glsl_prelude() writes them out).
enum class Colormap { gray = 0, diverging = 1, abs = 2, clamp = 3 };
// Every colour map, in menu order.
inline constexpr std::array<Colormap, 4> kColormaps = {Colormap::gray, Colormap::diverging,
                                                       Colormap::abs, Colormap::clamp};

const char* colormap_name(Colormap c);   // "gray", "diverging", ... (CLI option values)
const char* colormap_label(Colormap c);  // what it does, for a menu: "auto (min..max, ...)"
Result<Colormap> parse_colormap(const std::string& name);

// What black/white (or blue/red) stand for. gray: lo..hi; the others use max(|lo|, |hi|).
struct ColorRange {
  float lo = 0.0f;
  float hi = 0.0f;
};
// The range a map's own values give (gray: min..max; diverging and abs: +-largest |value|).
ColorRange colormap_range(const Plane& plane, Colormap colormap);
// The same from a plane's known minimum and maximum (no pass over the data).
ColorRange colormap_range(float min, float max, Colormap colormap);

// The 8-bit level index (0-255) matplotlib's gray colormap gives `v` under Normalize(lo, hi).
int gray_level(float v, float lo, float hi);
// The byte matplotlib's gray table holds at a level index: level, or level - 1 for the 24 levels
// where int(level / 255 * 255) truncates down (its table is np.linspace(0, 1, 256)).
std::uint8_t gray_byte(int level);
// clamp(t, 0, 1) in 256 levels, rounded to nearest (diverging, abs and clamp).
std::uint8_t unit_byte(float t);

// One value's colour: the definition the export follows.
std::array<std::uint8_t, 3> colormap_rgb(float v, Colormap colormap, ColorRange range);

// RGB, 3 channels, same size as the plane, with the plane's own range or `range` (a shared
// scale across maps).
Image apply_colormap(const Plane& plane, Colormap colormap);
Image apply_colormap(const Plane& plane, Colormap colormap, ColorRange range);
// The same levels with one channel where the map is gray (every colour map but diverging): a
// third of the memory, and PNGs that decode to the same RGB. The CLI writes these.
Image apply_colormap_compact(const Plane& plane, Colormap colormap);

// GLSL source put between the #version line and shaders/colormap.frag: one `const int` per
// Colormap (COLORMAP_GRAY = 0, ...), gray_byte's table (FL_GRAY_BYTES) and the quantisation
// functions fl_gray(t) and fl_unit(t) the shader's modes use. Generated from this file's enum
// and tables when the shader is compiled, so the two cannot drift apart.
std::string colormap_glsl_prelude();

// The shader's per-value arithmetic in C++, operation for operation (shaders/colormap.frag's
// main() with the prelude's functions): for tests that the GPU's bytes are the export's.
std::array<std::uint8_t, 3> shader_colormap_rgb(float v, Colormap colormap, ColorRange range);

}  // namespace filterlens
