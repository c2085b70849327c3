// The estimate is a sum of parts, each a 64-bit product of header numbers; check_memory turns a
// refusal into a sentence that names the biggest parts, so a person knows what to reduce.
#include "memory_budget.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace filterlens {

namespace {

// Each side is an int, so a product of two fits in int64; areas beyond 2^40 pixels (refused by any
// limit anyway) count as 2^40, so multiplying by bytes per pixel and by 256 filters cannot wrap.
std::int64_t area_of(int width, int height) {
  constexpr std::int64_t kMaxArea = std::int64_t{1} << 40;
  if (width <= 0 || height <= 0) return 0;
  return std::min(static_cast<std::int64_t>(width) * height, kMaxArea);
}

// The pixels of all display levels of a width x height plane: level k is ceil(w / 2^k) x
// ceil(h / 2^k), at most w * h / 4^k + (w + h) / 2^k + 1 pixels, so together they stay under a
// third of the plane plus w + h + one pixel per level (fewer than 32 levels).
std::int64_t levels_area(int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  return area_of(width, height) / 3 + 1 + std::int64_t{width} + height + 32;
}

// The maps of `bank` and, in `levels`, their display levels.
std::int64_t maps_bytes(int width, int height, const std::vector<Kernel>& bank,
                        const ConvParams& params, int& count, std::int64_t& levels) {
  std::int64_t bytes = 0;
  count = 0;
  levels = 0;
  for (const Kernel& k : bank) {
    Result<OutputSize> size = conv2d_output_size(width, height, k.width, k.height, params);
    if (!size) continue;
    ++count;
    const int w = size.value().width, h = size.value().height;
    bytes += area_of(w, h) * static_cast<std::int64_t>(sizeof(float));
    levels += levels_area(w, h) * static_cast<std::int64_t>(sizeof(float));
  }
  return bytes;
}

}  // namespace

MemoryEstimate estimate_open_image(std::int64_t file_size, int width, int height, int channels,
                                   const std::vector<Kernel>& bank, const ConvParams& params,
                                   const std::vector<std::int64_t>& /*current_maps*/) {
  MemoryEstimate e;
  const std::int64_t area = area_of(width, height);
  e.file = std::max<std::int64_t>(file_size, 0);
  e.pixels = 2 * area * std::clamp(channels, 1, 4);
  e.gray = area * static_cast<std::int64_t>(sizeof(float));
  if (area > 0) e.maps = maps_bytes(width, height, bank, params, e.filters, e.levels);
  e.display = area * 4;
  // The original's levels: the gray plane's (float) and the colour image's (its channels).
  e.levels += levels_area(width, height) *
              (static_cast<std::int64_t>(sizeof(float)) + std::clamp(channels, 1, 4));
  return e;
}

MemoryEstimate estimate_new_maps(int width, int height, const std::vector<Kernel>& bank,
                                 const ConvParams& params,
                                 const std::vector<std::int64_t>& /*current_maps*/) {
  MemoryEstimate e;
  if (width > 0 && height > 0)
    e.maps = maps_bytes(width, height, bank, params, e.filters, e.levels);
  return e;
}

std::string format_bytes(std::int64_t bytes) {
  static const char* const units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, u == 0 || v >= 100.0 ? "%.0f" : "%.1f", v);
  std::string number = text;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, ".0") == 0)
    number.resize(number.size() - 2);  // "4 GB", not "4.0 GB" (also for 3.99994 GB)
  return number + " " + units[u];
}

Status check_memory(const MemoryEstimate& need, std::int64_t available, std::int64_t limit) {
  const std::int64_t total = need.total();
  if (total <= available) return Status::ok();
  std::vector<std::pair<std::int64_t, std::string>> parts = {
      {need.maps,
       std::to_string(need.filters) + (need.filters == 1 ? " feature map " : " feature maps ")},
      {need.pixels, "the decoded pixels "},
      {need.gray, "the gray plane "},
      {need.display, "the display copy "},
      {need.levels, "the display levels "},
      {need.file, "the file "}};
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string list;  // the three largest parts are what a person can act on
  for (std::size_t i = 0; i < 3 && parts[i].first > 0; ++i)
    list += (i ? ", " : "") + parts[i].second + format_bytes(parts[i].first);
  return Status::fail("needs about " + format_bytes(total) + " of memory (" + list + ") but only " +
                      format_bytes(std::max<std::int64_t>(available, 0)) + " of the " +
                      format_bytes(limit) +
                      " memory limit are free; use fewer filters or a smaller image");
}

}  // namespace filterlens
