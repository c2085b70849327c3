// ScopedStbBudget: caps what stb_image (its image readers and its zlib inflater) may allocate on
// the calling thread while the object lives. stb_image's allocator hooks live in
// stb_image_impl.cpp, the one file that compiles its implementation; an allocation past the cap
// fails there and stb_image reports "outofmem" and frees what it had. Internal to the core.
#pragma once

#include <cstddef>

namespace filterlens::detail {

class ScopedStbBudget {
 public:
  explicit ScopedStbBudget(std::size_t limit);
  ~ScopedStbBudget();
  ScopedStbBudget(const ScopedStbBudget&) = delete;
  ScopedStbBudget& operator=(const ScopedStbBudget&) = delete;

  // Whether an allocation was refused for going past the cap.
  bool refused() const;

 private:
  std::size_t saved_limit_, saved_live_;
  bool saved_refused_;
};

}  // namespace filterlens::detail
