// App's side of banks from files: opening a .npy / .safetensors file (with a chooser when it
// holds several 4-D tensors), and the "Filters as tiles" tab: every filter of the bank as a
// tile like the usual picture of a CNN's first layer (core filter_tiles: RGB tiles for C = 3,
// gray for C = 1, each scaled symmetrically around 0), with where the filters came from; a click
// on a tile selects that filter and scrolls the maps to its panel.
#include <algorithm>
#include <cstdint>

#include "app.h"
#include "figure.h"
#include "imgui.h"
#include "text.h"

namespace filterlens {
namespace {

ImTextureID texture_id(unsigned int gl_texture) {
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(gl_texture));
}

// filter_tiles with one weight a pixel leaves this border of background around a lone tile.
constexpr int kTileBorder = 2;

// A tensor's name as the chooser shows it: escaped (a control character, a line break or a
// bidirectional override in a file's tensor name is drawn as \xNN) and at most 80 characters.
std::string tensor_label(const TensorInfo& t) {
  return (t.name.empty() ? std::string("the array") : printable_text(t.name, 80)) + "  " +
         format_shape(t.shape) + "  " + printable_text(t.dtype, 16);
}

}  // namespace

Status App::open_bytes(const std::uint8_t* data, std::size_t size, const std::string& name) {
  if (is_tensor_file(data, size, name)) return open_bank_file(data, size, name);
  return model_.load(data, size, name);
}

Result<Model::BankLoad> App::load_bank(const std::uint8_t* data, std::size_t size,
                                       const std::string& name, const std::string& tensor) {
  if (services_.check_maps_memory && model_.has_image()) {
    // Read once more here to size the maps: a file of the other channel count replaces the bank
    // and counts alone; one of the same count joins it (or, past the bank's limit, replaces it,
    // or replaces its own filters where they are: Model::load_bank_file), so at most the bank and
    // the file, and at most kMaxBankFilters filters of them, count.
    Result<TensorBank> file = read_tensor_bank(data, size, tensor, path_stem(name));
    if (file) {
      const bool same_input =
          (file.value().channels == 3) == (model_.input_mode() == InputMode::rgb);
      std::vector<Kernel> after = same_input ? model_.bank() : std::vector<Kernel>{};
      after.insert(after.end(), file.value().filters.begin(), file.value().filters.end());
      if (after.size() > static_cast<std::size_t>(kMaxBankFilters))
        after.erase(after.begin() + kMaxBankFilters, after.end());
      const Status fits =
          services_.check_maps_memory(after, model_.params(), file.value().channels == 3);
      if (!fits) {
        const std::string message = "Could not load filters from " + printable_text(name, 120) +
                                    ": " + std::to_string(file.value().count) + " filters " +
                                    fits.error();
        model_.report_error(message);
        return Result<Model::BankLoad>::fail(message);
      }
    }
  }
  return model_.load_bank_file(data, size, name, tensor);
}

Status App::open_bank_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  Result<std::vector<TensorInfo>> listed = list_bank_tensors(data, size);
  int four_d = 0;
  if (listed)
    for (const TensorInfo& t : listed.value()) four_d += t.shape.size() == 4;
  if (!listed || four_d < 2) {
    // One candidate (or a damaged file): the model loads it or says why.
    pending_bank_.reset();
    Result<Model::BankLoad> load = load_bank(data, size, name, "");
    return load ? Status::ok() : Status::fail(load.error());
  }
  PendingBankFile pending;
  pending.name = name;
  pending.bytes.assign(data, data + size);
  pending.tensors = std::move(listed).value();
  pending_bank_ = std::move(pending);
  model_.set_status(name + " holds " + std::to_string(four_d) +
                    " 4-D tensors: pick the filters to load");
  return Status::ok();
}

