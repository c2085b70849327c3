// The state model's rules (src/model): failed loads and edits keep what was shown, set_bank is
// all or nothing, hand-edited kernels say so, every new image or bank keeps the inspector, the
// animation and the selection inside the current maps; exports decode back to the maps; the
// training run is reproducible per seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cnn/training_run.h"
#include "colormap.h"
#include "decode.h"
#include "exports.h"
#include "model.h"
#include "npy.h"
#include "text.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

// A w x h RGB PNG with a smooth pattern (so maps are not constant).
std::vector<std::uint8_t> png_file(int w, int h, int seed = 1) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] =
            static_cast<std::uint8_t>((x * 7 + y * 13 + c * 50 + seed * 31 + (x * y) % 17) % 256);
  std::vector<std::uint8_t> out;
  stbi_write_png_to_func(append, &out, w, h, 3, rgb.data(), w * 3);
  return out;
}

void load_ok(Model& model, int w, int h, const std::string& name = "photo.png", int seed = 1) {
  const std::vector<std::uint8_t> bytes = png_file(w, h, seed);
  const Status s = model.load(bytes.data(), bytes.size(), name);
  ASSERT_TRUE(s) << s.error();
}

std::vector<Kernel> presets(std::initializer_list<const char*> names) {
  std::vector<Kernel> out;
  for (const char* n : names) out.push_back(find_preset(n).value());
  return out;
}

// Every index the views may read is inside the current maps.
void expect_inside_maps(const Model& model) {
  const int n = static_cast<int>(model.maps().size());
  const InspectorState& h = model.inspector();
  if (n > 0) {
    ASSERT_GE(h.filter, 0);
    ASSERT_LT(h.filter, n);
    const Plane& m = model.maps()[static_cast<std::size_t>(h.filter)];
    EXPECT_GE(h.x, 0);
    EXPECT_LT(h.x, m.width);
    EXPECT_GE(h.y, 0);
    EXPECT_LT(h.y, m.height);
    const AnimationState& a = model.animation();
    ASSERT_GE(a.filter, 0);
    ASSERT_LT(a.filter, n);
    if (a.active) {
      const Plane& am = model.maps()[static_cast<std::size_t>(a.filter)];
      EXPECT_LE(a.x0 + a.w, am.width);
      EXPECT_LE(a.y0 + a.h, am.height);
    }
  }
  if (const auto f = model.focus()) {
    ASSERT_LT(f->filter, n);
    const Plane& m = model.maps()[static_cast<std::size_t>(f->filter)];
    EXPECT_LT(f->x, m.width);
    EXPECT_LT(f->y, m.height);
    const auto r = model.read_focus();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->map_value, m.at(f->x, f->y));
  }
  EXPECT_GE(model.selected(), 0);
  EXPECT_LT(model.selected(), static_cast<int>(model.bank().size()));
}

// ---- Loading -------------------------------------------------------------------------------

TEST(ModelLoad, StartsWithTheNotebooksBankAndNoImage) {
  Model model;
  EXPECT_FALSE(model.has_image());
  ASSERT_EQ(model.bank().size(), 3u);
  EXPECT_EQ(model.bank()[0].name, "edge");
  EXPECT_FALSE(model.focus());
  load_ok(model, 40, 30);
  ASSERT_EQ(model.maps().size(), 3u);
  EXPECT_EQ(model.maps()[0].width, 40);  // padding 1, 3x3: same size
  EXPECT_EQ(model.status(), "Opened photo.png");
}

TEST(ModelLoad, FailedLoadKeepsImageAndMaps) {
  Model model;
  load_ok(model, 40, 30);
  const std::vector<Plane> maps = model.maps();
  const std::vector<float> gray = model.gray().data;
  const auto image_generation = model.image_generation();
  const auto maps_generation = model.maps_generation();
  const std::uint8_t garbage[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
  const Status s = model.load(garbage, sizeof garbage, "broken.png");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("broken.png"), std::string::npos) << s.error();
  EXPECT_EQ(model.last_error(), s.error());
  EXPECT_EQ(model.source_name(), "photo.png");
  EXPECT_EQ(model.gray().data, gray);
  ASSERT_EQ(model.maps().size(), maps.size());
  for (std::size_t i = 0; i < maps.size(); ++i) EXPECT_EQ(model.maps()[i].data, maps[i].data);
  EXPECT_EQ(model.image_generation(), image_generation);
  EXPECT_EQ(model.maps_generation(), maps_generation);
  // The browser-decoded path refuses empty and oversized images the same way.
  EXPECT_FALSE(model.load_rgba(0, 5, garbage, "empty.webp"));
  std::vector<std::uint8_t> one(4, 200);
  EXPECT_FALSE(model.load_rgba(70000, 1000, one.data(), "huge.webp"));
  EXPECT_EQ(model.gray().data, gray);
  // A good load clears the error.
  load_ok(model, 20, 10, "next.png");
  EXPECT_EQ(model.last_error(), "");
}

