// The scalar reference: the formula of conv2d.h written as plain loops, double accumulation.
// Slow on purpose; every fast path is compared with it.
#include "conv2d.h"

namespace filterlens::detail {

void conv2d_bank_f32__scalar(const Plane& in, const std::vector<Kernel>& bank, const ConvParams& p,
                             std::vector<Plane>& outputs) {
  for (std::size_t f = 0; f < bank.size(); ++f) {
    const Kernel& k = bank[f];
    Plane& out = outputs[f];
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox) {
        double sum = 0.0;
        for (int ky = 0; ky < k.height; ++ky) {
          const int iy = oy * p.stride + ky * p.dilation - p.padding;
          for (int kx = 0; kx < k.width; ++kx) {
            const int ix = ox * p.stride + kx * p.dilation - p.padding;
            sum += static_cast<double>(k.at(kx, ky)) * padded_value(in, ix, iy, p.padding_mode);
          }
        }
        out.row(oy)[ox] = static_cast<float>(sum);
      }
    }
  }
}

}  // namespace filterlens::detail
