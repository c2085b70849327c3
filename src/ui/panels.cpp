// App's image panels (linked zoom and pan, hover marker, pixel grid and values, the sliding
// window's progress), colour bars, histograms, and the inspector that shows how one output pixel
// is computed from its window.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "app.h"
#include "imgui.h"

namespace filterlens {
namespace {

constexpr float kMinPanelWidth = 260.0f;
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

}  // namespace

void App::draw_panels() {
  panel_rects_.clear();
  if (gray_.empty()) {
    ImGui::TextWrapped("Drop an image here, paste one, or open one from the left.");
    return;
  }
  // Reflow: the column count that gives the largest panels while every panel fits in the window
  // (or, when none does, the largest panels no narrower than kMinPanelWidth, scrolled).
  const int n = 1 + static_cast<int>(maps_.size());
  const ImVec2 spacing = ImGui::GetStyle().ItemSpacing;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float aspect = float(gray_.height) / float(std::max(1, gray_.width));
  const float extra = ImGui::GetFrameHeight() * (show_histograms_ ? 4.2f : 2.4f) + spacing.y;
  int cols = 1;
  float width = 0.0f;
  bool found_fit = false;
  for (int c = 1; c <= n; ++c) {
    const float w = std::floor((avail.x - spacing.x * (c - 1)) / c);
    const int rows = (n + c - 1) / c;
    const bool fits = rows * (w * aspect + extra) <= avail.y;
    if (fits && (!found_fit || w > width)) {
      found_fit = true;
      cols = c;
      width = w;
    }
  }
  if (!found_fit) {
    cols = std::max(
        1, std::min(n, static_cast<int>((avail.x + spacing.x) / (kMinPanelWidth + spacing.x))));
    width = std::floor((avail.x - spacing.x * (cols - 1)) / cols);
  }
  for (int i = 0; i < n; ++i) {
    if (i % cols) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushID(i);
    draw_panel(i, width);
    ImGui::PopID();
    ImGui::EndGroup();
  }
}

void App::draw_panel(int index, float width) {
  const bool is_map = index > 0;
  const int mi = index - 1;
  const Plane& plane = is_map ? maps_[static_cast<std::size_t>(mi)] : gray_;
  const int w = plane.width, h = plane.height;

  // Title row, like the notebook's plot titles; maps get their export buttons.
  ImGui::AlignTextToFramePadding();
  if (is_map) {
    ImGui::TextUnformatted(computed_bank_[static_cast<std::size_t>(mi)].name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%dx%d", w, h);
    ImGui::SameLine(std::max(0.0f, width - 70.0f));
    if (ImGui::SmallButton("png")) status_ = export_map_png(mi);
    ImGui::SameLine();
    if (ImGui::SmallButton("npy")) status_ = export_map_npy(mi);
  } else {
    ImGui::TextUnformatted("Original");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(show_colour_ ? "the image as decoded"
                                     : "the grayscale the filters see (PIL's convert('L'))");
    ImGui::SameLine();
    ImGui::TextDisabled("%dx%d", w, h);
  }

  const ImVec2 size(width, std::max(1.0f, std::floor(width * h / std::max(1, w))));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("view", size);
  panel_rects_.push_back({is_map ? computed_bank_[static_cast<std::size_t>(mi)].name : "Original",
                          p0.x, p0.y, size.x, size.y});
  const bool hovered = ImGui::IsItemHovered();
  const bool dragging =
      ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f);

  // Linked zoom and pan: one view for every panel.
  ImGuiIO& io = ImGui::GetIO();
  const float half = 0.5f / view_.zoom;
  PanelMapping m{p0, size, ImVec2(view_.cx - half, view_.cy - half),
                 ImVec2(view_.cx + half, view_.cy + half)};
  if (hovered && io.MouseWheel != 0.0f) {
    const ImVec2 anchor = m.to_image(io.MousePos);
    const float zoom = std::clamp(view_.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, 512.0f);
    const float fx = (io.MousePos.x - p0.x) / size.x, fy = (io.MousePos.y - p0.y) / size.y;
    view_.zoom = zoom;
    view_.cx = anchor.x - (fx - 0.5f) / zoom;
    view_.cy = anchor.y - (fy - 0.5f) / zoom;
  }
  if (dragging) {
    view_.cx -= io.MouseDelta.x / size.x / view_.zoom;
    view_.cy -= io.MouseDelta.y / size.y / view_.zoom;
  }
  const float lim = 0.5f / view_.zoom;
  view_.cx = std::clamp(view_.cx, lim, 1.0f - lim);
  view_.cy = std::clamp(view_.cy, lim, 1.0f - lim);
  m.uv0 = ImVec2(view_.cx - lim, view_.cy - lim);
  m.uv1 = ImVec2(view_.cx + lim, view_.cy + lim);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->PushClipRect(p0, p1, true);
  unsigned int tex = 0;
  if (is_map && mi < static_cast<int>(map_textures_.size())) {
    tex = map_textures_[static_cast<std::size_t>(mi)]->display_texture();
  } else if (!is_map) {
    tex = show_colour_ ? colour_texture_.texture() : gray_texture_.display_texture();
  }
  if (tex) dl->AddImage(texture_id(tex), p0, p1, m.uv0, m.uv1);

  // Hover: the pixel under the mouse becomes the inspector's output pixel.
  if (hovered && !maps_.empty()) {
    const ImVec2 uv = m.to_image(io.MousePos);
    const int px = std::clamp(static_cast<int>(uv.x * w), 0, w - 1);
    const int py = std::clamp(static_cast<int>(uv.y * h), 0, h - 1);
    hover_.active = true;
    if (is_map) {
      hover_.filter = mi;
      hover_.x = px;
      hover_.y = py;
    } else {  // the output pixel whose window is centred on this input pixel
      const Kernel& k = computed_bank_[static_cast<std::size_t>(hover_.filter)];
      const Plane& out = maps_[static_cast<std::size_t>(hover_.filter)];
      const ConvParams& cp = computed_params_;
      hover_.x = std::clamp((px + cp.padding - (k.width - 1) * cp.dilation / 2) / cp.stride, 0,
                            out.width - 1);
      hover_.y = std::clamp((py + cp.padding - (k.height - 1) * cp.dilation / 2) / cp.stride, 0,
                            out.height - 1);
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
  if (anim_.active && is_map && mi == anim_.filter) {
    const int done = std::min(anim_.step, anim_.w * anim_.h);
    const int row = done / anim_.w, col = done % anim_.w;
    const ImU32 veil = IM_COL32(20, 20, 30, 235);
    if (row < anim_.h) {
      pixel_rect(dl, m, w, h, anim_.x0 + col, anim_.y0 + row, anim_.x0 + anim_.w,
                 anim_.y0 + row + 1, veil, true);
      pixel_rect(dl, m, w, h, anim_.x0, anim_.y0 + row + 1, anim_.x0 + anim_.w, anim_.y0 + anim_.h,
                 veil, true);
    }
    pixel_rect(dl, m, w, h, anim_.x0, anim_.y0, anim_.x0 + anim_.w, anim_.y0 + anim_.h,
               IM_COL32(120, 200, 255, 255), false, 1.0f);
  }

  // The same spot in every panel: the output pixel on maps, its whole window on the original.
  int fx = -1, fy = -1, ff = 0;
  if (anim_.active && !maps_.empty()) {
    const int idx = std::min(anim_.step, anim_.w * anim_.h - 1);
    ff = anim_.filter;
    fx = anim_.x0 + idx % anim_.w;
    fy = anim_.y0 + idx / anim_.w;
  } else if (hover_.active && !maps_.empty()) {
    ff = hover_.filter;
    fx = hover_.x;
    fy = hover_.y;
  }
  if (fx >= 0) {
    const Plane& ref = maps_[static_cast<std::size_t>(ff)];
    const ImU32 mark = IM_COL32(255, 60, 200, 255);
    if (is_map) {
      const int x = std::min(w - 1, static_cast<int>((fx + 0.5f) * w / ref.width));
      const int y = std::min(h - 1, static_cast<int>((fy + 0.5f) * h / ref.height));
      pixel_rect(dl, m, w, h, x, y, x + 1, y + 1, mark, false);
    } else {
      const Kernel& k = computed_bank_[static_cast<std::size_t>(ff)];
      const ConvParams& cp = computed_params_;
      const int ix = fx * cp.stride - cp.padding, iy = fy * cp.stride - cp.padding;
      pixel_rect(dl, m, w, h, ix, iy, ix + (k.width - 1) * cp.dilation + 1,
                 iy + (k.height - 1) * cp.dilation + 1, mark, false);
    }
  }
  dl->PopClipRect();

  if (is_map) {
    draw_colour_bar(mi, width);
    if (show_histograms_) draw_histogram(mi, width);
  }
}

void App::draw_colour_bar(int mi, float width) {
  const ColorRange r = display_range(mi);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + width, p0.y + 8);
  const ImU32 black = IM_COL32(0, 0, 0, 255), white = IM_COL32(255, 255, 255, 255);
  if (map_mode_ == 1) {  // diverging: blue, white at 0, red
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
  if (map_mode_ == 2) lo = 0.0f;
  if (map_mode_ == 3) lo = 0.0f, hi = 1.0f;
  char left[32], right[32];
  std::snprintf(left, sizeof left, "%.4g", lo);
  std::snprintf(right, sizeof right, "%.4g", hi);
  ImGui::TextDisabled("%s", left);
  if (map_mode_ == 1) {
    ImGui::SameLine(width / 2 - 4);
    ImGui::TextDisabled("0");
  }
  ImGui::SameLine(std::max(0.0f, width - ImGui::CalcTextSize(right).x));
  ImGui::TextDisabled("%s", right);
}

void App::draw_histogram(int mi, float width) {
  const MapStats& s = stats_[static_cast<std::size_t>(mi)];
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

void App::draw_inspector() {
  if (maps_.empty()) {
    ImGui::TextWrapped("Load an image to see how each output pixel is computed.");
    return;
  }
  int f = 0, ox = 0, oy = 0;
  if (anim_.active) {
    const int idx = std::min(anim_.step, anim_.w * anim_.h - 1);
    f = anim_.filter;
    ox = anim_.x0 + idx % anim_.w;
    oy = anim_.y0 + idx / anim_.w;
  } else if (hover_.active) {
    f = hover_.filter;
    ox = hover_.x;
    oy = hover_.y;
  } else {
    ImGui::TextWrapped(
        "Hover over any panel: this shows the window of input pixels under the "
        "kernel, their element-wise products with the weights, and the sum, which "
        "is the output pixel (the activation).");
    return;
  }
  const ConvParams& p = computed_params_;
  const Kernel& named = computed_bank_[static_cast<std::size_t>(f)];
  const Kernel k = p.flip ? flipped(named) : named;
  const float out_value = maps_[static_cast<std::size_t>(f)].at(ox, oy);
  const int ix0 = ox * p.stride - p.padding, iy0 = oy * p.stride - p.padding;

  double sum = 0.0, max_abs = 0.0;
  std::vector<float> patch(k.weights.size()), products(k.weights.size());
  std::vector<bool> ghost(k.weights.size());
  for (int ky = 0; ky < k.height; ++ky)
    for (int kx = 0; kx < k.width; ++kx) {
      const std::size_t t = static_cast<std::size_t>(ky) * k.width + kx;
      const int ix = ix0 + kx * p.dilation, iy = iy0 + ky * p.dilation;
      ghost[t] = ix < 0 || iy < 0 || ix >= gray_.width || iy >= gray_.height;
      patch[t] = padded_value(gray_, ix, iy, p.padding_mode);
      products[t] = k.weights[t] * patch[t];
      sum += products[t];
      max_abs = std::max(max_abs, std::fabs(static_cast<double>(products[t])));
    }

  ImGui::Text("%s at output (%d, %d): window from input (%d, %d), %s padding", named.name.c_str(),
              ox, oy, ix0, iy0, padding_mode_name(p.padding_mode));
  ImGui::Text("sum of products = %.6g", sum);
  ImGui::SameLine();
  ImGui::TextDisabled("(the map holds %.6g)", out_value);

  const float cell = 50.0f;
  auto grid = [&](const char* id, const char* title, auto value, auto background) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    if (ImGui::BeginTable(id, k.width, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit,
                          ImVec2(k.width * cell, 0))) {
      for (int ky = 0; ky < k.height; ++ky) {
        ImGui::TableNextRow();
        for (int kx = 0; kx < k.width; ++kx) {
          ImGui::TableSetColumnIndex(kx);
          const std::size_t t = static_cast<std::size_t>(ky) * k.width + kx;
          const ImU32 bg = background(t);
          if (bg) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, bg);
          if (ghost[t]) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.6f, 0.6f, 0.75f, 1.0f));
          ImGui::Text("%.3g", value(t) + 0.0f);  // + 0: show -0 (e.g. -1 x 0) as 0
          if (ghost[t]) ImGui::PopStyleColor();
        }
      }
      ImGui::EndTable();
    }
    ImGui::EndGroup();
  };
  auto no_bg = [](std::size_t) { return ImU32(0); };
  auto ghost_bg = [&](std::size_t t) { return ghost[t] ? IM_COL32(60, 60, 110, 255) : ImU32(0); };
  auto sign_bg = [&](std::size_t t) {
    const double a = max_abs > 0 ? products[t] / max_abs : 0.0;
    const int alpha = static_cast<int>(std::fabs(a) * 160);
    return a > 0 ? IM_COL32(220, 60, 40, alpha) : IM_COL32(40, 90, 230, alpha);
  };
  grid(
      "patch", "input window (ghost cells: padding)", [&](std::size_t t) { return patch[t]; },
      ghost_bg);
  ImGui::SameLine(0, 18);
  grid(
      "kernel", p.flip ? "kernel (flipped)" : "kernel", [&](std::size_t t) { return k.weights[t]; },
      no_bg);
  ImGui::SameLine(0, 18);
  grid(
      "products", "element-wise products", [&](std::size_t t) { return products[t]; }, sign_bg);
}

}  // namespace filterlens