TEST(ModelLoad, ImageTheBankCannotFilterKeepsThePreviousOne) {
  Model model;
  ConvParams p;
  p.padding = 5;
  p.padding_mode = PaddingMode::reflect;  // needs padding < each side
  ASSERT_TRUE(model.set_bank(default_bank(), p));
  load_ok(model, 40, 30);
  const int width = model.maps()[0].width;  // 40 + 2 * 5 - 2
  const std::vector<std::uint8_t> small = png_file(3, 3);
  const Status s = model.load(small.data(), small.size(), "tiny.png");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("Could not filter tiny.png"), std::string::npos) << s.error();
  EXPECT_EQ(model.gray().width, 40);
  EXPECT_EQ(model.maps()[0].width, width);
}

// ---- The bank -------------------------------------------------------------------------------

TEST(ModelBank, SetBankFailureReverts) {
  Model model;
  load_ok(model, 40, 30);
  ASSERT_TRUE(model.set_bank(presets({"sobel_x", "blur"}), ConvParams{}));
  const auto maps_generation = model.maps_generation();
  ConvParams bad;
  bad.padding = 99;
  bad.padding_mode = PaddingMode::reflect;
  const Status s = model.set_bank(presets({"edge"}), bad);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("reflect padding of 99"), std::string::npos) << s.error();
  ASSERT_EQ(model.bank().size(), 2u);
  EXPECT_EQ(model.bank()[0].name, "sobel_x");
  EXPECT_EQ(model.params().padding, 1);
  EXPECT_EQ(model.map_kernels()[0].name, "sobel_x");
  EXPECT_EQ(model.maps_generation(), maps_generation);
  EXPECT_FALSE(model.set_bank({}, ConvParams{}));  // an empty bank is refused too
  EXPECT_EQ(model.bank().size(), 2u);
}

TEST(ModelBank, FailedEditStaysAsTypedWhileTheMapsStayValid) {
  Model model;
  load_ok(model, 40, 30);
  ConvParams p = model.params();
  p.padding = 99;
  p.padding_mode = PaddingMode::reflect;
  ASSERT_FALSE(model.set_params(p));
  EXPECT_EQ(model.params().padding, 99);     // the control keeps what was typed
  EXPECT_EQ(model.map_params().padding, 1);  // the maps are the last valid ones
  EXPECT_EQ(model.maps()[0].width, 40);
  EXPECT_NE(model.last_error().find("last valid settings"), std::string::npos);
  p.padding = 2;
  ASSERT_TRUE(model.set_params(p));
  EXPECT_EQ(model.last_error(), "");  // fixed: the message goes
  EXPECT_EQ(model.maps()[0].width, 42);
}

TEST(ModelBank, HandEditedKernelSaysSoInItsDescription) {
  Model model;
  load_ok(model, 20, 20);
  Kernel edge = model.bank()[0];
  const std::string original = edge.description;
  edge.name = "outline";  // a new name alone is not an edit of the weights
  ASSERT_TRUE(model.replace_kernel(0, edge));
  EXPECT_EQ(model.bank()[0].description, original);
  edge.weights[4] = 4.0f;
  ASSERT_TRUE(model.replace_kernel(0, edge));
  const std::string marked = model.bank()[0].description;
  EXPECT_EQ(marked.rfind(kEditedPrefix, 0), 0u) << marked;
  EXPECT_NE(marked.find(original), std::string::npos);
  EXPECT_EQ(model.map_kernels()[0].description, marked);  // what getFeatureMaps() reports
  EXPECT_EQ(model.map_kernels()[0].weights[4], 4.0f);
  // Once: a second edit does not stack prefixes.
  Kernel again = model.bank()[0];
  again.weights[0] = 2.0f;
  ASSERT_TRUE(model.replace_kernel(0, again));
  EXPECT_EQ(model.bank()[0].description, marked);
  // A change of size is an edit too; the other kernels are untouched.
  Kernel sharpen = model.bank()[1];
  sharpen.width = 1;
  sharpen.height = 1;
  sharpen.weights = {1.0f};
  ASSERT_TRUE(model.replace_kernel(1, sharpen));
  EXPECT_EQ(model.bank()[1].description.rfind(kEditedPrefix, 0), 0u);
  EXPECT_EQ(model.bank()[2].description.rfind(kEditedPrefix, 0), std::string::npos);
}

