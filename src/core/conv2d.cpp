// conv2d_bank: parameter checks (torch's rules and messages), output sizing, dispatch.
#include "conv2d.h"

#include <utility>

#include "stats.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

// torch's own check ("expected input to have 3 channels"), plus the filter's name.
Status check_channels(const Kernel& k, int c_in) {
  if (k.channels == c_in) return Status::ok();
  return Status::fail("filter '" + k.name + "' has " + std::to_string(k.channels) +
                      (k.channels == 1 ? " channel" : " channels") + " but the input has " +
                      std::to_string(c_in) + " (" + (c_in == 1 ? "gray" : "RGB") +
                      "): expected input to have " + std::to_string(k.channels) +
                      " channels; switch the input to " + (k.channels == 1 ? "gray" : "RGB") +
                      " or use filters with " + std::to_string(c_in) +
                      (c_in == 1 ? " channel" : " channels"));
}

}  // namespace

const char* padding_mode_name(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::zeros:
      return "zeros";
    case PaddingMode::reflect:
      return "reflect";
    case PaddingMode::replicate:
      return "replicate";
    case PaddingMode::circular:
      return "circular";
  }
  return "?";
}

Result<PaddingMode> parse_padding_mode(const std::string& name) {
  for (PaddingMode m :
       {PaddingMode::zeros, PaddingMode::reflect, PaddingMode::replicate, PaddingMode::circular}) {
    if (name == padding_mode_name(m)) return Result<PaddingMode>::ok(m);
  }
  return Result<PaddingMode>::fail("unknown padding mode '" + name +
                                   "' (use zeros, reflect, replicate or circular)");
}

int padded_index(int i, int size, PaddingMode mode) {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case PaddingMode::zeros:
      return -1;
    case PaddingMode::reflect: {
      // Mirror around the edge samples; the period 2(size-1) also covers padding >= size,
      // which conv2d refuses but the inspector may still ask about.
      if (size == 1) return 0;
      const int period = 2 * (size - 1);
      int m = i % period;
      if (m < 0) m += period;
      return m < size ? m : period - m;
    }
    case PaddingMode::replicate:
      return i < 0 ? 0 : size - 1;
    case PaddingMode::circular: {
      const int m = i % size;
      return m < 0 ? m + size : m;
    }
  }
  return -1;
}

float padded_value(const Plane& plane, int x, int y, PaddingMode mode) {
  const int ix = padded_index(x, plane.width, mode);
  const int iy = padded_index(y, plane.height, mode);
  return ix < 0 || iy < 0 ? 0.0f : plane.at(ix, iy);
}

Result<OutputSize> conv2d_output_size(int in_w, int in_h, int k_w, int k_h, const ConvParams& p) {
  using R = Result<OutputSize>;
  if (in_w < 1 || in_h < 1) return R::fail("the input image is empty");
  if (p.padding < 0)
    return R::fail("padding must be 0 or more (got " + std::to_string(p.padding) + ")");
  if (p.stride < 1)
    return R::fail("stride must be 1 or more (got " + std::to_string(p.stride) + ")");
  if (p.dilation < 1)
    return R::fail("dilation must be 1 or more (got " + std::to_string(p.dilation) + ")");
  const int min_side = in_w < in_h ? in_w : in_h;
  if (p.padding_mode == PaddingMode::reflect && p.padding >= min_side) {
    return R::fail("reflect padding of " + std::to_string(p.padding) +
                   " needs an image larger than that on both sides (this one is " +
                   std::to_string(in_w) + " x " + std::to_string(in_h) + ")");
  }
  if (p.padding_mode == PaddingMode::circular && p.padding > min_side) {
    return R::fail("circular padding of " + std::to_string(p.padding) +
                   " would wrap around more than once (image is " + std::to_string(in_w) + " x " +
                   std::to_string(in_h) + ")");
  }
  const long long span_w = static_cast<long long>(p.dilation) * (k_w - 1) + 1;
  const long long span_h = static_cast<long long>(p.dilation) * (k_h - 1) + 1;
  const long long pw = in_w + 2LL * p.padding, ph = in_h + 2LL * p.padding;
  if (span_w > pw || span_h > ph) {
    // The kernel's shape in words (torch writes it rows x columns); pixel sizes width x height, as
    // every image size in messages.
    return R::fail("the kernel (" + std::to_string(k_h) + (k_h == 1 ? " row" : " rows") + " x " +
                   std::to_string(k_w) + (k_w == 1 ? " column" : " columns") + ", dilation " +
                   std::to_string(p.dilation) + ") covers " + std::to_string(span_w) + " x " +
                   std::to_string(span_h) +
                   " pixels (width x height): larger than the padded image (" + std::to_string(pw) +
                   " x " + std::to_string(ph) + ")");
  }
  OutputSize out;
  out.width = static_cast<int>((pw - span_w) / p.stride + 1);
  out.height = static_cast<int>((ph - span_h) / p.stride + 1);
  return R::ok(out);
}

Status conv2d_bank(const Plane& input, const std::vector<Kernel>& bank, const ConvParams& params,
                   ConvImpl impl, std::vector<Plane>& outputs) {
  return conv2d_bank(input, bank, params, impl, outputs, BankRun{});
}

