// Computing in the background (src/model/background.h, Model::start_background): the maps a
// worker computes are the ones the synchronous path computes, the newest request wins (older
// ones are never shown), an edit made while an image is being opened applies to that image, a
// failed open keeps what was shown, and what can be refused at once still is.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "background.h"
#include "display_pyramid.h"
#include "model.h"
#include "thread_pool.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

std::vector<std::uint8_t> png_file(int w, int h, int seed) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] =
            static_cast<std::uint8_t>((x * 5 + y * 11 + c * 70 + seed * 29 + (x ^ y) % 23) % 256);
  std::vector<std::uint8_t> out;
  stbi_write_png_to_func(append, &out, w, h, 3, rgb.data(), w * 3);
  return out;
}

// Polls until the model has adopted everything it asked for (the worker is real: no timing is
// asserted, the loop only bounds a hang).
void settle(Model& model) {
  for (int i = 0; i < 20000 && model.busy(); ++i) {
    model.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(model.busy()) << "the worker never answered";
}

// The bytes of the maps the model shows and of their display levels.
std::size_t shown_bytes(const Model& model) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < model.maps().size(); ++i) {
    bytes += model.maps()[i].data.size() * sizeof(float);
    for (int k = 1; k < model.map_level_count(int(i)); ++k)
      bytes += model.map_level(int(i), k).data.size() * sizeof(float);
  }
  return bytes;
}

