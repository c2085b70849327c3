// filterlens-bench-camera: where a live camera frame's time goes (issue 11 point 7). A 1280 x 720
// RGBA frame through Model::replace_frame with the notebook's bank, and its parts timed alone:
// the copy of the RGBA into the model's image, PIL's luma (to_gray), the bank without and with
// its range and mean (the histograms are made only while shown), and the display
// levels replace_frame makes (the gray plane's, the RGBA frame's and the three maps';
// display_pyramid.h), on one thread and on the shared pool's hardware threads. Prints medians and
// minima; asserts nothing.
//
//   filterlens-bench-camera [--quick] [width height]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "conv2d.h"
#include "display_pyramid.h"
#include "model.h"
#include "thread_pool.h"

using namespace filterlens;

namespace {

struct Timing {
  double median_ms, min_ms;
};

Timing time_ms(const std::function<void()>& fn, int reps) {
  fn();  // warm up: page in the outputs, JIT tier-up under node
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    t.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front()};
}

void row(const char* what, Timing t) {
  std::printf("| %-52s | %8.2f | %8.2f |\n", what, t.median_ms, t.min_ms);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 41, width = 1280, height = 720;
  int arg = 1;
  if (argc > arg && std::strcmp(argv[arg], "--quick") == 0) {
    reps = 5;
    ++arg;
  }
  if (argc > arg + 1) {
    width = std::clamp(std::atoi(argv[arg]), 16, 8192);
    height = std::clamp(std::atoi(argv[arg + 1]), 16, 8192);
  }
#if defined(__wasm__)
  const char* target = "wasm (SIMD128)";
#else
  const char* target = "native (SIMD128 via SIMDe)";
#endif
  // Two frames that differ (a camera's frames do), alternated.
  std::vector<std::uint8_t> frames[2];
  for (int f = 0; f < 2; ++f) {
    frames[f].resize(static_cast<std::size_t>(width) * height * 4);
    for (std::size_t i = 0; i < frames[f].size(); ++i)
      frames[f][i] = static_cast<std::uint8_t>((i * 2654435761u >> (13 + f)) & 0xff);
  }
  std::printf("filterlens-bench-camera: %s, a %d x %d RGBA frame, notebook bank, medians of %d\n",
              target, width, height, reps);
  for (const int threads : {1, hardware_threads()}) {
    set_shared_pool_threads(threads);
    std::printf("\n%d thread%s\n\n| what | median ms | min ms |\n|---|---:|---:|\n", threads,
                threads == 1 ? "" : "s");
    Model model;
    int n = 0;
    row("Model::replace_frame (the rows below, histograms hidden)",
        time_ms(
            [&] {
              const Status s = model.replace_frame(width, height, frames[++n % 2].data(), "camera");
              if (!s) std::printf("%s\n", s.error().c_str());
            },
            reps));
    // The same with the panels 320 device pixels wide (a 1280 x 800 page's grid): the levels
    // finer than such a panel shows are not made (Model::want_map_width).
    Model narrow;
    narrow.want_map_width(320.0);
    row("Model::replace_frame, panels 320 px wide",
        time_ms(
            [&] {
              const Status s =
                  narrow.replace_frame(width, height, frames[++n % 2].data(), "camera");
              if (!s) std::printf("%s\n", s.error().c_str());
            },
            reps));
    Image image{width, height, 4, {}};
    row("  copy of the RGBA into an Image", time_ms(
                                                [&] {
                                                  image.pixels.assign(frames[n % 2].begin(),
                                                                      frames[n % 2].end());
                                                  ++n;
                                                },
                                                reps));
    Plane gray;
    row("  to_gray (PIL luma)", time_ms([&] { gray = to_gray(image); }, reps));
    std::vector<Plane> maps;
    BankRun plain;
    plain.pool = &shared_pool();
    row("  bank alone", time_ms(
                            [&] {
                              conv2d_bank(ConvInput::gray(gray), model.bank(), model.params(),
                                          ConvImpl::simd, maps, plain);
                            },
                            reps));
    std::vector<MapStats> stats;
    BankRun with_stats = plain;
    with_stats.stats = &stats;
    with_stats.stats_bins = 0;  // the histograms are made only while shown
    row("  bank + range and mean", time_ms(
                                       [&] {
                                         conv2d_bank(ConvInput::gray(gray), model.bank(),
                                                     model.params(), ConvImpl::simd, maps,
                                                     with_stats);
                                       },
                                       reps));
    // The display levels replace_frame makes (display_pyramid.h, over the pool): the gray
    // plane's and the RGBA frame's, and those of the three maps, written over the last run's.
    std::vector<Plane> gray_levels;
    std::vector<Image> colour_levels;
    std::vector<std::vector<Plane>> map_levels(model.maps().size());
    row("  display levels (gray, RGBA, 3 maps), written over",
        time_ms(
            [&] {
              display_levels(model.gray(), Reduction::mean, 0.0f, kMinLevelSide, &shared_pool(),
                             gray_levels);
              display_levels(model.source(), kMinLevelSide, &shared_pool(), colour_levels);
              for (std::size_t i = 0; i < model.maps().size(); ++i)
                display_levels(model.maps()[i], Reduction::mean, 0.0f, kMinLevelSide,
                               &shared_pool(), map_levels[i]);
            },
            reps));
  }
  return 0;
}
