// stb_image's implementation, compiled here and nowhere else, with the allocator hooks that hold
// it to ScopedStbBudget (stb_budget.h). decode.cpp calls it through stb_image's public API only.
//
// A file of its own so that build flags can single out third-party code: in the sanitizer
// builds, stb_image 2.27 (Debian's libstb-dev) has one known undefined shift that is not a memory
// error. stbi__grow_buffer_unsafe computes `b << (24 - code_bits)`; when a marker ends a JPEG's
// entropy-coded data in the middle of a block, code_bits can drop below -8 and the shift count
// reaches 32. stb sets `nomore` at that marker and from then on feeds b = 0, so the value shifted
// is always zero and the bits decoded are the zeros a truncated scan gets anyway; only the shift
// count is out of range. Reported upstream as nothings/stb#1293, fixed in 2.28 (#1297). The build
// exempts that one function from that one check (stb_image_impl.ignorelist, used by clang: the
// fuzz build); GCC (the native-asan preset) can only turn the shift checks off for this whole
// file (CMakeLists.txt). Every other check stays on.
#include <cstdlib>
#include <cstring>
#include <limits>

#include "stb_budget.h"

namespace filterlens::detail {

// stb_image allocates through these. A decode sets a budget for the calling thread; an
// allocation past it fails, stb_image reports "outofmem" and frees what it had, so a bomb (a
// 1 MB PNG whose data inflates to 1 GB, say) stops at its budget instead of at the machine's
// memory. Each block carries its size in front of it so frees can be counted.
struct StbBudget {
  std::size_t limit = std::numeric_limits<std::size_t>::max();
  std::size_t live = 0;
  bool refused = false;
};
thread_local StbBudget stb_budget;
constexpr std::size_t kBlockHeader = 16;  // keeps the 16-byte alignment malloc gives

void* stb_malloc(std::size_t size) {
  StbBudget& b = stb_budget;
  if (size > b.limit - b.live || size > b.limit - kBlockHeader) {
    b.refused = true;
    return nullptr;
  }
  // Zeroed: some stb readers leave rows they could not read untouched; zeros are deterministic.
  auto* p = static_cast<unsigned char*>(std::calloc(1, size + kBlockHeader));
  if (!p) return nullptr;
  std::memcpy(p, &size, sizeof size);
  b.live += size;
  return p + kBlockHeader;
}

void stb_free(void* user) {
  if (!user) return;
  auto* p = static_cast<unsigned char*>(user) - kBlockHeader;
  std::size_t size = 0;
  std::memcpy(&size, p, sizeof size);
  stb_budget.live -= size;
  std::free(p);
}

void* stb_realloc(void* user, std::size_t size) {
  if (!user) return stb_malloc(size);
  auto* p = static_cast<unsigned char*>(user) - kBlockHeader;
  std::size_t old = 0;
  std::memcpy(&old, p, sizeof old);
  StbBudget& b = stb_budget;
  if (size > old && (size - old > b.limit - b.live || size > b.limit - kBlockHeader)) {
    b.refused = true;
    return nullptr;  // stb_image frees the old block itself
  }
  auto* q = static_cast<unsigned char*>(std::realloc(p, size + kBlockHeader));
  if (!q) return nullptr;
  std::memcpy(q, &size, sizeof size);
  b.live = b.live - old + size;
  return q + kBlockHeader;
}

ScopedStbBudget::ScopedStbBudget(std::size_t limit)
    : saved_limit_(stb_budget.limit),
      saved_live_(stb_budget.live),
      saved_refused_(stb_budget.refused) {
  stb_budget = StbBudget{limit, 0, false};
}

ScopedStbBudget::~ScopedStbBudget() {
  stb_budget = StbBudget{saved_limit_, saved_live_, saved_refused_};
}

bool ScopedStbBudget::refused() const {
  return stb_budget.refused;
}

}  // namespace filterlens::detail

// Let stb_image report any header's true size; our own pixel limit is the one that counts.
#define STBI_MAX_DIMENSIONS (1 << 30)
#define STBI_NO_STDIO
#define STBI_NO_PIC  // Softimage PIC: not a format FilterLens offers, and unsniffed
#define STBI_MALLOC(size) filterlens::detail::stb_malloc(size)
#define STBI_REALLOC(p, size) filterlens::detail::stb_realloc(p, size)
#define STBI_FREE(p) filterlens::detail::stb_free(p)
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
