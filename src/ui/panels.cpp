// App's image panels (linked zoom and pan, hover marker, pixel grid and values, the sliding
// window's progress), colour bars, histograms, and the inspector that shows how one output pixel
// is computed from its window.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "app.h"
#include "imgui.h"
#include "text.h"
#include "titles.h"

namespace filterlens {
namespace {

constexpr float kMinPanelWidth = 260.0f;
// A bank of many filters is a grid of tiles no narrower than this: a name, the actions button
// and the colour bar's two numbers fit (a 64-filter bank scrolls rather than shrinking to stamps).
constexpr float kMinTileWidth = 150.0f;
constexpr float kGridFromScale = 18.0f;    // screen pixels per image pixel before a grid shows
constexpr float kValuesFromScale = 46.0f;  // ... and before values are written in the pixels

ImTextureID texture_id(unsigned int gl_texture) {
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(gl_texture));
}

// Where image point (u, v) in [0, 1] lands on screen for a panel at p0 with size `size`.
struct PanelMapping {
  ImVec2 p0, size, uv0, uv1;
  ImVec2 to_screen(float u, float v) const {
    return ImVec2(p0.x + (u - uv0.x) / (uv1.x - uv0.x) * size.x,
                  p0.y + (v - uv0.y) / (uv1.y - uv0.y) * size.y);
  }
  ImVec2 to_image(ImVec2 screen) const {
    return ImVec2(uv0.x + (screen.x - p0.x) / size.x * (uv1.x - uv0.x),
                  uv0.y + (screen.y - p0.y) / size.y * (uv1.y - uv0.y));
  }
};

// Pixel rectangle [x0, x1) x [y0, y1) of a w x h image, on screen.
void pixel_rect(ImDrawList* dl, const PanelMapping& m, int w, int h, int x0, int y0, int x1, int y1,
                ImU32 colour, bool filled, float thickness = 2.0f) {
  const ImVec2 a = m.to_screen(float(x0) / w, float(y0) / h);
  const ImVec2 b = m.to_screen(float(x1) / w, float(y1) / h);
  if (filled) {
    dl->AddRectFilled(a, b, colour);
  } else {
    dl->AddRect(a, b, colour, 0.0f, 0, thickness);
  }
}

// `text` cut to fit `width` in the UI font (fit_text_middle).
std::string fit_text(const std::string& text, float width) {
  return fit_text_middle(
      text, width, [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; },
      "\xE2\x80\xA6");
}

// The width of a map's "focus", "png" and "npy" buttons in the current font.
float title_buttons_width() {
  const ImGuiStyle& style = ImGui::GetStyle();
  return ImGui::CalcTextSize("focus").x + ImGui::CalcTextSize("png").x +
         ImGui::CalcTextSize("npy").x + 6.0f * style.FramePadding.x + 2.0f * style.ItemSpacing.x;
}

// The width of a panel's title row: its image's, at least enough for a title and the buttons
// where the column has room.
float title_row_width(float column_width, float image_width) {
  return std::max(image_width, std::min(column_width, 160.0f));
}

// Whether a title row of `row_width` leaves too little of a name of `name_width` beside the three
// buttons.
bool needs_compact_title(float row_width, float name_width) {
  return row_width - title_buttons_width() - 6.0f < std::min(name_width, 80.0f);
}

// A w x h image's size in a panel: the column's width, or less when the row's height binds.
ImVec2 panel_image_size(int w, int h, float width, float max_height) {
  ImVec2 size(width, std::max(1.0f, std::floor(width * h / std::max(1, w))));
  if (size.y > max_height)  // too tall for the row: fit the height, keep the aspect
    size = ImVec2(std::max(1.0f, std::floor(max_height * w / std::max(1, h))), max_height);
  return size;
}

}  // namespace

