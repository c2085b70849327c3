// App: the frame's windows, GPU upload of what the model holds, exports through the platform's
// services, and the controls column. The image panels, inspector, colour bars and histograms are
// in panels.cpp; the learned-filter and training tabs in learned.cpp.
#include "app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

#include "colormap.h"
#include "imgui.h"
#include "imgui_internal.h"  // ImGuiWindow::Hidden (App::track)
#include "text.h"
#include "thread_pool.h"
#include "titles.h"
#include "version.h"

namespace filterlens {
namespace {

// ImGui::InputText on a std::string that grows with what is typed or pasted (a fixed buffer drops
// a paste that does not fit, without a word); the model then says what is wrong with the text.
bool input_text(const char* label, std::string& text) {
  auto grow = [](ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
      auto* s = static_cast<std::string*>(data->UserData);
      s->resize(static_cast<std::size_t>(data->BufTextLen));
      data->Buf = s->data();
    }
    return 0;
  };
  return ImGui::InputText(label, text.data(), text.capacity() + 1,
                          ImGuiInputTextFlags_CallbackResize, grow, &text);
}
const std::vector<std::uint8_t> kNoFont;  // figure titles are left out without a font
}  // namespace

App::App(PlatformServices services) : services_(std::move(services)) {}
App::~App() = default;

Status App::init_graphics(const std::string& glsl_version) {
  std::string error;
  if (!program_.init(glsl_version, error)) return Status::fail(error);
  graphics_ready_ = true;
  uploaded_maps_ = uploaded_image_ = ~std::uint64_t{0};
  return Status::ok();
}

App::ViewState App::view_state() const {
  const filterlens::ViewState& v = model_.view();
  const InspectorState& h = model_.inspector();
  return {v.zoom, v.cx, v.cy, h.active, h.filter, h.x, h.y};
}

Image App::read_back_map(int i) const {
  if (!graphics_ready_ || i < 0 || i >= static_cast<int>(model_.maps().size())) return {};
  // The whole map at full resolution, colour-mapped by the same pass the panels use (the panel's
  // own texture may be a smaller display level).
  gfx::MapTexture full;
  full.upload(model_.maps()[static_cast<std::size_t>(i)]);
  full.colorize(program_, model_.display().colormap, model_.display_range(i));
  return full.read_back();
}

bool App::save(const Result<ExportFile>& file) {
  if (!file) {
    model_.report_error(file.error());
    return false;
  }
  if (!services_.save_file) {
    model_.report_error("Saving files is not available here.");
    return false;
  }
  const Result<std::string> saved = services_.save_file(file.value().name, file.value().bytes);
  if (!saved) {
    model_.report_error(saved.error());
    return false;
  }
  model_.set_status(saved.value());
  return true;
}

void App::open_path(const std::string& path) {
  if (!services_.read_file) {
    model_.report_error("Could not open " + path + ": files cannot be read by path here");
    return;
  }
  Result<std::vector<std::uint8_t>> bytes = services_.read_file(path);
  if (!bytes) {
    model_.report_error("Could not open " + path + ": " + bytes.error());
    return;
  }
  open_bytes(bytes.value().data(), bytes.value().size(), path);
}

// ----- GPU -----------------------------------------------------------------------------------

void App::sync_textures() {
  if (!graphics_ready_) return;
  const bool new_image = uploaded_image_ != model_.image_generation();
  if (new_image || uploaded_maps_ != model_.maps_generation()) {
    uploaded_maps_ = model_.maps_generation();
    uploaded_image_ = model_.image_generation();
    upload_textures(new_image);
  }
  upload_display_levels();
  if (colours_dirty_) colorize_maps();
  if (gray_uncoloured_) {
    // The original's gray values are already in 0..1: "clamp" shows them as stored. Its colours
    // never depend on the display settings: only a new upload needs the pass.
    gray_texture_.colorize(program_, Colormap::clamp, ColorRange{0.0f, 1.0f});
    gray_uncoloured_ = false;
  }
}

void App::upload_textures(bool new_image) {
  // New maps: every map's texture is uploaded again, at the level its panel wants; the original's
  // only for a new image (an edit leaves it as it is).
  const std::size_t n = model_.maps().size();
  while (map_textures_.size() < n) map_textures_.push_back(std::make_unique<gfx::MapTexture>());
  map_textures_.resize(n);
  map_windows_.assign(n, TextureWindow{});
  if (new_image) gray_window_ = colour_window_ = TextureWindow{};
  if (model_.gray().empty()) {
    gray_texture_.destroy();
    colour_texture_.destroy();
  }
}

float App::panel_screen_width(int panel_index) const {
  const std::size_t p = static_cast<std::size_t>(panel_index);
  // Before a panel is drawn: a guess, a quarter of the window (the grid's usual panel).
  const ImGuiIO& io = ImGui::GetIO();
  return p < panel_device_width_.size() && panel_device_width_[p] > 0.0f
             ? panel_device_width_[p]
             : io.DisplaySize.x * io.DisplayFramebufferScale.x * 0.25f;
}

int App::wanted_level(const Plane& plane, int panel_index, Reduction reduction) const {
  const float screen = panel_screen_width(panel_index);
  // Zoomed in, the panel shows 1 / zoom of the image's width.
  const double visible = plane.width / static_cast<double>(model_.view().zoom);
  int level = display_level(visible, screen);
  // Kept contours must reach the screen: a level no wider than the panel, so that every texel
  // (a 1-texel line among them) covers at least one screen pixel; sampling a wider level would
  // step over some.
  if (reduction == Reduction::extreme && std::ldexp(visible, -level) > screen + 0.5) ++level;
  // A side longer than the GPU allows is shown at the first level that fits.
  const int max_side = gfx::max_texture_size();
  while (level < 30 && std::max(std::ceil(std::ldexp(double(plane.width), -level)),
                                std::ceil(std::ldexp(double(plane.height), -level))) > max_side)
    ++level;
  return level;
}

