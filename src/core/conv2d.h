// conv2d: the contract of the convolution engine, identical to single-channel PyTorch
//
//   torch.nn.functional.conv2d(pad(input), weight, stride=s, dilation=d)
//
// where pad() is nn.Conv2d's padding_mode: "zeros" pads with 0, "reflect" mirrors without
// repeating the edge (needs padding < that side's size), "replicate" repeats the edge,
// "circular" wraps around (needs padding <= that side's size). Like torch this is
// cross-correlation: out(x, y) = sum over (kx, ky) of w(kx, ky) * in(x*s + kx*d - p, y*s + ky*d -
// p). `flip` rotates the kernel by 180 degrees first, which turns it into true convolution.
//
// Output size per axis (torch's formula): floor((in + 2p - d * (k - 1) - 1) / s) + 1, which must
// be at least 1. Input and output are Planes (float32, row-major).
//
// A bank is many kernels over one image in one call; kernels may differ in size, so each output
// has its own size. Two implementations answer the same call:
//   ConvImpl::reference  plain loops, double accumulation: the definition of correct.
//   ConvImpl::simd       WebAssembly SIMD128 (natively through SIMDe), fused: every kernel of the
//                        same size reads an input row while it is in cache (conv2d_simd.cpp has
//                        the schedule). Agrees with the reference to about 1e-7 relative.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "image.h"
#include "kernel.h"
#include "result.h"
#include "status.h"

namespace filterlens {

class ThreadPool;
struct MapStats;
namespace detail {
struct RowStats;
}

enum class PaddingMode { zeros, reflect, replicate, circular };

const char* padding_mode_name(PaddingMode mode);
Result<PaddingMode> parse_padding_mode(const std::string& name);

// The largest padding, stride and dilation anything accepts (the sidebar, the address, the
// page's setFilters, the CLI): far past any kernel's use, small enough that no size overflows.
constexpr int kMaxConvParam = 1000;

struct ConvParams {
  int padding = 1;
  PaddingMode padding_mode = PaddingMode::zeros;
  int stride = 1;
  int dilation = 1;
  bool flip = false;
};

enum class ConvImpl { reference, simd };

struct OutputSize {
  int width = 0;
  int height = 0;
};

// Checks the parameters against an input and kernel size and returns the output size, or an
// error saying which rule was broken (as torch would refuse it).
Result<OutputSize> conv2d_output_size(int in_width, int in_height, int kernel_width,
                                      int kernel_height, const ConvParams& params);

// Filters `input` with every kernel in `bank`. On success `outputs` holds one Plane per kernel,
// in order (its storage is reused when the sizes already match). On failure `outputs` is left as
// it was.
Status conv2d_bank(const Plane& input, const std::vector<Kernel>& bank, const ConvParams& params,
                   ConvImpl impl, std::vector<Plane>& outputs);

// How a bank runs beyond what it computes.
//   pool   splits every map's rows in bands over the pool's threads (ConvImpl::simd; the
//          reference runs on the calling thread). The maps are bit for bit the same for any
//          number of threads: a band changes which thread computes a row, not how.
//   stats  when set, receives compute_stats(map, stats_bins) for every map (stats.h), the first
//          stage computed in the bank's pass while rows are in cache. Same values for any pool.
//          stats_bins <= 0: no histogram (range and mean only, the cheap part); the histograms
//          can follow later with compute_histograms(maps, stats, bins, pool).
//   rows_done  when set (and the SIMD path computes the maps straight from the input: C = 1),
//          called on the band's thread as rows of a map become final, a few rows at a time:
//          rows_done(map, band_y0, y0, y1) says rows [y0, y1) of map `map` are written and rows
//          [band_y0, y0) were before (the same band), all still in cache. Every row is reported
//          once; work that needs rows of two bands does it after the bank returns.
struct BankRun {
  using RowsDone = std::function<void(std::size_t map, int band_y0, int y0, int y1)>;
  ThreadPool* pool = nullptr;
  std::vector<MapStats>* stats = nullptr;
  int stats_bins = 64;
  RowsDone rows_done;
};

Status conv2d_bank(const Plane& input, const std::vector<Kernel>& bank, const ConvParams& params,
                   ConvImpl impl, std::vector<Plane>& outputs, const BankRun& run);

// The input of a bank of C-channel filters: the gray plane (C = 1) or the R, G, B planes (C = 3),
// all the same size. It points at planes the caller owns (no copy of a large image).
struct ConvInput {
  const Plane* planes[kMaxKernelChannels] = {nullptr, nullptr, nullptr};
  int channels = 0;

  static ConvInput gray(const Plane& plane) { return {{&plane, nullptr, nullptr}, 1}; }
  static ConvInput rgb(const Plane& r, const Plane& g, const Plane& b) { return {{&r, &g, &b}, 3}; }
  static ConvInput rgb(const RgbPlanes& planes) { return rgb(planes.r, planes.g, planes.b); }
};

// Filters a gray or RGB input with a bank like F.conv2d with weight [1, C, kh, kw] per filter:
// a C = 3 filter's map is the sum over channels of channel c filtered with the kernel's channel c
// (same padding mode, stride, dilation and flip per channel). Every filter's C must be the
// input's: otherwise nothing is computed and the error names the filter and both counts.
// `outputs` as for conv2d_bank (untouched on failure).
Status conv2d_bank(const ConvInput& input, const std::vector<Kernel>& bank,
                   const ConvParams& params, ConvImpl impl, std::vector<Plane>& outputs);
Status conv2d_bank(const ConvInput& input, const std::vector<Kernel>& bank,
                   const ConvParams& params, ConvImpl impl, std::vector<Plane>& outputs,
                   const BankRun& run);

// Where a padded coordinate lands in [0, size), or -1 for a zero (zeros mode, outside).
// Exposed for the inspector's ghost cells and for tests.
int padded_index(int i, int size, PaddingMode mode);

// The value the padding mode puts at (x, y), which may lie outside the plane.
float padded_value(const Plane& plane, int x, int y, PaddingMode mode);

namespace detail {
// The two implementations behind conv2d_bank; parameters already validated, outputs sized.
void conv2d_bank_f32__scalar(const Plane& input, const std::vector<Kernel>& bank,
                             const ConvParams& params, std::vector<Plane>& outputs);
// pool, row_stats and rows_done optional; row_stats gets the first statistics stage of every
// map; rows_done as BankRun::rows_done.
void conv2d_bank_f32__wasmsimd(const Plane& input, const std::vector<Kernel>& bank,
                               const ConvParams& params, std::vector<Plane>& outputs,
                               ThreadPool* pool = nullptr,
                               std::vector<RowStats>* row_stats = nullptr,
                               const BankRun::RowsDone* rows_done = nullptr);
}  // namespace detail

}  // namespace filterlens