void App::draw_panels() {
  panel_rects_.clear();
  maps_visible_ = visible_part_of_window("maps");
  // Widths of the panels drawn this frame (draw_panel); a panel not drawn says 0.
  std::fill(panel_device_width_.begin(), panel_device_width_.end(), 0.0f);
  const Plane& gray = model_.gray();
  if (gray.empty()) {
    ImGui::TextWrapped("Drop an image here, paste one, or open one from the left.");
    return;
  }
  // Reflow: the columns (and so rows) that give the largest panels with every panel inside the
  // map area: each panel is as wide as its column or as tall as its row allows, whichever binds
  // first for the image's aspect, and no column narrower than kMinTileWidth (or, when no count
  // leaves a usable height, panels no narrower than kMinPanelWidth, or kMinTileWidth for a bank
  // of more than four filters, scrolled).
  // The panels shown: the original and every map, or (the focus view) the original and one map.
  std::vector<int> shown{0};
  if (const std::optional<int> focus = model_.focus_view()) {
    shown.push_back(*focus + 1);
  } else {
    for (int i = 1; i <= static_cast<int>(model_.maps().size()); ++i) shown.push_back(i);
  }
  const int n = static_cast<int>(shown.size());
  // A guide step about the panels outlines what this window shows of them.
  if (guide_.is_open() && std::string(guide_.current().highlight).rfind("panel", 0) == 0)
    highlight_clip_ = maps_visible_;
  const ImVec2 spacing = ImGui::GetStyle().ItemSpacing;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float aspect = float(gray.height) / float(std::max(1, gray.width));
  // Besides its image, a panel holds its title row, and under a map the colour bar (9 px), its
  // numbers and the histogram (36 px), each followed by the item spacing.
  const float extra = ImGui::GetFrameHeightWithSpacing() + spacing.y + 9.0f + spacing.y +
                      ImGui::GetTextLineHeightWithSpacing() +
                      (model_.display().show_histograms ? 36.0f + spacing.y : 0.0f);
  // An image never gets taller than the window's map area (a 1 x 2000 image is a strip, not a
  // 568,000-pixel-tall panel): it fits inside its panel, keeping its aspect.
  const float max_height = std::max(kMinPanelWidth * 0.5f, avail.y - extra);
  int cols = 1;
  float width = 0.0f, row_height = max_height, best_area = 0.0f;
  bool found_fit = false;
  for (int c = 1; c <= n; ++c) {
    const float w = std::floor((avail.x - spacing.x * (c - 1)) / c);
    const int rows = (n + c - 1) / c;
    const float h = std::floor((avail.y - spacing.y * (rows - 1)) / rows - extra);
    if (w < 1.0f || (c > 1 && w < kMinTileWidth) || h < kMinPanelWidth * 0.25f) continue;
    const float image_w = std::min(w, h / aspect);  // the panel's image, width or height bound
    const float area = image_w * image_w * aspect;
    if (area > best_area) {
      found_fit = true;
      best_area = area;
      cols = c;
      width = w;
      row_height = std::min(max_height, h);
    }
  }
  if (!found_fit) {
    const float min_width = n > 5 ? kMinTileWidth : kMinPanelWidth;
    cols =
        std::max(1, std::min(n, static_cast<int>((avail.x + spacing.x) / (min_width + spacing.x))));
    width = std::floor((avail.x - spacing.x * (cols - 1)) / cols);
  }
  // Every map's title row alike: compact when one of them needs it.
  const float panel_height = found_fit ? row_height : max_height;
  const float image_width = std::min(width, std::floor(panel_height / aspect));
  bool compact = false;
  for (int k = 1; k < n; ++k) {
    const std::size_t mi = static_cast<std::size_t>(shown[static_cast<std::size_t>(k)] - 1);
    if (mi >= model_.map_kernels().size()) break;
    const float name_w = ImGui::CalcTextSize(filter_title(model_.map_kernels()[mi].name).c_str()).x;
    compact = compact || needs_compact_title(title_row_width(width, image_width), name_w);
  }
  // One pitch for every column: the widest panel's (a panel is its image or its title row,
  // whichever is wider), so the columns line up row under row even when the Original's title row
  // is narrower than a map's.
  float pitch = ImGui::CalcTextSize("Original").x;
  for (int i : shown) {
    const Plane& plane = i == 0 ? gray : model_.maps()[static_cast<std::size_t>(i - 1)];
    const float image = panel_image_size(plane.width, plane.height, width, panel_height).x;
    pitch = std::max(pitch, i == 0 ? image : title_row_width(width, image));
  }
  const float start_x = ImGui::GetCursorPosX();
  for (int k = 0; k < n; ++k) {
    const int i = shown[static_cast<std::size_t>(k)];
    // A panel's buttons may change the model (an export failing reports an error, leaving the
    // focus view), so the number of maps is checked again on every panel.
    if (i > static_cast<int>(model_.maps().size())) break;
    if (k % cols) ImGui::SameLine(start_x + static_cast<float>(k % cols) * (pitch + spacing.x));
    ImGui::BeginGroup();
    ImGui::PushID(i);
    draw_panel(i, width, panel_height, compact);
    ImGui::PopID();
    ImGui::EndGroup();
  }
}

