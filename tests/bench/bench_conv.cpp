// filterlens-bench: times the notebook's 3-filter bank (edge, sharpen, blur; 3x3, zero padding 1,
// float32, one thread) at 1080p and 2160p for the scalar reference, the SIMD kernel run once per
// filter, and the fused SIMD bank, next to a memory floor: copying the input into three output
// planes, which is the traffic any implementation must move (read 1 plane, write 3), both with
// memcpy (in wasm: the host's copy) and with a SIMD128 loop that loads each vector once and
// stores it three times (the least any wasm kernel can do: same loads, same stores, no arithmetic).
// Then the page's recompute: "bank" (the fused SIMD bank alone) against the bank with every map's
// min, max and mean (BankRun::stats, stats_bins = 0: what a recompute needs while histograms are
// hidden), the bank with statistics and 64-bin histograms (stats_bins = 64), the histograms alone
// (compute_histograms), and the old way (the bank, then the scalar compute_stats_reference per
// map), with the ratio to the bank alone; then the display levels (display_levels, min side 64)
// of the three maps and of an RGBA image, next to repeated scalar halve(); all over a thread
// pool of 1, 2 and all hardware threads; last, the page's whole recompute (compute_document:
// bank, min/max/mean and the maps' display levels) with level 1 made after the maps or inside
// the bank's pass.
// Prints medians (and minima: this machine's memory bandwidth is shared and noisy); asserts
// nothing (see tests/ for correctness).
//
//   filterlens-bench [--quick]     (--quick: fewer repetitions, for smoke runs)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "background.h"
#include "conv2d.h"
#include "display_pyramid.h"
#include "simd128.h"
#include "stats.h"
#include "thread_pool.h"

using namespace filterlens;

namespace {

struct Timing {
  double median_ms;
  double min_ms;
};

Timing time_ms(const std::function<void()>& fn, int reps) {
  fn();  // warm up: page in the outputs, JIT tier-up under node
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front()};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
#if defined(__wasm__)
  const char* target = "wasm (SIMD128)";
#else
  const char* target = "native (SIMD128 via SIMDe)";
#endif
  std::printf("filterlens-bench: %s, notebook bank (edge, sharpen, blur), 3x3, zeros, padding 1\n",
              target);
  std::printf("%-10s %-28s %10s %8s %15s %10s\n", "size", "variant", "median ms", "min ms",
              "Mpix*filter/s", "vs scalar");
  const std::vector<Kernel> bank = default_bank();
  const ConvParams params;
  for (auto [w, h] : {std::pair{1920, 1080}, std::pair{3840, 2160}}) {
    Plane in(w, h);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(0.0f, 1.0f);
    for (float& v : in.data) v = dist(rng);
    std::vector<Plane> out;
    std::vector<std::vector<Plane>> per_filter(bank.size());
    std::vector<Plane> copies(bank.size(), Plane(w, h));
    const double work = double(w) * h * bank.size() / 1e6;
    Image rgba{w, h, 4, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 4)};
    for (std::size_t i = 0; i < rgba.pixels.size(); ++i)
      rgba.pixels[i] = static_cast<std::uint8_t>(i * 2654435761u >> 24);
    Document document;  // the page's recompute reads the gray plane only
    document.gray = std::make_shared<const Plane>(in);

    const int slow_reps = quick ? 1 : 3, fast_reps = quick ? 5 : 31;
    const Timing scalar =
        time_ms([&] { conv2d_bank(in, bank, params, ConvImpl::reference, out); }, slow_reps);
    const Timing single = time_ms(
        [&] {
          for (std::size_t f = 0; f < bank.size(); ++f)
            conv2d_bank(in, {bank[f]}, params, ConvImpl::simd, per_filter[f]);
        },
        fast_reps);
    const Timing fused =
        time_ms([&] { conv2d_bank(in, bank, params, ConvImpl::simd, out); }, fast_reps);
    const Timing floor = time_ms(
        [&] {
          for (Plane& c : copies)
            std::memcpy(c.data.data(), in.data.data(), sizeof(float) * in.data.size());
        },
        fast_reps);
    const Timing copy_loop = time_ms(
        [&] {
          const std::size_t n = in.data.size() / 4 * 4;
          const float* src = in.data.data();
          float *o0 = copies[0].data.data(), *o1 = copies[1].data.data(),
                *o2 = copies[2].data.data();
          for (std::size_t i = 0; i < n; i += 4) {
            const v128_t v = wasm_v128_load(src + i);
            wasm_v128_store(o0 + i, v);
            wasm_v128_store(o1 + i, v);
            wasm_v128_store(o2 + i, v);
          }
        },
        fast_reps);
    char size[32];
    std::snprintf(size, sizeof size, "%dx%d", w, h);
    const struct {
      const char* name;
      Timing t;
    } rows[] = {{"scalar reference", scalar},
                {"simd, per filter", single},
                {"simd, fused bank", fused},
                {"memory floor (3 copies)", floor},
                {"simd copy loop (1 in, 3 out)", copy_loop}};
    for (const auto& r : rows)
      std::printf("%-10s %-28s %10.2f %8.2f %15.1f %9.1fx\n", size, r.name, r.t.median_ms,
                  r.t.min_ms, work / (r.t.median_ms / 1e3), scalar.median_ms / r.t.median_ms);
    std::printf(
        "%-10s fused bank vs per-filter SIMD: %.2fx; fused bank / memory floor: %.2f; / simd copy "
        "loop: %.2f\n",
        size, single.median_ms / fused.median_ms, fused.median_ms / floor.median_ms,
        fused.median_ms / copy_loop.median_ms);

