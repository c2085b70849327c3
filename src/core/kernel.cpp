// The preset library and kernel parsing / normalising.
#include "kernel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

namespace filterlens {
namespace {

Kernel make(const char* name, const char* description, int w, int h,
            std::initializer_list<float> weights, float scale = 1.0f) {
  Kernel k{name, description, w, h, {}};
  for (float v : weights) k.weights.push_back(v * scale);
  return k;
}

std::vector<Kernel> build_presets() {
  return {
      make("edge", "Laplacian, -1 around 8: fires where brightness changes in any direction", 3, 3,
           {-1, -1, -1, -1, 8, -1, -1, -1, -1}),
      make("sharpen", "centre minus its 4 neighbours, plus itself: boosts local contrast", 3, 3,
           {0, -1, 0, -1, 5, -1, 0, -1, 0}),
      make("blur", "3x3 box average: smooths noise and fine texture away", 3, 3,
           {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1.0f / 9.0f),
      make("identity", "copies the input: the do-nothing filter", 3, 3,
           {0, 0, 0, 0, 1, 0, 0, 0, 0}),
      make("laplacian4", "4-neighbour Laplacian: edges and points, blind to diagonals' extra pull",
           3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0}),
      make("gaussian3", "3x3 Gaussian (1-2-1): gentle blur that keeps edges softer than a box", 3,
           3, {1, 2, 1, 2, 4, 2, 1, 2, 1}, 1.0f / 16.0f),
      make("gaussian5", "5x5 Gaussian (1-4-6-4-1): stronger, smooth blur", 5, 5,
           {1, 4, 6, 4, 1, 4, 16, 24, 16, 4, 6, 24, 36, 24, 6, 4, 16, 24, 16, 4, 1, 4, 6, 4, 1},
           1.0f / 256.0f),
      make("sobel_x", "Sobel x: vertical edges (brightness rising to the right)", 3, 3,
           {-1, 0, 1, -2, 0, 2, -1, 0, 1}),
      make("sobel_y", "Sobel y: horizontal edges (brightness rising downwards)", 3, 3,
           {-1, -2, -1, 0, 0, 0, 1, 2, 1}),
      make("scharr_x", "Scharr x: vertical edges, better rotation accuracy than Sobel", 3, 3,
           {-3, 0, 3, -10, 0, 10, -3, 0, 3}),
      make("scharr_y", "Scharr y: horizontal edges, better rotation accuracy than Sobel", 3, 3,
           {-3, -10, -3, 0, 0, 0, 3, 10, 3}),
      make("prewitt_x", "Prewitt x: vertical edges with an unweighted average", 3, 3,
           {-1, 0, 1, -1, 0, 1, -1, 0, 1}),
      make("prewitt_y", "Prewitt y: horizontal edges with an unweighted average", 3, 3,
           {-1, -1, -1, 0, 0, 0, 1, 1, 1}),
      make("emboss", "diagonal relief: edges lit from the top left stand out like stamped metal", 3,
           3, {-2, -1, 0, -1, 1, 1, 0, 1, 2}),
      make(
          "outline", "Laplacian of Gaussian 5x5: outlines of blobs, less noisy than edge", 5, 5,
          {0, 0, -1, 0, 0, 0, -1, -2, -1, 0, -1, -2, 16, -2, -1, 0, -1, -2, -1, 0, 0, 0, -1, 0, 0}),
      make("motion_blur", "5x5 diagonal streak: the blur of a camera moving diagonally", 5, 5,
           {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},
           1.0f / 5.0f),
      make("unsharp_mask", "5x5 unsharp mask: sharpens by subtracting a Gaussian blur", 5, 5,
           {1, 4, 6, 4, 1, 4, 16, 24, 16, 4, 6, 24, -476, 24, 6, 4, 16, 24, 16, 4, 1, 4, 6, 4, 1},
           -1.0f / 256.0f),
  };
}

}  // namespace

const std::vector<Kernel>& kernel_presets() {
  static const std::vector<Kernel> presets = build_presets();
  return presets;
}

Result<Kernel> find_preset(const std::string& name) {
  std::string known;
  for (const Kernel& k : kernel_presets()) {
    if (k.name == name) return Result<Kernel>::ok(k);
    known += (known.empty() ? "" : ", ") + k.name;
  }
  return Result<Kernel>::fail("unknown filter '" + name + "' (known: " + known + ")");
}

std::vector<Kernel> default_bank() {
  const auto& p = kernel_presets();
  return {p[0], p[1], p[2]};
}

Result<Kernel> validate_kernel(Kernel k) {
  if (k.width < 1 || k.height < 1 || k.width > kMaxKernelSize || k.height > kMaxKernelSize) {
    return Result<Kernel>::fail("kernel '" + k.name + "' is " + std::to_string(k.height) + " x " +
                                std::to_string(k.width) + "; sizes from 1 to " +
                                std::to_string(kMaxKernelSize) + " are supported");
  }
  if (k.channels != 1 && k.channels != kMaxKernelChannels)
    return Result<Kernel>::fail("kernel '" + k.name + "' has " + std::to_string(k.channels) +
                                " channels; 1 (gray) or 3 (RGB) are supported");
  if (k.weights.size() != static_cast<std::size_t>(k.channels) * k.width * k.height)
    return Result<Kernel>::fail(
        "kernel '" + k.name + "' has " + std::to_string(k.weights.size()) + " weights for a " +
        (k.channels > 1 ? std::to_string(k.channels) + " x " : std::string()) +
        std::to_string(k.height) + " x " + std::to_string(k.width) + " shape");
  for (float v : k.weights) {
    if (!std::isfinite(v))
      return Result<Kernel>::fail(
          "kernel '" + k.name + "' has a weight that is not a finite number" +
          (std::isnan(v) ? std::string(" (NaN)")
                         : std::string(" (beyond float32's range, about 3.4e38 either way)")));
  }
  return Result<Kernel>::ok(std::move(k));
}

Result<Kernel> parse_kernel(const std::string& text, const std::string& name) {
  Kernel k{name, "custom kernel", 0, 0, {}};
  int row_len = 0;
  int rows = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string row = text.substr(start, end - start);
    int count = 0;
    const char* p = row.c_str();
    while (true) {
      int commas = 0;
      while (*p == ' ' || *p == ',' || *p == '\t') commas += *p++ == ',';
      // One comma after a value (also after the row's last); more, or one before the first, leave
      // an empty value.
      if (commas > (count > 0 ? 1 : 0)) {
        return Result<Kernel>::fail("kernel \"" + text + "\": row " + std::to_string(rows + 1) +
                                    " has an empty value (a comma with no number before it)");
      }
      if (*p == '\0') break;
      char* after = nullptr;
      const float v = std::strtof(p, &after);
      // Decimal numbers only: strtof also reads hexadecimal ("0x10" is 16), not what a person
      // writing weights means.
      if (after == p || std::find_if(p, static_cast<const char*>(after),
                                     [](char c) { return c == 'x' || c == 'X'; }) != after) {
        return Result<Kernel>::fail("kernel \"" + text + "\": '" + std::string(p).substr(0, 12) +
                                    "' is not a number (write rows like \"-1,0,1;-2,0,2;-1,0,1\")");
      }
      k.weights.push_back(v);
      ++count;
      p = after;
    }
    const bool last = end == text.size();
    if (count == 0 && !(last && rows > 0)) {
      return Result<Kernel>::fail("kernel \"" + text + "\": row " + std::to_string(rows + 1) +
                                  " is empty");
    }
    if (count > 0) {
      if (rows > 0 && count != row_len) {
        return Result<Kernel>::fail("kernel \"" + text + "\": row " + std::to_string(rows + 1) +
                                    " has " + std::to_string(count) + " values but row 1 has " +
                                    std::to_string(row_len) + " (kernels are rectangular)");
      }
      row_len = count;
      ++rows;
    }
    start = end + 1;
  }
  k.width = row_len;
  k.height = rows;
  return validate_kernel(std::move(k));
}

