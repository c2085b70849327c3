// Exports as bytes: what the "png" / "npy" buttons, "Figure (PNG)" and "Copy as PyTorch" produce
// from the model, with the file name each should get. Where the bytes go (a download, a file in
// the export folder, the clipboard) is the platform's business, not the model's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model.h"
#include "result.h"

namespace filterlens {

struct ExportFile {
  std::string name;  // "<image stem>-<filter>.png", ...
  std::vector<std::uint8_t> bytes;
};

// Text made safe as part of a file name on any system, keeping every letter of any script
// ("猫 café" stays as it is): only path-hostile characters become '_' (/ \ : * ? " < > |,
// control characters including C1 and U+2028/9, bytes that are not valid UTF-8), leading and
// trailing spaces and dots are dropped, and the result is cut (at a character boundary) to
// 120 bytes. May return "".
std::string safe_file_part(const std::string& text);

// What the page adds to an image's name when the browser decoded it (a WebP, an AVIF, ...):
// "pic.webp (decoded by the browser)".
constexpr const char* kBrowserDecodedNote = " (decoded by the browser)";

// The image's file name without folders, kBrowserDecodedNote and extension, made safe_file_part
// ("image" when nothing is left).
std::string export_stem(const std::string& source_name);

// Map i colour-mapped as the panels show it (the display's colour map and range), as PNG.
Result<ExportFile> export_map_png(const Model& model, int map_index);
// Map i's floats as .npy (float32, height x width), exactly what the engine computed.
Result<ExportFile> export_map_npy(const Model& model, int map_index);
// The grayscale input as .npy, in [0, 1].
Result<ExportFile> export_gray_npy(const Model& model);
// The input the filters see as .npy: the gray plane, or on the RGB input the (3, H, W) planes
// (`<stem>-rgb.npy`, as the CLI's rgb.npy).
Result<ExportFile> export_input_npy(const Model& model);
// The original and every map side by side under their titles, as PNG (the CLI's figure.png).
// `font` is TrueType bytes for the titles (may be empty: no titles).
Result<ExportFile> export_figure(const Model& model, const std::vector<std::uint8_t>& font);
// The bank as torch.tensor weights plus the F.conv2d call with the current settings.
std::string export_pytorch(const Model& model);

}  // namespace filterlens
