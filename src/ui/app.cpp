// App: loading, recomputing, GPU upload, exports, and the controls column. The image panels,
// inspector, colour bars and histograms are in panels.cpp.
#include "app.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "colormap.h"
#include "figure.h"
#include "imgui.h"
#include "npy.h"
#include "platform.h"
#include "png_write.h"
#include "pytorch_code.h"

namespace filterlens {
namespace {

constexpr const char* kModeNames[] = {"auto (min..max, like imshow)", "diverging (0 = white)",
                                      "abs (|value|)", "clamp 0..1"};

Colormap export_colormap(int mode) {
  switch (mode) {
    case 1:
      return Colormap::diverging;
    case 2:
      return Colormap::abs;
    case 3:
      return Colormap::clamp;
    default:
      return Colormap::gray;
  }
}

std::string file_stem(const std::string& name) {
  std::string stem = name.substr(name.find_last_of("/\\") + 1);
  const std::size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0) stem.resize(dot);
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return stem.empty() ? "image" : stem;
}

}  // namespace

App::App() : bank_(default_bank()) {}
App::~App() = default;

Status App::init_graphics(const std::string& glsl_version) {
  std::string error;
  if (!program_.init(glsl_version, error)) return Status::fail(error);
  graphics_ready_ = true;
  textures_dirty_ = true;
  return Status::ok();
}

void App::report_error(const std::string& message) {
  last_error_ = message;
  status_.clear();
}

Status App::load_bytes(const std::uint8_t* data, std::size_t size, const std::string& name) {
  Result<Image> image = decode_image(data, size);
  if (!image) {
    const std::string message = "Could not open " + name + ": " + image.error();
    report_error(message);
    return Status::fail(message);
  }
  return adopt_image(std::move(image).value(), name);
}

Status App::load_rgba(int width, int height, const std::uint8_t* rgba, const std::string& name) {
  DecodeLimits limits;
  if (width <= 0 || height <= 0 || rgba == nullptr) {
    report_error("Could not open " + name + ": the browser decoded it to an empty image");
    return Status::fail(last_error_);
  }
  if (static_cast<std::int64_t>(width) * height > limits.max_pixels) {
    report_error("Could not open " + name + ": image is " + std::to_string(width) + " x " +
                 std::to_string(height) + "; the limit is " +
                 std::to_string(limits.max_pixels / 1'000'000) + " MP");
    return Status::fail(last_error_);
  }
  Image image{width, height, 4, {}};
  image.pixels.assign(rgba, rgba + static_cast<std::size_t>(width) * height * 4);
  return adopt_image(std::move(image), name);
}

Status App::adopt_image(Image image, const std::string& name) {
  Plane gray = to_gray(image);
  Status s = compute_maps(gray);  // on failure nothing changes: the old image and maps stay
  if (!s) {
    const std::string message = "Could not filter " + name + ": " + s.error();
    report_error(message);
    return Status::fail(message);
  }
  source_ = std::move(image);
  source_name_ = name;
  gray_ = std::move(gray);
  image_acts_dirty_ = true;
  last_error_.clear();
  status_ = "Opened " + name;
  anim_ = Animation{};
  view_ = View{};
  return Status::ok();
}

Status App::set_bank(std::vector<Kernel> bank, const ConvParams& params) {
  const std::vector<Kernel> old_bank = bank_;
  const ConvParams old_params = params_;
  bank_ = std::move(bank);
  params_ = params;
  selected_ = 0;
  Status s = recompute();
  if (!s) {  // keep what the user had
    bank_ = old_bank;
    params_ = old_params;
  }
  return s;
}

Status App::recompute() {
  dirty_ = false;
  if (gray_.empty()) return Status::ok();
  Status s = compute_maps(gray_);
  if (!s) report_error(s.error() + " (the maps shown are from the last valid settings)");
  return s;
}

