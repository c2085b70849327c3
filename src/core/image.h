// Image and Plane: the two pixel containers of the core.
//
//   Image  8-bit samples, interleaved, 1-4 channels (gray, gray+alpha, RGB, RGBA), rows packed
//          top to bottom with no padding: pixel (x, y) channel c is
//          pixels[(y * width + x) * channels + c].
//   Plane  one float32 channel, row-major, stride == width: value (x, y) is data[y * width + x].
//
// Both own their storage (std::vector); copying copies pixels. An empty container has
// width == height == 0.
#pragma once

#include <cstdint>
#include <vector>

namespace filterlens {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<std::uint8_t> pixels;

  bool empty() const { return width == 0 || height == 0; }
};

struct Plane {
  int width = 0;
  int height = 0;
  std::vector<float> data;

  Plane() = default;
  Plane(int w, int h) : width(w), height(h), data(static_cast<std::size_t>(w) * h, 0.0f) {}
  bool empty() const { return width == 0 || height == 0; }
  float at(int x, int y) const { return data[static_cast<std::size_t>(y) * width + x]; }
  float* row(int y) { return data.data() + static_cast<std::size_t>(y) * width; }
  const float* row(int y) const { return data.data() + static_cast<std::size_t>(y) * width; }
};

// Luma exactly as PIL's Image.convert('L') computes it, then scaled to [0, 1] like torchvision's
// ToTensor(): L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16 (ITU-R 601-2 in 16-bit fixed
// point), value = L / 255. Alpha is ignored, as PIL ignores it. Gray inputs pass through.
Plane to_gray(const Image& image);
// The same into `out`, reusing its storage when it already holds as many pixels (a camera's
// frames: no allocation, no zeroing per frame).
void to_gray(const Image& image, Plane& out);
// to_gray is SIMD128 (natively through SIMDe); this is the plain per-pixel loop that defines it,
// for tests: the two give the same floats for every pixel.
Plane to_gray_reference(const Image& image);

// The three channels as torchvision's ToTensor() gives them for PIL's Image.convert('RGB'):
// R, G, B each / 255 as float32. Gray inputs are copied to all three (PIL's L -> RGB), alpha is
// dropped (PIL's RGBA -> RGB ignores it, no compositing). Palette images were already expanded
// by the decoder.
struct RgbPlanes {
  Plane r, g, b;
};
RgbPlanes to_rgb_planes(const Image& image);
// to_rgb_planes is SIMD128 for 3 and 4 channels; this is the plain loop that defines it, for tests.
RgbPlanes to_rgb_planes_reference(const Image& image);

// The same luma as 8-bit samples (1 channel), for display and PNG export.
Image to_gray_u8(const Image& image);

// Resizes so the shorter side becomes `shorter_side` pixels, keeping the aspect ratio (the
// longer side is rounded like torchvision's Resize(int): int(long * shorter_side / short)).
// Antialiased: PIL's BILINEAR resampling (a triangle filter widened by the scale factor when
// shrinking), evaluated in floating point like PIL does for mode 'F' images.
// Refuses (returns an empty Plane) when the result would exceed `max_pixels`: check with
// resized_size() first to tell the user why.
Plane resize_shorter_side(const Plane& plane, int shorter_side,
                          std::int64_t max_pixels = 64'000'000);

// The size resize_shorter_side gives, in 64-bit (a 1 x 1000 image resized to 16384 would be
// 16384 x 16,384,000); {0, 0} for empty input or a non-positive side.
struct ResizedSize {
  std::int64_t width = 0;
  std::int64_t height = 0;
};
ResizedSize resized_size(int width, int height, int shorter_side);

// PIL-style separable triangle-filter resample of a float plane to exactly (width, height).
Plane resize_bilinear_aa(const Plane& plane, int width, int height);

}  // namespace filterlens
