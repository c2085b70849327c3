// Model::replace_frame (src/model/model_camera.cpp), the live camera's way in: a frame of the
// current size keeps what the person set up (view, inspector, animation, selection, focus view);
// a frame of another size is a new image; bad frames are refused with a message and the image on
// screen stays; the gray of a frame is PIL's integer luma, as for any image.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "background.h"
#include "conv2d.h"
#include "model.h"

namespace filterlens {
namespace {

// A w x h RGBA frame whose content moves with `t` (so consecutive frames differ).
std::vector<std::uint8_t> frame(int w, int h, int t) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * w + x) * 4];
      p[0] = static_cast<std::uint8_t>((x * 7 + t * 11 + (x * y) % 13) % 256);
      p[1] = static_cast<std::uint8_t>((y * 5 + t * 3 + x % 29) % 256);
      p[2] = static_cast<std::uint8_t>((x + y + t * 17) % 256);
      p[3] = 255;
    }
  return rgba;
}

void frame_ok(Model& model, int w, int h, int t, const std::string& name = "camera") {
  const std::vector<std::uint8_t> rgba = frame(w, h, t);
  const Status s = model.replace_frame(w, h, rgba.data(), name);
  ASSERT_TRUE(s) << s.error();
}

// Sets up everything replace_frame must keep: zoom and pan, an inspected pixel, a paused sliding
// window part-way, the second filter selected, the focus view on the third map.
void set_up_views(Model& model) {
  ViewState v;
  v.zoom = 4.0f;
  v.cx = 0.3f;
  v.cy = 0.6f;
  model.set_view(v);
  model.inspect_map_pixel(1, 17, 9);
  model.set_animation_filter(2);
  model.start_animation();
  model.step_animation();
  model.step_animation();
  model.select(1);
  model.set_focus_view(2);
}

TEST(CameraFrame, SameSizeKeepsViewInspectorAnimationSelectionAndFocusView) {
  Model model;
  frame_ok(model, 64, 48, 0);
  set_up_views(model);
  const ViewState view = model.view();
  const InspectorState inspector = model.inspector();
  const AnimationState animation = model.animation();
  ASSERT_TRUE(animation.active);
  ASSERT_EQ(animation.step, 2);
  const auto image_generation = model.image_generation();
  const auto maps_generation = model.maps_generation();
  const std::vector<float> first_map = model.maps()[0].data;

  frame_ok(model, 64, 48, 1);

  EXPECT_EQ(model.view().zoom, view.zoom);
  EXPECT_EQ(model.view().cx, view.cx);
  EXPECT_EQ(model.view().cy, view.cy);
  EXPECT_TRUE(model.inspector().active);
  EXPECT_EQ(model.inspector().filter, inspector.filter);
  EXPECT_EQ(model.inspector().x, inspector.x);
  EXPECT_EQ(model.inspector().y, inspector.y);
  EXPECT_TRUE(model.animation().active);
  EXPECT_EQ(model.animation().filter, animation.filter);
  EXPECT_EQ(model.animation().x0, animation.x0);
  EXPECT_EQ(model.animation().w, animation.w);
  EXPECT_EQ(model.animation().step, 2);
  EXPECT_EQ(model.selected(), 1);
  ASSERT_TRUE(model.focus_view());
  EXPECT_EQ(*model.focus_view(), 2);
  // ... while the frame, its gray and its maps are new.
  EXPECT_EQ(model.image_generation(), image_generation + 1);
  EXPECT_EQ(model.maps_generation(), maps_generation + 1);
  EXPECT_NE(model.maps()[0].data, first_map);
}

TEST(CameraFrame, FrameIsComputedAsTheSameImageWouldBe) {
  const std::vector<std::uint8_t> rgba = frame(50, 30, 5);
  Model camera, still;
  ASSERT_TRUE(camera.replace_frame(50, 30, rgba.data(), "camera"));
  ASSERT_TRUE(still.load_rgba(50, 30, rgba.data(), "still"));
  EXPECT_EQ(camera.gray().data, still.gray().data);
  ASSERT_EQ(camera.maps().size(), still.maps().size());
  for (std::size_t i = 0; i < camera.maps().size(); ++i)
    EXPECT_EQ(camera.maps()[i].data, still.maps()[i].data);
  EXPECT_EQ(camera.source().channels, 4);
  EXPECT_EQ(camera.source().pixels, rgba);
  // PIL's convert('L'): (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16, then / 255 as a float.
  for (std::size_t i = 0; i < camera.gray().data.size(); ++i) {
    const std::uint8_t* p = &rgba[i * 4];
    const unsigned luma = (p[0] * 19595u + p[1] * 38470u + p[2] * 7471u + 0x8000u) >> 16;
    ASSERT_EQ(camera.gray().data[i], static_cast<float>(luma) / 255.0f) << "pixel " << i;
  }
}

