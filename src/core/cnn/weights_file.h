// The CNN's weights file, format version 1 (all integers little-endian u32, floats IEEE float32
// little-endian):
//
//   bytes 0-7   magic "FLCNNW\r\n"
//   u32         format version (1)
//   u32         tensor count (8)
//   per tensor  u32 name length, name bytes (UTF-8), u32 rank, rank x u32 dims,
//               prod(dims) x float32 values
//   u32         CRC-32 (IEEE, as zlib's crc32; see crc32.h) of every byte before it
//
// Tensors in order: conv1.weight [8,1,5,5], conv1.bias [8], conv2.weight [16,8,5,5],
// conv2.bias [16], fc1.weight [128,784], fc1.bias [128], fc2.weight [10,128], fc2.bias [10]
// (see network.h). Loading checks the magic,
// version, checksum, every name and shape against this network, finiteness of every value and
// that nothing trails; any mismatch is an error naming what is wrong.
#pragma once

#include <cstdint>
#include <vector>

#include "cnn/network.h"
#include "crc32.h"
#include "result.h"

namespace filterlens::cnn {

constexpr std::uint32_t kWeightsVersion = 1;

std::vector<std::uint8_t> encode_weights(const Network& net);
Result<Network> decode_weights(const std::uint8_t* data, std::size_t size);

}  // namespace filterlens::cnn
