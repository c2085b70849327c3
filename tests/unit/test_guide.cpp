// The guide's model (src/model/guide.h): its step bounds, and what each step does to the real
// Model on the current image (zoom into the pixel grid, the sliding window, the inspector's focus,
// the fitted view, the kernel editor's selection, the bottom tab), including after a new image.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "guide.h"
#include "model.h"

namespace filterlens {
namespace {

// A w x h image, dark left of column `edge_x` and bright from it on, with a faint ramp so no two
// flat pixels are equal: the one strong change is the vertical step at edge_x.
void load_step_image(Model& model, int w, int h, int edge_x, const std::string& name = "step.png") {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::uint8_t v = static_cast<std::uint8_t>((x < edge_x ? 40 : 200) + (y % 4));
      std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * w + x) * 4];
      p[0] = p[1] = p[2] = v;
      p[3] = 255;
    }
  const Status s = model.load_rgba(w, h, rgba.data(), name);
  ASSERT_TRUE(s) << s.error();
}

void expect_focus_inside(const Model& model, bool required = true) {
  const std::optional<Focus> f = model.focus();
  if (!required && !f) return;
  ASSERT_TRUE(f.has_value());
  ASSERT_GE(f->filter, 0);
  ASSERT_LT(f->filter, static_cast<int>(model.maps().size()));
  const Plane& m = model.maps()[static_cast<std::size_t>(f->filter)];
  EXPECT_GE(f->x, 0);
  EXPECT_LT(f->x, m.width);
  EXPECT_GE(f->y, 0);
  EXPECT_LT(f->y, m.height);
}

TEST(Guide, StepsClampAndNextPastTheLastCloses) {
  Model model;
  load_step_image(model, 64, 48, 40);
  Guide g;
  EXPECT_FALSE(g.is_open());
  g.next(model);  // closed: nothing happens
  EXPECT_FALSE(g.is_open());
  EXPECT_EQ(g.step(), 0);

  g.open(model, 99);
  EXPECT_TRUE(g.is_open());
  EXPECT_EQ(g.step(), Guide::kSteps - 1);
  g.open(model, -5);
  EXPECT_EQ(g.step(), 0);
  g.back(model);
  EXPECT_EQ(g.step(), 0);
  EXPECT_TRUE(g.is_open());
  for (int i = 1; i < Guide::kSteps; ++i) {
    g.next(model);
    EXPECT_EQ(g.step(), i);
  }
  g.back(model);
  EXPECT_EQ(g.step(), Guide::kSteps - 2);
  g.next(model);
  g.next(model);  // "Done" on the last step
  EXPECT_FALSE(g.is_open());
  EXPECT_TRUE(g.close() == false);  // already closed: nothing to remember twice
  g.open(model, 0);
  EXPECT_TRUE(g.close());
  EXPECT_STREQ(Guide::step_info(100).title, Guide::step_info(Guide::kSteps - 1).title);
  EXPECT_STREQ(Guide::step_info(-1).title, Guide::step_info(0).title);
}

TEST(Guide, SpotIsTheStrongestChangeNearTheCentre) {
  Model model;
  load_step_image(model, 64, 48, 40);
  const GuideSpot s = Guide::find_spot(model.gray());
  EXPECT_TRUE(s.x == 39 || s.x == 40) << s.x;
  EXPECT_GE(s.y, 12);
  EXPECT_LT(s.y, 36);
  // Degenerate images give their centre, never an index outside them.
  Plane tiny(1, 1);
  EXPECT_EQ(Guide::find_spot(tiny).x, 0);
  EXPECT_EQ(Guide::find_spot(Plane{}).x, 0);
}

TEST(Guide, StepOneZoomsIntoThePixelGridAroundTheSpot) {
  Model model;
  load_step_image(model, 64, 48, 40);
  Guide g;
  g.sync(model, 0.0f);
  g.open(model);
  const ViewState& v = model.view();
  // The default: six pixels across the panel, centred on the spot (a view that fits is zoom 1).
  EXPECT_FLOAT_EQ(v.zoom, 64.0f / Guide::kDefaultCellsAcross);
  EXPECT_NEAR(v.cx * 64.0f, g.spot().x + 0.5f, 1e-3);
  EXPECT_NEAR(v.cy * 48.0f, g.spot().y + 0.5f, 1e-3);
  EXPECT_FALSE(model.animation().active);

  // A panel 500 px wide: ten cells of 50 px, so values are written in them.
  g.sync(model, 500.0f);
  EXPECT_FLOAT_EQ(model.view().zoom, 64.0f / 10.0f);
  // Once the person zooms, a new panel width leaves their view alone.
  ViewState mine = model.view();
  mine.zoom = 2.0f;
  model.set_view(mine);
  g.sync(model, 500.0f);
  g.sync(model, 300.0f);
  EXPECT_FLOAT_EQ(model.view().zoom, 2.0f);
}

