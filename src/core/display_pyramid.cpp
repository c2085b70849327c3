// The display levels' reductions (display_pyramid.h). Plain loops: a level is a quarter of the
// pixels of the one before, built once per map and level, not per frame.
#include "display_pyramid.h"

#include <algorithm>
#include <cmath>

namespace filterlens {

const char* reduction_name(Reduction r) {
  return r == Reduction::mean ? "mean" : "extreme";
}

Plane halve(const Plane& plane, Reduction reduction, float centre) {
  if (plane.empty()) return Plane();
  const int w = (plane.width + 1) / 2, h = (plane.height + 1) / 2;
  Plane out(w, h);
  for (int y = 0; y < h; ++y) {
    const int y0 = 2 * y, y1 = std::min(plane.height, y0 + 2);
    float* o = out.row(y);
    for (int x = 0; x < w; ++x) {
      const int x0 = 2 * x, x1 = std::min(plane.width, x0 + 2);
      if (reduction == Reduction::mean) {
        float sum = 0.0f;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) sum += plane.at(xx, yy);
        o[x] = sum / static_cast<float>((y1 - y0) * (x1 - x0));
      } else {
        float best = plane.at(x0, y0);
        float best_distance = std::fabs(best - centre);
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) {
            const float v = plane.at(xx, yy);
            const float distance = std::fabs(v - centre);
            // `>` is false for NaN on either side: a NaN never displaces a number; a number
            // displaces a NaN first found.
            if (distance > best_distance || (std::isnan(best_distance) && !std::isnan(distance))) {
              best = v;
              best_distance = distance;
            }
          }
        o[x] = best;
      }
    }
  }
  return out;
}

Image halve(const Image& image) {
  if (image.empty()) return Image();
  const int c = image.channels;
  Image out{(image.width + 1) / 2, (image.height + 1) / 2, c, {}};
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * c);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = 2 * y, y1 = std::min(image.height, y0 + 2);
    for (int x = 0; x < out.width; ++x) {
      const int x0 = 2 * x, x1 = std::min(image.width, x0 + 2);
      const int n = (y1 - y0) * (x1 - x0);
      for (int k = 0; k < c; ++k) {
        int sum = 0;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx)
            sum += image.pixels[(static_cast<std::size_t>(yy) * image.width + xx) * c + k];
        out.pixels[(static_cast<std::size_t>(y) * out.width + x) * c + k] =
            static_cast<std::uint8_t>((2 * sum + n) / (2 * n));
      }
    }
  }
  return out;
}

int display_level(double image_width, double screen_width) {
  if (!(image_width > 0.0) || !(screen_width >= 1.0)) return 0;
  int level = 0;
  while (level < 30 && image_width / std::ldexp(1.0, level + 1) >= screen_width) ++level;
  return level;
}

}  // namespace filterlens