// Where a frame's planes live: its maps and their levels, gray, gray and colour levels.
std::vector<const void*> frame_buffers(const Model& model) {
  std::vector<const void*> where{model.gray().data.data(), model.source().pixels.data()};
  for (int i = 0; i < static_cast<int>(model.maps().size()); ++i)
    for (int level = 0; level < model.map_level_count(i); ++level)
      where.push_back(model.map_level(i, level).data.data());
  for (int level = 1; level < model.original_level_count(); ++level) {
    where.push_back(model.gray_level(level).data.data());
    where.push_back(model.colour_level(level).pixels.data());
  }
  return where;
}

TEST(CameraFrame, FramesAreWrittenIntoTheBuffersOfTheFrameBeforeLast) {
  // Frames alternate between two sets of buffers (no allocation, no zero-filling per frame), and
  // what is written over is all rewritten: every plane equals a fresh model's for that frame.
  Model model;
  frame_ok(model, 160, 120, 0);
  frame_ok(model, 160, 120, 1);
  const std::vector<const void*> second = frame_buffers(model);
  ASSERT_EQ(model.map_level_count(0), 3);  // 80 x 60 and 40 x 30 below each map
  ASSERT_EQ(model.original_level_count(), 3);
  frame_ok(model, 160, 120, 2);
  const std::vector<const void*> third = frame_buffers(model);
  for (std::size_t i = 0; i < second.size(); ++i) EXPECT_NE(third[i], second[i]) << i;
  // Blocks of every plane's size taken now: memory frame 1 had freed would go to them, so frame
  // 3 lands where frame 1 was only if the model kept those buffers for it.
  std::vector<std::vector<float>> squatters;
  for (int i = 0; i < 8; ++i)
    for (int level = 0; level < 3; ++level) {
      squatters.emplace_back(model.map_level(0, level).data.size(), 0.0f);
      squatters.emplace_back(model.source().pixels.size() / 4 >> (2 * level), 0.0f);
    }
  frame_ok(model, 160, 120, 3);
  EXPECT_EQ(frame_buffers(model), second);

  Model fresh;
  frame_ok(fresh, 160, 120, 3);
  EXPECT_EQ(model.gray().data, fresh.gray().data);
  for (int i = 0; i < 3; ++i)
    for (int level = 0; level < 3; ++level)
      EXPECT_EQ(model.map_level(i, level).data, fresh.map_level(i, level).data) << i << level;
  for (int level = 1; level < 3; ++level) {
    EXPECT_EQ(model.gray_level(level).data, fresh.gray_level(level).data);
    EXPECT_EQ(model.colour_level(level).pixels, fresh.colour_level(level).pixels);
  }
  ASSERT_EQ(model.stats().size(), fresh.stats().size());
  for (std::size_t i = 0; i < model.stats().size(); ++i) {
    EXPECT_EQ(model.stats()[i].min, fresh.stats()[i].min);
    EXPECT_EQ(model.stats()[i].max, fresh.stats()[i].max);
    EXPECT_EQ(model.stats()[i].mean, fresh.stats()[i].mean);
  }
}

