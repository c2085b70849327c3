// figure: the notebook's plot as one RGB image: panels side by side, each under its title, on
// white. Titles are drawn with stb_truetype from a TrueType font file (DejaVu Sans from Debian's
// fonts-dejavu-core by default); without a font the panels are drawn untitled.
#pragma once

#include <string>
#include <vector>

#include "image.h"
#include "kernel.h"

namespace filterlens {

struct FigurePanel {
  std::string title;
  Image pixels;  // 1 or 3 channels
};

// Panels in one figure row at most (more wrap into an about square grid).
constexpr int kMaxFigureRow = 9;

// Lays the panels out in one row (up to kMaxFigureRow; more in a grid). Each is scaled (nearest
// neighbour, so pixels stay crisp) to fit a box `panel_height` tall and at most 4 x `panel_height`
// wide, keeping its aspect ratio, and centred in it vertically (so 1 x N and N x 1 images give a
// figure of sane size). `font_bytes` may be empty. The panel as compose_figure would draw it, at
// that size (nearest neighbour, the same pixels): callers keep this instead of a full-size map
// while they build a figure of a huge image.
Image shrink_for_figure(const Image& image, int panel_height = 320);

Image compose_figure(const std::vector<FigurePanel>& panels,
                     const std::vector<unsigned char>& font_bytes, int panel_height = 320);

// The filters of a bank as tiles, the usual picture of a CNN's first layer: one tile per filter,
// each weight a block of `cell` x `cell` pixels, tiles in a grid (about square) separated by a
// gap of half a cell (at least 2 pixels) on a dark gray background (40). C = 3 filters give RGB
// tiles (channel c -> colour c), C = 1 gray tiles (stored as RGB so mixed banks share one
// image). `cell` 0 picks about 48 pixels a tile (at least 3 a weight).
// Scaling per filter, both common in papers and torchvision's make_grid:
//   symmetric  0 maps to mid gray (128), +max|w| to 255 and -max|w| to 0 (max over the filter's
//              channels): the sign of a weight stays visible. The default.
//   min_max    the filter's min maps to 0 and its max to 255 (make_grid(normalize=True,
//              scale_each=True)); a constant filter is mid gray.
enum class FilterScale { symmetric, min_max };
const char* filter_scale_name(FilterScale scale);
Image filter_tiles(const std::vector<Kernel>& filters, FilterScale scale = FilterScale::symmetric,
                   int cell = 0);

}  // namespace filterlens