App::TextureWindow App::wanted_window(int w, int h, int levels, int finest, int panel_index,
                                      Reduction reduction, const TextureWindow& current) const {
  Plane shape;  // wanted_level reads the size only
  shape.width = w;
  shape.height = h;
  TextureWindow win;
  win.level = std::min(wanted_level(shape, panel_index, reduction), levels - 1);
  if (win.level > 0) win.level = std::max(win.level, finest);
  win.level_width = w;
  win.level_height = h;
  for (int k = 0; k < win.level; ++k) {  // the sizes halve() makes: ceil(side / 2)
    win.level_width = (win.level_width + 1) / 2;
    win.level_height = (win.level_height + 1) / 2;
  }
  win.width = win.level_width;
  win.height = win.level_height;
  if (win.level > 0) return win;
  // Full resolution: what the view shows, in pixels. When it is most of the image, all of it.
  const filterlens::ViewState& v = model_.view();
  const double half = 0.5 / v.zoom;
  const int vx0 = std::max(0, static_cast<int>(std::floor((v.cx - half) * w)));
  const int vy0 = std::max(0, static_cast<int>(std::floor((v.cy - half) * h)));
  const int vx1 = std::min(w, static_cast<int>(std::ceil((v.cx + half) * w)));
  const int vy1 = std::min(h, static_cast<int>(std::ceil((v.cy + half) * h)));
  if (2 * (vx1 - vx0) >= w && 2 * (vy1 - vy0) >= h) return win;
  // The window uploaded still covers the view: keep it (panning within the margin is free).
  if (current.level == 0 && current.level_width == w && current.level_height == h &&
      current.x0 <= vx0 && current.y0 <= vy0 && current.x0 + current.width >= vx1 &&
      current.y0 + current.height >= vy1)
    return current;
  // Else the view with half its size again on every side.
  const int mx = (vx1 - vx0) / 2 + 1, my = (vy1 - vy0) / 2 + 1;
  win.x0 = std::max(0, vx0 - mx);
  win.y0 = std::max(0, vy0 - my);
  win.width = std::min(w, vx1 + mx) - win.x0;
  win.height = std::min(h, vy1 + my) - win.y0;
  return win;
}

namespace {

// The window of a level to upload: the level itself when the window is all of it (no copy), else a
// copy of the window in `storage`.
const Plane& crop(const Plane& plane, const App::TextureWindow& win, Plane& storage) {
  if (win.x0 == 0 && win.y0 == 0 && win.width == plane.width && win.height == plane.height)
    return plane;
  storage = Plane(win.width, win.height);
  for (int y = 0; y < win.height; ++y)
    std::copy_n(plane.row(win.y0 + y) + win.x0, win.width, storage.row(y));
  return storage;
}

const Image& crop(const Image& image, const App::TextureWindow& win, Image& storage) {
  if (win.x0 == 0 && win.y0 == 0 && win.width == image.width && win.height == image.height)
    return image;
  storage = Image{win.width, win.height, image.channels, {}};
  const std::size_t c = static_cast<std::size_t>(image.channels);
  storage.pixels.resize(static_cast<std::size_t>(win.width) * win.height * c);
  for (int y = 0; y < win.height; ++y)
    std::copy_n(
        image.pixels.data() + ((static_cast<std::size_t>(win.y0) + y) * image.width + win.x0) * c,
        static_cast<std::size_t>(win.width) * c,
        storage.pixels.data() + static_cast<std::size_t>(y) * win.width * c);
  return storage;
}

}  // namespace

void App::upload_display_levels() {
  // The levels were made with the maps (Model::map_level): the frame uploads one, or a window of
  // the full resolution when zoomed in that far. The model hears how wide the images are shown, so
  // the next maps come with the finest level wanted and none finer (made again when these lack it).
  for (std::size_t i = 0; i < model_.maps().size() && i < map_textures_.size(); ++i) {
    const int index = static_cast<int>(i);
    const Plane& map = model_.maps()[i];
    const TextureWindow win = wanted_window(map.width, map.height, model_.map_level_count(index),
                                            model_.finest_map_level(index), index + 1,
                                            model_.map_levels_reduction(), map_windows_[i]);
    if (win == map_windows_[i]) continue;
    Plane storage;
    map_textures_[i]->upload(crop(model_.map_level(index, win.level), win, storage));
    map_windows_[i] = win;
    colours_dirty_ = true;
  }
  // The widest panel drawn last frame (the original's too: its levels follow the same width)
  // needs the finest level; none drawn (no image, the panels scrolled away): nothing new to say.
  double widest = 0.0;
  for (float w : panel_device_width_) widest = std::max(widest, static_cast<double>(w));
  if (widest > 0.0) model_.want_map_width(widest * static_cast<double>(model_.view().zoom));
  if (!model_.has_image()) return;
  // The original is a photograph: always the mean, like any image viewer. Only the form shown (gray
  // or colour) is uploaded; the other when it is shown (a camera frame uploads one, not both).
  const bool colour = original_in_colour();
  TextureWindow& shown = colour ? colour_window_ : gray_window_;
  const Plane& gray = model_.gray();
  const TextureWindow win =
      wanted_window(gray.width, gray.height, model_.original_level_count(),
                    model_.finest_original_level(), 0, Reduction::mean, shown);
  if (win == shown) return;
  if (colour) {
    Image storage;
    colour_texture_.upload(crop(model_.colour_level(win.level), win, storage));
  } else {
    Plane storage;
    gray_texture_.upload(crop(model_.gray_level(win.level), win, storage));
    gray_uncoloured_ = true;
  }
  shown = win;
}

void App::colorize_maps() {
  const int n = static_cast<int>(std::min(model_.maps().size(), map_textures_.size()));
  for (int i = 0; i < n; ++i)
    map_textures_[static_cast<std::size_t>(i)]->colorize(program_, model_.display().colormap,
                                                         model_.display_range(i));
  colours_dirty_ = false;
}

bool App::track(bool result, const std::string& id) {
  // Not while the window is hidden: a popup (a combo's list) reopening, or a new window sized by
  // its contents, is laid out unseen for a frame and then moves, so a click at that rectangle
  // would miss (tests and the guide go by these). ImGui has no public query for it.
  if (ImGui::GetCurrentWindowRead()->Hidden) return result;
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  control_rects_.push_back({id, a.x, a.y, b.x - a.x, b.y - a.y});
  if (guide_.is_open() && id == guide_.current().highlight) follow_guide_target(id);
  return result;
}

// ----- The frame -------------------------------------------------------------------------------