TEST(ModelBank, AddRemoveMoveAndTheLastFilter) {
  Model model;
  load_ok(model, 20, 20);
  ASSERT_TRUE(model.add_kernel(find_preset("edge").value()));
  EXPECT_EQ(model.bank().back().name, "edge2");  // a unique name
  EXPECT_EQ(model.selected(), 3);
  EXPECT_EQ(model.maps().size(), 4u);
  EXPECT_EQ(model.add_missing_kernels(presets({"edge", "sobel_y"})), 1);  // edge is there
  ASSERT_TRUE(model.move_kernel(4, 0));
  EXPECT_EQ(model.map_kernels()[0].name, "sobel_y");
  EXPECT_EQ(model.selected(), 0);
  while (model.bank().size() > 1) ASSERT_TRUE(model.remove_kernel(0));
  EXPECT_FALSE(model.remove_kernel(0));  // the last one stays
  EXPECT_EQ(model.maps().size(), 1u);
}

// A name the editor gives a filter must survive the address's round trip (text.h's rule).
TEST(ModelBank, NamesAreFilterNamesWhenRenamedOrAdded) {
  Model model;
  load_ok(model, 20, 20);
  for (const std::string& bad :
       std::vector<std::string>{"a##b", "a\nb", "rlo\xe2\x80\xae", "", std::string(65, 'x')}) {
    Kernel renamed = model.bank()[0];
    renamed.name = bad;
    const Status s = model.replace_kernel(0, renamed);
    EXPECT_FALSE(s) << bad;
    EXPECT_NE(s.error().find("The filter name "), std::string::npos) << s.error();
    EXPECT_EQ(model.bank()[0].name, "edge");  // unchanged
    Kernel added = renamed;
    EXPECT_FALSE(model.add_kernel(added)) << bad;
  }
  EXPECT_EQ(model.bank().size(), 3u);
  // A 64-character name added again is numbered within 64 characters.
  Kernel wide = model.bank()[0];
  wide.name = std::string(60, 'w') + "猫猫猫猫";
  ASSERT_TRUE(model.add_kernel(wide));
  ASSERT_TRUE(model.add_kernel(wide));
  EXPECT_EQ(model.bank().back().name, std::string(60, 'w') + "猫猫猫2");
  EXPECT_EQ(filter_name_problem(model.bank().back().name), "");
}

// A name another filter has would make maps, exports and the address ambiguous (the address of
// such a bank is refused when opened again): a rename to it is refused and nothing changes.
TEST(ModelBank, RenameToANameAnotherFilterHasIsRefused) {
  Model model;
  load_ok(model, 20, 20);
  Kernel edge = model.bank()[0];
  edge.name = "sharpen";
  edge.weights[4] = 9.0f;
  const Status s = model.replace_kernel(0, edge);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("Another filter is already called 'sharpen'"), std::string::npos)
      << s.error();
  EXPECT_EQ(model.last_error(), s.error());
  EXPECT_EQ(model.bank()[0].name, "edge");
  EXPECT_EQ(model.bank()[0].weights[4], 8.0f);  // the whole edit is refused
  EXPECT_EQ(model.map_kernels()[0].name, "edge");
  // Its own name again is no clash; another free name is taken.
  edge = model.bank()[0];
  ASSERT_TRUE(model.replace_kernel(0, edge));
  edge.name = "outline";
  ASSERT_TRUE(model.replace_kernel(0, edge));
  EXPECT_EQ(model.bank()[0].name, "outline");
}

// A refused edit's message goes with the next edit that applies (it used to stay until an image
// was opened, next to maps that were fine).
TEST(ModelBank, AMessageAboutARefusedEditGoesWithTheNextEditThatApplies) {
  Model model;
  load_ok(model, 20, 20);
  Kernel edge = model.bank()[0];
  edge.weights[4] = std::numeric_limits<float>::infinity();  // "1e39" typed into a cell
  ASSERT_FALSE(model.replace_kernel(0, edge));
  EXPECT_NE(model.last_error().find("beyond float32's range"), std::string::npos)
      << model.last_error();
  EXPECT_EQ(model.bank()[0].weights[4], 8.0f);
  edge.weights[4] = 4.0f;
  ASSERT_TRUE(model.replace_kernel(0, edge));
  EXPECT_EQ(model.last_error(), "");
  // The same for the other edits: a removal, an addition, a move, parameters.
  const auto refuse = [&] {
    Kernel bad = model.bank()[0];
    bad.weights[0] = std::nanf("");
    ASSERT_FALSE(model.replace_kernel(0, bad));
    EXPECT_NE(model.last_error().find("(NaN)"), std::string::npos) << model.last_error();
  };
  refuse();
  ASSERT_TRUE(model.add_kernel(find_preset("sobel_x").value()));
  EXPECT_EQ(model.last_error(), "");
  refuse();
  ASSERT_TRUE(model.move_kernel(3, 0));
  EXPECT_EQ(model.last_error(), "");
  refuse();
  ASSERT_TRUE(model.remove_kernel(0));
  EXPECT_EQ(model.last_error(), "");
  refuse();
  ConvParams p = model.params();
  p.padding = 2;
  ASSERT_TRUE(model.set_params(p));
  EXPECT_EQ(model.last_error(), "");
}