Status App::compute_maps(const Plane& gray) {
  if (bank_.empty())
    return Status::fail("The filter bank is empty: add a filter to see feature maps.");
  const auto t0 = std::chrono::steady_clock::now();
  // Straight into maps_: conv2d_bank leaves its outputs untouched when it fails.
  Status s = conv2d_bank(gray, bank_, params_, ConvImpl::simd, maps_);
  last_compute_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!s) return s;
  if (last_error_.find("the maps shown are from") != std::string::npos) last_error_.clear();
  computed_bank_ = bank_;
  computed_params_ = params_;
  stats_.clear();
  for (const Plane& m : maps_) stats_.push_back(compute_stats(m, 64));
  hover_.filter = std::min(hover_.filter, static_cast<int>(maps_.size()) - 1);
  anim_.filter = std::min(anim_.filter, static_cast<int>(maps_.size()) - 1);
  textures_dirty_ = true;
  return Status::ok();
}

void App::upload_textures() {
  if (!graphics_ready_) return;
  textures_dirty_ = false;
  const int max_side = gfx::max_texture_size();
  if (gray_.width > max_side || gray_.height > max_side) {
    // The maps are computed (inspector, exports and the API work); only the GPU cannot hold them.
    report_error("This image is " + std::to_string(gray_.width) + " x " +
                 std::to_string(gray_.height) + ", larger than this GPU can show (" +
                 std::to_string(max_side) +
                 " pixels a side). Its maps are computed and can be "
                 "exported; for display, open a smaller version.");
    for (auto& t : map_textures_) t->destroy();
    gray_texture_.destroy();
    colour_texture_.destroy();
    return;
  }
  while (map_textures_.size() < maps_.size())
    map_textures_.push_back(std::make_unique<gfx::MapTexture>());
  map_textures_.resize(maps_.size());
  for (std::size_t i = 0; i < maps_.size(); ++i) map_textures_[i]->upload(maps_[i]);
  if (!gray_.empty()) {
    gray_texture_.upload(gray_);
    colour_texture_.upload(source_);
  }
  colours_dirty_ = true;
}

ColorRange App::display_range(int i) const {
  // From stats_ (min and max per map, computed with the maps): this runs every frame.
  const Colormap c = export_colormap(map_mode_);
  const MapStats& own = stats_[static_cast<std::size_t>(i)];
  if (!shared_scale_) return colormap_range(own.min, own.max, c);
  ColorRange r = colormap_range(stats_[0].min, stats_[0].max, c);
  for (const MapStats& m : stats_) {
    const ColorRange mr = colormap_range(m.min, m.max, c);
    r.lo = std::min(r.lo, mr.lo);
    r.hi = std::max(r.hi, mr.hi);
  }
  return r;
}

void App::colorize_all() {
  const int n = static_cast<int>(std::min(maps_.size(), map_textures_.size()));
  for (int i = 0; i < n; ++i) {
    const ColorRange r = display_range(i);
    map_textures_[static_cast<std::size_t>(i)]->colorize(
        program_, static_cast<gfx::MapMode>(map_mode_), r.lo, r.hi);
  }
  gray_texture_.colorize(program_, gfx::MapMode::clamp01, 0.0f, 1.0f);
  colours_dirty_ = false;
}

bool App::track(bool result, const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  control_rects_.push_back({id, a.x, a.y, b.x - a.x, b.y - a.y});
  return result;
}