Result<Kernel> normalized(const Kernel& kernel) {
  double sum = 0.0;
  for (float v : kernel.weights) sum += v;
  if (std::fabs(sum) < 1e-6) {
    return Result<Kernel>::fail("kernel '" + kernel.name +
                                "' sums to 0, so it cannot be normalised to sum 1 (edge detectors "
                                "are meant to sum to 0)");
  }
  Kernel out = kernel;
  for (float& v : out.weights) v = static_cast<float>(v / sum);
  return Result<Kernel>::ok(std::move(out));
}

Kernel resized_centred(const Kernel& kernel, int width, int height) {
  Kernel out = kernel;
  out.width = width;
  out.height = height;
  const int channels = std::max(kernel.channels, 1);
  out.weights.assign(static_cast<std::size_t>(channels) * width * height, 0.0f);
  const int ox = (width - kernel.width) / 2, oy = (height - kernel.height) / 2;
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < kernel.height; ++y)
      for (int x = 0; x < kernel.width; ++x) {
        const int nx = x + ox, ny = y + oy;
        const std::size_t from =
            (static_cast<std::size_t>(c) * kernel.height + y) * kernel.width + x;
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && from < kernel.weights.size())
          out.weights[(static_cast<std::size_t>(c) * height + ny) * width + nx] =
              kernel.weights[from];
      }
  return out;
}

Kernel flipped(const Kernel& kernel) {
  Kernel out = kernel;
  const std::size_t plane = static_cast<std::size_t>(kernel.width) * kernel.height;
  if (plane == 0 || kernel.weights.size() % plane != 0) {
    // Not a valid shape (validate_kernel refuses it): reverse the whole, as before.
    const std::size_t n = kernel.weights.size();
    for (std::size_t i = 0; i < n; ++i) out.weights[i] = kernel.weights[n - 1 - i];
    return out;
  }
  for (std::size_t base = 0; base < kernel.weights.size(); base += plane)
    for (std::size_t i = 0; i < plane; ++i)
      out.weights[base + i] = kernel.weights[base + plane - 1 - i];
  return out;
}

Kernel kernel_channel(const Kernel& kernel, int c) {
  Kernel out{kernel.name, kernel.description, kernel.width, kernel.height, {}, 1};
  const std::size_t plane = static_cast<std::size_t>(kernel.width) * kernel.height;
  const std::size_t begin = plane * static_cast<std::size_t>(c);
  if (c >= 0 && begin + plane <= kernel.weights.size())
    out.weights.assign(kernel.weights.begin() + static_cast<std::ptrdiff_t>(begin),
                       kernel.weights.begin() + static_cast<std::ptrdiff_t>(begin + plane));
  return out;
}

const char* const kEditedPrefix = "Edited by hand; started as: ";

void mark_edited(Kernel& kernel) {
  if (kernel.description.rfind(kEditedPrefix, 0) != 0)
    kernel.description = kEditedPrefix + kernel.description;
}

std::string format_kernel(const Kernel& kernel) {
  std::string s;
  char buf[32];
  for (int y = 0; y < kernel.height; ++y) {
    if (y) s += ';';
    for (int x = 0; x < kernel.width; ++x) {
      if (x) s += ',';
      std::snprintf(buf, sizeof buf, "%.9g", kernel.at(x, y));
      s += buf;
    }
  }
  return s;
}

}  // namespace filterlens
