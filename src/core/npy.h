// NumPy .npy (format version 1.0) encoding of a Plane: little-endian float32, C order, shape
// (height, width). The bytes are what numpy.save writes and numpy.load reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image.h"
#include "result.h"

namespace filterlens {

std::vector<std::uint8_t> encode_npy(const Plane& plane);
// The three planes as one (3, height, width) array: the RGB input a colour filter sees.
std::vector<std::uint8_t> encode_npy(const RgbPlanes& rgb);

// The first bytes of encode_npy(plane): magic, version, the header dict, padding. On a
// little-endian host the rest of the file is plane.data's bytes as they are in memory, so a writer
// can stream a large plane without a second copy of it.
std::vector<std::uint8_t> npy_header(const Plane& plane);
// The same for a float32 C-order array of any shape ((3, H, W) for the CLI's rgb.npy).
std::vector<std::uint8_t> npy_array_header(const std::vector<int>& shape);

// Reads back a 2-D '<f4' C-order array (what encode_npy writes); anything else is an error.
Result<Plane> decode_npy(const std::uint8_t* data, std::size_t size);

}  // namespace filterlens