void App::draw_panel(int index, float width, float max_height, bool compact) {
  const bool is_map = index > 0;
  const int mi = index - 1;
  const std::vector<Plane>& maps = model_.maps();
  const Plane& plane = is_map ? maps[static_cast<std::size_t>(mi)] : model_.gray();
  const int w = plane.width, h = plane.height;
  // `title` is the panel's id (panel_rects, tests); a person reads the preset's title.
  const std::string title =
      is_map ? model_.map_kernels()[static_cast<std::size_t>(mi)].name : "Original";
  const std::string shown = is_map ? filter_title(title) : title;
  // On the RGB input the filters see the colour image, so the original shows it.
  const bool rgb_input = model_.input_mode() == InputMode::rgb;
  const bool show_colour = original_in_colour();

  const ImVec2 size = panel_image_size(w, h, width, max_height);
  const float row_width = title_row_width(width, size.x);

  // Title row, like the notebook's plot titles; maps get their export buttons.
  ImGui::AlignTextToFramePadding();
  if (is_map && mi == scroll_to_map_) {  // its tile was clicked
    ImGui::SetScrollHereY(0.0f);
    scroll_to_map_ = -1;
  }
  if (is_map) {
    // A long name (a model's "encoder_conv1_weight_12") is clipped before the buttons.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImGuiStyle& style = ImGui::GetStyle();
    // The buttons end at the row's end.
    const float actions = compact ? ImGui::GetFrameHeight() : title_buttons_width();
    // Cut to fit (a clip alone would still widen the column by the text's full width).
    const float room = std::max(0.0f, row_width - actions - 6.0f);
    const std::string dims = std::to_string(w) + "x" + std::to_string(h);
    const float dims_w = ImGui::CalcTextSize(dims.c_str()).x + style.ItemSpacing.x;
    const bool with_dims = ImGui::CalcTextSize(shown.c_str()).x + dims_w <= room;
    ImGui::PushClipRect(at, ImVec2(at.x + room, at.y + 100.0f), true);
    ImGui::TextUnformatted(fit_text(shown, room).c_str());
    if (with_dims) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", dims.c_str());
    }
    ImGui::PopClipRect();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s (%s), %d x %d", shown.c_str(), title.c_str(), w, h);
    ImGui::SameLine(std::max(0.0f, row_width - actions));
    // The focus view: this map large next to the original; the same button goes back.
    const bool focused = model_.focus_view() == mi;
    const char* focus_label = focused ? " all " : "focus";
    const char* focus_tip =
        focused ? "Back to all the maps" : "Show this map large, next to the original";
    bool focus = false, png = false, npy = false;
    if (compact) {
      if (track(ImGui::ArrowButton("##actions", ImGuiDir_Down), "actions/" + title))
        ImGui::OpenPopup("actions");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: focus, save as png or npy", shown.c_str());
      if (ImGui::BeginPopup("actions")) {
        focus = track(ImGui::Selectable(focused ? "all the maps" : "focus"), "focus/" + title);
        png = ImGui::Selectable("save png");
        npy = ImGui::Selectable("save npy");
        ImGui::EndPopup();
      }
    } else {
      focus = track(ImGui::SmallButton(focus_label), "focus/" + title);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", focus_tip);
      ImGui::SameLine();
      png = ImGui::SmallButton("png");
      ImGui::SameLine();
      npy = ImGui::SmallButton("npy");
    }
    if (focus) model_.set_focus_view(focused ? -1 : mi);
    if (focus && focused) scroll_to_map_ = mi;  // back in the grid where it was
    if (png) save(export_map_png(model_, mi));
    if (npy) save(export_map_npy(model_, mi));
  } else {
    ImGui::TextUnformatted("Original");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(rgb_input     ? "the R, G, B channels the filters see (convert('RGB'))"
                        : show_colour ? "the image as decoded"
                                      : "the grayscale the filters see (PIL's convert('L'))");
    ImGui::SameLine();
    ImGui::TextDisabled("%dx%d", w, h);
  }

  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("view", size);
  panel_rects_.push_back({title, p0.x, p0.y, size.x, size.y});
  // The display level of the next upload follows the panel's size on screen.
  if (panel_device_width_.size() <= static_cast<std::size_t>(index))
    panel_device_width_.resize(static_cast<std::size_t>(index) + 1, 0.0f);
  panel_device_width_[static_cast<std::size_t>(index)] =
      size.x * ImGui::GetIO().DisplayFramebufferScale.x;
  const bool hovered = ImGui::IsItemHovered();
  const bool dragging =
      ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f);

  // Linked zoom and pan: one view for every panel.
  ImGuiIO& io = ImGui::GetIO();
  filterlens::ViewState view = model_.view();
  const float half = 0.5f / view.zoom;
  PanelMapping m{p0, size, ImVec2(view.cx - half, view.cy - half),
                 ImVec2(view.cx + half, view.cy + half)};
  // The wheel zooms, unless the grid scrolls (a large bank): then it scrolls the grid, and
  // Ctrl + wheel, or a touchpad's pinch (zoom_next_wheel), zooms (the maps window then ignores
  // the wheel).
  const bool wheel_zooms = hovered && io.MouseWheel != 0.0f &&
                           (io.KeyCtrl || zoom_wheel_ || ImGui::GetScrollMaxY() <= 0.0f);
  if (wheel_zooms || dragging) {
    if (wheel_zooms) {
      const ImVec2 anchor = m.to_image(io.MousePos);
      view.zoom_about(anchor.x, anchor.y, (io.MousePos.x - p0.x) / size.x,
                      (io.MousePos.y - p0.y) / size.y, view.zoom * std::pow(1.25f, io.MouseWheel));
    }
    if (dragging)
      view.pan(-io.MouseDelta.x / size.x / view.zoom, -io.MouseDelta.y / size.y / view.zoom);
    model_.set_view(view);
    view = model_.view();
  }
  const float lim = 0.5f / view.zoom;
  m.uv0 = ImVec2(view.cx - lim, view.cy - lim);
  m.uv1 = ImVec2(view.cx + lim, view.cy + lim);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->PushClipRect(p0, p1, true);
  unsigned int tex = 0;
  if (is_map && mi < static_cast<int>(map_textures_.size())) {
    tex = map_textures_[static_cast<std::size_t>(mi)]->display_texture();
  } else if (!is_map) {
    tex = show_colour ? colour_texture_.texture() : gray_texture_.display_texture();
  }
  // The texture may hold a window of the image (App::TextureWindow): its own coordinates.
  const App::TextureWindow* win = nullptr;
  if (is_map && mi < static_cast<int>(map_windows_.size()))
    win = &map_windows_[static_cast<std::size_t>(mi)];
  else if (!is_map)
    win = &original_window();
  if (tex && win)
    dl->AddImage(texture_id(tex), p0, p1, ImVec2(win->texture_u(m.uv0.x), win->texture_v(m.uv0.y)),
                 ImVec2(win->texture_u(m.uv1.x), win->texture_v(m.uv1.y)));

  // Hover: the pixel under the mouse becomes the inspector's output pixel.
  if (hovered && !maps.empty()) {
    const ImVec2 uv = m.to_image(io.MousePos);
    const int px = std::clamp(static_cast<int>(uv.x * w), 0, w - 1);
    const int py = std::clamp(static_cast<int>(uv.y * h), 0, h - 1);
    if (is_map) {
      model_.inspect_map_pixel(mi, px, py);
    } else {  // the output pixel whose window is centred on this input pixel
      model_.inspect_input_pixel(px, py);
    }
  }

  // Pixel grid and values when zoomed in far enough.
  const float scale = size.x / ((m.uv1.x - m.uv0.x) * w);
  if (scale >= kGridFromScale) {
    const int x0 = std::max(0, static_cast<int>(m.uv0.x * w)),
              x1 = std::min(w, static_cast<int>(m.uv1.x * w) + 1);
    const int y0 = std::max(0, static_cast<int>(m.uv0.y * h)),
              y1 = std::min(h, static_cast<int>(m.uv1.y * h) + 1);
    for (int x = x0; x <= x1; ++x) {
      const ImVec2 a = m.to_screen(float(x) / w, 0.0f), b = m.to_screen(float(x) / w, 1.0f);
      dl->AddLine(a, b, IM_COL32(128, 128, 128, 120));
    }
    for (int y = y0; y <= y1; ++y) {
      const ImVec2 a = m.to_screen(0.0f, float(y) / h), b = m.to_screen(1.0f, float(y) / h);
      dl->AddLine(a, b, IM_COL32(128, 128, 128, 120));
    }
    if (scale >= kValuesFromScale) {
      char text[32];
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
          std::snprintf(text, sizeof text, "%.3g", plane.at(x, y));
          const ImVec2 c = m.to_screen((x + 0.5f) / w, (y + 0.5f) / h);
          const ImVec2 ts = ImGui::CalcTextSize(text);
          const ImVec2 at(c.x - ts.x / 2, c.y - ts.y / 2);
          dl->AddRectFilled(ImVec2(at.x - 1, at.y), ImVec2(at.x + ts.x + 1, at.y + ts.y),
                            IM_COL32(0, 0, 0, 150));
          dl->AddText(at, IM_COL32(255, 255, 160, 255), text);
        }
    }
  }

  // The sliding window's progress: outputs not computed yet are covered.
  const AnimationState& anim = model_.animation();
  if (anim.active && is_map && mi == anim.filter) {
    const int done = std::min(anim.step, anim.total());
    const int row = done / anim.w, col = done % anim.w;
    const ImU32 veil = IM_COL32(20, 20, 30, 235);
    if (row < anim.h) {
      pixel_rect(dl, m, w, h, anim.x0 + col, anim.y0 + row, anim.x0 + anim.w, anim.y0 + row + 1,
                 veil, true);
      pixel_rect(dl, m, w, h, anim.x0, anim.y0 + row + 1, anim.x0 + anim.w, anim.y0 + anim.h, veil,
                 true);
    }
    pixel_rect(dl, m, w, h, anim.x0, anim.y0, anim.x0 + anim.w, anim.y0 + anim.h,
               IM_COL32(120, 200, 255, 255), false, 1.0f);
  }

  // The same spot in every panel: the output pixel on maps, its whole window on the original.
  if (const std::optional<Focus> f = model_.focus()) {
    const Plane& ref = maps[static_cast<std::size_t>(f->filter)];
    const ImU32 mark = IM_COL32(255, 60, 200, 255);
    if (is_map) {
      const int x = std::min(w - 1, static_cast<int>((f->x + 0.5f) * w / ref.width));
      const int y = std::min(h - 1, static_cast<int>((f->y + 0.5f) * h / ref.height));
      pixel_rect(dl, m, w, h, x, y, x + 1, y + 1, mark, false);
    } else {
      const PixelRect r = model_.input_window(*f);
      pixel_rect(dl, m, w, h, r.x0, r.y0, r.x1, r.y1, mark, false);
    }
  }
  dl->PopClipRect();

  if (is_map) {
    draw_colour_bar(mi, size.x);
    if (model_.display().show_histograms) draw_histogram(mi, size.x);
  }
}

