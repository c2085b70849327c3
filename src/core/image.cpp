// Colour to gray (PIL's integer luma) and PIL-compatible antialiased resampling.
#include "image.h"

#include <algorithm>
#include <cmath>

namespace filterlens {
namespace {

// PIL's ImagingConvert RGB -> L: 601-2 luma weights in 16-bit fixed point, rounded.
inline std::uint8_t pil_luma(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return static_cast<std::uint8_t>((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
}

template <class Store>
void for_each_luma(const Image& image, Store store) {
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const std::uint8_t* p = image.pixels.data();
  const int c = image.channels;
  if (c >= 3) {
    for (std::size_t i = 0; i < n; ++i, p += c) store(i, pil_luma(p[0], p[1], p[2]));
  } else {
    for (std::size_t i = 0; i < n; ++i, p += c) store(i, p[0]);
  }
}

// One row of PIL's precompute_coeffs: the input span [first, first + count) and its weights.
struct Taps {
  int first = 0;
  int count = 0;
  std::vector<double> weights;
};

std::vector<Taps> bilinear_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;  // the triangle filter's support is 1
  std::vector<Taps> taps(static_cast<std::size_t>(out_size));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    // PIL truncates toward zero here (a C cast), not floor.
    int xmin = static_cast<int>(center - support + 0.5);
    int xmax = static_cast<int>(center + support + 0.5);
    xmin = std::max(xmin, 0);
    xmax = std::min(xmax, in_size) - xmin;
    Taps& t = taps[static_cast<std::size_t>(xx)];
    t.first = xmin;
    t.count = xmax;
    t.weights.resize(static_cast<std::size_t>(std::max(xmax, 0)));
    double total = 0.0;
    for (int x = 0; x < xmax; ++x) {
      const double d = std::fabs((x + xmin - center + 0.5) / filter_scale);
      const double w = d < 1.0 ? 1.0 - d : 0.0;
      t.weights[static_cast<std::size_t>(x)] = w;
      total += w;
    }
    if (total != 0.0) {
      for (double& w : t.weights) w /= total;
    }
  }
  return taps;
}

}  // namespace

Plane to_gray(const Image& image) {
  Plane out;
  to_gray(image, out);
  return out;
}

void to_gray(const Image& image, Plane& out) {
  out.width = image.width;
  out.height = image.height;
  out.data.resize(static_cast<std::size_t>(image.width) * image.height);
  for_each_luma(image, [&](std::size_t i, std::uint8_t l) { out.data[i] = l / 255.0f; });
}

RgbPlanes to_rgb_planes(const Image& image) {
  RgbPlanes out{Plane(image.width, image.height), Plane(image.width, image.height),
                Plane(image.width, image.height)};
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int ch = image.channels;
  if (ch < 1 || ch > 4 || image.pixels.size() < n * static_cast<std::size_t>(ch)) return {};
  const std::uint8_t* p = image.pixels.data();
  // Gray and gray+alpha: PIL's L -> RGB copies the value to all three; alpha is dropped.
  const int g = ch >= 3 ? 1 : 0, b = ch >= 3 ? 2 : 0;
  for (std::size_t i = 0; i < n; ++i, p += ch) {
    out.r.data[i] = p[0] / 255.0f;
    out.g.data[i] = p[g] / 255.0f;
    out.b.data[i] = p[b] / 255.0f;
  }
  return out;
}

Image to_gray_u8(const Image& image) {
  Image out{image.width, image.height, 1, {}};
  out.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
  for_each_luma(image, [&](std::size_t i, std::uint8_t l) { out.pixels[i] = l; });
  return out;
}

Plane resize_bilinear_aa(const Plane& in, int width, int height) {
  if (in.empty() || width <= 0 || height <= 0) return Plane();
  // PIL resamples horizontally first, then vertically, storing float32 in between.
  Plane mid(width, in.height);
  if (width == in.width) {
    mid = in;
  } else {
    const std::vector<Taps> taps = bilinear_taps(in.width, width);
    for (int y = 0; y < in.height; ++y) {
      const float* src = in.row(y);
      float* dst = mid.row(y);
      for (int x = 0; x < width; ++x) {
        const Taps& t = taps[static_cast<std::size_t>(x)];
        double s = 0.0;
        for (int k = 0; k < t.count; ++k)
          s += src[t.first + k] * t.weights[static_cast<std::size_t>(k)];
        dst[x] = static_cast<float>(s);
      }
    }
  }
  if (height == in.height) return mid;
  Plane out(width, height);
  const std::vector<Taps> taps = bilinear_taps(in.height, height);
  for (int y = 0; y < height; ++y) {
    const Taps& t = taps[static_cast<std::size_t>(y)];
    float* dst = out.row(y);
    for (int x = 0; x < width; ++x) {
      double s = 0.0;
      for (int k = 0; k < t.count; ++k)
        s += mid.at(x, t.first + k) * t.weights[static_cast<std::size_t>(k)];
      dst[x] = static_cast<float>(s);
    }
  }
  return out;
}

ResizedSize resized_size(int width, int height, int shorter_side) {
  if (width <= 0 || height <= 0 || shorter_side <= 0) return {0, 0};
  const bool wide = width > height;
  const std::int64_t short_in = wide ? height : width;
  const std::int64_t long_in = wide ? width : height;
  const std::int64_t long_out = std::max<std::int64_t>(1, shorter_side * long_in / short_in);
  return wide ? ResizedSize{long_out, shorter_side} : ResizedSize{shorter_side, long_out};
}

Plane resize_shorter_side(const Plane& plane, int shorter_side, std::int64_t max_pixels) {
  const ResizedSize size = resized_size(plane.width, plane.height, shorter_side);
  if (plane.empty() || size.width == 0 || size.width > max_pixels || size.height > max_pixels ||
      size.width * size.height > max_pixels)
    return Plane();
  return resize_bilinear_aa(plane, static_cast<int>(size.width), static_cast<int>(size.height));
}

}  // namespace filterlens