void App::frame() {
  control_rects_.clear();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float sidebar = std::min(380.0f, std::max(280.0f, vp->WorkSize.x * 0.3f));
  // The bottom tabs keep at least room for their tab bar, the maps at least 120 pixels.
  if (inspector_height_ < 0.0f) inspector_height_ = std::min(300.0f, vp->WorkSize.y * 0.38f);
  inspector_height_ =
      std::clamp(inspector_height_, 60.0f, std::max(60.0f, vp->WorkSize.y - 120.0f));
  const float inspector_h = inspector_height_;
  const ImGuiWindowFlags fixed =
      ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;

  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(sidebar, vp->WorkSize.y));
  if (ImGui::Begin("FilterLens", nullptr, fixed)) draw_controls();
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + sidebar, vp->WorkPos.y));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x - sidebar, vp->WorkSize.y - inspector_h));
  if (ImGui::Begin("Feature maps", nullptr, fixed)) draw_panels();
  ImGui::End();

  ImGui::SetNextWindowPos(
      ImVec2(vp->WorkPos.x + sidebar, vp->WorkPos.y + vp->WorkSize.y - inspector_h));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x - sidebar, inspector_h));
  if (ImGui::Begin("Inspector", nullptr, fixed | ImGuiWindowFlags_NoTitleBar)) {
    draw_split_handle();
    if (ImGui::BeginTabBar("bottom")) {
      if (track(ImGui::BeginTabItem("How it works: the sliding window"), "tab/How it works")) {
        draw_inspector();
        ImGui::EndTabItem();
      }
      if (track(ImGui::BeginTabItem("Learned filters"), "tab/Learned filters")) {
        draw_learned_tab();
        ImGui::EndTabItem();
      }
      if (track(ImGui::BeginTabItem("Train a CNN"), "tab/Train a CNN")) {
        draw_training_tab();
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }
  ImGui::End();
  train_for_this_frame();

  advance_animation();
  if (dirty_) recompute();  // edits made this frame show in this frame
  if (textures_dirty_) upload_textures();
  if (colours_dirty_ && graphics_ready_) colorize_all();
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
  if (ImGui::IsItemActive()) inspector_height_ -= ImGui::GetIO().MouseDelta.y;
  const float mid = top_left.x + width / 2;
  ImGui::GetWindowDrawList()->AddLine(
      ImVec2(mid - 24, top_left.y + 3), ImVec2(mid + 24, top_left.y + 3),
      ImGui::GetColorU32(hot ? ImGuiCol_SeparatorActive : ImGuiCol_Separator), 3.0f);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Drag to give the maps or the tabs below more room");
  ImGui::SetCursorScreenPos(cursor);
}

// ----- Controls ---------------------------------------------------------------------------------

void App::draw_controls() {
  draw_image_section();
  if (!last_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", last_error_.c_str());
    ImGui::PopStyleColor();
    if (track(ImGui::SmallButton("Dismiss"), "Dismiss")) last_error_.clear();
  } else if (!status_.empty()) {
    ImGui::TextDisabled("%s", status_.c_str());
  }
  ImGui::Separator();
  draw_bank_section();
  draw_params_section();
  draw_display_section();
  draw_animation_section();
  draw_export_section();
}

void App::draw_image_section() {
  if (gray_.empty()) {
    ImGui::TextWrapped("No image yet.");
  } else {
    ImGui::TextWrapped("%s", source_name_.c_str());
    ImGui::TextDisabled("%d x %d, %d channel%s; maps in %.1f ms", source_.width, source_.height,
                        source_.channels, source_.channels == 1 ? "" : "s", last_compute_ms_);
  }
  ImGui::TextWrapped("Drop an image anywhere, or paste one.");
  if (ImGui::Button("Open image...")) {
    if (!platform::open_file_dialog()) ImGui::SetKeyboardFocusHere();
  }
  ImGui::SetNextItemWidth(-60.0f);
  const bool enter = ImGui::InputTextWithHint("##path", "path to an image file", path_,
                                              sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Open") || enter) && path_[0]) {
    std::vector<std::uint8_t> bytes;
    std::string error;
    if (platform::read_file(path_, bytes, error)) {
      load_bytes(bytes.data(), bytes.size(), path_);
    } else {
      report_error("Could not open " + std::string(path_) + ": " + error);
    }
  }
  ImGui::SetNextItemWidth(-60.0f);
  const bool go = ImGui::InputTextWithHint("##url", "https://... image URL", url_, sizeof url_,
                                           ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Load") || go) && url_[0]) {
    if (platform::fetch_url(url_)) {
      status_ = std::string("Loading ") + url_ + " ...";
    } else {
      report_error(
          "Loading from a URL works in the browser version; on the desktop, download "
          "the file and open it by path.");
    }
  }
}

void App::draw_bank_section() {
  if (!ImGui::CollapsingHeader("Filter bank", ImGuiTreeNodeFlags_DefaultOpen)) return;
  int move_from = -1, move_to = -1, remove = -1;
  for (int i = 0; i < static_cast<int>(bank_.size()); ++i) {
    ImGui::PushID(i);
    if (track(ImGui::Selectable(bank_[i].name.c_str(), selected_ == i, 0,
                                ImVec2(ImGui::GetContentRegionAvail().x - 80, 0)),
              "bank/" + bank_[i].name))
      selected_ = i;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", bank_[i].description.c_str());
    ImGui::SameLine();
    if (ImGui::ArrowButton("up", ImGuiDir_Up) && i > 0) move_from = i, move_to = i - 1;
    ImGui::SameLine();
    if (ImGui::ArrowButton("down", ImGuiDir_Down) && i + 1 < static_cast<int>(bank_.size()))
      move_from = i, move_to = i + 1;
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = i;
    ImGui::PopID();
  }
  if (move_from >= 0) {
    std::swap(bank_[static_cast<std::size_t>(move_from)], bank_[static_cast<std::size_t>(move_to)]);
    selected_ = move_to;
    dirty_ = true;
  }
  if (remove >= 0) {
    if (bank_.size() == 1) {
      report_error("Keep at least one filter: add another before removing the last one.");
    } else {
      bank_.erase(bank_.begin() + remove);
      selected_ = std::min(selected_, static_cast<int>(bank_.size()) - 1);
      dirty_ = true;
    }
  }
  const auto& presets = kernel_presets();
  ImGui::SetNextItemWidth(-60.0f);
  if (ImGui::BeginCombo("##preset", presets[static_cast<std::size_t>(add_preset_)].name.c_str())) {
    for (int i = 0; i < static_cast<int>(presets.size()); ++i) {
      if (ImGui::Selectable(presets[static_cast<std::size_t>(i)].name.c_str(), add_preset_ == i))
        add_preset_ = i;
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", presets[static_cast<std::size_t>(i)].description.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Add")) {
    Kernel k = presets[static_cast<std::size_t>(add_preset_)];
    int n = 2;
    const std::string base = k.name;
    auto taken = [&](const std::string& name) {
      return std::any_of(bank_.begin(), bank_.end(),
                         [&](const Kernel& b) { return b.name == name; });
    };
    while (taken(k.name)) k.name = base + std::to_string(n++);
    bank_.push_back(k);
    selected_ = static_cast<int>(bank_.size()) - 1;
    dirty_ = true;
  }
  ImGui::TextDisabled("%s", presets[static_cast<std::size_t>(add_preset_)].description.c_str());
  if (selected_ >= 0 && selected_ < static_cast<int>(bank_.size()))
    draw_kernel_editor(bank_[static_cast<std::size_t>(selected_)]);
}

void App::draw_kernel_editor(Kernel& k) {
  const int width_before = k.width;
  const std::vector<float> weights_before = k.weights;
  ImGui::Separator();
  char name[64];
  std::snprintf(name, sizeof name, "%s", k.name.c_str());
  ImGui::SetNextItemWidth(-60.0f);
  if (ImGui::InputText("name", name, sizeof name) && name[0]) {
    k.name = name;
    dirty_ = true;
  }
  int size[2] = {k.width, k.height};
  ImGui::SetNextItemWidth(-60.0f);
  if (ImGui::InputInt2("w x h", size)) {
    size[0] = std::clamp(size[0], 1, kMaxKernelSize);
    size[1] = std::clamp(size[1], 1, kMaxKernelSize);
    if (size[0] != k.width || size[1] != k.height) {
      // Keep the weights centred: a 3x3 grown to 5x5 gains a ring of zeros.
      std::vector<float> w(static_cast<std::size_t>(size[0]) * size[1], 0.0f);
      const int ox = (size[0] - k.width) / 2, oy = (size[1] - k.height) / 2;
      for (int y = 0; y < k.height; ++y)
        for (int x = 0; x < k.width; ++x) {
          const int nx = x + ox, ny = y + oy;
          if (nx >= 0 && ny >= 0 && nx < size[0] && ny < size[1])
            w[static_cast<std::size_t>(ny) * size[0] + nx] = k.at(x, y);
        }
      k.width = size[0];
      k.height = size[1];
      k.weights = std::move(w);
      dirty_ = true;
    }
  }
  const float cell =
      std::max(34.0f, std::min(60.0f, (ImGui::GetContentRegionAvail().x - 8) / k.width - 4));
  for (int y = 0; y < k.height; ++y) {
    for (int x = 0; x < k.width; ++x) {
      ImGui::PushID(y * kMaxKernelSize + x);
      if (x) ImGui::SameLine(0, 4);
      ImGui::SetNextItemWidth(cell);
      if (track(ImGui::DragFloat("##w", &k.weights[static_cast<std::size_t>(y) * k.width + x],
                                 0.01f, 0.0f, 0.0f, "%.3g"),
                "weight/" + std::to_string(x) + "," + std::to_string(y)))
        dirty_ = true;
      ImGui::PopID();
    }
  }
  if (track(ImGui::Button("Normalise"), "Normalise")) {
    Result<Kernel> n = normalized(k);
    if (n) {
      k = n.value();
      dirty_ = true;
    } else {
      report_error(n.error());
    }
  }
  ImGui::SameLine();
  if (track(ImGui::Button("Flip 180"), "Flip 180")) {
    k = flipped(k);
    dirty_ = true;
  }
  ImGui::SameLine();
  double sum = 0;
  for (float w : k.weights) sum += w;
  ImGui::TextDisabled("sum %.4g", sum);
  if (k.width != width_before || k.weights != weights_before) mark_edited(k);
}

void App::draw_params_section() {
  if (!ImGui::CollapsingHeader("Convolution", ImGuiTreeNodeFlags_DefaultOpen)) return;
  int mode = static_cast<int>(params_.padding_mode);
  const char* modes[] = {"zeros", "reflect", "replicate", "circular"};
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::Combo("padding mode", &mode, modes, 4)) {
    params_.padding_mode = static_cast<PaddingMode>(mode);
    dirty_ = true;
  }
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::InputInt("padding", &params_.padding)) {
    params_.padding = std::clamp(params_.padding, 0, 64);
    dirty_ = true;
  }
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::InputInt("stride", &params_.stride)) {
    params_.stride = std::clamp(params_.stride, 1, 16);
    dirty_ = true;
  }
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::InputInt("dilation", &params_.dilation)) {
    params_.dilation = std::clamp(params_.dilation, 1, 16);
    dirty_ = true;
  }
  if (ImGui::Checkbox("flip kernels (true convolution)", &params_.flip)) dirty_ = true;
}