TEST(Guide, StepTwoPlaysTheSlidingWindowOnTheEdgeMap) {
  Model model;
  ASSERT_TRUE(
      model.set_bank({find_preset("blur").value(), find_preset("edge").value()}, ConvParams{}));
  load_step_image(model, 64, 48, 40);
  Guide g;
  g.open(model, 1);
  const AnimationState& a = model.animation();
  EXPECT_TRUE(a.active);
  EXPECT_TRUE(a.playing);
  EXPECT_EQ(a.filter, 1);  // edge, wherever it sits in the bank
  EXPECT_EQ(a.step, 0);
  // The walk covers the zoomed region around the spot.
  EXPECT_LE(a.x0, g.spot().x);
  EXPECT_GT(a.x0 + a.w, g.spot().x);
  model.advance_animation(1.0);
  EXPECT_GT(model.animation().step, 0);
  expect_focus_inside(model);
  GuideTab tab = GuideTab::learned_filters;
  ASSERT_TRUE(g.take_tab_request(tab));
  EXPECT_EQ(tab, GuideTab::how_it_works);
  EXPECT_FALSE(g.take_tab_request(tab));  // once per step: then the tabs are the person's
  EXPECT_TRUE(Guide::step_info(1).animation_section);
}

TEST(Guide, StepThreeInspectsTheSpotOnTheEdgeMap) {
  Model model;
  load_step_image(model, 64, 48, 40);
  Guide g;
  g.open(model, 1);
  g.next(model);
  EXPECT_EQ(g.step(), 2);
  EXPECT_FALSE(model.animation().active);  // the walk stops: the inspector holds one spot
  EXPECT_TRUE(model.inspector().active);
  expect_focus_inside(model);
  const std::optional<InspectorReading> r = model.read_focus();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->filter_name, "edge");
  // The window is centred on the spot, which lies on the step: the sum is far from zero.
  EXPECT_EQ(r->ix0 + 1, g.spot().x);
  EXPECT_EQ(r->iy0 + 1, g.spot().y);
  EXPECT_GT(std::abs(r->sum), 1.0);
  EXPECT_STREQ(g.current().highlight, "inspector/products");
}

TEST(Guide, LaterStepsFitTheViewSelectTheKernelAndTheLearnedTab) {
  Model model;
  ASSERT_TRUE(model.set_bank(
      {find_preset("sharpen").value(), find_preset("blur").value(), find_preset("edge").value()},
      ConvParams{}));
  load_step_image(model, 64, 48, 40);
  model.select(0);
  Guide g;
  g.open(model, 3);
  EXPECT_FLOAT_EQ(model.view().zoom, 1.0f);  // the maps side by side, whole
  EXPECT_STREQ(g.current().highlight, "panels");
  expect_focus_inside(model);  // the spot stays marked on every map
  g.next(model);
  EXPECT_EQ(model.selected(), 2);  // edge in the kernel editor
  EXPECT_STREQ(g.current().highlight, "weight/1,1");
  g.next(model);
  GuideTab tab = GuideTab::how_it_works;
  ASSERT_TRUE(g.take_tab_request(tab));
  EXPECT_EQ(tab, GuideTab::learned_filters);
  // Back to step 1 from the end: zoomed in again, whatever came before.
  g.go_to(model, 0);
  EXPECT_GT(model.view().zoom, 1.0f);
}

TEST(Guide, ANewImageReappliesTheStepOnIt) {
  Model model;
  load_step_image(model, 64, 48, 40);
  Guide g;
  g.open(model, 2);
  const GuideSpot first = g.spot();
  // A smaller image: the model resets the inspector; the guide puts the spot back inside it.
  load_step_image(model, 20, 10, 7, "small.png");
  g.sync(model, 0.0f);
  EXPECT_NE(g.spot().x, first.x);
  EXPECT_TRUE(g.spot().x == 6 || g.spot().x == 7) << g.spot().x;
  expect_focus_inside(model);
  const std::optional<InspectorReading> r = model.read_focus();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ix0 + 1, g.spot().x);
  // A 1 x 1 image: every step keeps its indices inside the 1 x 1 maps.
  std::vector<std::uint8_t> one = {9, 9, 9, 255};
  ASSERT_TRUE(model.load_rgba(1, 1, one.data(), "one.png"));
  for (int i = 0; i < Guide::kSteps; ++i) {
    g.go_to(model, i);
    g.sync(model, 400.0f);
    expect_focus_inside(model, /*required=*/i >= 1);  // step 1 shows the grid, no spot
  }
  // Closed, a new image leaves the model's own reset alone.
  g.close();
  load_step_image(model, 64, 48, 40);
  g.sync(model, 0.0f);
  EXPECT_FLOAT_EQ(model.view().zoom, 1.0f);
}

TEST(Guide, WithoutAnImageTheStepsChangeNothing) {
  Model model;
  Guide g;
  g.open(model, 0);
  for (int i = 0; i < Guide::kSteps; ++i) g.next(model);
  EXPECT_FALSE(g.is_open());
  EXPECT_FLOAT_EQ(model.view().zoom, 1.0f);
  EXPECT_FALSE(model.animation().active);
  EXPECT_FALSE(model.focus().has_value());
}

}  // namespace
}  // namespace filterlens
