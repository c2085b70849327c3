// .npy writer and a strict reader for the same subset.
#include "npy.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace filterlens {
namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
}  // namespace

std::vector<std::uint8_t> npy_array_header(const std::vector<int>& shape) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int d : shape) header += std::to_string(d) + ", ";
  if (!shape.empty()) header.resize(header.size() - (shape.size() == 1 ? 1 : 2));  // (3,) (2, 4)
  header += "), }";
  // Pad with spaces so magic + version + length + header + '\n' is a multiple of 64 bytes.
  const std::size_t fixed = kMagicLen + 2 + 2;
  while ((fixed + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> out(kMagic, kMagic + kMagicLen);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xFF));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  return out;
}

std::vector<std::uint8_t> npy_header(const Plane& plane) {
  return npy_array_header({plane.height, plane.width});
}

namespace {

// `plane`'s floats appended little-endian, whatever the host.
void append_floats(const Plane& plane, std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + plane.data.size() * sizeof(float));
  for (std::size_t i = 0; i < plane.data.size(); ++i) {
    std::uint32_t u;
    std::memcpy(&u, &plane.data[i], 4);
    for (int b = 0; b < 4; ++b) out[at + 4 * i + b] = static_cast<std::uint8_t>(u >> (8 * b));
  }
}

}  // namespace

std::vector<std::uint8_t> encode_npy(const Plane& plane) {
  std::vector<std::uint8_t> out = npy_header(plane);
  append_floats(plane, out);
  return out;
}

std::vector<std::uint8_t> encode_npy(const RgbPlanes& rgb) {
  std::vector<std::uint8_t> out = npy_array_header({3, rgb.r.height, rgb.r.width});
  out.reserve(out.size() + 3 * rgb.r.data.size() * sizeof(float));
  for (const Plane* p : {&rgb.r, &rgb.g, &rgb.b}) append_floats(*p, out);
  return out;
}

Result<Plane> decode_npy(const std::uint8_t* d, std::size_t n) {
  using R = Result<Plane>;
  if (n < 10 || std::memcmp(d, kMagic, kMagicLen) != 0) return R::fail("not a .npy file");
  if (d[6] != 1) return R::fail("unsupported .npy version " + std::to_string(d[6]));
  const std::size_t hlen = d[8] | (d[9] << 8);
  if (10 + hlen > n) return R::fail(".npy header is truncated");
  const std::string header(reinterpret_cast<const char*>(d + 10), hlen);
  if (header.find("'descr': '<f4'") == std::string::npos)
    return R::fail(".npy data is not little-endian float32");
  if (header.find("'fortran_order': False") == std::string::npos)
    return R::fail(".npy data is not in C order");
  int h = 0, w = 0;
  const std::size_t s = header.find("'shape': (");
  if (s == std::string::npos || std::sscanf(header.c_str() + s, "'shape': (%d, %d)", &h, &w) != 2 ||
      h < 0 || w < 0)
    return R::fail(".npy shape is not 2-D");
  const std::size_t count = static_cast<std::size_t>(w) * h;
  if (10 + hlen + count * 4 != n) return R::fail(".npy data size does not match its shape");
  Plane p(w, h);
  // An empty array's vector has no buffer (data() may be null): nothing to copy.
  if (count > 0)
    std::memcpy(p.data.data(), d + 10 + hlen, count * 4);  // tests run on little-endian hosts
  return R::ok(std::move(p));
}

}  // namespace filterlens