// Weights near float32's limit give finite-looking banks whose maps overflow: the model says
// which map, instead of a black panel with "inf" on its colour bar and nothing else.
TEST(ModelBank, MapsBeyondFloat32AreNamed) {
  Model model;
  load_ok(model, 20, 20);
  EXPECT_EQ(model.overflow_notice(), "");
  Kernel huge = model.bank()[1];
  huge.name = "huge";
  std::fill(huge.weights.begin(), huge.weights.end(), 3e38f);
  ASSERT_TRUE(model.replace_kernel(1, huge));
  const std::string notice = model.overflow_notice();
  EXPECT_NE(notice.find("'huge'"), std::string::npos) << notice;
  EXPECT_NE(notice.find("float32"), std::string::npos) << notice;
  EXPECT_EQ(notice.find("more"), std::string::npos) << notice;  // one map
  Kernel also = huge;
  also.name = "also";
  ASSERT_TRUE(model.replace_kernel(2, also));
  EXPECT_NE(model.overflow_notice().find("'huge' and 1 more"), std::string::npos);
  ASSERT_TRUE(model.set_bank(default_bank(), ConvParams{}));
  EXPECT_EQ(model.overflow_notice(), "");
}

// ---- The clamping rule ------------------------------------------------------------------------

TEST(ModelInspector, SmallerImageNeverLeavesTheInspectorOutsideTheMaps) {
  // The page's bug: hover (591, 391), then load a 1 x 1 image; the inspector read index
  // (591, 391) of a 1 x 1 map.
  Model model;
  load_ok(model, 600, 400);
  model.inspect_map_pixel(0, 591, 391);
  ASSERT_TRUE(model.focus());
  EXPECT_EQ(model.focus()->x, 591);
  EXPECT_EQ(model.focus()->y, 391);
  load_ok(model, 1, 1, "dot.png");
  ASSERT_EQ(model.maps()[0].width, 1);
  expect_inside_maps(model);
  EXPECT_FALSE(model.inspector().active);  // a spot on the old image means nothing here
  EXPECT_FALSE(model.focus());
  // Pointing again works, clamped to the 1 x 1 map.
  model.inspect_map_pixel(0, 591, 391);
  ASSERT_TRUE(model.focus());
  EXPECT_EQ(model.focus()->x, 0);
  EXPECT_EQ(model.focus()->y, 0);
  const auto reading = model.read_focus();
  ASSERT_TRUE(reading);
  EXPECT_NEAR(reading->sum, reading->map_value, 1e-5);
  // Through the original panel too.
  model.inspect_input_pixel(500, 300);
  expect_inside_maps(model);
}

TEST(ModelInspector, SmallerMapsAndFewerFiltersClampTheInspector) {
  Model model;
  load_ok(model, 60, 40);
  model.inspect_map_pixel(2, 59, 39);
  ConvParams p;
  p.stride = 4;  // maps shrink to 15 x 10
  ASSERT_TRUE(model.set_bank(default_bank(), p));
  expect_inside_maps(model);
  EXPECT_EQ(model.inspector().x, 14);
  EXPECT_EQ(model.inspector().y, 9);
  EXPECT_EQ(model.inspector().filter, 2);
  ASSERT_TRUE(model.set_bank(presets({"blur"}), ConvParams{}));
  expect_inside_maps(model);
  EXPECT_EQ(model.inspector().filter, 0);
  // Removing filters by editing the bank clamps the same way.
  ASSERT_TRUE(model.set_bank(default_bank(), ConvParams{}));
  model.inspect_map_pixel(2, 3, 3);
  ASSERT_TRUE(model.remove_kernel(2));
  expect_inside_maps(model);
  EXPECT_EQ(model.focus()->filter, 1);
}

