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

  // Copied first: `rgba` may be source_'s own pixels (a frame kept under a new name).
  Image image{width, height, 4, {}};
  image.pixels.assign(rgba, rgba + static_cast<std::size_t>(pixels) * 4);
  Plane gray = to_gray(image);  // the images' own PIL-exact luma
  RgbPlanes rgb;
  if (input_ == InputMode::rgb) rgb = to_rgb_planes(image);
  if (Status s = compute_maps(gray, rgb); !s) {  // leaves the maps as they were on failure
    report_error("Could not filter " + name + ": " + s.error());
    return Status::fail(last_error_);
  }
  source_ = std::move(image);
  source_name_ = name;
  gray_ = std::move(gray);
  rgb_ = std::move(rgb);
  ++image_generation_;
  if (!same_size) set_status("Showing " + name);
  fit_state_to_maps(/*new_image=*/!same_size);
  return Status::ok();
}

}  // namespace filterlens
