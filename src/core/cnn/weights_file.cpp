// Weights file writer and its strict reader.
#include "cnn/weights_file.h"

#include <array>
#include <cmath>
#include <cstring>
#include <string>

namespace filterlens::cnn {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'C', 'N', 'N', 'W', '\r', '\n'};

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

std::string shape_text(const std::vector<int>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

}  // namespace

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::vector<std::uint8_t> encode_weights(const Network& net) {
  std::vector<std::uint8_t> out(kMagic, kMagic + 8);
  put_u32(out, kWeightsVersion);
  const std::vector<Tensor> tensors = net.tensors();
  put_u32(out, static_cast<std::uint32_t>(tensors.size()));
  for (const Tensor& t : tensors) {
    put_u32(out, static_cast<std::uint32_t>(t.name.size()));
    out.insert(out.end(), t.name.begin(), t.name.end());
    put_u32(out, static_cast<std::uint32_t>(t.shape.size()));
    for (int d : t.shape) put_u32(out, static_cast<std::uint32_t>(d));
    for (float v : t.data) {
      std::uint32_t u;
      std::memcpy(&u, &v, 4);
      put_u32(out, u);
    }
  }
  put_u32(out, crc32(out.data(), out.size()));
  return out;
}

Result<Network> decode_weights(const std::uint8_t* d, std::size_t n) {
  using R = Result<Network>;
  if (n < 20 || std::memcmp(d, kMagic, 8) != 0)
    return R::fail("not a FilterLens weights file (it does not start with FLCNNW)");
  const std::uint32_t version = get_u32(d + 8);
  if (version != kWeightsVersion)
    return R::fail("weights file format version " + std::to_string(version) +
                   "; this FilterLens reads version " + std::to_string(kWeightsVersion));
  if (crc32(d, n - 4) != get_u32(d + n - 4))
    return R::fail("the weights file is damaged or truncated (checksum mismatch)");
  Network net = Network::zeros();
  const std::vector<Tensor> expected = net.tensors();
  std::size_t pos = 12;
  const std::size_t end = n - 4;
  auto need = [&](std::size_t bytes) { return pos + bytes <= end; };
  const std::uint32_t count = get_u32(d + pos);
  pos += 4;
  if (count != expected.size())
    return R::fail("weights file has " + std::to_string(count) + " tensors; this network has " +
                   std::to_string(expected.size()));
  const auto params = net.parameters();
  for (std::size_t t = 0; t < expected.size(); ++t) {
    if (!need(4)) return R::fail("weights file is truncated in tensor " + std::to_string(t + 1));
    const std::uint32_t name_len = get_u32(d + pos);
    pos += 4;
    if (name_len > 256 || !need(name_len)) return R::fail("weights file is damaged (tensor name)");
    const std::string name(reinterpret_cast<const char*>(d + pos), name_len);
    pos += name_len;
    if (name != expected[t].name)
      return R::fail("tensor " + std::to_string(t + 1) + " is '" + name + "'; expected '" +
                     expected[t].name + "'");
    if (!need(4)) return R::fail("weights file is truncated in " + name);
    const std::uint32_t rank = get_u32(d + pos);
    pos += 4;
    if (rank > 8 || !need(4 * rank))
      return R::fail("weights file is damaged (shape of " + name + ")");
    std::vector<int> shape;
    for (std::uint32_t r = 0; r < rank; ++r, pos += 4)
      shape.push_back(static_cast<int>(get_u32(d + pos)));
    if (shape != expected[t].shape)
      return R::fail(name + " has shape " + shape_text(shape) + "; this network needs " +
                     shape_text(expected[t].shape) + " (weights from a different network?)");
    std::vector<float>& dst = *params[t];
    if (!need(4 * dst.size())) return R::fail("weights file is truncated in " + name);
    for (float& v : dst) {
      const std::uint32_t u = get_u32(d + pos);
      std::memcpy(&v, &u, 4);
      pos += 4;
      if (!std::isfinite(v)) return R::fail(name + " holds a value that is not a finite number");
    }
  }
  if (pos != end)
    return R::fail("weights file has " + std::to_string(end - pos) + " unexpected extra bytes");
  return R::ok(std::move(net));
}

}  // namespace filterlens::cnn
