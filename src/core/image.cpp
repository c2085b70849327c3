// Colour to gray (PIL's integer luma) and PIL-compatible antialiased resampling.
#include "image.h"

#include <algorithm>
#include <cmath>

#include "simd128.h"

namespace filterlens {
namespace {

// PIL's ImagingConvert RGB -> L: 601-2 luma weights in 16-bit fixed point, rounded.
inline std::uint8_t pil_luma(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return static_cast<std::uint8_t>((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
}

// store(i, luma) for pixels [from, n): PIL's luma, or the gray value itself for 1-2 channels.
template <class Store>
void for_each_luma(const Image& image, Store store, std::size_t from = 0) {
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int c = image.channels;
  const std::uint8_t* p = image.pixels.data() + from * static_cast<std::size_t>(c);
  if (c >= 3) {
    for (std::size_t i = from; i < n; ++i, p += c) store(i, pil_luma(p[0], p[1], p[2]));
  } else {
    for (std::size_t i = from; i < n; ++i, p += c) store(i, p[0]);
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

// SIMD128 for 3- and 4-channel images, four pixels at a time. Every result is the scalar code's
// float: the integer arithmetic is exact in 32-bit lanes and the division by 255 is correctly
// rounded in both.

// Whether the 16-byte load at pixel `i` stays inside the n * channels bytes of pixels.
inline bool rgbx_fits(std::size_t i, std::size_t n, int channels) {
  return (i * static_cast<std::size_t>(channels)) + 16 <= n * static_cast<std::size_t>(channels);
}

// Pixels i .. i + 3 as lanes holding R | G << 8 | B << 16 (and alpha in the top byte for RGBA);
// RGB's 12 bytes are spread into the low three bytes of each lane (swizzle index 16+ gives 0).
inline v128_t load_rgbx(const std::uint8_t* pixels, std::size_t i, int channels) {
  const v128_t v = wasm_v128_load(pixels + i * static_cast<std::size_t>(channels));
  if (channels == 4) return v;
  return wasm_i8x16_swizzle(v,
                            wasm_i8x16_make(0, 1, 2, 16, 3, 4, 5, 16, 6, 7, 8, 16, 9, 10, 11, 16));
}

// The byte at `shift` of each lane (0: R, 8: G, 16: B).
inline v128_t channel(v128_t rgbx, int shift) {
  return wasm_v128_and(wasm_u32x4_shr(rgbx, shift), wasm_i32x4_splat(0xff));
}

// Integer lanes / 255 as floats.
inline v128_t over_255(v128_t lanes) {
  return wasm_f32x4_div(wasm_f32x4_convert_i32x4(lanes), wasm_f32x4_splat(255.0f));
}

// PIL's fixed-point luma of four pixels (at most 255 * 65536 + 0x8000 before the shift), / 255.
inline v128_t luma_over_255(v128_t rgbx) {
  v128_t sum = wasm_i32x4_add(wasm_i32x4_mul(channel(rgbx, 0), wasm_i32x4_splat(19595)),
                              wasm_i32x4_mul(channel(rgbx, 8), wasm_i32x4_splat(38470)));
  sum = wasm_i32x4_add(sum, wasm_i32x4_mul(channel(rgbx, 16), wasm_i32x4_splat(7471)));
  sum = wasm_i32x4_add(sum, wasm_i32x4_splat(0x8000));
  return over_255(wasm_u32x4_shr(sum, 16));
}

// Sixteen gray samples / 255.
inline void store_gray_over_255(v128_t samples, float* out) {
  const v128_t lo = wasm_u16x8_extend_low_u8x16(samples),
               hi = wasm_u16x8_extend_high_u8x16(samples);
  wasm_v128_store(out, over_255(wasm_u32x4_extend_low_u16x8(lo)));
  wasm_v128_store(out + 4, over_255(wasm_u32x4_extend_high_u16x8(lo)));
  wasm_v128_store(out + 8, over_255(wasm_u32x4_extend_low_u16x8(hi)));
  wasm_v128_store(out + 12, over_255(wasm_u32x4_extend_high_u16x8(hi)));
}

}  // namespace

void to_gray(const Image& image, Plane& out) {
  out.width = image.width;
  out.height = image.height;
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  out.data.resize(n);
  const int c = image.channels;
  if (c < 1 || c > 4 || image.pixels.size() < n * static_cast<std::size_t>(c)) {
    std::fill(out.data.begin(), out.data.end(), 0.0f);  // not an image: no reads past its pixels
    return;
  }
  const std::uint8_t* p = image.pixels.data();
  float* o = out.data.data();
  // Pixels [0, done) in SIMD (sixteen at a time for gray); the rest as the reference does.
  std::size_t done = 0;
  if (c >= 3) {
    for (; rgbx_fits(done, n, c); done += 4)
      wasm_v128_store(o + done, luma_over_255(load_rgbx(p, done, c)));
  } else if (c == 1) {
    for (; done + 16 <= n; done += 16) store_gray_over_255(wasm_v128_load(p + done), o + done);
  }
  for_each_luma(
      image, [&](std::size_t i, std::uint8_t l) { o[i] = l / 255.0f; }, done);
}

Plane to_gray_reference(const Image& image) {
  Plane out(image.width, image.height);
  for_each_luma(image, [&](std::size_t i, std::uint8_t l) { out.data[i] = l / 255.0f; });
  return out;
}

Plane to_gray(const Image& image) {
  Plane out;
  to_gray(image, out);
  return out;
}

namespace {

// Planes of image's size, or none when it is not an image of 1-4 channels with all its pixels.
bool rgb_planes_for(const Image& image, RgbPlanes& out) {
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int ch = image.channels;
  if (ch < 1 || ch > 4 || image.pixels.size() < n * static_cast<std::size_t>(ch)) return false;
  out = RgbPlanes{Plane(image.width, image.height), Plane(image.width, image.height),
                  Plane(image.width, image.height)};
  return true;
}

// Pixels [from, n) one at a time, each channel / 255. Gray and gray+alpha: PIL's L -> RGB copies
// the value to all three; alpha is dropped (PIL's RGBA -> RGB ignores it).
void rgb_pixels(const Image& image, std::size_t from, RgbPlanes& out) {
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int ch = image.channels;
  const int g = ch >= 3 ? 1 : 0, b = ch >= 3 ? 2 : 0;
  for (std::size_t i = from; i < n; ++i) {
    const std::uint8_t* p = image.pixels.data() + i * static_cast<std::size_t>(ch);
    out.r.data[i] = p[0] / 255.0f;
    out.g.data[i] = p[g] / 255.0f;
    out.b.data[i] = p[b] / 255.0f;
  }
}

}  // namespace

RgbPlanes to_rgb_planes(const Image& image) {
  RgbPlanes out;
  if (!rgb_planes_for(image, out)) return out;
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int ch = image.channels;
  // Pixels [0, done) in SIMD; gray, gray + alpha and the rest as the reference does.
  std::size_t done = 0;
  if (ch >= 3) {
    for (; rgbx_fits(done, n, ch); done += 4) {
      const v128_t rgbx = load_rgbx(image.pixels.data(), done, ch);
      wasm_v128_store(out.r.data.data() + done, over_255(channel(rgbx, 0)));
      wasm_v128_store(out.g.data.data() + done, over_255(channel(rgbx, 8)));
      wasm_v128_store(out.b.data.data() + done, over_255(channel(rgbx, 16)));
    }
  }
  rgb_pixels(image, done, out);
  return out;
}

RgbPlanes to_rgb_planes_reference(const Image& image) {
  RgbPlanes out;
  if (rgb_planes_for(image, out)) rgb_pixels(image, 0, out);
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