void App::frame() {
  // Before anything is drawn: the panels show this frame's model (an image or maps the worker
  // finished, or last frame's edits) with textures to match.
  model_.poll();
  sync_textures();
  // The guide follows a new image and the panels' width (last frame's Original panel), and
  // takes what its step asks of the widgets: a bottom tab in front, the tabs unfolded.
  float panel_width = 0.0f;
  for (const NamedRect& r : panel_rects_)
    if (r.name == "Original") panel_width = r.width;
  guide_.sync(model_, panel_width);
  GuideTab guide_tab = GuideTab::how_it_works;
  const bool select_guide_tab = guide_.take_tab_request(guide_tab);
  if (guide_.take_layout_request()) {
    tabs_collapsed_ = false;
    open_animation_section_ = guide_.current().animation_section;
  }
  sync_textures();  // what the guide's step changed
  control_rects_.clear();
  handle_keys();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Wide windows: the controls in a sidebar on the left, the maps right of it above the tabs.
  // Narrow ones (a phone held upright): the maps across the top, the controls below them, and
  // the tabs folded between the two until opened.
  const bool narrow = vp->WorkSize.x < kNarrowWidth;
  if (!layout_chosen_) {
    layout_chosen_ = true;
    if (narrow) tabs_collapsed_ = true;
  }
  const ImVec2 sidebar_size =
      narrow ? ImVec2(vp->WorkSize.x, std::floor(vp->WorkSize.y * 0.4f))
             : ImVec2(std::min(380.0f, std::max(280.0f, vp->WorkSize.x * 0.3f)), vp->WorkSize.y);
  const ImVec2 sidebar_pos =
      narrow ? ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - sidebar_size.y) : vp->WorkPos;
  // The maps and the tabs under them share the rest.
  const ImVec2 area_pos =
      narrow ? vp->WorkPos : ImVec2(vp->WorkPos.x + sidebar_size.x, vp->WorkPos.y);
  const ImVec2 area_size = narrow ? ImVec2(vp->WorkSize.x, vp->WorkSize.y - sidebar_size.y)
                                  : ImVec2(vp->WorkSize.x - sidebar_size.x, vp->WorkSize.y);
  // The bottom tabs keep at least room for their tab bar, the maps at least 120 pixels.
  // The default leaves the maps about three quarters of the height (at 1280x800 the original and
  // three maps then cover over a quarter of the window).
  if (inspector_height_ < 0.0f) inspector_height_ = std::min(300.0f, area_size.y * 0.27f);
  inspector_height_ = std::clamp(inspector_height_, 60.0f, std::max(60.0f, area_size.y - 120.0f));
  // Collapsed, the bottom window keeps only its tab bar (with the button that opens it again).
  const float collapsed_h =
      ImGui::GetFrameHeight() + 2.0f * ImGui::GetStyle().WindowPadding.y + 4.0f;
  // The guide's strip takes the top of the maps area; the maps window starts below it and keeps
  // at least 60 pixels, the bottom tabs giving way (down to their tab bar) in a short window.
  const float guide_h = guide_.is_open() ? guide_height(area_size.x) : 0.0f;
  const float inspector_h =
      tabs_collapsed_
          ? collapsed_h
          : std::max(collapsed_h, std::min(inspector_height_, area_size.y - guide_h - 60.0f));
  const ImGuiWindowFlags fixed =
      ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;

  ImGui::SetNextWindowPos(sidebar_pos);
  ImGui::SetNextWindowSize(sidebar_size);
  // The sidebar's title bar names the app and its version ("###": the window's id stays fixed).
  const std::string sidebar_title = std::string("FilterLens ") + kVersion + "###FilterLens";
  if (ImGui::Begin(sidebar_title.c_str(), nullptr, fixed)) draw_controls();
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(area_pos.x, area_pos.y + guide_h));
  ImGui::SetNextWindowSize(
      ImVec2(area_size.x, std::max(60.0f, area_size.y - inspector_h - guide_h)));
  sync_textures();  // the sidebar's edits, before the panels draw their maps
  // The maps window's title bar is the page's header line: what the app is and how to start.
  // It takes no keyboard navigation, so the arrow keys move the inspected pixel while it has
  // the focus (which it gets at the start).
  if (!focused_maps_) {
    ImGui::SetNextWindowFocus();
    focused_maps_ = true;
  }
  // A pinch's wheel zooms (zoom_next_wheel); the scroll ImGui already made of it (in NewFrame,
  // before this frame's flags) is taken back. Ctrl held sets NoScrollWithMouse a frame ahead.
  if (zoom_wheel_)
    if (const ImGuiWindow* maps = ImGui::FindWindowByName(kMapsWindowId))
      ImGui::SetNextWindowScroll(ImVec2(-1.0f, maps->Scroll.y));
  static const std::string maps_title =
      std::string(
          "FilterLens: convolution filters as feature detectors. Drop a photo (or "
          "Ctrl+O), then point at a map.") +
      kMapsWindowId;
  if (ImGui::Begin(
          maps_title.c_str(), nullptr,
          fixed | ImGuiWindowFlags_NoNavInputs |
              (ImGui::GetIO().KeyCtrl || zoom_wheel_ ? ImGuiWindowFlags_NoScrollWithMouse : 0))) {
    draw_panels();
    // Pointing at the maps gives them the keyboard, so the arrows move the inspected pixel
    // (keyboard navigation elsewhere took them until a click on a map), unless a field is being
    // typed into or a menu is open.
    if (ImGui::IsWindowHovered() && !ImGui::IsWindowFocused() && !ImGui::IsAnyItemActive() &&
        !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId))
      ImGui::SetWindowFocus();
  }
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(area_pos.x, area_pos.y + area_size.y - inspector_h));
  ImGui::SetNextWindowSize(ImVec2(area_size.x, inspector_h));
  // The inspector's grids may be wider than the tab (a colour filter's three rows, a large
  // kernel, long values): then it scrolls sideways.
  // The tab bar stays put: a tab's content scrolls in a child under it (the tiles of 64 filters
  // used to take the tabs away with them).
  const bool wide_inspector = model_.focus().has_value();
  auto tab_content = [&](void (App::*draw)()) {
    if (tabs_collapsed_) return;  // folded: the tab bar only
    if (ImGui::BeginChild("tab content", ImVec2(0, 0), false,
                          wide_inspector ? ImGuiWindowFlags_HorizontalScrollbar : 0))
      (this->*draw)();
    ImGui::EndChild();
  };
  if (ImGui::Begin("Inspector", nullptr,
                   fixed | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar |
                       ImGuiWindowFlags_NoScrollWithMouse)) {
    if (!tabs_collapsed_) draw_split_handle();
    if (ImGui::BeginTabBar("bottom")) {
      // Hide the tabs to give the maps the whole height; the same button brings them back.
      if (track(ImGui::TabItemButton(tabs_collapsed_ ? "^ show" : "v hide",
                                     ImGuiTabItemFlags_Trailing | ImGuiTabItemFlags_NoTooltip),
                "tabs/collapse"))
        tabs_collapsed_ = !tabs_collapsed_;
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(tabs_collapsed_ ? "Show the tabs again" : "Hide the tabs: larger maps");
      // A guide step may bring a tab to the front once; then the tabs are the person's again.
      auto guide_flag = [&](GuideTab tab) {
        return select_guide_tab && guide_tab == tab ? ImGuiTabItemFlags_SetSelected : 0;
      };
      if (track(ImGui::BeginTabItem("How it works: the sliding window", nullptr,
                                    guide_flag(GuideTab::how_it_works)),
                "tab/How it works")) {
        bottom_tab_ = "How it works";
        tab_content(&App::draw_how_it_works_tab);
        ImGui::EndTabItem();
      }
      if (track(ImGui::BeginTabItem("Learned filters", nullptr,
                                    guide_flag(GuideTab::learned_filters)),
                "tab/Learned filters")) {
        bottom_tab_ = "Learned filters";
        tab_content(&App::draw_learned_tab);
        ImGui::EndTabItem();
      }
      if (track(ImGui::BeginTabItem("Train a CNN"), "tab/Train a CNN")) {
        bottom_tab_ = "Train a CNN";
        tab_content(&App::draw_training_tab);
        ImGui::EndTabItem();
      }
      if (track(ImGui::BeginTabItem("Filters as tiles"), "tab/Filters as tiles")) {
        bottom_tab_ = "Filters as tiles";
        tab_content(&App::draw_bank_tiles_tab);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
  // Last of the windows: its outline needs this frame's rectangles of the controls it names.
  draw_guide(area_pos.x, area_pos.y, area_size.x, guide_h);
  draw_tensor_chooser();  // a modal over everything while a tensor file waits for a pick
  // At most 8 ms of each frame: half a 60 Hz frame, so the UI stays above 30 fps.
  model_.train_for(std::chrono::duration<double, std::milli>(8.0));
  model_.advance_animation(ImGui::GetIO().DeltaTime);
  sync_textures();  // edits made this frame show in this frame
  zoom_wheel_ = false;
}

void App::draw_split_handle() {
  // A strip along the top edge of the bottom window (over its padding), with a grip drawn in the
  // middle; dragging it moves the edge.
  const ImVec2 top_left = ImGui::GetWindowPos();
  const float width = ImGui::GetWindowWidth();
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(top_left);
  track(ImGui::InvisibleButton("split", ImVec2(width, 7.0f)), "split");
  const bool hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
  if (hot) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
  // From the height shown (the guide's strip may hold the tabs below the height kept).
  if (ImGui::IsItemActive())
    inspector_height_ =
        std::min(inspector_height_, ImGui::GetWindowHeight()) - ImGui::GetIO().MouseDelta.y;
  const float mid = top_left.x + width / 2;
  ImGui::GetWindowDrawList()->AddLine(
      ImVec2(mid - 24, top_left.y + 3), ImVec2(mid + 24, top_left.y + 3),
      ImGui::GetColorU32(hot ? ImGuiCol_SeparatorActive : ImGuiCol_Separator), 3.0f);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Drag to give the maps or the tabs below more room");
  ImGui::SetCursorScreenPos(cursor);
}

// ----- Controls ---------------------------------------------------------------------------------

void App::draw_message_area() {
  // A fixed height whatever the message (two lines; a longer one scrolls inside), so a
  // message coming or going never moves the controls below it.
  const float height = 2.0f * ImGui::GetTextLineHeightWithSpacing() + 2.0f;
  ImGui::BeginChild("message", ImVec2(0, height), false);
  if (model_.busy()) {
    // The worker cannot say how far a decoder has come: the time so far, and a bar that sweeps
    // so that a frozen page would show.
    const double now = ImGui::GetTime();
    if (busy_since_ < 0.0) busy_since_ = now;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::Text("%s... %.1f s", model_.progress().c_str(), now - busy_since_);
    ImGui::PopStyleColor();
    ImGui::ProgressBar(static_cast<float>(std::fmod((now - busy_since_) / 1.5, 1.0)),
                       ImVec2(-1.0f, 4.0f), "");
    ImGui::EndChild();
    return;
  }
  busy_since_ = -1.0;
  if (!model_.last_error().empty()) {
    if (track(ImGui::SmallButton("Dismiss"), "Dismiss")) model_.dismiss_error();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("or press Esc");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", model_.last_error().c_str());
    ImGui::PopStyleColor();
  } else if (const std::string overflow = model_.overflow_notice(); !overflow.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.75f, 0.3f, 1.0f));
    ImGui::TextWrapped("%s", overflow.c_str());
    ImGui::PopStyleColor();
  } else if (!model_.status().empty()) {  // wrapped: a bank file's status says what changed
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", model_.status().c_str());
    ImGui::PopStyleColor();
  } else {  // nothing to say: the keys
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped(
        "Keys: Ctrl+O open, + - zoom, 0 fit, arrows move the inspected pixel, Esc dismisses.");
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();
}

void App::draw_controls() {
  draw_image_section();
  draw_message_area();
  ImGui::Separator();
  draw_bank_section();
  draw_params_section();
  draw_display_section();
  draw_animation_section();
  draw_export_section();
  draw_about_line();
}

void App::draw_about_line() {
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped(
      "About: FilterLens %s, convolution filters as feature detectors. The maps are "
      "PyTorch's F.conv2d on the grayscale (or RGB) image, computed here in WebAssembly or "
      "natively.",
      kVersion);
  // Which build runs (issue 11): the page picks the pthreads build when it is cross-origin
  // isolated; natively the pool has one thread per core.
  const int threads = shared_pool().size();
  ImGui::TextWrapped("Computing on %d thread%s (%s).", threads, threads == 1 ? "" : "s",
                     threads_available() ? "thread pool" : "single-thread build");
  ImGui::PopStyleColor();
}

void App::draw_image_section() {
  if (!model_.has_image()) {
    ImGui::TextWrapped("No image yet.");
  } else {
    const Image& source = model_.source();
    ImGui::TextWrapped("%s", model_.source_name().c_str());
    ImGui::TextDisabled("%d x %d, %d channel%s; maps in %.1f ms", source.width, source.height,
                        source.channels, source.channels == 1 ? "" : "s", model_.last_compute_ms());
  }
  const bool open_image = ImGui::Button("Open image...");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("or press Ctrl+O (Cmd+O on a Mac), drop an image anywhere, or paste one");
  ImGui::SameLine();
  draw_camera_button();
  ImGui::SameLine();
  // The same dialog and drop path: the app tells a tensor file from an image by its content.
  const bool open_filters = track(ImGui::Button("Open filters..."), "Open filters...");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "A model's conv layer, weights [N, C, kh, kw] with C = 1 or 3, from a .npy or "
        ".safetensors file (or drop the file anywhere; on the desktop, type its path below)");
  // The guide (the notebook's story on this image; a first visit opens it), on this row when it
  // fits, so the controls below stay where they were.
  const float guide_w = ImGui::CalcTextSize("Guide").x + 2.0f * ImGui::GetStyle().FramePadding.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right - ImGui::GetItemRectMax().x - ImGui::GetStyle().ItemSpacing.x >= guide_w)
    ImGui::SameLine();
  if (track(ImGui::Button("Guide"), "Guide")) open_guide(0);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "How a filter turns the image into a feature map, in six steps on this image");
  if (open_image || open_filters) {
    if (!services_.open_file_dialog || !services_.open_file_dialog()) focus_path_ = true;
  }
  draw_camera_line();
  if (focus_path_) {  // no file dialog here (the desktop): the path field takes the keyboard
    ImGui::SetKeyboardFocusHere();
    focus_path_ = false;
  }
  // One way in by name, whichever works here: a path on the desktop, a URL in the browser.
  if (services_.read_file) {
    ImGui::SetNextItemWidth(-60.0f);
    const bool enter = ImGui::InputTextWithHint("##path", "path to an image or filters file", path_,
                                                sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Open") || enter) && path_[0]) open_path(path_);
  }
  if (services_.fetch_url) {
    ImGui::SetNextItemWidth(-60.0f);
    const bool go = ImGui::InputTextWithHint("##url", "https://... image URL", url_, sizeof url_,
                                             ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Load") || go) && url_[0] && services_.fetch_url(url_))
      model_.set_status(std::string("Loading ") + url_ + " ...");
  }
}

// The live camera (issue 11 point 7): the page streams frames into the model while it runs.
void App::draw_camera_button() {
  const PlatformServices::CameraStatus camera =
      services_.camera_status ? services_.camera_status() : PlatformServices::CameraStatus{};
  ImGui::BeginDisabled(camera.running || camera.starting);
  const bool start = track(ImGui::Button("Camera"), "Camera");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Live feature maps of your camera's video (1280 x 720)");
  if (!start) return;
  if (services_.start_camera)
    services_.start_camera();
  else
    model_.report_error(
        "The live camera works in the browser version only, for now: open FilterLens in a "
        "browser (scripts/run.sh serves it), or open a photo here.");
}

void App::draw_camera_line() {
  if (!services_.camera_status) return;
  const PlatformServices::CameraStatus camera = services_.camera_status();
  if (!camera.running && !camera.starting) return;
  if (camera.starting || camera.frames == 0)
    ImGui::TextDisabled("Camera: waiting for the first frame...");
  else
    ImGui::TextDisabled("Camera %d x %d: %.1f fps, %.1f ms a frame", camera.width, camera.height,
                        camera.fps, camera.compute_ms);
  ImGui::SameLine();
  if (track(ImGui::Button("Freeze"), "Freeze") && services_.stop_camera) services_.stop_camera();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop the camera and keep this frame as the image");
}

void App::draw_bank_section() {
  if (!ImGui::CollapsingHeader("Filter bank", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const std::vector<Kernel>& bank = model_.bank();
  int move_from = -1, move_to = -1, remove = -1, select = -1;
  // A model's 64 filters scroll in a list of ten rows, so the controls below stay in reach.
  constexpr int kListRows = 10;
  const bool long_list = bank.size() > static_cast<std::size_t>(kListRows);
  if (long_list)
    ImGui::BeginChild("bank list", ImVec2(0, kListRows * ImGui::GetFrameHeightWithSpacing()), true);
  for (int i = 0; i < static_cast<int>(bank.size()); ++i) {
    const Kernel& k = bank[static_cast<std::size_t>(i)];
    ImGui::PushID(i);
    // The preset's title ("Edge detection") is what a person reads; the id stays the control's.
    const std::string label = filter_title(k.name) + "###bank";
    if (track(ImGui::Selectable(label.c_str(), model_.selected() == i, 0,
                                ImVec2(ImGui::GetContentRegionAvail().x - 80, 0)),
              "bank/" + k.name))
      select = i;
    // Selected elsewhere (a tile, a file just loaded, a map's title): the list shows it.
    if (long_list && model_.selected() == i && listed_selection_ != i && select < 0) {
      if (!ImGui::IsItemVisible()) ImGui::SetScrollHereY(0.5f);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", k.description.c_str());
    ImGui::SameLine();
    if (ImGui::ArrowButton("up", ImGuiDir_Up) && i > 0) move_from = i, move_to = i - 1;
    ImGui::SameLine();
    if (ImGui::ArrowButton("down", ImGuiDir_Down) && i + 1 < static_cast<int>(bank.size()))
      move_from = i, move_to = i + 1;
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = i;
    ImGui::PopID();
  }
  if (long_list) ImGui::EndChild();
  listed_selection_ = model_.selected();
  // Commands after the loop: each may change the bank the loop walked.
  if (select >= 0) model_.select(select);
  if (move_from >= 0) model_.move_kernel(move_from, move_to);
  if (remove >= 0) model_.remove_kernel(remove);
  const auto& presets = kernel_presets();
  ImGui::SetNextItemWidth(-60.0f);
  if (ImGui::BeginCombo(
          "##preset", filter_title(presets[static_cast<std::size_t>(add_preset_)].name).c_str())) {
    for (int i = 0; i < static_cast<int>(presets.size()); ++i) {
      if (ImGui::Selectable(filter_title(presets[static_cast<std::size_t>(i)].name).c_str(),
                            add_preset_ == i))
        add_preset_ = i;
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", presets[static_cast<std::size_t>(i)].description.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  // Presets see one channel: on the RGB input they would be torch's channel mismatch.
  const bool rgb = model_.input_mode() == InputMode::rgb;
  ImGui::BeginDisabled(rgb);
  if (ImGui::Button("Add")) model_.add_kernel(presets[static_cast<std::size_t>(add_preset_)]);
  ImGui::EndDisabled();
  ImGui::TextDisabled("%s",
                      rgb ? "presets are gray (C = 1): switch the input to gray"
                          : presets[static_cast<std::size_t>(add_preset_)].description.c_str());

  const int selected = model_.selected();
  if (selected >= 0 && selected < static_cast<int>(model_.bank().size()))
    draw_kernel_editor(selected);
}

bool App::apply_typed_edit(Kernel& k) const {
  switch (typed_.kind) {
    case TypedEdit::Kind::name:
      if (typed_.name.empty() || typed_.name == k.name) return false;
      k.name = typed_.name;
      return true;
    case TypedEdit::Kind::size: {
      if (k.channels != 1) return false;
      const int w = std::clamp(typed_.size[0], 1, kMaxKernelSize);
      const int h = std::clamp(typed_.size[1], 1, kMaxKernelSize);
      if (w == k.width && h == k.height) return false;
      k = resized_centred(k, w, h);
      return true;
    }
    case TypedEdit::Kind::weight:
      if (typed_.weight_index >= k.weights.size() ||
          typed_.weight == k.weights[typed_.weight_index])
        return false;
      k.weights[typed_.weight_index] = typed_.weight;
      return true;
    case TypedEdit::Kind::none:
      break;
  }
  return false;
}

bool App::read_typed_weight() {
  if (typed_.kind != TypedEdit::Kind::weight) return true;
  // Left as it was shown ("0.123" for 0.1234567) or emptied: the weight stays.
  if (typed_.text == typed_.initial_text || typed_.text.find_first_not_of(' ') == std::string::npos)
    return false;
  const std::optional<double> v = parse_typed_number(typed_.text);
  if (!v) {
    model_.report_error("'" + printable_text(typed_.text, 40) +
                        "' is not a number: type one like 0.5, -1, 2.5e-3 or 1/9");
    return false;
  }
  // Past float32 it becomes an infinity, which the model refuses with its own message.
  constexpr float kInf = std::numeric_limits<float>::infinity();
  typed_.weight = std::abs(*v) <= std::numeric_limits<float>::max() ? static_cast<float>(*v)
                  : *v > 0                                          ? kInf
                                                                    : -kInf;
  return true;
}

bool App::track_typed_edit(unsigned field, TypedEdit::Kind kind, bool active, int index,
                           Kernel& k) {
  bool changed = false;
  if (active) {
    // Another field was being typed into and was left for this one (drawn earlier in the frame,
    // so its own call could not see it go): its value applies now.
    if (typed_.kind != TypedEdit::Kind::none && typed_.field != field)
      changed = read_typed_weight() && apply_typed_edit(k);
    if (typed_.field != field) typed_.filter_name = k.name;
    typed_.kind = kind;
    typed_.field = field;
    typed_.filter = index;
    return changed;
  }
  if (typed_.field != field) return false;
  // Left this frame: applied unless by Escape. Not active and not just left (a modal took the
  // keyboard, the section closed): the edit ends unapplied, so it cannot come back later.
  if (ImGui::IsItemDeactivated() && !ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    changed = read_typed_weight() && apply_typed_edit(k);
  typed_ = TypedEdit{};
  return changed;
}

void App::draw_kernel_editor(int index) {
  // The widgets edit a copy; a change goes back to the model, which marks hand-edited weights
  // in the description and recomputes. Typed values go back when their field is left (typed_).
  Kernel k = model_.bank()[static_cast<std::size_t>(index)];
  bool changed = false;
  // Another filter shown, or this one replaced (a drop, the API) since the edit began.
  if (typed_.kind != TypedEdit::Kind::none &&
      (typed_.filter != index || typed_.filter_name != k.name))
    typed_ = TypedEdit{};
  using Kind = TypedEdit::Kind;
  ImGui::Separator();
  const ImGuiID name_field = ImGui::GetID("name");
  std::string name = typed_.field == name_field ? typed_.name : k.name;
  ImGui::SetNextItemWidth(-60.0f);
  track(input_text("name", name), "name");
  const bool naming = ImGui::IsItemActive();
  if (track_typed_edit(name_field, Kind::name, naming, index, k)) changed = true;
  if (naming) typed_.name = std::move(name);
  const ImGuiID size_field = ImGui::GetID("w x h");
  int size[2] = {k.width, k.height};
  if (typed_.field == size_field) std::copy(typed_.size, typed_.size + 2, size);
  ImGui::SetNextItemWidth(-60.0f);
  // A C = 3 filter keeps the size it was trained with (and its three planes in step).
  ImGui::BeginDisabled(k.channels != 1);
  track(ImGui::InputInt2("w x h", size), "size");
  ImGui::EndDisabled();
  const bool sizing = ImGui::IsItemActive();
  if (track_typed_edit(size_field, Kind::size, sizing, index, k)) changed = true;
  if (sizing) std::copy(size, size + 2, typed_.size);
  int plane_offset = 0;
  if (k.channels == 3) {
    editor_channel_ = std::clamp(editor_channel_, 0, 2);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("channel");
    const char* names[3] = {"R", "G", "B"};
    for (int c = 0; c < 3; ++c) {
      ImGui::SameLine();
      if (track(ImGui::RadioButton(names[c], editor_channel_ == c),
                std::string("channel/") + names[c]))
        editor_channel_ = c;
    }
    plane_offset = editor_channel_ * k.width * k.height;
  }
  const float cell =
      std::max(34.0f, std::min(60.0f, (ImGui::GetContentRegionAvail().x - 8) / k.width - 4));
  // A kernel wider than the sidebar (up to 31 cells of 34 px) scrolls sideways in a strip of its
  // own; the wheel still scrolls the sidebar (the strip has no vertical scroll).
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool wide = k.width * (cell + 4.0f) > ImGui::GetContentRegionAvail().x;
  if (wide)
    ImGui::BeginChild("weights",
                      ImVec2(0.0f, k.height * ImGui::GetFrameHeightWithSpacing() +
                                       style.ScrollbarSize + style.ItemSpacing.y),
                      false, ImGuiWindowFlags_HorizontalScrollbar);
  // A decimal comma typed into a weight is its point (ImGui's number field would drop it: "1,5"
  // became 15).
  if (typed_.kind == TypedEdit::Kind::weight) {
    ImVector<ImWchar>& typed = ImGui::GetIO().InputQueueCharacters;
    for (ImWchar& c : typed)
      if (c == ',') c = '.';
  }
  for (int y = 0; y < k.height; ++y) {
    for (int x = 0; x < k.width; ++x) {
      ImGui::PushID(y * kMaxKernelSize + x);
      if (x) ImGui::SameLine(0, 4);
      ImGui::SetNextItemWidth(cell);
      const std::size_t t = static_cast<std::size_t>(plane_offset) + y * k.width + x;
      // Dragged, a weight follows the mouse; typed (Ctrl + click, double click), it is applied
      // when the cell is left.
      const ImGuiID cell_id = ImGui::GetID("##w");
      const bool was_typing = typed_.field == cell_id;
      float* value = was_typing ? &typed_.weight : &k.weights[t];
      const bool dragged = track(ImGui::DragFloat("##w", value, 0.01f, 0.0f, 0.0f, "%.3g"),
                                 "weight/" + std::to_string(x) + "," + std::to_string(y));
      const bool typing = ImGui::TempInputIsActive(cell_id);
      // ImGui's live text of this cell (still there on the frame it is left, with the characters
      // of that frame), read when the cell is left (read_typed_weight).
      const ImGuiInputTextState* state =
          typing || was_typing ? ImGui::GetInputTextState(cell_id) : nullptr;
      if (typing && !was_typing) {
        // The text starts from the model's value (whatever this first call parsed into k).
        k.weights[t] = model_.bank()[static_cast<std::size_t>(index)].weights[t];
        // A field left for this one applies first, from its own text.
        if (track_typed_edit(cell_id, Kind::weight, true, index, k)) changed = true;
        typed_.weight = k.weights[t];
        typed_.weight_index = t;
        typed_.initial_text = state && state->InitialTextA.Data ? state->InitialTextA.Data : "";
        typed_.text = state && state->TextA.Data ? state->TextA.Data : typed_.initial_text;
      } else if (typing || was_typing) {
        if (state && state->TextA.Data) typed_.text = state->TextA.Data;
        if (track_typed_edit(cell_id, Kind::weight, typing, index, k)) changed = true;
      } else if (dragged) {
        changed = true;
      }
      ImGui::PopID();
    }
  }
  if (wide) ImGui::EndChild();
  if (track(ImGui::Button("Normalise"), "Normalise")) {
    Result<Kernel> n = normalized(k);
    if (n) {
      k = n.value();
      changed = true;
    } else {
      model_.report_error(n.error());
    }
  }
  ImGui::SameLine();
  if (track(ImGui::Button("Flip 180"), "Flip 180")) {
    k = flipped(k);
    changed = true;
  }
  ImGui::SameLine();
  double sum = 0;
  for (float w : k.weights) sum += w;
  ImGui::TextDisabled("sum %.4g", sum);
  if (changed) model_.replace_kernel(index, std::move(k));
}

void App::draw_params_section() {
  if (!ImGui::CollapsingHeader("Convolution", ImGuiTreeNodeFlags_DefaultOpen)) return;
  // The input the filters see; the model refuses a switch the bank's channels do not allow.
  const bool rgb = model_.input_mode() == InputMode::rgb;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("input");
  ImGui::SameLine();
  if (track(ImGui::RadioButton("gray", !rgb), "input/gray") && rgb)
    model_.set_input(InputMode::gray);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("one channel: PIL's convert('L'), what the presets are made for");
  ImGui::SameLine();
  if (track(ImGui::RadioButton("RGB", rgb), "input/rgb") && !rgb) model_.set_input(InputMode::rgb);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "three channels: ToTensor() of convert('RGB'), what a CNN's first layer sees; needs "
        "filters with C = 3 (open a model's weights)");
  ImGui::SameLine();
  if (track(ImGui::SmallButton("Restore presets"), "Restore presets"))
    model_.restore_default_bank();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("edge, sharpen and blur on the gray input, instead of the bank");
  ConvParams p = model_.params();
  bool changed = false;
  int mode = static_cast<int>(p.padding_mode);
  const char* modes[] = {"zeros", "reflect", "replicate", "circular"};
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::Combo("padding mode", &mode, modes, 4)) {
    p.padding_mode = static_cast<PaddingMode>(mode);
    changed = true;
  }
  ImGui::SetNextItemWidth(-110.0f);
  if (track(ImGui::InputInt("padding", &p.padding), "padding")) {
    p.padding = std::clamp(p.padding, 0, kMaxConvParam);
    changed = true;
  }
  // Stride and dilation share a row (the sidebar then fits an 800-pixel window).
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pair_w =
      std::max(60.0f, (ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("stride").x -
                       ImGui::CalcTextSize("dilation").x - 3.0f * style.ItemInnerSpacing.x -
                       style.ItemSpacing.x) /
                          2.0f);
  ImGui::SetNextItemWidth(pair_w);
  if (ImGui::InputInt("stride", &p.stride)) {
    p.stride = std::clamp(p.stride, 1, kMaxConvParam);
    changed = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(pair_w);
  if (ImGui::InputInt("dilation", &p.dilation)) {
    p.dilation = std::clamp(p.dilation, 1, kMaxConvParam);
    changed = true;
  }
  if (ImGui::Checkbox("flip kernels (true convolution)", &p.flip)) changed = true;
  if (!changed) return;
  // A padding of hundreds makes maps far larger than the image: in the page they must fit.
  if (services_.check_maps_memory && model_.has_image()) {
    const Status fits =
        services_.check_maps_memory(model_.bank(), p, model_.input_mode() == InputMode::rgb);
    if (!fits) {
      model_.report_error("The settings were not changed: with padding " +
                          std::to_string(p.padding) + ", stride " + std::to_string(p.stride) +
                          " and dilation " + std::to_string(p.dilation) + ", " +
                          std::to_string(model_.bank().size()) + " filters " + fits.error());
      return;
    }
  }
  model_.set_params(p);
}

void App::draw_display_section() {
  if (!ImGui::CollapsingHeader("Display", ImGuiTreeNodeFlags_DefaultOpen)) return;
  DisplaySettings d = model_.display();
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::BeginCombo("colour map", colormap_label(d.colormap))) {
    for (Colormap c : kColormaps) {
      if (ImGui::Selectable(colormap_label(c), d.colormap == c) && d.colormap != c) {
        d.colormap = c;
        colours_dirty_ = true;
      }
    }
    ImGui::EndCombo();
  }
  if (ImGui::Checkbox("one scale for all maps", &d.shared_scale)) colours_dirty_ = true;
  ImGui::SameLine();
  // Shrunk maps: each screen pixel the mean of the map's pixels under it (smooth, like
  // matplotlib), or their extreme (an edge map's thin contours stay visible).
  bool contours = d.shrink == Reduction::extreme;
  if (track(ImGui::Checkbox("contours", &contours), "shrink/contours"))
    d.shrink = contours ? Reduction::extreme : Reduction::mean;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Keep contours when shrunk. A map shown smaller than its pixels: off, each screen\n"
        "pixel is the mean of the pixels under it (smooth, like matplotlib); on, the one\n"
        "farthest from the map's mean, so thin edges stay visible instead of averaging away.");
  track(ImGui::Checkbox("original in colour", &d.show_colour), "display/colour");
  ImGui::SameLine();
  ImGui::Checkbox("histograms", &d.show_histograms);
  model_.set_display(d);
  filterlens::ViewState v = model_.view();
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::SliderFloat("zoom", &v.zoom, 1.0f, 256.0f, "%.1fx", ImGuiSliderFlags_Logarithmic))
    model_.set_view(v);
  ImGui::SameLine();
  if (ImGui::SmallButton("fit")) model_.set_view(filterlens::ViewState{});
}

void App::draw_animation_section() {
  if (open_animation_section_) ImGui::SetNextItemOpen(true);  // a guide step talks about it
  open_animation_section_ = false;
  if (!ImGui::CollapsingHeader("Slide the window")) return;
  const std::vector<Kernel>& kernels = model_.map_kernels();
  if (model_.maps().empty()) return;
  const AnimationState& a = model_.animation();
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::BeginCombo("filter",
                        filter_title(kernels[static_cast<std::size_t>(a.filter)].name).c_str())) {
    for (int i = 0; i < static_cast<int>(kernels.size()); ++i)
      if (ImGui::Selectable(
              (filter_title(kernels[static_cast<std::size_t>(i)].name) + "##" + std::to_string(i))
                  .c_str(),
              a.filter == i))
        model_.set_animation_filter(i);
    ImGui::EndCombo();
  }
  if (!a.active) {
    if (ImGui::Button("Start here")) model_.start_animation();
    ImGui::SameLine();
    ImGui::TextDisabled("walks a region of the current view");
    return;
  }
  if (ImGui::Button(a.playing ? "Pause" : "Play")) model_.play_pause_animation();
  ImGui::SameLine();
  if (ImGui::Button("Step")) model_.step_animation();
  ImGui::SameLine();
  if (ImGui::Button("Stop")) {
    model_.stop_animation();
    return;
  }
  int step = a.step;
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::SliderInt("position", &step, 0, a.total())) model_.set_animation_position(step);
  float speed = a.steps_per_second;
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::SliderFloat("windows / s", &speed, 1.0f, 240.0f, "%.0f", ImGuiSliderFlags_Logarithmic))
    model_.set_animation_speed(speed);
}

