// Fixed-width integers from bytes (big- and little-endian), and ByteReader: a cursor over a
// buffer that never reads past its end. For the file formats the core parses itself (IDX, the
// weights file, image headers): one place where "read 4 bytes at pos" is written and bounded.
//
// ByteReader's reads are sticky-failing like a stream: a read that would pass the end returns 0
// (or nullptr), reads nothing, and leaves the reader failed (`!reader`); later reads fail too.
// So a parser can read a whole header and check once, and a truncated file can never make it
// index out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace filterlens {

// The caller guarantees 2 (be16, le16) or 4 (be32, le32) readable bytes at p.
inline std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}
inline std::uint16_t le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  explicit operator bool() const { return ok_; }
  std::size_t position() const { return pos_; }
  std::size_t size() const { return size_; }
  std::size_t remaining() const { return size_ - pos_; }
  // Whether n more bytes can be read (false once the reader has failed).
  bool has(std::size_t n) const { return ok_ && n <= remaining(); }

  std::uint8_t u8() {
    const std::uint8_t* p = take(1);
    return p ? p[0] : 0;
  }
  std::uint16_t be16() {
    const std::uint8_t* p = take(2);
    return p ? filterlens::be16(p) : 0;
  }
  std::uint32_t be32() {
    const std::uint8_t* p = take(4);
    return p ? filterlens::be32(p) : 0;
  }
  std::uint16_t le16() {
    const std::uint8_t* p = take(2);
    return p ? filterlens::le16(p) : 0;
  }
  std::uint32_t le32() {
    const std::uint8_t* p = take(4);
    return p ? filterlens::le32(p) : 0;
  }
  // The next n bytes (valid while the buffer lives), or nullptr when fewer remain.
  const std::uint8_t* take(std::size_t n) {
    if (!has(n)) {
      ok_ = false;
      return nullptr;
    }
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  bool skip(std::size_t n) { return take(n) != nullptr; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace filterlens