TEST(ModelInspector, ReadingExplainsTheMapValue) {
  Model model;
  load_ok(model, 30, 20);
  ConvParams p;
  p.padding = 2;
  p.padding_mode = PaddingMode::reflect;
  p.dilation = 2;
  p.flip = true;
  ASSERT_TRUE(model.set_bank(presets({"sobel_x"}), p));
  for (const auto& [x, y] : {std::pair{0, 0}, {5, 7}, {29, 19}}) {
    model.inspect_map_pixel(0, x, y);
    const auto r = model.read_focus();
    ASSERT_TRUE(r);
    EXPECT_NEAR(r->sum, r->map_value, 1e-5) << x << "," << y;
    EXPECT_TRUE(r->flipped);
    EXPECT_EQ(r->ix0, x - 2);
    const PixelRect w = model.input_window(r->focus);
    EXPECT_EQ(w.x1 - w.x0, 5);  // 3 taps, dilation 2
  }
  model.inspect_map_pixel(0, 0, 0);
  const auto corner = model.read_focus();
  EXPECT_EQ(corner->ghost[0], 1);  // (-2, -2) is padding
}

TEST(ModelAnimation, ClampedOrStoppedAfterASmallerImageOrBank) {
  Model model;
  load_ok(model, 80, 60);
  model.set_animation_filter(2);
  model.start_animation();
  ASSERT_TRUE(model.animation().active);
  EXPECT_EQ(model.animation().w, 24);
  model.set_animation_position(100);
  const auto f = model.focus();  // the animation leads the inspector
  ASSERT_TRUE(f);
  EXPECT_EQ(f->filter, 2);
  EXPECT_EQ(f->x, model.animation().x0 + 100 % 24);
  // Fewer filters: the animated map is gone.
  ASSERT_TRUE(model.set_bank(presets({"blur"}), ConvParams{}));
  EXPECT_FALSE(model.animation().active);
  EXPECT_EQ(model.animation().filter, 0);
  expect_inside_maps(model);
  // A region that no longer fits (stride 8: 10 x 8 map) stops it.
  model.start_animation();
  ASSERT_TRUE(model.animation().active);
  ConvParams p;
  p.stride = 8;
  ASSERT_TRUE(model.set_params(p));
  EXPECT_FALSE(model.animation().active);
  expect_inside_maps(model);
  // A new image resets it.
  ASSERT_TRUE(model.set_params(ConvParams{}));
  model.start_animation();
  model.play_pause_animation();
  load_ok(model, 5, 4, "small.png");
  EXPECT_FALSE(model.animation().active);
  EXPECT_FALSE(model.animation().playing);
  expect_inside_maps(model);
}

TEST(ModelAnimation, PlaysAtItsSpeedAndStopsAtTheEnd) {
  Model model;
  load_ok(model, 10, 10);
  model.start_animation();  // 10 x 10 region
  model.set_animation_speed(20.0f);
  model.play_pause_animation();
  model.advance_animation(0.5);  // 10 windows
  EXPECT_EQ(model.animation().step, 10);
  model.advance_animation(100.0);
  EXPECT_EQ(model.animation().step, 100);
  EXPECT_FALSE(model.animation().playing);
  model.play_pause_animation();  // from the start again
  EXPECT_EQ(model.animation().step, 0);
  model.step_animation();
  EXPECT_EQ(model.animation().step, 1);
  EXPECT_FALSE(model.animation().playing);
}

TEST(ModelSelection, ClampedAfterABankChange) {
  Model model;
  load_ok(model, 20, 20);
  model.select(2);
  ASSERT_TRUE(model.set_bank(presets({"blur"}), ConvParams{}));
  EXPECT_EQ(model.selected(), 0);
  ASSERT_TRUE(model.set_bank(default_bank(), ConvParams{}));
  model.select(2);
  ASSERT_TRUE(model.remove_kernel(2));
  EXPECT_EQ(model.selected(), 1);
  model.select(7);  // out of range: ignored
  EXPECT_EQ(model.selected(), 1);
  // A filter above the one in the editor goes: the editor keeps showing the same filter (it used
  // to move on to the next one, whose weights the person then typed into).
  ASSERT_TRUE(model.set_bank(default_bank(), ConvParams{}));
  model.select(1);
  ASSERT_TRUE(model.remove_kernel(0));
  EXPECT_EQ(model.selected(), 0);
  EXPECT_EQ(model.bank()[static_cast<std::size_t>(model.selected())].name, "sharpen");
  ASSERT_TRUE(model.add_kernel(find_preset("sobel_x").value()));
  model.select(2);
  ASSERT_TRUE(model.remove_kernel(1));  // blur, above sobel_x (shown)
  EXPECT_EQ(model.bank()[static_cast<std::size_t>(model.selected())].name, "sobel_x");
  ASSERT_TRUE(model.remove_kernel(1));  // the one shown goes: its neighbour is shown
  EXPECT_EQ(model.selected(), 0);
  load_ok(model, 3, 3, "tiny.png");
  expect_inside_maps(model);
}