void App::draw_tensor_chooser() {
  const char* title = "Pick the filters to load";
  if (!pending_bank_) return;
  if (pending_bank_->open_popup) {
    ImGui::OpenPopup(title);
    pending_bank_->open_popup = false;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(
      ImVec2(vp->WorkPos.x + vp->WorkSize.x / 2, vp->WorkPos.y + vp->WorkSize.y / 3),
      ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    pending_bank_.reset();  // closed some other way (Escape)
    return;
  }
  ImGui::Text("%s holds several 4-D tensors. Which one is the convolution layer?",
              printable_text(pending_bank_->name, 120).c_str());
  ImGui::TextDisabled("[N, C, kh, kw]: N filters seeing C channels (1: gray, 3: RGB)");
  std::string chosen;
  for (std::size_t i = 0; i < pending_bank_->tensors.size(); ++i) {
    const TensorInfo& t = pending_bank_->tensors[i];
    const std::string label = tensor_label(t);
    if (!t.problem.empty()) {
      ImGui::TextDisabled("%s", label.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", printable_text(t.problem).c_str());
      continue;
    }
    // The name is drawn as text over an unlabelled row, not given as the row's label: ImGui hides
    // a label's text after "##" and gives labels with the same "###" tail one id.
    ImGui::PushID(static_cast<int>(i));
    const ImVec2 at = ImGui::GetCursorPos();
    if (track(ImGui::Selectable("##tensor", false, 0, ImVec2(0.0f, ImGui::GetTextLineHeight())),
              "tensor/" + t.name))
      chosen = t.name;
    ImGui::SetCursorPos(at);
    ImGui::TextUnformatted(label.c_str());
    ImGui::PopID();
  }
  ImGui::Separator();
  // Escape is Cancel too (a modal without a close button does not take it by itself).
  const bool cancel = track(ImGui::Button("Cancel"), "Cancel") ||
                      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
  if (!chosen.empty()) {
    // The popup goes first: loading may report an error the person should see at once.
    PendingBankFile pending = std::move(*pending_bank_);
    pending_bank_.reset();
    ImGui::CloseCurrentPopup();
    load_bank(pending.bytes.data(), pending.bytes.size(), pending.name, chosen);
  } else if (cancel) {
    model_.set_status("Nothing loaded from " + printable_text(pending_bank_->name, 120));
    pending_bank_.reset();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void App::sync_tile_textures() {
  if (!graphics_ready_ || tiles_generation_ == model_.maps_generation()) return;
  tiles_generation_ = model_.maps_generation();
  const std::vector<Kernel>& kernels = model_.map_kernels();
  tile_textures_.resize(kernels.size());
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    if (!tile_textures_[i]) tile_textures_[i] = std::make_unique<gfx::ImageTexture>();
    tile_textures_[i]->upload(filter_tiles({kernels[i]}, FilterScale::symmetric, 1));
  }
}

void App::draw_bank_tiles_tab() {
  const std::vector<Kernel>& kernels = model_.map_kernels();
  if (kernels.empty()) {
    ImGui::TextWrapped(
        "Load an image to see the bank's filters here. Drop a model's .npy or .safetensors "
        "weights (a conv layer, [N, C, kh, kw]) to see its filters and their maps.");
    return;
  }
  sync_tile_textures();
  // The visible right edge (the tab may scroll sideways for a colour filter's inspector, which
  // widens the content region): captions wrap and tiles flow up to it.
  const float visible_right =
      ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x - ImGui::GetStyle().ScrollbarSize;
  ImGui::PushTextWrapPos(visible_right);
  // Where the filters came from: each file once, then how the tiles are scaled.
  std::vector<const FileBank*> files;
  for (int i = 0; i < static_cast<int>(kernels.size()); ++i)
    if (const FileBank* b = model_.map_source(i))
      if (std::find(files.begin(), files.end(), b) == files.end()) files.push_back(b);
  for (const FileBank* b : files)
    ImGui::Text("%s%s%s %s from %s", printable_text(b->tensor, 80).c_str(),
                b->tensor.empty() ? "" : " ", format_shape(b->shape).c_str(),
                printable_text(b->dtype, 16).c_str(), printable_text(b->file_name, 120).c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped(
      "%d filters on the %s input. %s Gray middle is 0; each tile is scaled to its largest |w|. "
      "Click a tile to see its map.",
      static_cast<int>(kernels.size()), model_.input_mode() == InputMode::rgb ? "RGB" : "gray",
      model_.input_mode() == InputMode::rgb
          ? "Colour shows what each filter responds to: red where it weighs R up, and so on."
          : "Light: positive weights, dark: negative.");
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();

  int max_side = 1;
  for (const Kernel& k : kernels) max_side = std::max({max_side, k.width, k.height});
  const float cell = std::clamp(56.0f / static_cast<float>(max_side), 3.0f, 14.0f);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right = ImGui::GetWindowPos().x + visible_right;
  const int focused = model_.focus() ? model_.focus()->filter : -1;
  for (int i = 0; i < static_cast<int>(kernels.size()); ++i) {
    const Kernel& k = kernels[static_cast<std::size_t>(i)];
    const ImVec2 size(k.width * cell, k.height * cell);
    const float tile_w = std::max(size.x, ImGui::CalcTextSize("#000").x);
    ImGui::PushID(i);
    ImGui::BeginGroup();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const bool clicked =
        track(ImGui::InvisibleButton("tile", size), "maptile/" + std::to_string(i));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    const std::size_t ti = static_cast<std::size_t>(i);
    if (ti < tile_textures_.size() && tile_textures_[ti] && tile_textures_[ti]->texture()) {
      const float tw = static_cast<float>(k.width + 2 * kTileBorder);
      const float th = static_cast<float>(k.height + 2 * kTileBorder);
      dl->AddImage(texture_id(tile_textures_[ti]->texture()), p0, p1,
                   ImVec2(kTileBorder / tw, kTileBorder / th),
                   ImVec2((kTileBorder + k.width) / tw, (kTileBorder + k.height) / th));
    }
    const bool current = i == focused || i == model_.selected();
    if (current || ImGui::IsItemHovered())
      dl->AddRect(ImVec2(p0.x - 2, p0.y - 2), ImVec2(p1.x + 2, p1.y + 2),
                  current ? IM_COL32(255, 60, 200, 255) : IM_COL32(200, 200, 200, 255), 0.0f, 0,
                  2.0f);
    if (ImGui::IsItemHovered()) {
      const FileBank* from = model_.map_source(i);
      ImGui::SetTooltip("%s: %d x %d, %d channel%s%s%s\nclick to select it and show its map",
                        k.name.c_str(), k.height, k.width, k.channels, k.channels == 1 ? "" : "s",
                        from ? ", from " : "",
                        from ? printable_text(from->file_name, 120).c_str() : "");
    }
    ImGui::TextDisabled("#%d", i);
    ImGui::EndGroup();
    ImGui::PopID();
    if (clicked) {
      model_.select(i);
      const Plane& m = model_.maps()[ti];
      model_.inspect_map_pixel(i, m.width / 2, m.height / 2);
      model_.set_animation_filter(i);
      scroll_to_map_ = i;
    }
    // Wrap to the next row when the next tile would not fit.
    const float next_right = ImGui::GetItemRectMax().x + style.ItemSpacing.x + tile_w;
    if (i + 1 < static_cast<int>(kernels.size()) && next_right < right) ImGui::SameLine();
  }
}

}  // namespace filterlens