Status conv2d_bank(const Plane& input, const std::vector<Kernel>& bank, const ConvParams& params,
                   ConvImpl impl, std::vector<Plane>& outputs, const BankRun& run) {
  if (input.empty()) return Status::fail("there is no image to filter");
  if (input.data.size() != static_cast<std::size_t>(input.width) * input.height)
    return Status::fail("the input plane's size does not match its pixel count");
  std::vector<Kernel> kernels;
  std::vector<OutputSize> sizes;
  kernels.reserve(bank.size());
  for (const Kernel& k : bank) {
    Status channels = check_channels(k, 1);
    if (!channels) return channels;
    Result<Kernel> valid = validate_kernel(params.flip ? flipped(k) : k);
    if (!valid) return Status::fail(valid.error());
    Result<OutputSize> size =
        conv2d_output_size(input.width, input.height, k.width, k.height, params);
    if (!size) return Status::fail(size.error());
    kernels.push_back(std::move(valid).value());
    sizes.push_back(size.value());
  }
  outputs.resize(bank.size());
  for (std::size_t i = 0; i < bank.size(); ++i) {
    Plane& o = outputs[i];
    o.width = sizes[i].width;
    o.height = sizes[i].height;
    o.data.resize(static_cast<std::size_t>(o.width) * o.height);
  }
  if (impl == ConvImpl::reference) {
    detail::conv2d_bank_f32__scalar(input, kernels, params, outputs);
    if (run.stats != nullptr) {
      run.stats->clear();
      for (const Plane& o : outputs)
        run.stats->push_back(compute_stats(o, run.stats_bins, run.pool));
    }
    return Status::ok();
  }
  const BankRun::RowsDone* rows_done = run.rows_done ? &run.rows_done : nullptr;
  if (run.stats == nullptr) {
    detail::conv2d_bank_f32__wasmsimd(input, kernels, params, outputs, run.pool, nullptr,
                                      rows_done);
    return Status::ok();
  }
  std::vector<detail::RowStats> rows;
  detail::conv2d_bank_f32__wasmsimd(input, kernels, params, outputs, run.pool, &rows, rows_done);
  run.stats->clear();
  for (std::size_t i = 0; i < outputs.size(); ++i)
    run.stats->push_back(detail::finish_range(outputs[i], rows[i]));
  // Every map's histogram in one job over the pool (none when stats_bins <= 0).
  detail::histograms(outputs.data(), run.stats->data(), outputs.size(), run.stats_bins, run.pool);
  return Status::ok();
}

Status conv2d_bank(const ConvInput& input, const std::vector<Kernel>& bank,
                   const ConvParams& params, ConvImpl impl, std::vector<Plane>& outputs) {
  return conv2d_bank(input, bank, params, impl, outputs, BankRun{});
}

Status conv2d_bank(const ConvInput& input, const std::vector<Kernel>& bank,
                   const ConvParams& params, ConvImpl impl, std::vector<Plane>& outputs,
                   const BankRun& run) {
  const int c_in = input.channels;
  if (c_in != 1 && c_in != kMaxKernelChannels)
    return Status::fail("the input has " + std::to_string(c_in) +
                        " channels; 1 (gray) or 3 (RGB) are supported");
  for (int c = 0; c < c_in; ++c) {
    const Plane* p = input.planes[c];
    if (p == nullptr || p->empty()) return Status::fail("there is no image to filter");
    if (p->width != input.planes[0]->width || p->height != input.planes[0]->height)
      return Status::fail("the input's channels differ in size");
  }
  for (const Kernel& k : bank) {
    Status s = check_channels(k, c_in);
    if (!s) return s;
  }
  if (c_in == 1) return conv2d_bank(*input.planes[0], bank, params, impl, outputs, run);

  // One C = 1 bank per channel through the same (SIMD) path, then the sum over channels, which
  // is F.conv2d's sum for a [N, 3, kh, kw] weight. Sizes and parameters are checked by the
  // first call, before `outputs` is touched.
  std::vector<Kernel> slice;
  slice.reserve(bank.size());
  std::vector<Plane> sum, part;
  for (int c = 0; c < c_in; ++c) {
    slice.clear();
    for (const Kernel& k : bank) slice.push_back(kernel_channel(k, c));
    const BankRun channel_run{run.pool, nullptr, run.stats_bins, nullptr};
    Status s = conv2d_bank(*input.planes[c], slice, params, impl, c == 0 ? sum : part, channel_run);
    if (!s) return s;
    if (c == 0) continue;
    for (std::size_t i = 0; i < sum.size(); ++i) {
      float* dst = sum[i].data.data();
      const float* src = part[i].data.data();
      const std::size_t n = sum[i].data.size();
      for (std::size_t j = 0; j < n; ++j) dst[j] += src[j];
    }
  }
  outputs = std::move(sum);
  if (run.stats != nullptr) {
    // The maps exist only after the sum over channels: the statistics are a pass of their own.
    run.stats->clear();
    for (const Plane& o : outputs) run.stats->push_back(compute_stats(o, run.stats_bins, run.pool));
  }
  return Status::ok();
}

}  // namespace filterlens
