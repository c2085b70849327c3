// Issue 10 points 7 and 8 as model rules: export names keep Unicode letters and replace only
// path-hostile characters; arrow keys move the inspected pixel, clamped to the map; messages
// clear on the next success and on Esc; touch pans, pinch-zooms about the fingers' middle and
// taps. Each case fails on the code before these rules (ASCII-only names, no key moves, errors
// that outlived a success, no touch maths).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "exports.h"
#include "model.h"
#include "titles.h"
#include "touch.h"

namespace filterlens {
namespace {

// A w x h gray-ish RGBA image with some structure.
std::vector<std::uint8_t> rgba(int w, int h) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * h * 4);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>((i * 37) % 251);
  for (std::size_t i = 3; i < out.size(); i += 4) out[i] = 255;
  return out;
}

// ---- Export names --------------------------------------------------------------------------

TEST(ExportNames, KeepUnicodeLetters) {
  EXPECT_EQ(export_stem("猫 café.png"), "猫 café");
  EXPECT_EQ(export_stem("/photos/Ωμέγα Кошка.jpeg"), "Ωμέγα Кошка");
  EXPECT_EQ(export_stem("C:\\Users\\me\\حافة.png"), "حافة");
  EXPECT_EQ(export_stem("plain_name-1.png"), "plain_name-1");
}

