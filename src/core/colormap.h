// colormap: a float Plane -> 8-bit RGB pixels for PNG export (the app's shaders in shaders/
// compute the same mappings on the GPU).
//
//   gray       per-map min -> black, max -> white: matplotlib's imshow(cmap='gray') with its
//              default Normalize (256 levels, value index = floor(t * 256), 1.0 -> 255), byte
//              for byte as matplotlib's cm.gray(..., bytes=True) gives them
//   diverging  0 -> white, negative -> blue, positive -> red, scaled by the largest |value|
//   abs        |value| from 0 (black) to the largest |value| (white)
//   clamp      clamp(value, 0, 1) in gray: the values as an 8-bit image would store them
#pragma once

#include <string>

#include "image.h"
#include "result.h"

namespace filterlens {

enum class Colormap { gray, diverging, abs, clamp };

const char* colormap_name(Colormap c);
Result<Colormap> parse_colormap(const std::string& name);

// The 8-bit level (0-255) matplotlib's gray colormap gives `v` under Normalize(lo, hi).
int gray_level(float v, float lo, float hi);

// RGB, 3 channels, same size as the plane. The range (gray: min..max; diverging and abs: the
// largest |value|) comes from the plane itself, or from `range` when given (shared scaling).
struct ColorRange {
  float lo = 0.0f;
  float hi = 0.0f;
};
ColorRange colormap_range(const Plane& plane, Colormap colormap);
// The same from a plane's known minimum and maximum (no pass over the data).
ColorRange colormap_range(float min, float max, Colormap colormap);
Image apply_colormap(const Plane& plane, Colormap colormap);
Image apply_colormap(const Plane& plane, Colormap colormap, ColorRange range);

}  // namespace filterlens
