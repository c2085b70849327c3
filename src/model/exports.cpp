// Exports: the model's maps, gray plane and bank encoded as the files a person saves.
#include "exports.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "figure.h"
#include "npy.h"
#include "png_write.h"
#include "pytorch_code.h"
#include "text.h"

namespace filterlens {
namespace {

Result<ExportFile> no_map(const Model& model, int i) {
  if (model.maps().empty()) return Result<ExportFile>::fail("There are no maps to export yet.");
  return Result<ExportFile>::fail("There is no map " + std::to_string(i) + " to export.");
}

bool has_map(const Model& model, int i) {
  return i >= 0 && i < static_cast<int>(model.maps().size());
}

Image colour_mapped(const Model& model, int i) {
  return apply_colormap(model.maps()[static_cast<std::size_t>(i)], model.display().colormap,
                        model.display_range(i));
}

// ASCII letters in lower case: the names Windows and macOS file systems hold as one.
std::string folded(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// Filter i's part of its map files' names: its name made safe, unless that (ignoring ASCII case)
// is already taken by an earlier filter's or by the image's other exports (gray, rgb, figure):
// then "_<i>" is added, so "All maps" never writes two files of one name. Two filters "a/b" and
// "a_b" give "a_b" and "a_b_1"; a filter named "gray" gives "gray_0".
std::string map_part(const Model& model, int i) {
  std::set<std::string> taken = {"gray", "rgb", "figure"};
  std::string part;
  for (int j = 0; j <= i; ++j) {
    part = safe_file_part(model.map_kernels()[static_cast<std::size_t>(j)].name);
    if (part.empty()) part = "map" + std::to_string(j);
    for (std::string suffix = "_" + std::to_string(j); taken.count(folded(part)) > 0;)
      part += suffix;
    taken.insert(folded(part));
  }
  return part;
}

std::string map_file(const Model& model, int i, const char* extension) {
  // Filter names are typed by people too: the same rule as the image's.
  return export_stem(model.source_name()) + "-" + map_part(model, i) + extension;
}

}  // namespace

std::string safe_file_part(const std::string& text) {
  constexpr std::size_t kMaxBytes = 120;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = b;
    const std::size_t n = b < 0x80 ? 1 : utf8_sequence(text, i, cp);
    // Not printable (controls, separators, bidirectional overrides and isolates, which would
    // show "gpj.exe" as "exe.jpg"), not UTF-8, or a character file systems reserve.
    const bool hostile = n == 0 || cp < 0x20 || cp == 0x7F ||
                         (cp >= 0x80 && !printable_code_point(cp)) ||
                         (cp < 0x80 && std::strchr("/\\:*?\"<>|", static_cast<int>(cp)));
    const std::size_t step = n == 0 ? 1 : n;
    const std::string piece = hostile ? std::string("_") : text.substr(i, n);
    if (out.size() + piece.size() > kMaxBytes) break;
    out += piece;
    i += step;
  }
  // Windows drops trailing dots and spaces; leading ones make hidden or odd-looking files.
  const std::size_t first = out.find_first_not_of(" .");
  if (first == std::string::npos) return "";
  out = out.substr(first, out.find_last_not_of(" .") - first + 1);
  return out;
}

std::string export_stem(const std::string& source_name) {
  std::string stem = source_name.substr(source_name.find_last_of("/\\") + 1);
  const std::string note = kBrowserDecodedNote;
  if (stem.size() > note.size() && stem.compare(stem.size() - note.size(), note.size(), note) == 0)
    stem.resize(stem.size() - note.size());
  const std::size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0) stem.resize(dot);
  stem = safe_file_part(stem);
  return stem.empty() ? "image" : stem;
}

Result<ExportFile> export_map_png(const Model& model, int i) {
  if (!has_map(model, i)) return no_map(model, i);
  return Result<ExportFile>::ok({map_file(model, i, ".png"), encode_png(colour_mapped(model, i))});
}

Result<ExportFile> export_map_npy(const Model& model, int i) {
  if (!has_map(model, i)) return no_map(model, i);
  return Result<ExportFile>::ok(
      {map_file(model, i, ".npy"), encode_npy(model.maps()[static_cast<std::size_t>(i)])});
}

Result<ExportFile> export_gray_npy(const Model& model) {
  if (!model.has_image()) return Result<ExportFile>::fail("There is no image to export yet.");
  return Result<ExportFile>::ok(
      {export_stem(model.source_name()) + "-gray.npy", encode_npy(model.gray())});
}

Result<ExportFile> export_input_npy(const Model& model) {
  if (model.input_mode() != InputMode::rgb || !model.has_image()) return export_gray_npy(model);
  return Result<ExportFile>::ok(
      {export_stem(model.source_name()) + "-rgb.npy", encode_npy(model.rgb())});
}

Result<ExportFile> export_figure(const Model& model, const std::vector<std::uint8_t>& font) {
  if (model.maps().empty()) return no_map(model, 0);
  std::vector<FigurePanel> panels;
  // A large bank's figure is a grid of smaller panels (64 maps: 9 x 8 of 160 px, about 3 MP).
  const int maps = static_cast<int>(model.maps().size());
  const int panel_height = maps + 1 > kMaxFigureRow ? 160 : 320;
  // On the RGB input the filters see the colour image, so the figure shows it. Each panel is
  // kept at its size in the figure, not the image's (256 colour-mapped 12 MP maps would be 9 GB).
  const bool colour = model.display().show_colour || model.input_mode() == InputMode::rgb;
  panels.push_back(
      {"Original",
       shrink_for_figure(colour ? model.source() : to_gray_u8(model.source()), panel_height)});
  for (int i = 0; i < maps; ++i)
    panels.push_back({model.map_kernels()[static_cast<std::size_t>(i)].name,
                      shrink_for_figure(colour_mapped(model, i), panel_height)});
  return Result<ExportFile>::ok({export_stem(model.source_name()) + "-figure.png",
                                 encode_png(compose_figure(panels, font, panel_height))});
}

std::string export_pytorch(const Model& model) {
  // Filters still as their file holds them are loaded from it by index (by name and shape in
  // the comment), not spelled out; edited or renamed ones are written as numbers.
  PyTorchCodeOptions options;
  options.rgb = model.input_mode() == InputMode::rgb;
  const std::vector<Kernel>& kernels = model.map_kernels();
  std::vector<const FileBank*> sources;
  for (int i = 0; i < static_cast<int>(kernels.size()); ++i) {
    const FileBank* b = model.map_source(i);
    if (!b) continue;
    auto at = std::find(sources.begin(), sources.end(), b);
    if (at == sources.end()) {
      sources.push_back(b);
      PyTorchFileBank f{b->file_name, b->format, b->tensor, b->shape, {}};
      f.filter_names.resize(b->filters.size());  // "" for the ones not in the bank
      options.files.push_back(std::move(f));
      at = sources.end() - 1;
    }
    PyTorchFileBank& f = options.files[static_cast<std::size_t>(at - sources.begin())];
    for (std::size_t j = 0; j < b->filters.size(); ++j)
      if (b->filters[j].name == kernels[static_cast<std::size_t>(i)].name)
        f.filter_names[j] = b->filters[j].name;
  }
  return pytorch_code(kernels, model.map_params(), options);
}

}  // namespace filterlens