void App::draw_colour_bar(int mi, float width) {
  const ColorRange r = model_.display_range(mi);
  const Colormap colormap = model_.display().colormap;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + width, p0.y + 8);
  const ImU32 black = IM_COL32(0, 0, 0, 255), white = IM_COL32(255, 255, 255, 255);
  if (colormap == Colormap::diverging) {  // blue, white at 0, red
    const ImVec2 mid(p0.x + width / 2, p1.y);
    const ImU32 blue = IM_COL32(0, 0, 255, 255), red = IM_COL32(255, 0, 0, 255);
    dl->AddRectFilledMultiColor(p0, mid, blue, white, white, blue);
    dl->AddRectFilledMultiColor(ImVec2(mid.x, p0.y), p1, white, red, red, white);
  } else {
    dl->AddRectFilledMultiColor(p0, p1, black, white, white, black);
  }
  dl->AddRect(p0, p1, IM_COL32(90, 90, 90, 255));
  ImGui::Dummy(ImVec2(width, 9));
  float lo = r.lo, hi = r.hi;
  if (colormap == Colormap::abs) lo = 0.0f;
  if (colormap == Colormap::clamp) lo = 0.0f, hi = 1.0f;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("colour bar: %.6g to %.6g", lo, hi);
  // The two ends' numbers, with fewer digits where four would run into each other (a narrow
  // tile of a large bank).
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  char left[32], right[32];
  for (int digits = 4; digits >= 2; --digits) {
    std::snprintf(left, sizeof left, "%.*g", digits, lo);
    std::snprintf(right, sizeof right, "%.*g", digits, hi);
    if (ImGui::CalcTextSize(left).x + ImGui::CalcTextSize(right).x + gap <= width) break;
  }
  const float left_w = ImGui::CalcTextSize(left).x, right_w = ImGui::CalcTextSize(right).x;
  ImGui::TextDisabled("%s", left);
  if (colormap == Colormap::diverging) {
    const float zero_w = ImGui::CalcTextSize("0").x;
    if (left_w + gap <= width / 2 - zero_w / 2 && width / 2 + zero_w / 2 + gap <= width - right_w) {
      ImGui::SameLine(width / 2 - zero_w / 2);
      ImGui::TextDisabled("0");
    }
  }
  if (left_w + right_w + gap <= width) {
    ImGui::SameLine(width - right_w);
    ImGui::TextDisabled("%s", right);
  }
}

