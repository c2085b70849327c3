// Model::replace_frame: frames of the live camera (issue 11 point 7). A frame goes the way an
// image does (RGBA -> PIL luma -> the bank's pass over the shared pool, display levels), but the
// state the person set up on the video (zoom, inspected pixel, sliding window, selection, focus
// view) survives each new frame of the same size, and the messages are not rewritten 30 times a
// second. Computed at once on the calling thread, even when the model has a background worker: a
// 1280 x 720 frame takes a few milliseconds, and a frame must not wait behind a queue.
#include <atomic>
#include <string>
#include <utility>

#include "decode.h"
#include "model.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

// `buffer` itself when no one else holds it, else a new empty one.
template <class T>
void reuse_or_make(std::shared_ptr<T>& buffer) {
  if (!buffer || buffer.use_count() > 1) buffer = std::make_shared<T>();
}

}  // namespace

Status Model::replace_frame(int width, int height, const std::uint8_t* rgba,
                            const std::string& name) {
  const DecodeLimits limits;
  auto refuse = [&](const std::string& why) {
    report_error("Could not use " + name + ": " + why);
    return Status::fail(last_error_);
  };
  if (rgba == nullptr) return refuse("the camera gave no pixels");
  if (width <= 0 || height <= 0)
    return refuse("the camera gave a " + std::to_string(width) + " x " + std::to_string(height) +
                  " frame");
  const std::int64_t pixels = static_cast<std::int64_t>(width) * height;  // both ints: no overflow
  if (pixels > limits.max_pixels)
    return refuse("the frame is " + std::to_string(width) + " x " + std::to_string(height) +
                  "; the limit is " + std::to_string(limits.max_pixels / 1'000'000) +
                  " MP: ask the camera for a smaller size");
  const bool same_size = has_image() && source().width == width && source().height == height;

  // Into the frame before last's buffers when nothing holds them any more and the size is the
  // same (no allocation, no page faults; another size starts afresh, at its own size). Copied
  // first: `rgba` may be the shown frame's own pixels (a frame kept under a new name), which are
  // never the spare's.
  FrameBuffers next = same_size ? std::move(frame_spare_) : FrameBuffers{};
  frame_spare_ = FrameBuffers{};
  reuse_or_make(next.image);
  reuse_or_make(next.gray);
  reuse_or_make(next.gray_levels);
  reuse_or_make(next.colour_levels);
  // A worker that held a copy released it before use_count() said 1: see its writes first.
  std::atomic_thread_fence(std::memory_order_acquire);
  next.image->width = width;
  next.image->height = height;
  next.image->channels = 4;
  next.image->pixels.assign(rgba, rgba + static_cast<std::size_t>(pixels) * 4);
  to_gray(*next.image, *next.gray);  // the images' own PIL-exact luma

  ThreadPool* pool = &shared_pool();
  // The levels the panels show (want_map_width), as for the maps.
  LevelRange range;
  range.first = first_level_for(width, wanted_shown_width_);
  display_levels(*next.gray, Reduction::mean, 0.0f, kMinLevelSide, pool, *next.gray_levels, range);
  display_levels(*next.image, kMinLevelSide, pool, *next.colour_levels, range.first);
  Document doc;
  doc.source = next.image;
  doc.gray = next.gray;
  doc.name = name;
  doc.gray_levels = next.gray_levels;
  doc.colour_levels = next.colour_levels;
  doc.levels_shown_width = wanted_shown_width_;
  doc = fit_document(doc, input_ == InputMode::rgb);
  Computed computed;
  if (Status s = compute_document(doc, compute_settings(), pool, computed, {}, &next.maps); !s) {
    report_error("Could not filter " + name + ": " + s.error());  // the maps stay as they were
    return Status::fail(last_error_);
  }
  // The frame shown until now becomes the spare (when of this size; else it is let go), its maps
  // with it: adopt would free them.
  FrameBuffers shown_before = std::move(frame_shown_);
  shown_before.maps.maps = std::move(maps_);
  shown_before.maps.map_levels = std::move(map_levels_);
  adopt(doc, std::move(computed), /*keep_view=*/same_size);
  frame_ticket_ = ticket_;  // what the worker computes for older frames is not shown (poll)
  if (!same_size) set_status("Showing " + name);
  frame_spare_ = same_size ? std::move(shown_before) : FrameBuffers{};
  frame_shown_ = std::move(next);
  return Status::ok();
}

}  // namespace filterlens