// The worker is a thread: natively only, as test_background.cpp (the single-thread wasm build of
// the tests has none).
#if !defined(__EMSCRIPTEN__)
TEST(CameraFrame, BuffersTheWorkerStillHoldsAreNotWrittenOver) {
  // With the background worker (the page), an edit's request carries the shown frame's document.
  // Frames that arrive before the worker is done with it must leave that frame's image, gray and
  // levels alone: frame 3 would otherwise be written into frame 1's.
  Model model;
  model.start_background(nullptr);
  model.set_inline_work(0);  // the edit below must go to the worker, small as it is
  frame_ok(model, 160, 120, 0);
  frame_ok(model, 160, 120, 1);
  const std::vector<const void*> held = frame_buffers(model);
  model.background()->hold(true);
  ConvParams p;
  p.padding = 2;
  ASSERT_TRUE(model.set_params(p));  // a request on frame 1's document, held
  frame_ok(model, 160, 120, 2);
  frame_ok(model, 160, 120, 3);
  const std::vector<const void*> now = frame_buffers(model);
  ASSERT_EQ(now.size(), held.size());
  EXPECT_NE(now[0], held[0]);  // gray
  EXPECT_NE(now[1], held[1]);  // the frame's pixels
  for (std::size_t i = now.size() - 4; i < now.size(); ++i) EXPECT_NE(now[i], held[i]) << i;
  model.background()->hold(false);
  for (int i = 0; i < 20000 && model.busy(); ++i) {
    model.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(model.busy()) << "the worker never answered";
  // The worker's maps of frame 1 are not shown over frame 3, which has the new padding.
  Model fresh;
  ASSERT_TRUE(fresh.set_params(p));
  frame_ok(fresh, 160, 120, 3);
  EXPECT_EQ(model.gray().data, fresh.gray().data);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(model.maps()[i].data, fresh.maps()[i].data) << i;
}
#endif

TEST(CameraFrame, OpeningAnImageOrStoppingLetsTheFrameBeforeLastGo) {
  // The spare frame is a second set of maps: it is not kept once frames stop coming.
  Model model;
  frame_ok(model, 160, 120, 0);
  frame_ok(model, 160, 120, 1);
  const std::vector<const void*> first = frame_buffers(model);
  frame_ok(model, 160, 120, 2);
  model.release_camera_spare();               // the camera stopped
  std::vector<std::vector<float>> squatters;  // take what was freed (as in the test above)
  for (int i = 0; i < 8; ++i)
    for (int level = 0; level < 3; ++level) {
      squatters.emplace_back(model.map_level(0, level).data.size(), 0.0f);
      squatters.emplace_back(model.source().pixels.size() / 4 >> (2 * level), 0.0f);
    }
  frame_ok(model, 160, 120, 3);
  const std::vector<const void*> after = frame_buffers(model);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_NE(after[i], first[i]) << i;
  // A still image: the frames' buffers go; the next frame of the same size is computed as new.
  const std::vector<std::uint8_t> still = frame(160, 120, 9);
  ASSERT_TRUE(model.load_rgba(160, 120, still.data(), "still"));
  frame_ok(model, 160, 120, 4);
  Model fresh;
  frame_ok(fresh, 160, 120, 4);
  EXPECT_EQ(model.gray().data, fresh.gray().data);
  EXPECT_EQ(model.maps()[1].data, fresh.maps()[1].data);
}

TEST(CameraFrame, AnotherSizeIsANewImage) {
  Model model;
  frame_ok(model, 64, 48, 0);
  set_up_views(model);
  frame_ok(model, 40, 30, 1, "camera 40 x 30");
  EXPECT_EQ(model.view().zoom, 1.0f);
  EXPECT_EQ(model.view().cx, 0.5f);
  EXPECT_FALSE(model.inspector().active);
  EXPECT_FALSE(model.animation().active);
  EXPECT_EQ(model.maps()[0].width, 40);
  EXPECT_EQ(model.maps()[0].height, 30);
  EXPECT_EQ(model.source_name(), "camera 40 x 30");
  EXPECT_EQ(model.status(), "Showing camera 40 x 30");
  EXPECT_FALSE(model.focus());
}

TEST(CameraFrame, FramesOfTheSameSizeLeaveTheMessagesAlone) {
  Model model;
  frame_ok(model, 32, 32, 0);
  model.report_error("Could not open cat.png: not an image");
  frame_ok(model, 32, 32, 1);
  EXPECT_EQ(model.last_error(), "Could not open cat.png: not an image");
}

TEST(CameraFrame, RefusesBadFramesWithAMessageAndKeepsTheImage) {
  Model model;
  frame_ok(model, 64, 48, 0);
  model.inspect_map_pixel(0, 10, 10);
  const std::vector<float> gray = model.gray().data;
  const std::vector<float> map0 = model.maps()[0].data;
  const auto image_generation = model.image_generation();
  const std::vector<std::uint8_t> rgba = frame(8, 8, 1);
  struct Case {
    int w, h;
    const std::uint8_t* data;
    const char* says;
  };
  // Sizes are checked before any pixel is read: the huge ones never touch the 8 x 8 buffer.
  const Case cases[] = {{0, 0, rgba.data(), "0 x 0"},
                        {-640, 480, rgba.data(), "-640 x 480"},
                        {8, 8, nullptr, "no pixels"},
                        {100000, 100000, rgba.data(), "the limit is 64 MP"},
                        {2147483647, 2147483647, rgba.data(), "the limit is 64 MP"}};
  for (const Case& c : cases) {
    const Status s = model.replace_frame(c.w, c.h, c.data, "camera");
    ASSERT_FALSE(s) << c.w << " x " << c.h;
    EXPECT_NE(s.error().find("Could not use camera"), std::string::npos) << s.error();
    EXPECT_NE(s.error().find(c.says), std::string::npos) << s.error();
    EXPECT_EQ(model.last_error(), s.error());
    EXPECT_EQ(model.gray().data, gray);
    EXPECT_EQ(model.maps()[0].data, map0);
    EXPECT_EQ(model.image_generation(), image_generation);
    EXPECT_EQ(model.source().width, 64);
    EXPECT_TRUE(model.inspector().active);  // nothing the person set up was lost
  }
}

TEST(CameraFrame, FrameTheBankCannotFilterKeepsTheImage) {
  Model model;
  ConvParams p;
  p.padding = 5;
  p.padding_mode = PaddingMode::reflect;  // needs padding < each side
  ASSERT_TRUE(model.set_bank(default_bank(), p));
  frame_ok(model, 64, 48, 0);
  const std::vector<float> map0 = model.maps()[0].data;
  const std::vector<std::uint8_t> tiny = frame(3, 3, 1);
  const Status s = model.replace_frame(3, 3, tiny.data(), "camera");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("Could not filter camera"), std::string::npos) << s.error();
  EXPECT_EQ(model.gray().width, 64);
  EXPECT_EQ(model.maps()[0].data, map0);
}