void App::draw_export_section() {
  if (!ImGui::CollapsingHeader("Export", ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (model_.maps().empty()) return;
  if (track(ImGui::Button("Figure (PNG)"), "Figure (PNG)"))
    save(export_figure(model_, services_.title_font ? services_.title_font() : kNoFont));
  ImGui::SameLine();
  if (track(ImGui::Button("All maps (PNG + .npy)"), "All maps (PNG + .npy)")) {
    // Stops at the first file that fails (its message stays); else the status counts them. In
    // the browser they are one .zip (a burst of downloads asks the person's leave, and fills
    // their downloads folder).
    const bool batch = services_.begin_batch && services_.end_batch;
    if (batch) services_.begin_batch(export_stem(model_.source_name()) + "-maps.zip");
    bool saved = true;
    int files = 0;
    for (int i = 0; saved && i < static_cast<int>(model_.maps().size()); ++i) {
      saved = save(export_map_png(model_, i)) && save(export_map_npy(model_, i));
      files += 2;
    }
    saved = saved && save(export_input_npy(model_));
    const std::string archive = batch ? services_.end_batch() : "";
    const bool rgb = model_.input_mode() == InputMode::rgb;
    if (saved)
      model_.set_status(std::to_string(files + 1) + " files (a PNG and a .npy per map, and the " +
                        (rgb ? "RGB" : "gray") + " input); " +
                        (batch ? archive : "the last: " + model_.status()));
  }
  if (track(ImGui::Button("Copy as PyTorch"), "Copy as PyTorch")) {
    if (services_.copy_text) {
      services_.copy_text(export_pytorch(model_));
      model_.set_status("Copied the bank as PyTorch code to the clipboard");
    } else {
      model_.report_error("There is no clipboard here.");
    }
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("torch.tensor weights and the F.conv2d call with the current settings");
  if (services_.share_address) {
    ImGui::SameLine();
    if (track(ImGui::Button("Share"), "Share")) {
      services_.share_address();
      model_.set_status("Copied a link to these settings (bank, parameters, colours)");
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The page's address holds the bank and settings: this copies it");
  }
}

}  // namespace filterlens