    // The recompute: bank alone, bank + statistics, per thread count.
    std::vector<MapStats> stats;
    const Timing old_way = time_ms(
        [&] {
          conv2d_bank(in, bank, params, ConvImpl::simd, out);
          stats.clear();
          for (const Plane& m : out) stats.push_back(compute_stats_reference(m, 64));
        },
        slow_reps);
    std::printf("%-10s %-28s %10.2f %8.2f\n", size, "bank, then scalar stats", old_way.median_ms,
                old_way.min_ms);
    // 1, 2 and all threads, as far as this build has them (one in wasm without pthreads).
    std::vector<int> thread_counts;
    for (int t : {1, 2, hardware_threads()}) {
      const int real = ThreadPool(t).size();
      if (std::find(thread_counts.begin(), thread_counts.end(), real) == thread_counts.end())
        thread_counts.push_back(real);
    }
    double bank_one = 0.0;
    for (int threads : thread_counts) {
      ThreadPool pool(threads);
      BankRun plain, range_only, with_hist;
      plain.pool = range_only.pool = with_hist.pool = &pool;
      range_only.stats = with_hist.stats = &stats;
      range_only.stats_bins = 0;
      with_hist.stats_bins = 64;
      const Timing b =
          time_ms([&] { conv2d_bank(in, bank, params, ConvImpl::simd, out, plain); }, fast_reps);
      const Timing br = time_ms(
          [&] { conv2d_bank(in, bank, params, ConvImpl::simd, out, range_only); }, fast_reps);
      const Timing bs = time_ms(
          [&] { conv2d_bank(in, bank, params, ConvImpl::simd, out, with_hist); }, fast_reps);
      // The histograms alone, after range-only statistics (what the app does when histograms
      // are switched on).
      conv2d_bank(in, bank, params, ConvImpl::simd, out, range_only);
      const Timing hist = time_ms([&] { compute_histograms(out, stats, 64, &pool); }, fast_reps);
      // The display levels of every map (min side 64), and of an RGBA image of the same size.
      const Timing lv = time_ms(
          [&] {
            for (const Plane& m : out) display_levels(m, Reduction::extreme, 0.0f, 64, &pool);
          },
          fast_reps);
      const Timing li = time_ms([&] { display_levels(rgba, 64, &pool); }, fast_reps);
      const Timing ls = time_ms(
          [&] {
            for (const Plane& m : out) {
              Plane level = halve(m, Reduction::extreme, 0.0f);
              while (level.width / 2 >= 64 && level.height / 2 >= 64)
                level = halve(level, Reduction::extreme, 0.0f);
            }
          },
          slow_reps);
      if (threads == 1) bank_one = b.median_ms;
      const char* plural = threads == 1 ? "" : "s";
      char name[64];
      std::snprintf(name, sizeof name, "bank, %d thread%s", threads, plural);
      std::printf("%-10s %-28s %10.2f %8.2f   x%.2f vs 1 thread\n", size, name, b.median_ms,
                  b.min_ms, bank_one / b.median_ms);
      std::snprintf(name, sizeof name, "bank+min/max/mean, %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f   / bank: %.2f\n", size, name, br.median_ms, br.min_ms,
                  br.median_ms / b.median_ms);
      std::snprintf(name, sizeof name, "bank+stats+histogram, %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f   / bank: %.2f\n", size, name, bs.median_ms, bs.min_ms,
                  bs.median_ms / b.median_ms);
      std::snprintf(name, sizeof name, "histograms alone, %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f\n", size, name, hist.median_ms, hist.min_ms);
      std::snprintf(name, sizeof name, "levels, 3 maps (simd), %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f\n", size, name, lv.median_ms, lv.min_ms);
      std::snprintf(name, sizeof name, "levels, 3 maps (halve), %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f   (repeated scalar halve(); no pool)\n", size, name,
                  ls.median_ms, ls.min_ms);
      std::snprintf(name, sizeof name, "levels, RGBA image, %dt", threads);
      std::printf("%-10s %-28s %10.2f %8.2f\n", size, name, li.median_ms, li.min_ms);
      // The page's whole recompute (compute_document: bank, min/max/mean, the maps' display
      // levels by the mean, min side 32), into recycled buffers as the worker does: with level 1
      // made after the maps or inside the bank's pass, and from a first level of 2 or 3 (a panel
      // that shows no finer one, ComputeSettings::shown_width; levels 1..first - 1 not made)
      // inside the pass.
      struct Variant {
        bool in_pass;
        int first_level;
        const char* name;
      };
      for (const Variant v :
           {Variant{false, 1, "level 1 after"}, Variant{true, 1, "level 1 in pass"},
            Variant{true, 2, "from level 2"}, Variant{true, 3, "from level 3"}}) {
        ComputeSettings settings;
        settings.bank = bank;
        settings.params = params;
        settings.stats_bins = 0;
        settings.level1_in_pass = v.in_pass;
        settings.shown_width = std::ldexp(double(w), -v.first_level);  // level k: w / 2^k
        Computed spare, done;
        const Timing rc = time_ms(
            [&] {
              compute_document(document, settings, &pool, done, nullptr, &spare);
              spare = std::move(done);
            },
            fast_reps);
        std::snprintf(name, sizeof name, "recompute, %s, %dt", v.name, threads);
        std::printf("%-10s %-28s %10.2f %8.2f   / bank: %.2f\n", size, name, rc.median_ms,
                    rc.min_ms, rc.median_ms / b.median_ms);
      }
    }
  }
  return 0;
}
