// Weights file writer and its strict reader.
#include "cnn/weights_file.h"

#include <cmath>
#include <cstring>
#include <string>

#include "byte_reader.h"

namespace filterlens::cnn {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'C', 'N', 'N', 'W', '\r', '\n'};

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::string shape_text(const std::vector<int>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

}  // namespace

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
  const std::uint32_t version = le32(d + 8);
  if (version != kWeightsVersion)
    return R::fail("weights file format version " + std::to_string(version) +
                   "; this FilterLens reads version " + std::to_string(kWeightsVersion));
  if (crc32(d, n - 4) != le32(d + n - 4))
    return R::fail("the weights file is damaged or truncated (checksum mismatch)");
  Network net = Network::zeros();
  const std::vector<Tensor> expected = net.tensors();
  ByteReader r(d, n - 4);  // the checksum is not part of the tensors
  r.skip(12);
  const std::uint32_t count = r.le32();
  if (count != expected.size())
    return R::fail("weights file has " + std::to_string(count) + " tensors; this network has " +
                   std::to_string(expected.size()));
  const auto params = net.parameters();
  for (std::size_t t = 0; t < expected.size(); ++t) {
    const std::uint32_t name_len = r.le32();
    if (!r) return R::fail("weights file is truncated in tensor " + std::to_string(t + 1));
    const std::uint8_t* name_bytes = name_len > 256 ? nullptr : r.take(name_len);
    if (!name_bytes) return R::fail("weights file is damaged (tensor name)");
    const std::string name(reinterpret_cast<const char*>(name_bytes), name_len);
    if (name != expected[t].name)
      return R::fail("tensor " + std::to_string(t + 1) + " is '" + name + "'; expected '" +
                     expected[t].name + "'");
    const std::uint32_t rank = r.le32();
    if (!r) return R::fail("weights file is truncated in " + name);
    if (rank > 8 || !r.has(4 * std::size_t{rank}))
      return R::fail("weights file is damaged (shape of " + name + ")");
    std::vector<int> shape;
    for (std::uint32_t i = 0; i < rank; ++i) shape.push_back(static_cast<int>(r.le32()));
    if (shape != expected[t].shape)
      return R::fail(name + " has shape " + shape_text(shape) + "; this network needs " +
                     shape_text(expected[t].shape) + " (weights from a different network?)");
    std::vector<float>& dst = *params[t];
    if (!r.has(4 * dst.size())) return R::fail("weights file is truncated in " + name);
    for (float& v : dst) {
      const std::uint32_t u = r.le32();
      std::memcpy(&v, &u, 4);
      if (!std::isfinite(v)) return R::fail(name + " holds a value that is not a finite number");
    }
  }
  if (r.remaining() != 0)
    return R::fail("weights file has " + std::to_string(r.remaining()) + " unexpected extra bytes");
  return R::ok(std::move(net));
}

}  // namespace filterlens::cnn