TEST(CameraFrame, KeepingTheShownFrameUnderANewNameChangesOnlyTheName) {
  // Freeze: the frame on screen becomes a still image, its own pixels passed back in.
  Model model;
  frame_ok(model, 64, 48, 3);
  set_up_views(model);
  const std::vector<std::uint8_t> pixels = model.source().pixels;
  const std::vector<float> map0 = model.maps()[0].data;
  const Image& shown = model.source();
  ASSERT_TRUE(
      model.replace_frame(shown.width, shown.height, shown.pixels.data(), "camera frame 12:01:33"));
  EXPECT_EQ(model.source_name(), "camera frame 12:01:33");
  EXPECT_EQ(model.source().pixels, pixels);
  EXPECT_EQ(model.maps()[0].data, map0);
  EXPECT_EQ(model.view().zoom, 4.0f);
  EXPECT_TRUE(model.inspector().active);
}

TEST(CameraFrame, RgbInputSeesTheFramesColourPlanes) {
  Model model;
  // A 1 x 1 colour filter that passes blue alone: its map is the frame's B plane.
  Kernel blue{"blue", "blue only", 1, 1, {0.0f, 0.0f, 1.0f}, 3};
  ASSERT_TRUE(
      model.set_bank({blue}, ConvParams{1, PaddingMode::zeros, 1, 1, false}, InputMode::rgb))
      << model.last_error();
  frame_ok(model, 20, 10, 0);
  frame_ok(model, 20, 10, 1);
  const std::vector<std::uint8_t> rgba = frame(20, 10, 1);
  ASSERT_EQ(model.rgb().r.data.size(), 200u);
  const Plane& map = model.maps()[0];
  ASSERT_EQ(map.width, 22);  // padding 1 around a 1 x 1 kernel
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * 20 + x;
      ASSERT_EQ(model.rgb().r.at(x, y), rgba[i * 4] / 255.0f);
      ASSERT_EQ(map.at(x + 1, y + 1), rgba[i * 4 + 2] / 255.0f) << x << ", " << y;
    }
}

}  // namespace
}  // namespace filterlens