void App::draw_display_section() {
  if (!ImGui::CollapsingHeader("Display", ImGuiTreeNodeFlags_DefaultOpen)) return;
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::Combo("colour map", &map_mode_, kModeNames, 4)) colours_dirty_ = true;
  if (ImGui::Checkbox("one scale for all maps", &shared_scale_)) colours_dirty_ = true;
  ImGui::Checkbox("original in colour", &show_colour_);
  ImGui::SameLine();
  ImGui::Checkbox("histograms", &show_histograms_);
  ImGui::SetNextItemWidth(-110.0f);
  ImGui::SliderFloat("zoom", &view_.zoom, 1.0f, 256.0f, "%.1fx", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();
  if (ImGui::SmallButton("fit")) view_ = View{};
}

void App::draw_animation_section() {
  if (!ImGui::CollapsingHeader("Slide the window")) return;
  if (maps_.empty()) return;
  ImGui::SetNextItemWidth(-110.0f);
  if (ImGui::BeginCombo("filter",
                        computed_bank_[static_cast<std::size_t>(anim_.filter)].name.c_str())) {
    for (int i = 0; i < static_cast<int>(computed_bank_.size()); ++i)
      if (ImGui::Selectable(computed_bank_[static_cast<std::size_t>(i)].name.c_str(),
                            anim_.filter == i)) {
        anim_.filter = i;
        anim_.active = false;
      }
    ImGui::EndCombo();
  }
  const Plane& m = maps_[static_cast<std::size_t>(anim_.filter)];
  auto start_region = [&] {
    // The part of the map the panels show now, at most 24 x 24 outputs, centred on the view.
    const int visible_w = std::max(1, static_cast<int>(m.width / view_.zoom));
    const int visible_h = std::max(1, static_cast<int>(m.height / view_.zoom));
    anim_.w = std::min({m.width, visible_w, 24});
    anim_.h = std::min({m.height, visible_h, 24});
    anim_.x0 = std::clamp(static_cast<int>(view_.cx * m.width) - anim_.w / 2, 0, m.width - anim_.w);
    anim_.y0 =
        std::clamp(static_cast<int>(view_.cy * m.height) - anim_.h / 2, 0, m.height - anim_.h);
    anim_.step = 0;
    anim_.active = true;
  };
  if (!anim_.active) {
    if (ImGui::Button("Start here")) start_region();
    ImGui::SameLine();
    ImGui::TextDisabled("walks a region of the current view");
    return;
  }
  const int total = anim_.w * anim_.h;
  if (ImGui::Button(anim_.playing ? "Pause" : "Play")) {
    if (anim_.step >= total) anim_.step = 0;
    anim_.playing = !anim_.playing;
  }
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    anim_.playing = false;
    anim_.step = std::min(anim_.step + 1, total);
  }
  ImGui::SameLine();
  if (ImGui::Button("Stop")) anim_ = Animation{false, false, anim_.filter};
  ImGui::SetNextItemWidth(-110.0f);
  ImGui::SliderInt("position", &anim_.step, 0, total);
  ImGui::SetNextItemWidth(-110.0f);
  ImGui::SliderFloat("windows / s", &anim_.steps_per_second, 1.0f, 240.0f, "%.0f",
                     ImGuiSliderFlags_Logarithmic);
}

