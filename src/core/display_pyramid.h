// Display levels: a map (or the original) halved again and again, so a panel shows a texture of
// about its own size instead of sampling a few of the full resolution's pixels (the speckle of
// nearest sampling) and the GPU holds only what the panel shows.
//
// Level 0 is the plane itself; level k + 1 halves level k: output (x, y) reduces the input block
// [2x, 2x + 2) x [2y, 2y + 2), cut at the right and bottom edges of odd sizes (a 1 x 2, 2 x 1 or
// 1 x 1 block); sizes are ceil(w / 2) x ceil(h / 2). Two reductions:
//   mean     the block's average (like matplotlib's antialiased imshow, or a GL mip chain);
//   extreme  the block's value farthest from `centre` (the first such in raster order): keeps the
//            thin contours of an edge map, which the mean averages away (a Laplacian's + and -
//            lobes cancel), at the cost of some contrast bias.
// NaN and infinities propagate through `mean` like any arithmetic; `extreme` treats a NaN as
// never farther than anything else (it is kept only when the whole block is NaN).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "image.h"

namespace filterlens {

class ThreadPool;

enum class Reduction { mean, extreme };
const char* reduction_name(Reduction r);  // "mean", "extreme"

// One level down, in plain loops: the definition the fast levels below are checked against.
Plane halve(const Plane& plane, Reduction reduction, float centre = 0.0f);
// An 8-bit image (1-4 channels) by the mean of each block, rounded to nearest (half up).
Image halve(const Image& image);

// Levels 1..k of `level0` at once, for a job that computes them with the maps (not per frame):
// result[i] is level i + 1, bit for bit what i + 1 halve() calls give, computed with SIMD128
// (natively through SIMDe) in bands of output rows over `pool` (optional; the result does not
// depend on it). Levels are made while half the previous level's longer side is >= min_side
// (values below 1 count as 1): a 1920 x 1080 map with min_side 64 gets 960 x 540 .. 120 x 68
// (4 levels), a long thin image keeps halving until its long side fits (a GPU's texture limit),
// and an image whose longer side is under 2 * min_side gets none. Memory: at most a third of
// level 0's.
// `pool` must not be the pool whose task is calling (ThreadPool::run is not reentrant): a job
// already on a pool's thread passes nullptr, or a pool of its own.
std::vector<Plane> display_levels(const Plane& level0, Reduction reduction, float centre,
                                  int min_side, ThreadPool* pool = nullptr);
// Which levels display_levels makes into a vector: from `first` down to the coarsest, the finer
// ones left empty (0 x 0, their memory freed), for a view that shows none of them. A `first`
// past the coarsest level means the coarsest (first_level_made). `first_made`: that level is
// already in the vector, sized and computed (e.g. with level_rows while the maps were made), and
// the rest are made from it.
struct LevelRange {
  int first = 1;
  bool first_made = false;
};
// The same into `levels` (one entry per level, levels[k - 1] is level k), whose planes of the
// right sizes are written over (no new allocation). Every level made is bit for bit as above.
void display_levels(const Plane& level0, Reduction reduction, float centre, int min_side,
                    ThreadPool* pool, std::vector<Plane>& levels, LevelRange range = {});
// The finest level display_levels makes for a plane of this size asked for `first` (0 when the
// plane gets no levels).
int first_level_made(int width, int height, int min_side, int first);
// The first level (>= 1) a plane `width` pixels wide needs when it is shown across no fewer than
// `shown_width` device pixels: display_level's level for that width (1 when shown_width < 1,
// unknown).
int first_level_for(int width, double shown_width);
// Whether a plane of this size gets a level below it (display_levels' rule).
bool has_next_level(int width, int height, int min_side);
// The sizes (width, height) of the levels 1..k display_levels makes for a plane of this size,
// for a caller that allocates them beforehand.
std::vector<std::pair<int, int>> display_level_sizes(int width, int height, int min_side);
// Output rows [y0, y1) of halve(in) into `out` (sized ceil(w / 2) x ceil(h / 2)): the step
// display_levels repeats, for a job that has `in`'s rows 2 * y0 .. 2 * y1 - 1 at hand.
void halve_rows(const Plane& in, Reduction reduction, float centre, Plane& out, int y0, int y1);
// Rows [j0, j1) of level `level` (>= 1) of `level0` into `out` (sized as that level), straight
// from level 0's rows 2^level * j0 .. 2^level * j1 - 1 through a few rows of each level between
// (not the whole levels): bit for bit what `level` halve() calls give.
void level_rows(const Plane& level0, int level, Reduction reduction, float centre, Plane& out,
                int j0, int j1);
// The same for an 8-bit image (1-4 channels), as halve(const Image&).
std::vector<Image> display_levels(const Image& level0, int min_side, ThreadPool* pool = nullptr);
// The same into `levels`, whose images are written over (no new allocation where they already
// hold as many pixels: a camera's frames), from level `first` on as LevelRange::first says (the
// finer ones empty; the first made from level 0's rows, rounded as the halvings round).
void display_levels(const Image& level0, int min_side, ThreadPool* pool, std::vector<Image>& levels,
                    int first = 1);

// The level whose pixels come closest to one per screen pixel without going under it, for an
// image `image_width` pixels wide shown `screen_width` device pixels wide: the largest k with
// image_width / 2^k >= screen_width (0 when magnified or not drawn yet).
int display_level(double image_width, double screen_width);

}  // namespace filterlens