TEST(ModelView, ZoomKeepsThePointUnderTheCursorAndNewImagesFit) {
  Model model;
  load_ok(model, 40, 40);
  ViewState v = model.view();
  v.zoom_about(0.25f, 0.25f, 0.25f, 0.25f, 8.0f);
  model.set_view(v);
  EXPECT_FLOAT_EQ(model.view().zoom, 8.0f);
  // The anchor stays at the same fraction of the panel: cx + (fx - 0.5) / zoom == u.
  EXPECT_NEAR(model.view().cx + (0.25f - 0.5f) / 8.0f, 0.25f, 1e-6);
  v = model.view();
  v.pan(-5.0f, 0.0f);  // far past the edge: the view stays on the image
  model.set_view(v);
  EXPECT_FLOAT_EQ(model.view().cx, 0.5f / 8.0f);
  v.zoom = 1e9f;
  model.set_view(v);
  EXPECT_FLOAT_EQ(model.view().zoom, ViewState::kMaxZoom);
  load_ok(model, 10, 10, "other.png");
  EXPECT_FLOAT_EQ(model.view().zoom, 1.0f);
}

TEST(ModelView, FocusViewNamesAMapThatExistsOrNone) {
  Model model;
  EXPECT_FALSE(model.focus_view().has_value());
  model.set_focus_view(0);  // no maps yet: refused
  EXPECT_FALSE(model.focus_view().has_value());
  load_ok(model, 20, 20);
  model.set_focus_view(2);
  EXPECT_EQ(model.focus_view(), 2);
  model.set_focus_view(3);  // not a map: nothing changes
  model.set_focus_view(-7);
  EXPECT_EQ(model.focus_view(), 2);
  load_ok(model, 9, 9, "other.png");  // a new image keeps the same filters: still focused
  EXPECT_EQ(model.focus_view(), 2);
  ASSERT_TRUE(model.set_bank(presets({"blur", "edge"}), ConvParams{}));  // map 2 is gone
  EXPECT_FALSE(model.focus_view().has_value());
  ASSERT_TRUE(model.set_bank(default_bank(), ConvParams{}));  // and it does not come back
  EXPECT_FALSE(model.focus_view().has_value());
  model.set_focus_view(1);
  model.set_focus_view(-1);
  EXPECT_FALSE(model.focus_view().has_value());
}

// ---- Exports as bytes -------------------------------------------------------------------------

TEST(ModelExport, MapNpyAndGrayNpyDecodeToTheFloats) {
  Model model;
  load_ok(model, 33, 21, "dir/My photo.jpeg");
  for (int i = 0; i < 3; ++i) {
    const auto file = export_map_npy(model, i);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ(file.value().name,
              "My photo-" + model.map_kernels()[static_cast<std::size_t>(i)].name + ".npy");
    const auto plane = decode_npy(file.value().bytes.data(), file.value().bytes.size());
    ASSERT_TRUE(plane) << plane.error();
    EXPECT_EQ(plane.value().width, 33);
    EXPECT_EQ(plane.value().height, 21);
    EXPECT_EQ(plane.value().data, model.maps()[static_cast<std::size_t>(i)].data);
  }
  const auto gray = export_gray_npy(model);
  ASSERT_TRUE(gray);
  EXPECT_EQ(gray.value().name, "My photo-gray.npy");  // spaces are kept (issue 10 point 7)
  EXPECT_EQ(decode_npy(gray.value().bytes.data(), gray.value().bytes.size()).value().data,
            model.gray().data);
  EXPECT_FALSE(export_map_npy(model, 3));
  EXPECT_FALSE(export_map_npy(Model(), 0));
}

