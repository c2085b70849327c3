// Preset titles: one table (every preset of kernel_presets() has a row; a unit test checks).
#include "titles.h"

#include <cstring>

namespace filterlens {
namespace {

struct Title {
  const char* id;
  const char* title;
};

constexpr Title kTitles[] = {
    {"edge", "Edge detection"},
    {"sharpen", "Sharpen"},
    {"blur", "Blur"},
    {"identity", "Identity"},
    {"laplacian4", "Laplacian (4 neighbours)"},
    {"gaussian3", "Gaussian blur 3x3"},
    {"gaussian5", "Gaussian blur 5x5"},
    {"sobel_x", "Sobel x: vertical edges"},
    {"sobel_y", "Sobel y: horizontal edges"},
    {"scharr_x", "Scharr x: vertical edges"},
    {"scharr_y", "Scharr y: horizontal edges"},
    {"prewitt_x", "Prewitt x: vertical edges"},
    {"prewitt_y", "Prewitt y: horizontal edges"},
    {"emboss", "Emboss"},
    {"motion_blur", "Motion blur"},
    {"unsharp_mask", "Unsharp mask"},
    {"outline", "Outline (Laplacian of Gaussian)"},
};

}  // namespace

const char* preset_title(const std::string& id) {
  for (const Title& t : kTitles)
    if (id == t.id) return t.title;
  return nullptr;
}

std::string filter_title(const std::string& name) {
  const char* t = preset_title(name);
  return t ? t : name;
}

}  // namespace filterlens
