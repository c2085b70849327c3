// memory_budget: how many bytes opening an image (or changing the filter bank) will need, from
// the image's header alone, so that a program with a fixed address space (the page's wasm heap,
// -sMAXIMUM_MEMORY) can refuse up front, with the size and the limit, instead of running out
// half-way (in wasm a failed allocation aborts the whole app).
//
// The figures follow what App keeps and makes: the encoded file while it decodes, the decoded
// pixels plus one working copy of them (the decoder's buffer before the image owns it), the gray
// plane, one float plane per filter at its output size, the display levels of the original and
// of every map (display_pyramid.h: about a third of each), and the RGBA copy made to upload the
// image to the GPU. It is an estimate on the safe side, not an accounting of every byte
// (filterlens-bench-memory measures the real peaks against it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conv2d.h"
#include "kernel.h"
#include "status.h"

namespace filterlens {

struct MemoryEstimate {
  std::int64_t file = 0;     // the encoded bytes, held while decoding
  std::int64_t pixels = 0;   // decoded pixels and the decoder's working copy
  std::int64_t gray = 0;     // the float gray plane
  std::int64_t maps = 0;     // one float plane per filter
  std::int64_t display = 0;  // the RGBA copy for the GPU upload
  std::int64_t levels = 0;   // display levels of the original (gray and colour) and of the maps
  int filters = 0;

  std::int64_t total() const { return file + pixels + gray + maps + display + levels; }
};

// Opening a `width` x `height` image with `channels` (1-4) and a file of `file_size` bytes, with
// this bank and parameters. Every product is 64-bit, and areas past 2^40 pixels count as 2^40, so
// no header can make the sum wrap. A filter whose output size is invalid for this image (the
// compute will refuse it with its own message) counts as no map.
//
// `current_maps` are the sizes in bytes of the maps there now. They do not lower the need: the
// model keeps the maps it shows (and their levels) until the new ones are made and adopted whole,
// so every new map and its levels are allocated while the old ones still exist. (The worker may
// write into buffers recycled from earlier maps, which are already in the heap: the estimate then
// errs on the safe side.)
MemoryEstimate estimate_open_image(std::int64_t file_size, int width, int height, int channels,
                                   const std::vector<Kernel>& bank, const ConvParams& params,
                                   const std::vector<std::int64_t>& current_maps = {});

// Recomputing the maps of a `width` x `height` gray plane with a new bank and parameters (only
// `maps` is set: the image and gray plane are already there). `current_maps` as above.
MemoryEstimate estimate_new_maps(int width, int height, const std::vector<Kernel>& bank,
                                 const ConvParams& params,
                                 const std::vector<std::int64_t>& current_maps = {});

// ok when `need` fits in `available` bytes; otherwise a message giving the need (with its largest
// parts), what is free and the `limit` of the whole address space, e.g. "needs about 5.2 GB (40
// feature maps 4.9 GB, ...) but only 3.8 GB of the 4 GB memory limit are free".
Status check_memory(const MemoryEstimate& need, std::int64_t available, std::int64_t limit);

// "812 bytes", "3.4 KB", "196 MB", "4 GB" (powers of 1024; at most one decimal, none when whole).
std::string format_bytes(std::int64_t bytes);

}  // namespace filterlens