TEST(ModelExport, MapPngDecodesToTheDisplayedLevels) {
  Model model;
  load_ok(model, 33, 21);
  for (Colormap c : kColormaps) {
    DisplaySettings d = model.display();
    d.colormap = c;
    d.shared_scale = c == Colormap::abs;  // one of them with a shared scale
    model.set_display(d);
    for (int i = 0; i < 3; ++i) {
      const auto file = export_map_png(model, i);
      ASSERT_TRUE(file) << file.error();
      const auto image = decode_image(file.value().bytes.data(), file.value().bytes.size());
      ASSERT_TRUE(image) << image.error();
      ASSERT_EQ(image.value().channels, 3);
      const Plane& map = model.maps()[static_cast<std::size_t>(i)];
      ASSERT_EQ(image.value().width, map.width);
      const ColorRange range = model.display_range(i);
      for (std::size_t k = 0; k < map.data.size(); ++k) {
        const auto rgb = colormap_rgb(map.data[k], c, range);
        ASSERT_EQ(image.value().pixels[k * 3], rgb[0]) << colormap_name(c) << " map " << i;
        ASSERT_EQ(image.value().pixels[k * 3 + 1], rgb[1]);
        ASSERT_EQ(image.value().pixels[k * 3 + 2], rgb[2]);
      }
    }
  }
  // Gray with each map's own range: its minimum is black and its maximum white.
  model.set_display(DisplaySettings{});
  const auto file = export_map_png(model, 0);
  const Image im = decode_image(file.value().bytes.data(), file.value().bytes.size()).value();
  const auto [mn, mx] = std::minmax_element(im.pixels.begin(), im.pixels.end());
  EXPECT_EQ(*mn, 0);
  EXPECT_EQ(*mx, 255);
}

TEST(ModelExport, FigureAndPytorchText) {
  Model model;
  load_ok(model, 40, 20, "cat.png");
  const auto figure = export_figure(model, {});  // no font: untitled panels
  ASSERT_TRUE(figure) << figure.error();
  EXPECT_EQ(figure.value().name, "cat-figure.png");
  const auto image = decode_image(figure.value().bytes.data(), figure.value().bytes.size());
  ASSERT_TRUE(image) << image.error();
  EXPECT_GT(image.value().width, 4 * 40);  // four panels side by side
  const std::string code = export_pytorch(model);
  EXPECT_NE(code.find("F.conv2d"), std::string::npos);
  EXPECT_NE(code.find("'blur'"), std::string::npos) << code;
  EXPECT_FALSE(export_figure(Model(), {}));
}

// ---- Training ---------------------------------------------------------------------------------

// An IDX file (uncompressed) of `count` random 28 x 28 images, and one of labels 0..9.
std::vector<std::uint8_t> idx_images(int count, std::uint32_t seed) {
  std::vector<std::uint8_t> out = {0, 0, 8, 3};
  for (std::uint32_t v : {std::uint32_t(count), 28u, 28u})
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  std::mt19937 rng(seed);
  for (int i = 0; i < count * 28 * 28; ++i) out.push_back(static_cast<std::uint8_t>(rng() & 255));
  return out;
}
std::vector<std::uint8_t> idx_labels(int count) {
  std::vector<std::uint8_t> out = {0, 0, 8, 1};
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(count >> s));
  for (int i = 0; i < count; ++i) out.push_back(static_cast<std::uint8_t>(i % 10));
  return out;
}

struct RunResult {
  std::vector<float> w1, w4, loss, accuracy;
  double test_accuracy;
};

// Trains one epoch of 40 images in batches of 8, in calls of `batches_per_call` batches.
RunResult train(std::uint32_t seed, int batches_per_call) {
  Model model;
  Status s =
      model.set_training_data(idx_images(40, 1), idx_labels(40), idx_images(12, 2), idx_labels(12));
  EXPECT_TRUE(s) << s.error();
  cnn::TrainingRun& run = model.learned().run();
  run.set_batch_size(8);
  EXPECT_TRUE(model.start_training(1, seed));
  int calls = 0;
  while (run.running() && calls < 100) {
    run.step_batches(batches_per_call);
    ++calls;
  }
  EXPECT_TRUE(run.finished());
  const cnn::Network* net = run.network();
  return {net->w1, net->w4, run.loss_curve(), run.accuracy_curve(), run.test_accuracy()};
}

TEST(ModelTraining, RunStepsDeterministicallyPerSeed) {
  const RunResult a = train(7, 1);
  const RunResult b = train(7, 3);  // the same batches, split differently between calls
  EXPECT_EQ(a.w1, b.w1);
  EXPECT_EQ(a.w4, b.w4);
  EXPECT_EQ(a.loss, b.loss);
  ASSERT_EQ(a.loss.size(), 1u);  // 40 images < one point per 512: one point at the end
  EXPECT_EQ(a.accuracy, b.accuracy);
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  const RunResult c = train(8, 1);
  EXPECT_NE(a.w1, c.w1);
}

