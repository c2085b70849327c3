// Model::replace_frame: frames of the live camera (issue 11 point 7). A frame goes the way an
// image does (RGBA -> PIL luma -> the bank's pass over the shared pool), but the state the person
// set up on the video (zoom, inspected pixel, sliding window, selection, focus view) survives
// each new frame of the same size, and the messages are not rewritten 30 times a second.
#include <string>
#include <utility>

#include "decode.h"
#include "model.h"

namespace filterlens {

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
  const bool same_size = has_image() && source_.width == width && source_.height == height;

  // Into the spare buffers (the frame before last's, same size: no allocation, no page faults,
  // which cost this machine more than the bank itself), swapped in on success. Copied first:
  // `rgba` may be source_'s own pixels (a frame kept under a new name).
  FrameBuffers& next = frame_spare_;
  next.image.width = width;
  next.image.height = height;
  next.image.channels = 4;
  next.image.pixels.assign(rgba, rgba + static_cast<std::size_t>(pixels) * 4);
  to_gray(next.image, next.gray);  // the images' own PIL-exact luma
  RgbPlanes rgb;
  if (input_ == InputMode::rgb) rgb = to_rgb_planes(next.image);
  if (Status s = compute_maps(next.gray, rgb); !s) {  // leaves the maps as they were on failure
    report_error("Could not filter " + name + ": " + s.error());
    return Status::fail(last_error_);
  }
  if (same_size) {
    std::swap(source_, next.image);
    std::swap(gray_, next.gray);
  } else {
    // The first frame: what was shown before (a photo of any size) is let go, not kept as spare.
    source_ = std::move(next.image);
    gray_ = std::move(next.gray);
    next = FrameBuffers{};
  }
  source_name_ = name;
  rgb_ = std::move(rgb);
  ++image_generation_;
  if (!same_size) set_status("Showing " + name);
  fit_state_to_maps(/*new_image=*/!same_size);
  return Status::ok();
}

}  // namespace filterlens
