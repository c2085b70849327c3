// figure: the notebook's plot as one RGB image: panels side by side, each under its title, on
// white. Titles are drawn with stb_truetype from a TrueType font file (DejaVu Sans from Debian's
// fonts-dejavu-core by default); without a font the panels are drawn untitled.
#pragma once

#include <string>
#include <vector>

#include "image.h"

namespace filterlens {

struct FigurePanel {
  std::string title;
  Image pixels;  // 1 or 3 channels
};

// Lays the panels out in one row. Each is scaled (nearest neighbour, so pixels stay crisp) to fit
// a box `panel_height` tall and at most 4 x `panel_height` wide, keeping its aspect ratio, and
// centred in it vertically (so 1 x N and N x 1 images give a figure of sane size). `font_bytes`
// may be empty.
// The panel as compose_figure would draw it, at that size (nearest neighbour, the same pixels):
// callers keep this instead of a full-size map while they build a figure of a huge image.
Image shrink_for_figure(const Image& image, int panel_height = 320);

Image compose_figure(const std::vector<FigurePanel>& panels,
                     const std::vector<unsigned char>& font_bytes, int panel_height = 320);

}  // namespace filterlens