// After an open the worker prepares the first edit's buffers on its own (Background::
// prepare_spare), once the maps are out: waits until it has kept a map for each shown.
std::size_t prepared_spare(Model& model) {
  for (int i = 0; i < 20000 && model.background()->spare_map_data().size() < model.maps().size();
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return model.background()->spare_bytes();
}

void expect_same_maps(const Model& a, const Model& b) {
  ASSERT_EQ(a.maps().size(), b.maps().size());
  for (std::size_t i = 0; i < a.maps().size(); ++i) {
    EXPECT_EQ(a.maps()[i].width, b.maps()[i].width);
    EXPECT_EQ(a.maps()[i].height, b.maps()[i].height);
    EXPECT_EQ(a.maps()[i].data, b.maps()[i].data) << "map " << i;
    EXPECT_EQ(a.stats()[i].histogram, b.stats()[i].histogram) << "map " << i;
    ASSERT_EQ(a.map_level_count(int(i)), b.map_level_count(int(i)));
    for (int k = 1; k < a.map_level_count(int(i)); ++k)
      EXPECT_EQ(a.map_level(int(i), k).data, b.map_level(int(i), k).data) << "map " << i;
  }
  EXPECT_EQ(a.gray().data, b.gray().data);
  EXPECT_EQ(a.source_name(), b.source_name());
}

std::vector<Kernel> presets(std::initializer_list<const char*> names) {
  std::vector<Kernel> out;
  for (const char* n : names) out.push_back(find_preset(n).value());
  return out;
}

// Edits computed by the worker (inline limit 0) and, where small enough, at once on the calling
// thread (Model::kInlineWork): both must give what a synchronous model gives.
class BackgroundEdits : public ::testing::TestWithParam<std::int64_t> {};
INSTANTIATE_TEST_SUITE_P(Background, BackgroundEdits,
                         ::testing::Values(std::int64_t{0}, Model::kInlineWork),
                         [](const ::testing::TestParamInfo<std::int64_t>& param) {
                           return std::string(param.param == 0 ? "OnTheWorker" : "SmallAtOnce");
                         });

TEST_P(BackgroundEdits, OpensAndComputesWhatTheSynchronousPathDoes) {
  const std::vector<std::uint8_t> png = png_file(301, 203, 1);
  Model sync, async;
  async.start_background(nullptr);
  async.set_inline_work(GetParam());
  ASSERT_TRUE(sync.load(png.data(), png.size(), "a.png"));
  ASSERT_TRUE(async.load(png.data(), png.size(), "a.png"));
  EXPECT_TRUE(async.busy());
  EXPECT_FALSE(async.has_image());  // nothing shown until the worker's result is adopted
  settle(async);
  EXPECT_EQ(async.status(), "Opened a.png");
  expect_same_maps(sync, async);
  // Levels down to the smallest panel: 301 -> 150 -> 75 -> 37 (37 / 2 < 32 stops).
  EXPECT_EQ(async.map_level_count(0), 4);
  EXPECT_EQ(async.map_level(0, 3).width, 38);
  EXPECT_EQ(async.map_level(0, 9).width, 38);  // past the last: the last

  ConvParams p;
  p.stride = 2;
  ASSERT_TRUE(sync.set_params(p));
  ASSERT_TRUE(async.set_params(p));
  settle(async);
  expect_same_maps(sync, async);

  // The RGB input: the three planes the C = 3 filter needs are made.
  Kernel rgb{"colour edge", "", 3, 3, std::vector<float>(27, -1.0f / 26), 3};
  rgb.weights[4] = rgb.weights[13] = rgb.weights[22] = 1.0f;
  ASSERT_TRUE(sync.set_bank({rgb}, p, InputMode::rgb));
  ASSERT_TRUE(async.set_bank({rgb}, p, InputMode::rgb));
  settle(async);
  expect_same_maps(sync, async);
  EXPECT_EQ(async.rgb().r.data, sync.rgb().r.data);
  ASSERT_FALSE(async.rgb().r.empty());
  // And back: the planes are dropped with the gray input.
  ASSERT_TRUE(sync.restore_default_bank());
  ASSERT_TRUE(async.restore_default_bank());
  settle(async);
  expect_same_maps(sync, async);
  EXPECT_TRUE(async.rgb().r.empty());
}

TEST(Background, SmallEditsWithNothingInFlightAreComputedAtOnce) {
  // Issue 11 point 1: in the page the worker's round trip cost as much as a 1080p edit. An edit
  // costing at most the inline limit, with nothing in flight, is computed on the calling thread
  // and shown when the call returns; a costlier one goes to the worker.
  const std::vector<std::uint8_t> png = png_file(240, 160, 3);
  Model sync, model;
  model.start_background(nullptr);
  ASSERT_TRUE(sync.load(png.data(), png.size(), "i.png"));
  ASSERT_TRUE(model.load(png.data(), png.size(), "i.png"));
  EXPECT_TRUE(model.busy());  // an open always goes to the worker
  settle(model);
  ConvParams p;
  p.padding = 2;
  ASSERT_TRUE(sync.set_params(p));
  // The notebook's bank: 3 filters of 9 weights, each with the map's per-pixel work on top,
  // over the maps' pixels (padding 1: the image's size).
  const std::int64_t per_pixel = 9 + Model::kWorkPerPixel;
  EXPECT_EQ(model.compute_work(), 3 * std::int64_t{240} * 160 * per_pixel);
  model.set_inline_work(3 * std::int64_t{242} * 162 * per_pixel);  // padding 2's cost: inline
  std::uint64_t shown = model.maps_generation();
  ASSERT_TRUE(model.set_params(p));
  EXPECT_FALSE(model.busy());
  EXPECT_EQ(model.maps_generation(), shown + 1);  // shown before the call returned
  expect_same_maps(sync, model);

  // The cost follows the maps' size: padding 4 makes larger maps than the image.
  p.padding = 4;
  ASSERT_TRUE(sync.set_params(p));
  model.set_inline_work(3 * std::int64_t{246} * 166 * per_pixel - 1);  // one under: the worker
  shown = model.maps_generation();
  ASSERT_TRUE(model.set_params(p));
  EXPECT_EQ(model.compute_work(), 3 * std::int64_t{246} * 166 * per_pixel);
  EXPECT_TRUE(model.busy());
  EXPECT_EQ(model.maps_generation(), shown);
  settle(model);
  expect_same_maps(sync, model);

  // Something in flight: a small edit waits its turn behind it, or the older request's maps,
  // adopted later, would replace the newer ones.
  model.set_inline_work(0);
  model.background()->hold(true);
  p.padding = 0;
  ASSERT_TRUE(model.set_params(p));
  model.set_inline_work(Model::kInlineWork);
  p.padding = 3;
  ASSERT_TRUE(sync.set_params(p));
  ASSERT_TRUE(model.set_params(p));
  EXPECT_TRUE(model.busy());
  model.background()->hold(false);
  settle(model);
  expect_same_maps(sync, model);
  EXPECT_EQ(model.maps()[0].width, 240 + 4);  // padding 3: the newest settings

  // The inline edits write into the buffers the worker keeps, as its own edits do: shown, spare,
  // shown again.
  std::vector<const float*> buffers;
  for (int pad : {1, 2, 1, 2}) {
    p.padding = pad;
    ASSERT_TRUE(model.set_params(p));
    EXPECT_FALSE(model.busy());
    buffers.push_back(model.maps()[0].data.data());
  }
  EXPECT_EQ(buffers[2], buffers[0]);
  EXPECT_EQ(buffers[3], buffers[1]);
}

TEST(Background, AnEditWhileTheFirstEditsBuffersArePreparedGoesToTheWorker) {
  // After an open the worker prepares the first edit's buffers (prepare_spare). An edit made
  // meanwhile, small as it is, goes to the worker, which stops preparing and writes into what it
  // made; computed at once it would take fresh memory while the worker wrote a second set.
  const std::vector<std::uint8_t> png = png_file(260, 170, 10);
  Model sync, model;
  model.start_background(nullptr, [](std::size_t) { return true; });  // prepare_buffers
  model.background()->hold_preparation(true);
  ASSERT_TRUE(sync.load(png.data(), png.size(), "h.png"));
  ASSERT_TRUE(model.load(png.data(), png.size(), "h.png"));
  settle(model);  // the open's maps are shown; its preparation waits
  ConvParams p;
  p.padding = 2;
  ASSERT_TRUE(sync.set_params(p));
  ASSERT_TRUE(model.set_params(p));
  EXPECT_TRUE(model.busy());  // handed to the worker
  model.background()->hold_preparation(false);
  settle(model);
  expect_same_maps(sync, model);
  // Nothing prepared or in flight any more: the next edit is computed at once.
  p.padding = 1;
  ASSERT_TRUE(sync.set_params(p));
  ASSERT_TRUE(model.set_params(p));
  EXPECT_FALSE(model.busy());
  expect_same_maps(sync, model);
}

TEST_P(BackgroundEdits, RecycledMapBuffersGiveWhatNewOnesGive) {
  // After the first edit the worker writes maps and levels into the buffers of the maps the model
  // stopped showing (Background::recycle). Banks that swap filters between the same-sized
  // buffers, sizes that shrink and grow again, and the other reduction: each time, the maps must
  // be those of a model computing into new buffers.
  const std::vector<std::uint8_t> png = png_file(257, 190, 4);
  Model sync, async;
  async.start_background(nullptr);
  async.set_inline_work(GetParam());
  ASSERT_TRUE(sync.load(png.data(), png.size(), "r.png"));
  ASSERT_TRUE(async.load(png.data(), png.size(), "r.png"));
  settle(async);
  int checked = 0;
  const auto both = [&](auto&& change) {
    ASSERT_TRUE(change(sync));
    ASSERT_TRUE(change(async));
    settle(async);
    expect_same_maps(sync, async);
    ++checked;
  };
  const auto bank = [](std::initializer_list<const char*> names, int padding) {
    return [=](Model& m) {
      ConvParams p;
      p.padding = padding;
      return static_cast<bool>(m.set_bank(presets(names), p));
    };
  };
  both(bank({"blur", "edge", "sharpen"}, 1));
  both(bank({"sharpen", "blur", "edge"}, 1));
  both(bank({"edge", "sharpen"}, 0));          // fewer, smaller maps
  both(bank({"blur", "edge", "sharpen"}, 1));  // more, larger again
  both(bank({"edge", "sharpen", "blur"}, 3));  // larger than any before
  both([](Model& m) {
    DisplaySettings d = m.display();
    d.shrink = Reduction::extreme;
    m.set_display(d);
    return true;
  });
  both(bank({"sharpen", "edge", "blur"}, 3));
  EXPECT_EQ(checked, 7);
}

TEST_P(BackgroundEdits, EditsOfOneImageWriteIntoTheBuffersOfTheMapsTheyReplace) {
  const std::vector<std::uint8_t> png = png_file(320, 240, 6);
  Model model;
  model.start_background(nullptr);
  model.set_inline_work(GetParam());
  ASSERT_TRUE(model.load(png.data(), png.size(), "s.png"));
  settle(model);
  EXPECT_EQ(model.background()->spare_bytes(), 0u);  // a new image's maps replaced no buffers
  std::vector<const float*> buffers;
  for (int i = 0; i < 4; ++i) {
    ConvParams p;
    p.padding = 1;
    ASSERT_TRUE(model.set_bank(presets({i % 2 ? "edge" : "blur", "sharpen"}), p));
    settle(model);
    buffers.push_back(model.maps()[0].data.data());
    EXPECT_GT(model.background()->spare_bytes(), 320u * 240u * 4u);  // the two maps replaced
  }
  // Shown, spare, shown again: the third edit's maps live in the first edit's buffers.
  EXPECT_EQ(buffers[2], buffers[0]);
  EXPECT_EQ(buffers[3], buffers[1]);
  EXPECT_NE(buffers[0], buffers[1]);
  // Opening an image frees them at once; its maps replace no buffers of the old image.
  const std::vector<std::uint8_t> other = png_file(200, 100, 7);
  ASSERT_TRUE(model.load(other.data(), other.size(), "t.png"));
  EXPECT_EQ(model.background()->spare_bytes(), 0u);
  settle(model);
  EXPECT_EQ(model.background()->spare_bytes(), 0u);
  EXPECT_EQ(model.maps()[0].width, 200);
}

TEST_P(BackgroundEdits, TheFirstEditAfterAnOpenWritesIntoBuffersMadeWhileItsMapsWereShown) {
  // Fresh memory costs its first write (a page fault per 4 KB): the first edit of a 12 MP photo
  // waited 0.96 s in the page for it, the next ones 45 ms. So, when asked (the page), after an
  // open the worker makes the buffers the first edit needs, and the edit finds them ready.
  const std::vector<std::uint8_t> png = png_file(331, 207, 8);
  Model sync, model;
  model.start_background(nullptr, [](std::size_t) { return true; });  // prepare_buffers
  model.set_inline_work(GetParam());
  ASSERT_TRUE(sync.load(png.data(), png.size(), "p.png"));
  ASSERT_TRUE(model.load(png.data(), png.size(), "p.png"));
  settle(model);
  EXPECT_EQ(prepared_spare(model), shown_bytes(model));
  const std::vector<const float*> prepared = model.background()->spare_map_data();
  ASSERT_EQ(prepared.size(), model.maps().size());
  // The first edit (same sizes): its maps are the prepared buffers, with the values new ones get.
  ConvParams p;
  p.padding = 1;
  ASSERT_TRUE(sync.set_bank(presets({"sharpen", "edge", "blur"}), p));
  ASSERT_TRUE(model.set_bank(presets({"sharpen", "edge", "blur"}), p));
  settle(model);
  ASSERT_EQ(model.maps().size(), prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i)
    EXPECT_EQ(model.maps()[i].data.data(), prepared[i]) << "map " << i;
  expect_same_maps(sync, model);
  // Another image: the old spare goes at once (held: the worker must not have opened it and
  // prepared its set before the check), and a set of the new sizes is made.
  const std::vector<std::uint8_t> other = png_file(190, 141, 9);
  model.background()->hold(true);
  ASSERT_TRUE(model.load(other.data(), other.size(), "q.png"));
  EXPECT_EQ(model.background()->spare_bytes(), 0u);
  model.background()->hold(false);
  settle(model);
  EXPECT_EQ(model.maps()[0].width, 190);
  EXPECT_EQ(prepared_spare(model), shown_bytes(model));
}

TEST_P(BackgroundEdits, MapsComeWithTheLevelsTheViewsShowFromTheFinestOn) {
  // A view that shows level 3 of the maps at the finest (maps 331 wide across 40 device pixels,
  // zoom included): the maps are made with levels 3 on only
  // (levels 1 and 2 would be a pass and a third of the maps' memory for nothing); asking for a
  // finer level makes them again with it, on the worker like an edit.
  const std::vector<std::uint8_t> png = png_file(331, 207, 4);  // levels 166, 83, 42 wide
  Model sync, async;
  async.start_background(nullptr);
  async.set_inline_work(GetParam());
  ASSERT_TRUE(sync.load(png.data(), png.size(), "a.png"));
  async.want_map_width(40);  // level 3 (41 wide) at the finest; before anything is shown
  ASSERT_TRUE(async.load(png.data(), png.size(), "a.png"));
  settle(async);
  ASSERT_EQ(async.maps().size(), sync.maps().size());
  for (std::size_t i = 0; i < async.maps().size(); ++i) {
    const int m = static_cast<int>(i);
    EXPECT_EQ(async.finest_map_level(m), 3);
    EXPECT_EQ(async.map_level_count(m), 4);
    EXPECT_EQ(async.maps()[i].data, sync.maps()[i].data);
    EXPECT_EQ(async.map_level(m, 3).data, sync.map_level(m, 3).data) << "map " << i;
    // A finer level than was made gives the finest made.
    EXPECT_EQ(async.map_level(m, 1).width, 42);
    EXPECT_EQ(async.map_level(m, 2).data.data(), async.map_level(m, 3).data.data());
  }
  EXPECT_LT(shown_bytes(async), shown_bytes(sync) * 8 / 10);
  // The original's levels too (gray and colour), for its panel.
  EXPECT_EQ(async.finest_original_level(), 3);
  EXPECT_EQ(async.gray_level(3).data, sync.gray_level(3).data);
  EXPECT_EQ(async.colour_level(3).pixels, sync.colour_level(3).pixels);
  EXPECT_EQ(async.gray_level(1).width, 42);
  EXPECT_EQ(async.colour_level(2).width, 42);
  const std::uint64_t generation = async.maps_generation();
  async.want_map_width(10);  // coarser than made: nothing to do
  EXPECT_FALSE(async.busy());
  EXPECT_EQ(async.maps_generation(), generation);

  // A panel grows (or zooms in) to level 1: the same maps with every level.
  async.want_map_width(160);
  settle(async);
  EXPECT_GT(async.maps_generation(), generation);
  for (std::size_t i = 0; i < async.maps().size(); ++i)
    EXPECT_EQ(async.finest_map_level(static_cast<int>(i)), 1);
  expect_same_maps(sync, async);
  EXPECT_EQ(async.finest_original_level(), 1);
  for (int k = 1; k < sync.original_level_count(); ++k) {
    EXPECT_EQ(async.gray_level(k).data, sync.gray_level(k).data) << "level " << k;
    EXPECT_EQ(async.colour_level(k).pixels, sync.colour_level(k).pixels) << "level " << k;
  }

  // An edit keeps the first level asked for; the synchronous model (the desktop's tests) makes
  // the missing levels at once.
  sync.want_map_width(80);  // level 2 of the 333-wide maps
  ConvParams p;
  p.padding = 2;
  ASSERT_TRUE(sync.set_params(p));
  EXPECT_EQ(sync.finest_map_level(0), 2);
  EXPECT_TRUE(sync.map_level(0, 1).data == sync.map_level(0, 2).data);
  const std::vector<float> level2 = sync.map_level(0, 2).data;
  const std::uint64_t sync_generation = sync.maps_generation();
  sync.want_map_width(500);  // wider than the maps: level 1 at the finest
  EXPECT_EQ(sync.maps_generation(), sync_generation + 1);
  EXPECT_EQ(sync.finest_map_level(0), 1);
  EXPECT_EQ(sync.map_level(0, 1).width, 167);  // 333 wide with padding 2
  EXPECT_EQ(sync.map_level(0, 1).data, halve(sync.maps()[0], Reduction::mean, 0.0f).data);
  EXPECT_EQ(sync.map_level(0, 2).data, level2);
}

TEST(Background, AFinerLevelWhileAnEditFailsKeepsTheMapsShown) {
  // The settings as typed cannot be computed (reflect padding larger than the image): a view
  // that then needs a finer level keeps the maps and their coarser levels, with the edit's
  // message, and gets the level with the next maps that can be made. (That a request is made once
  // per set of maps is not observable here: this refusal comes before any work is asked for.)
  const std::vector<std::uint8_t> png = png_file(331, 207, 7);
  Model model;
  model.start_background(nullptr);
  model.set_inline_work(0);
  model.want_map_width(40);
  ASSERT_TRUE(model.load(png.data(), png.size(), "a.png"));
  settle(model);
  ConvParams p = model.params();
  p.padding = 999;
  p.padding_mode = PaddingMode::reflect;
  EXPECT_FALSE(model.set_params(p));
  const std::string error = model.last_error();
  ASSERT_NE(error, "");
  const std::uint64_t generation = model.maps_generation();
  for (int frame = 0; frame < 3; ++frame) {
    model.want_map_width(160);
    model.poll();
  }
  settle(model);
  EXPECT_EQ(model.maps_generation(), generation);
  EXPECT_EQ(model.finest_map_level(0), 3);
  EXPECT_EQ(model.map_level(0, 1).width, 42);
  EXPECT_EQ(model.last_error(), error);
  p.padding = 1;
  ASSERT_TRUE(model.set_params(p));
  settle(model);
  EXPECT_EQ(model.finest_map_level(0), 1);
  EXPECT_EQ(model.map_level(0, 1).width, 166);
}

TEST(Background, AnOpenWritesItsMapsIntoBuffersPreparedWhileItDecodes) {
  // The gray plane and maps of a new image are fresh memory too: in the page, opening a 12 MP
  // photo spent about as long in their first writes as in decoding it. With two threads, one
  // decodes while the other prepares the gray plane, the maps and their levels, and the image's
  // document and maps are made in them.
  // Two threads, as the page's pthreads build has on a 2-core machine; the shared pool's default
  // comes back however the test ends (the worker keeps a pointer to this one while it lives).
  struct TwoThreads {
    TwoThreads() { set_shared_pool_threads(2); }
    ~TwoThreads() { set_shared_pool_threads(0); }
  } two_threads;
  {
    const std::vector<std::uint8_t> png = png_file(331, 207, 8);
    Model sync, model;
    model.start_background(nullptr, [](std::size_t) { return true; });
    ASSERT_TRUE(sync.load(png.data(), png.size(), "p.png"));
    ASSERT_TRUE(model.load(png.data(), png.size(), "p.png"));
    settle(model);
    expect_same_maps(sync, model);
    std::vector<const float*> shown;  // the gray plane, its levels, the maps, their levels
    for (int k = 0; k < model.original_level_count(); ++k)
      shown.push_back(model.gray_level(k).data.data());
    for (std::size_t i = 0; i < model.maps().size(); ++i)
      shown.push_back(model.maps()[i].data.data());
    for (std::size_t i = 0; i < model.maps().size(); ++i)
      for (int k = 1; k < model.map_level_count(int(i)); ++k)
        shown.push_back(model.map_level(int(i), k).data.data());
    ASSERT_GT(shown.size(), 2 * model.maps().size());  // 331 x 207 has levels
    EXPECT_EQ(model.background()->opened_into(), shown);

    // A file whose header is fine and whose data is not: the open fails with the decoder's
    // message, nothing is left prepared, and the image shown stays.
    std::vector<std::uint8_t> broken = png_file(400, 300, 5);
    const std::string bytes(broken.begin(), broken.end());
    const std::size_t idat = bytes.find("IDAT");
    ASSERT_NE(idat, std::string::npos);
    for (std::size_t i = idat + 8; i < broken.size() - 16; ++i)  // the compressed pixels
      broken[i] = static_cast<std::uint8_t>(i * 7);
    ASSERT_TRUE(model.load(broken.data(), broken.size(), "broken.png"));
    settle(model);
    EXPECT_NE(model.last_error().find("broken.png"), std::string::npos) << model.last_error();
    EXPECT_TRUE(model.background()->opened_into().empty());
    EXPECT_EQ(model.maps()[0].width, 331);
    expect_same_maps(sync, model);
  }
  {
    // A view showing level 2 at the finest: level 1 of the maps and of the gray plane is neither
    // prepared nor made.
    const std::vector<std::uint8_t> png = png_file(331, 207, 6);
    Model model;
    model.start_background(nullptr, [](std::size_t) { return true; });
    model.want_map_width(80);  // level 2 of the 331-wide maps
    ASSERT_TRUE(model.load(png.data(), png.size(), "r.png"));
    settle(model);
    std::vector<const float*> shown;  // the gray plane, its levels, the maps, their levels
    EXPECT_EQ(model.finest_original_level(), 2);
    shown.push_back(model.gray().data.data());
    for (int k = 2; k < model.original_level_count(); ++k)
      shown.push_back(model.gray_level(k).data.data());
    for (std::size_t i = 0; i < model.maps().size(); ++i)
      shown.push_back(model.maps()[i].data.data());
    for (std::size_t i = 0; i < model.maps().size(); ++i) {
      EXPECT_EQ(model.finest_map_level(int(i)), 2);
      for (int k = 2; k < model.map_level_count(int(i)); ++k)
        shown.push_back(model.map_level(int(i), k).data.data());
    }
    EXPECT_EQ(model.background()->opened_into(), shown);
  }
  {
    // No room in the heap: nothing is prepared, and the image opens as before.
    const std::vector<std::uint8_t> png = png_file(190, 141, 9);
    Model sync, model;
    model.start_background(nullptr, [](std::size_t) { return false; });
    ASSERT_TRUE(sync.load(png.data(), png.size(), "q.png"));
    ASSERT_TRUE(model.load(png.data(), png.size(), "q.png"));
    settle(model);
    EXPECT_TRUE(model.background()->opened_into().empty());
    expect_same_maps(sync, model);
  }
}

TEST(Background, TheNewestSettingsWinAndOlderOnesAreNeverShown) {
  const std::vector<std::uint8_t> png = png_file(400, 300, 2);
  Model model;
  model.start_background(nullptr);
  model.set_inline_work(0);  // every edit to the worker, small as they are
  ASSERT_TRUE(model.load(png.data(), png.size(), "b.png"));
  settle(model);
  const std::uint64_t maps_before = model.maps_generation();
  const std::uint64_t completed_before = model.background()->completed();

  model.background()->hold(true);
  ConvParams p;
  for (int pad = 0; pad <= 3; ++pad) {
    p.padding = pad;
    ASSERT_TRUE(model.set_params(p));
  }
  const std::uint64_t last = model.last_ticket();
  EXPECT_EQ(model.ticket_state(last - 2), Model::TicketState::pending);
  model.background()->hold(false);
  settle(model);
  // One computation to the end (the newest), one adoption, and every ticket answered by it.
  EXPECT_EQ(model.background()->completed(), completed_before + 1);
  EXPECT_EQ(model.maps_generation(), maps_before + 1);
  EXPECT_EQ(model.map_params().padding, 3);
  EXPECT_EQ(model.maps()[0].width, 400 + 2 * 3 - 2);
  for (std::uint64_t t = last - 3; t <= last; ++t)
    EXPECT_EQ(model.ticket_state(t), Model::TicketState::done);
}

TEST(Background, AnEditWhileAnImageOpensAppliesToThatImage) {
  const std::vector<std::uint8_t> first = png_file(120, 90, 3), second = png_file(210, 160, 4);
  Model model;
  model.start_background(nullptr);
  ASSERT_TRUE(model.load(first.data(), first.size(), "first.png"));
  settle(model);

  model.background()->hold(true);
  ASSERT_TRUE(model.load(second.data(), second.size(), "second.png"));
  ConvParams p;
  p.padding = 0;
  ASSERT_TRUE(model.set_params(p));  // not checked against first.png: second.png is coming
  model.background()->hold(false);
  settle(model);
  EXPECT_EQ(model.source_name(), "second.png");
  EXPECT_EQ(model.gray().width, 210);
  EXPECT_EQ(model.maps()[0].width, 208);  // padding 0 on second.png

  Model sync;
  ASSERT_TRUE(sync.load(second.data(), second.size(), "second.png"));
  ASSERT_TRUE(sync.set_params(p));
  expect_same_maps(sync, model);
}

TEST(Background, ABankSetWholeThatFailsOnTheImageBeingOpenedChangesNothing) {
  // set_bank is all or nothing: here and now it is refused with nothing changed. During an open
  // it can only fail later, on the worker (this kernel covers more than the new image's 30 rows
  // without padding); the bank that stayed in place was then computed on the next image.
  const std::vector<std::uint8_t> first = png_file(120, 90, 3), tall = png_file(300, 30, 4);
  Model model;
  model.start_background(nullptr);
  ASSERT_TRUE(model.load(first.data(), first.size(), "first.png"));
  settle(model);
  const std::vector<Kernel> shown = model.bank();

  model.background()->hold(true);
  ASSERT_TRUE(model.load(tall.data(), tall.size(), "tall.png"));
  Kernel wide;
  wide.name = "tall";
  wide.width = 1;
  wide.height = 31;
  wide.weights.assign(31, 1.0f);
  ConvParams p;
  p.padding = 0;
  ASSERT_TRUE(model.set_bank({wide}, p));  // cannot be checked: tall.png is not decoded yet
  wide.name = "taller";                    // a second bank before the first was computed: the
  ASSERT_TRUE(model.set_bank({wide}, p));  // one put back is still the maps' (not "tall")
  const std::uint64_t edit = model.last_ticket();
  model.background()->hold(false);
  settle(model);
  EXPECT_EQ(model.ticket_state(edit), Model::TicketState::failed);
  EXPECT_NE(model.last_error().find("Could not filter tall.png"), std::string::npos);
  EXPECT_NE(model.last_error().find("the filters set while it was opening were not applied"),
            std::string::npos)
      << model.last_error();
  EXPECT_EQ(model.source_name(), "first.png");
  ASSERT_EQ(model.bank().size(), shown.size());
  for (std::size_t i = 0; i < shown.size(); ++i) EXPECT_EQ(model.bank()[i].name, shown[i].name);
  EXPECT_EQ(model.params().padding, 1);

  // The next image is computed with the bank shown before, not the refused one.
  const std::vector<std::uint8_t> next = png_file(64, 48, 5);
  ASSERT_TRUE(model.load(next.data(), next.size(), "next.png"));
  settle(model);
  EXPECT_EQ(model.source_name(), "next.png");
  ASSERT_EQ(model.maps().size(), shown.size());
  EXPECT_EQ(model.maps()[0].width, 64);
}

TEST(Background, AFailedOpenKeepsWhatWasShownAndSaysWhy) {
  const std::vector<std::uint8_t> png = png_file(100, 80, 5);
  Model model;
  model.start_background(nullptr);
  ASSERT_TRUE(model.load(png.data(), png.size(), "good.png"));
  settle(model);
  const std::vector<float> map0 = model.maps()[0].data;

  std::vector<std::uint8_t> cut(png.begin(), png.begin() + 60);  // header, no pixels
  ASSERT_TRUE(model.load(cut.data(), cut.size(), "cut.png"));
  const std::uint64_t ticket = model.last_ticket();
  settle(model);
  std::string why;
  EXPECT_EQ(model.ticket_state(ticket, &why), Model::TicketState::failed);
  EXPECT_NE(why.find("Could not open cut.png"), std::string::npos) << why;
  EXPECT_EQ(model.last_error(), why);
  EXPECT_EQ(model.source_name(), "good.png");
  EXPECT_EQ(model.maps()[0].data, map0);

  // The next edit runs on good.png and clears the message.
  ASSERT_TRUE(model.set_bank(presets({"blur"}), ConvParams{}));
  settle(model);
  EXPECT_EQ(model.maps().size(), 1u);
  EXPECT_EQ(model.gray().width, 100);
}

TEST(Background, SettingsThatWaitedForAFileThatFailsRunOnTheImageShown) {
  const std::vector<std::uint8_t> png = png_file(90, 70, 8);
  Model model;
  model.start_background(nullptr);
  ASSERT_TRUE(model.load(png.data(), png.size(), "shown.png"));
  settle(model);

  // The open and an edit made while it waits: the file fails, the edit is computed anyway.
  model.background()->hold(true);
  std::vector<std::uint8_t> cut(png.begin(), png.begin() + 60);
  ASSERT_TRUE(model.load(cut.data(), cut.size(), "cut.png"));
  const std::uint64_t open_ticket = model.last_ticket();
  ConvParams p;
  p.padding = 0;
  ASSERT_TRUE(model.set_params(p));
  const std::uint64_t edit_ticket = model.last_ticket();
  model.background()->hold(false);
  settle(model);
  EXPECT_EQ(model.ticket_state(open_ticket), Model::TicketState::failed);
  EXPECT_EQ(model.ticket_state(edit_ticket), Model::TicketState::done);
  EXPECT_EQ(model.source_name(), "shown.png");
  EXPECT_EQ(model.maps()[0].width, 88);  // padding 0 on shown.png
  EXPECT_NE(model.last_error().find("Could not open cut.png"), std::string::npos);

  // An edit waiting when an open replaces it: the same, the edit's settings are the open's.
  model.background()->hold(true);
  p.padding = 2;
  ASSERT_TRUE(model.set_params(p));
  const std::uint64_t waiting = model.last_ticket();
  ASSERT_TRUE(model.load(cut.data(), cut.size(), "cut again.png"));
  model.background()->hold(false);
  settle(model);
  EXPECT_EQ(model.ticket_state(waiting), Model::TicketState::done);
  EXPECT_EQ(model.ticket_state(model.last_ticket()), Model::TicketState::failed);
  EXPECT_EQ(model.maps()[0].width, 92);  // padding 2 on shown.png
}

TEST(Background, WhatCanBeRefusedAtOnceIsRefusedWithNothingChanged) {
  const std::vector<std::uint8_t> png = png_file(20, 20, 6);
  Model model;
  model.start_background(nullptr);
  ASSERT_TRUE(model.load(png.data(), png.size(), "small.png"));
  settle(model);
  const std::uint64_t ticket = model.last_ticket();
  Kernel big = find_preset("blur").value();
  big.name = "big";
  big.width = big.height = 31;
  big.weights.assign(31 * 31, 1.0f / 961);
  ConvParams p;
  p.padding = 0;
  const Status s = model.set_bank({big}, p);
  EXPECT_FALSE(s);  // 31 > 20 without padding: torch refuses it, so does the model, at once
  EXPECT_EQ(model.last_ticket(), ticket);  // nothing sent to the worker
  EXPECT_EQ(model.bank().size(), 3u);
  EXPECT_FALSE(model.busy());
}

TEST(Background, ComputeDocumentStopsWhenSuperseded) {
  Image image{64, 64, 3, std::vector<std::uint8_t>(64 * 64 * 3, 100)};
  const Document doc = make_document(image, "d", false, nullptr);
  ComputeSettings settings;
  settings.bank = presets({"edge", "blur"});
  Computed out;
  out.ms = -1.0;
  int asked = 0;
  const Status s = compute_document(doc, settings, nullptr, out, [&] { return ++asked > 0; });
  EXPECT_FALSE(s);
  EXPECT_GE(asked, 1);
  EXPECT_TRUE(out.maps.empty());  // nothing half-done leaks out
  EXPECT_EQ(out.ms, -1.0);
}

TEST(Background, NotifiesWhenWorkIsDone) {
  std::atomic<int> calls{0};
  const std::vector<std::uint8_t> png = png_file(50, 40, 7);
  Model model;
  model.start_background([&] { ++calls; });
  ASSERT_TRUE(model.load(png.data(), png.size(), "n.png"));
  settle(model);
  EXPECT_GE(calls.load(), 1);
}

}  // namespace
}  // namespace filterlens