void App::advance_animation() {
  if (!anim_.active || !anim_.playing) return;
  anim_.accumulator += ImGui::GetIO().DeltaTime * anim_.steps_per_second;
  const int advance = static_cast<int>(anim_.accumulator);
  anim_.accumulator -= advance;
  anim_.step = std::min(anim_.step + advance, anim_.w * anim_.h);
  if (anim_.step >= anim_.w * anim_.h) anim_.playing = false;
}

void App::draw_export_section() {
  if (!ImGui::CollapsingHeader("Export", ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (maps_.empty()) return;
  if (track(ImGui::Button("Figure (PNG)"), "Figure (PNG)")) status_ = export_figure();
  ImGui::SameLine();
  if (ImGui::Button("All maps (PNG + .npy)")) {
    for (int i = 0; i < static_cast<int>(maps_.size()); ++i) {
      export_map_png(i);
      status_ = export_map_npy(i);
    }
    status_ = export_gray_npy();
  }
  if (track(ImGui::Button("Copy as PyTorch"), "Copy as PyTorch")) {
    platform::copy_text(pytorch_code(computed_bank_, computed_params_));
    status_ = "Copied the bank as PyTorch code to the clipboard";
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("torch.tensor weights and the F.conv2d call with the current settings");
}

std::string App::export_map_png(int i) {
  const Image colored = apply_colormap(maps_[static_cast<std::size_t>(i)],
                                       export_colormap(map_mode_), display_range(i));
  return platform::save_file(
      file_stem(source_name_) + "-" + computed_bank_[static_cast<std::size_t>(i)].name + ".png",
      encode_png(colored));
}

std::string App::export_map_npy(int i) {
  return platform::save_file(
      file_stem(source_name_) + "-" + computed_bank_[static_cast<std::size_t>(i)].name + ".npy",
      encode_npy(maps_[static_cast<std::size_t>(i)]));
}

std::string App::export_gray_npy() {
  return platform::save_file(file_stem(source_name_) + "-gray.npy", encode_npy(gray_));
}

std::string App::export_figure() {
  std::vector<FigurePanel> panels;
  Image original = show_colour_ ? source_ : to_gray_u8(source_);
  panels.push_back({"Original", std::move(original)});
  for (std::size_t i = 0; i < maps_.size(); ++i)
    panels.push_back({computed_bank_[i].name, apply_colormap(maps_[i], export_colormap(map_mode_),
                                                             display_range(static_cast<int>(i)))});
  return platform::save_file(file_stem(source_name_) + "-figure.png",
                             encode_png(compose_figure(panels, platform::title_font())));
}

}  // namespace filterlens