void App::draw_histogram(int mi, float width) {
  const MapStats& s = model_.stats()[static_cast<std::size_t>(mi)];
  float values[256];
  const int n = std::min(256, static_cast<int>(s.histogram.size()));
  for (int i = 0; i < n; ++i)
    values[i] = static_cast<float>(s.histogram[static_cast<std::size_t>(i)]);
  ImGui::PlotHistogram("##hist", values, n, 0, nullptr, 0.0f, FLT_MAX, ImVec2(width, 36));
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  if (s.min < 0.0f && s.max > 0.0f) {  // the zero line
    const float x = a.x + (0.0f - s.min) / (s.max - s.min) * (b.x - a.x);
    ImGui::GetWindowDrawList()->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), IM_COL32(255, 220, 0, 255),
                                        1.5f);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("min %.5g  max %.5g  mean %.5g (yellow line: 0)", s.min, s.max, s.mean);
}

void App::draw_how_it_works_tab() {
  draw_inspector();
  draw_learn_panel();
}

void App::draw_inspector() {
  if (model_.maps().empty()) {
    ImGui::TextWrapped("Load an image to see how each output pixel is computed.");
    return;
  }
  const std::optional<InspectorReading> reading = model_.read_focus();
  if (!reading) {
    ImGui::TextWrapped(
        "Hover over any panel: this shows the window of input pixels under the "
        "kernel, their element-wise products with the weights, and the sum, which "
        "is the output pixel (the activation).");
    return;
  }
  const InspectorReading& r = *reading;
  const Kernel& k = r.kernel;
  const bool rgb = r.channels == 3;
  ImGui::Text("%s at output (%d, %d): window from input (%d, %d), %s padding%s",
              r.filter_name.c_str(), r.focus.x, r.focus.y, r.ix0, r.iy0,
              padding_mode_name(r.padding_mode), rgb ? ", RGB input" : "");
  if (rgb) {
    // F.conv2d's sum over channels: each channel's window times its kernel plane, then added.
    ImGui::Text("sum of products = R %.6g + G %.6g + B %.6g = %.6g", r.channel_sums[0],
                r.channel_sums[1], r.channel_sums[2], r.sum);
  } else {
    ImGui::Text("sum of products = %.6g", r.sum);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("(the map holds %.6g)", r.map_value);

  // Cells narrow enough that a channel's three grids fit side by side (values still readable).
  const float avail = ImGui::GetContentRegionAvail().x;
  const float cell = std::clamp((avail - 80.0f) / (3.0f * std::max(1, k.width)), 34.0f, 50.0f);
  const std::size_t taps = static_cast<std::size_t>(k.width) * k.height;
  auto grid = [&](const std::string& id, const char* title, std::size_t offset, auto value,
                  auto background) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    // Three channels' grids side by side: columns as wide as their values (two digits; the
    // full value on hover), the window scrolls sideways when a large kernel needs more room.
    // A gray filter's grid is at least `cell` a column, and wider when a value needs it
    // ("-0.00392" was cut to "-0.0" in 34-pixel cells).
    const char* format = rgb ? "%.2g" : "%.3g";
    float widest = 0.0f;
    char text[32];
    for (std::size_t t = 0; t < taps; ++t) {
      std::snprintf(text, sizeof text, format,
                    static_cast<double>(static_cast<float>(value(offset + t)) + 0.0f));
      widest = std::max(widest, ImGui::CalcTextSize(text).x);
    }
    const float column = std::max(cell, widest + 2.0f * ImGui::GetStyle().CellPadding.x + 2.0f);
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit |
                                  (rgb ? ImGuiTableFlags_NoHostExtendX : 0);
    if (ImGui::BeginTable(id.c_str(), k.width, flags, ImVec2(rgb ? 0.0f : k.width * column, 0))) {
      for (int ky = 0; ky < k.height; ++ky) {
        ImGui::TableNextRow();
        for (int kx = 0; kx < k.width; ++kx) {
          ImGui::TableSetColumnIndex(kx);
          const std::size_t t = static_cast<std::size_t>(ky) * k.width + kx;
          const ImU32 bg = background(offset + t, t);
          if (bg) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, bg);
          if (r.ghost[t]) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.6f, 0.6f, 0.75f, 1.0f));
          const float v = value(offset + t) + 0.0f;  // + 0: show -0 (e.g. -1 x 0) as 0
          ImGui::Text(format, v);
          if (r.ghost[t]) ImGui::PopStyleColor();
          if (rgb && ImGui::IsItemHovered()) ImGui::SetTooltip("%.7g", v);
        }
      }
      ImGui::EndTable();
    }
    ImGui::EndGroup();
    track(true, id);
  };
  auto no_bg = [](std::size_t, std::size_t) { return ImU32(0); };
  auto ghost_bg = [&](std::size_t, std::size_t t) {
    return r.ghost[t] ? IM_COL32(60, 60, 110, 255) : ImU32(0);
  };
  auto sign_bg = [&](std::size_t ct, std::size_t) {
    const double a = r.max_abs_product > 0 ? r.products[ct] / r.max_abs_product : 0.0;
    const int alpha = static_cast<int>(std::fabs(a) * 160);
    return a > 0 ? IM_COL32(220, 60, 40, alpha) : IM_COL32(40, 90, 230, alpha);
  };
  const char* channel_names[3] = {"R", "G", "B"};
  for (int c = 0; c < r.channels; ++c) {
    const std::size_t offset = taps * c;
    const std::string suffix = rgb ? std::string("/") + channel_names[c] : std::string();
    std::string window_title = "input window (ghost cells: padding)";
    std::string kernel_title = r.flipped ? "kernel (flipped)" : "kernel";
    std::string products_title = "element-wise products";
    if (rgb) {
      const char* full[3] = {"red", "green", "blue"};
      window_title = std::string(full[c]) + " channel window";
      kernel_title = std::string("kernel, ") + full[c] + " plane" + (r.flipped ? " (flipped)" : "");
      char sum[64];
      std::snprintf(sum, sizeof sum, "products (sum %.5g)", r.channel_sums[c]);
      products_title = sum;
    }
    grid(
        "inspector/window" + suffix, window_title.c_str(), offset,
        [&](std::size_t t) { return r.window[t]; }, ghost_bg);
    ImGui::SameLine(0, 18);
    grid(
        "inspector/kernel" + suffix, kernel_title.c_str(), offset,
        [&](std::size_t t) { return k.weights[t]; }, no_bg);
    ImGui::SameLine(0, 18);
    grid(
        "inspector/products" + suffix, products_title.c_str(), offset,
        [&](std::size_t t) { return r.products[t]; }, sign_bg);
  }
}

}  // namespace filterlens
