// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of zlib's crc32(), gzip
// trailers and PNG chunks, so files the core writes can be checked with Python's zlib.crc32.
#pragma once

#include <cstddef>
#include <cstdint>

namespace filterlens {

// The CRC-32 of `size` bytes at `data`. Pass a previous result as `crc` to continue over more
// bytes: crc32(b, nb, crc32(a, na)) == crc32(a followed by b). The CRC of nothing is 0.
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace filterlens