TEST(ExportNames, ReplaceOnlyPathHostileCharacters) {
  EXPECT_EQ(safe_file_part("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
  EXPECT_EQ(safe_file_part("tab\there"), "tab_here");
  EXPECT_EQ(safe_file_part("c1\xC2\x85x"), "c1_x");      // U+0085, a C1 control
  EXPECT_EQ(safe_file_part("ls\xE2\x80\xA8x"), "ls_x");  // U+2028
  // Bidirectional overrides and isolates (U+202A-E, U+2066-9) would reorder the name on screen.
  EXPECT_EQ(safe_file_part("photo\xE2\x80\xAE"
                           "gnp.exe"),
            "photo_gnp.exe");  // U+202E
  EXPECT_EQ(safe_file_part("a\xE2\x80\xAA"
                           "b\xE2\x81\xA6"
                           "c\xE2\x81\xA9"
                           "d"),
            "a_b_c_d");
  EXPECT_EQ(safe_file_part("caf\xC3\xA9 \xE2\x80\x8F"),
            "caf\xC3\xA9 \xE2\x80\x8F");                      // RLM is no override
  EXPECT_EQ(safe_file_part("bad\xFF\xC3utf8"), "bad__utf8");  // not UTF-8: one '_' a byte
  EXPECT_EQ(safe_file_part("\xF0\x9F\x90\x88 cat"), "\xF0\x9F\x90\x88 cat");  // U+1F408 kept
  EXPECT_EQ(safe_file_part(" ..hidden. "), "hidden");
  EXPECT_EQ(safe_file_part("..."), "");
  EXPECT_EQ(export_stem("....png"), "image");  // nothing left: the fallback
  // The page's note on an image the browser decoded is no part of the file's name.
  EXPECT_EQ(export_stem("pic (decoded by the browser)"), "pic");
  EXPECT_EQ(export_stem("pic.webp (decoded by the browser)"), "pic");
  EXPECT_EQ(export_stem("v1.2 (decoded by the browser)"), "v1");
}

TEST(ExportNames, CutAtACharacterBoundary) {
  std::string long_name;
  for (int i = 0; i < 100; ++i) long_name += "é";  // 2 bytes each
  const std::string cut = safe_file_part(long_name + "x");
  EXPECT_EQ(cut.size(), 120u);
  EXPECT_EQ(cut, long_name.substr(0, 120));
}

TEST(ExportNames, FigureAndMapFilesKeepTheNames) {
  Model model;
  const std::vector<std::uint8_t> px = rgba(8, 6);
  ASSERT_TRUE(model.load_rgba(8, 6, px.data(), "猫 café.png"));
  Kernel k = model.bank().front();
  k.name = "Kante/ä";
  ASSERT_TRUE(model.replace_kernel(0, k));
  Result<ExportFile> figure = export_figure(model, {});
  ASSERT_TRUE(figure);
  EXPECT_EQ(figure.value().name, "猫 café-figure.png");
  Result<ExportFile> map = export_map_png(model, 0);
  ASSERT_TRUE(map);
  EXPECT_EQ(map.value().name, "猫 café-Kante_ä.png");
}

TEST(ExportNames, OneExportNeverNamesTwoFilesAlike) {
  // Names that make the same file name, or one that differs only in case (one file on Windows
  // and macOS), or the name of the image's other exports: each later one gets "_<index>".
  Model model;
  const std::vector<std::uint8_t> px = rgba(8, 6);
  ASSERT_TRUE(model.load_rgba(8, 6, px.data(), "cat.png"));
  const std::vector<std::string> names = {"a/b",    "a_b", "Edge",  "edge", "gray",
                                          "Figure", "rgb", "a_b_1", ""};
  std::vector<Kernel> bank;
  for (const std::string& n : names) {
    Kernel k = model.bank().front();
    k.name = n.empty() ? "..." : n;  // "..." leaves nothing of itself in a file name
    bank.push_back(k);
  }
  ASSERT_TRUE(model.set_bank(bank, model.params())) << model.status();
  std::vector<std::string> files;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const Result<ExportFile> png = export_map_png(model, i);
    ASSERT_TRUE(png);
    files.push_back(png.value().name);
  }
  EXPECT_EQ(files, (std::vector<std::string>{"cat-a_b.png", "cat-a_b_1.png", "cat-Edge.png",
                                             "cat-edge_3.png", "cat-gray_4.png", "cat-Figure_5.png",
                                             "cat-rgb_6.png", "cat-a_b_1_7.png", "cat-map8.png"}));
  // The .npy of a map has the PNG's name, and the input's own file keeps its name.
  EXPECT_EQ(export_map_npy(model, 4).value().name, "cat-gray_4.npy");
  EXPECT_EQ(export_input_npy(model).value().name, "cat-gray.npy");
}

// ---- Arrow keys ----------------------------------------------------------------------------

TEST(InspectorKeys, ArrowsMoveTheInspectedPixelClampedToTheMap) {
  Model model;
  model.move_inspector(1, 0);  // no maps: nothing to inspect
  EXPECT_FALSE(model.inspector().active);
  const std::vector<std::uint8_t> px = rgba(10, 7);
  ASSERT_TRUE(model.load_rgba(10, 7, px.data(), "a.png"));
  const Plane& map = model.maps()[1];
  // The first press starts at the map's centre.
  model.move_inspector(1, 0);
  ASSERT_TRUE(model.inspector().active);
  EXPECT_EQ(model.inspector().x, map.width / 2);
  EXPECT_EQ(model.inspector().y, map.height / 2);
  model.inspect_map_pixel(1, 3, 3);
  model.move_inspector(1, 0);
  EXPECT_EQ(model.inspector().filter, 1);
  EXPECT_EQ(model.inspector().x, 4);
  EXPECT_EQ(model.inspector().y, 3);
  model.move_inspector(0, -1);
  EXPECT_EQ(model.inspector().y, 2);
  for (int i = 0; i < 50; ++i) model.move_inspector(1, 1);  // held: stops at the corner
  EXPECT_EQ(model.inspector().x, map.width - 1);
  EXPECT_EQ(model.inspector().y, map.height - 1);
  model.move_inspector(-1000000, 0);
  EXPECT_EQ(model.inspector().x, 0);
  model.move_inspector(0, 2147483647);  // no overflow past INT_MAX
  EXPECT_EQ(model.inspector().y, map.height - 1);
  EXPECT_EQ(model.inspector().filter, 1);
}

// ---- Messages ------------------------------------------------------------------------------

TEST(Messages, AnErrorClearsOnTheNextSuccess) {
  Model model;
  const std::vector<std::uint8_t> px = rgba(6, 6);
  ASSERT_TRUE(model.load_rgba(6, 6, px.data(), "a.png"));
  model.report_error("Could not open b.png: broken");
  EXPECT_TRUE(model.status().empty());
  model.set_status("Downloaded a-figure.png");
  EXPECT_TRUE(model.last_error().empty());
  EXPECT_EQ(model.status(), "Downloaded a-figure.png");

  // A refused bank reports; the next bank that applies clears it.
  EXPECT_FALSE(model.set_bank({}, model.params()));
  EXPECT_FALSE(model.last_error().empty());
  ASSERT_TRUE(model.set_bank(default_bank(), model.params()));
  EXPECT_TRUE(model.last_error().empty());

  model.report_error("something failed");
  ASSERT_TRUE(model.load_rgba(6, 6, px.data(), "c.png"));
  EXPECT_TRUE(model.last_error().empty());
}

TEST(Messages, EscDismissesErrorAndStatus) {
  Model model;
  model.set_status("Opened a.png");
  model.dismiss_messages();
  EXPECT_TRUE(model.status().empty());
  model.report_error("oops");
  model.dismiss_messages();
  EXPECT_TRUE(model.last_error().empty());
}

// ---- Touch ---------------------------------------------------------------------------------

TEST(TouchView, OneFingerPansLikeADrag) {
  ViewState v;
  v.zoom = 4.0f;
  const ViewState out = touch_view(v, {{0.5f, 0.5f}}, {{0.7f, 0.4f}}, 1.0f);
  EXPECT_FLOAT_EQ(out.zoom, 4.0f);
  // The image follows the finger: the centre moves the other way, by the drag / zoom.
  EXPECT_NEAR(out.cx, 0.5f - 0.2f / 4.0f, 1e-6f);
  EXPECT_NEAR(out.cy, 0.5f + 0.1f / 4.0f, 1e-6f);
}

TEST(TouchView, PinchZoomsAboutTheFingersMiddle) {
  ViewState v;
  v.zoom = 2.0f;
  v.cx = 0.4f;
  v.cy = 0.6f;
  // Fingers around (0.3, 0.7) of the panel spread to twice their distance.
  const std::vector<PanelPoint> before = {{0.25f, 0.7f}, {0.35f, 0.7f}};
  const std::vector<PanelPoint> after = {{0.2f, 0.7f}, {0.4f, 0.7f}};
  const ViewState out = touch_view(v, before, after, 0.75f);
  EXPECT_NEAR(out.zoom, 4.0f, 1e-5f);
  // The image point under the middle stays under it.
  const float u0 = v.cx + (0.3f - 0.5f) / v.zoom, v0 = v.cy + (0.7f - 0.5f) / v.zoom;
  EXPECT_NEAR(out.cx + (0.3f - 0.5f) / out.zoom, u0, 1e-6f);
  EXPECT_NEAR(out.cy + (0.7f - 0.5f) / out.zoom, v0, 1e-6f);
  // Pinching in again comes back, and never below "fit".
  const ViewState back = touch_view(out, after, before, 0.75f);
  EXPECT_NEAR(back.zoom, 2.0f, 1e-5f);
  const ViewState far_out = touch_view(v, after, {{0.29f, 0.7f}, {0.31f, 0.7f}}, 0.75f);
  EXPECT_FLOAT_EQ(far_out.zoom, 1.0f);
}

TEST(TouchView, DegenerateInputLeavesTheView) {
  ViewState v;
  v.zoom = 3.0f;
  EXPECT_FLOAT_EQ(touch_view(v, {}, {}, 1.0f).zoom, 3.0f);
  EXPECT_FLOAT_EQ(
      touch_view(v, {{0.5f, 0.5f}, {0.5f, 0.5f}}, {{0.4f, 0.5f}, {0.6f, 0.5f}}, 1.0f).zoom, 3.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FLOAT_EQ(touch_view(v, {{nan, 0.5f}}, {{0.5f, 0.5f}}, 1.0f).cx, v.cx);
}

TEST(TouchGesture, TapInspectsDragPansPinchZooms) {
  const PanelBox box{100, 50, 200, 100};
  ViewState view;
  TouchGesture g;
  // A tap: down and up within the slop gives its point in panel fractions; the view stays.
  EXPECT_FALSE(g.update({{7, 150, 100}}, box, view));
  EXPECT_FALSE(g.update({{7, 153, 102}}, box, view));
  const std::optional<PanelPoint> tap = g.update({}, box, view);
  ASSERT_TRUE(tap);
  EXPECT_FLOAT_EQ(tap->fx, 0.25f);
  EXPECT_FLOAT_EQ(tap->fy, 0.5f);
  EXPECT_FLOAT_EQ(view.zoom, 1.0f);
  EXPECT_FALSE(g.active());

  // Two fingers spreading from 40 to 120 px apart: 3x zoom, no tap.
  EXPECT_FALSE(g.update({{1, 180, 100}}, box, view));
  EXPECT_FALSE(g.update({{1, 180, 100}, {2, 220, 100}}, box, view));
  EXPECT_FALSE(g.update({{1, 140, 100}, {2, 260, 100}}, box, view));
  EXPECT_NEAR(view.zoom, 3.0f, 1e-4f);
  EXPECT_FALSE(g.update({{2, 260, 100}}, box, view));
  EXPECT_FALSE(g.update({}, box, view));

  // One finger dragged past the slop pans (and is no tap).
  const float cx = view.cx;
  EXPECT_FALSE(g.update({{3, 200, 100}}, box, view));
  EXPECT_FALSE(g.update({{3, 220, 100}}, box, view));  // past the slop: this move pans too
  EXPECT_FALSE(g.update({{3, 240, 100}}, box, view));
  EXPECT_NEAR(view.cx, cx - (40.0f / 200.0f) / view.zoom, 1e-5f);
  EXPECT_FALSE(g.update({}, box, view));

  // A gesture that started outside any panel does nothing.
  const ViewState before = view;
  EXPECT_FALSE(g.update({{4, 10, 10}}, std::nullopt, view));
  EXPECT_FALSE(g.update({{4, 10, 10}}, box, view));
  EXPECT_FALSE(g.update({}, box, view));
  EXPECT_FLOAT_EQ(view.cx, before.cx);
}

// ---- Titles --------------------------------------------------------------------------------

TEST(Titles, EveryPresetHasATitleAndOtherNamesShowAsTheyAre) {
  EXPECT_EQ(filter_title("edge"), "Edge detection");
  EXPECT_EQ(filter_title("sharpen"), "Sharpen");
  EXPECT_EQ(filter_title("blur"), "Blur");
  for (const Kernel& k : kernel_presets()) EXPECT_NE(preset_title(k.name), nullptr) << k.name;
  EXPECT_EQ(filter_title("edge2"), "edge2");
  EXPECT_EQ(filter_title("Kante ä"), "Kante ä");
  EXPECT_EQ(preset_title("Edge detection"), nullptr);
}

}  // namespace
}  // namespace filterlens