// The Train tab's sliders can be typed into; the run itself keeps a learning rate that cannot
// train (it used to take 1e30 or NaN and "finish" with filters of one colour).
TEST(ModelTraining, ALearningRateThatCannotTrainIsNotTaken) {
  Model model;
  cnn::TrainingRun& run = model.learned().run();
  run.set_learning_rate(2e-3f);
  for (float bad : {std::nanf(""), std::numeric_limits<float>::infinity(), 0.0f, -1e-3f}) {
    run.set_learning_rate(bad);
    EXPECT_EQ(run.settings().learning_rate, 2e-3f) << bad;
  }
  run.set_learning_rate(5e-4f);
  EXPECT_EQ(run.settings().learning_rate, 5e-4f);
}

TEST(ModelTraining, PauseResumeResetAndTheShownNetwork) {
  Model model;
  ASSERT_FALSE(model.start_training(1, 1));  // no data yet: says where data comes from
  EXPECT_NE(model.last_error().find("No training data"), std::string::npos);
  ASSERT_TRUE(
      model.set_training_data(idx_images(16, 3), idx_labels(16), idx_images(4, 4), idx_labels(4)));
  EXPECT_FALSE(model.set_training_data(idx_images(16, 3), idx_labels(15), idx_images(4, 4),
                                       idx_labels(4)));  // a count mismatch changes nothing
  cnn::TrainingRun& run = model.learned().run();
  EXPECT_EQ(run.train_data().count, 16);
  EXPECT_EQ(model.learned().shown_network(), nullptr);
  run.set_batch_size(4);
  ASSERT_TRUE(model.start_training(2, 5));
  EXPECT_EQ(model.learned().filters().size(), 8u);  // the network being trained is shown
  EXPECT_EQ(run.step_batches(1), 4);
  run.pause();
  EXPECT_EQ(run.step_batches(5), 0);  // paused: nothing happens
  EXPECT_EQ(run.position(), 4);
  run.resume();
  EXPECT_EQ(run.step_batches(100), 28);  // the rest of two epochs of 16
  EXPECT_TRUE(run.finished());
  EXPECT_EQ(run.run_epochs(), 2);
  // The current image's reading follows the shown network.
  load_ok(model, 40, 30);
  EXPECT_GE(model.learned_reading().prediction, 0);
  run.reset();
  EXPECT_EQ(run.state(), cnn::TrainingRun::State::idle);
  EXPECT_EQ(model.learned().shown_network(), nullptr);
  EXPECT_LT(model.learned_reading().prediction, 0);  // no network loaded, none trained
}

}  // namespace
}  // namespace filterlens

namespace filterlens {
namespace {

// The "contours" switch (extreme reduction) remakes only the maps' display levels on the
// synchronous path: the maps stay as they were, the levels are those of the new reduction
// (centred on each map's mean), and the panels are told to upload them.
TEST(ModelDisplay, ChangingTheReductionRemakesTheLevelsOfTheSameMaps) {
  Model model;
  load_ok(model, 300, 200, "r.png");
  const std::vector<Plane> maps = model.maps();
  const std::uint64_t generation = model.maps_generation();
  DisplaySettings d = model.display();
  d.shrink = Reduction::extreme;
  model.set_display(d);
  EXPECT_EQ(model.map_levels_reduction(), Reduction::extreme);
  EXPECT_GT(model.maps_generation(), generation);
  ASSERT_EQ(model.maps().size(), maps.size());
  for (std::size_t i = 0; i < maps.size(); ++i) {
    EXPECT_EQ(model.maps()[i].data, maps[i].data) << "map " << i;
    const std::vector<Plane> expected = display_levels(
        maps[i], Reduction::extreme, static_cast<float>(model.stats()[i].mean), kMinLevelSide);
    ASSERT_EQ(model.map_level_count(int(i)), 1 + int(expected.size()));
    ASSERT_FALSE(expected.empty());
    for (std::size_t k = 0; k < expected.size(); ++k)
      EXPECT_EQ(model.map_level(int(i), int(k) + 1).data, expected[k].data) << i << " " << k;
  }
  d.shrink = Reduction::mean;  // and back
  model.set_display(d);
  for (std::size_t i = 0; i < maps.size(); ++i) {
    const std::vector<Plane> expected =
        display_levels(maps[i], Reduction::mean, 0.0f, kMinLevelSide);
    for (std::size_t k = 0; k < expected.size(); ++k)
      EXPECT_EQ(model.map_level(int(i), int(k) + 1).data, expected[k].data) << i << " " << k;
  }
}

}  // namespace
}  // namespace filterlens
