// cnn/dataset.h and the gunzip under it: the same set from plain and gzip'd files, each error
// naming its file, empty sets refused, and gzip headers that lie about their size refused
// before the memory they claim is allocated.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cnn/dataset.h"
#include "cnn/idx.h"
#include "crc32.h"

namespace filterlens::cnn {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_le32(Bytes& b, std::uint32_t v) {
  for (int s = 0; s < 32; s += 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

Bytes idx_images(std::uint32_t count) {
  Bytes b;
  put_be32(b, 0x803);
  put_be32(b, count);
  put_be32(b, 28);
  put_be32(b, 28);
  for (std::uint32_t i = 0; i < count * 28 * 28; ++i) b.push_back(static_cast<std::uint8_t>(i));
  return b;
}

Bytes idx_labels(const Bytes& labels) {
  Bytes b;
  put_be32(b, 0x801);
  put_be32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

// gzip with "stored" deflate blocks (no compression): valid RFC 1951/1952 made without zlib.
// `claimed_size` overrides the trailer's length field.
Bytes gzip_stored(const Bytes& data, long long claimed_size = -1) {
  Bytes g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - pos);
    const bool last = pos + n == data.size();
    g.push_back(last ? 1 : 0);
    g.push_back(static_cast<std::uint8_t>(n));
    g.push_back(static_cast<std::uint8_t>(n >> 8));
    g.push_back(static_cast<std::uint8_t>(~n));
    g.push_back(static_cast<std::uint8_t>(~n >> 8));
    g.insert(g.end(), data.begin() + static_cast<long>(pos),
             data.begin() + static_cast<long>(pos + n));
    pos += n;
  } while (pos < data.size());
  put_le32(g, crc32(data.data(), data.size()));
  put_le32(g, claimed_size < 0 ? static_cast<std::uint32_t>(data.size())
                               : static_cast<std::uint32_t>(claimed_size));
  return g;
}

IdxFile file(const Bytes& b, const std::string& name) {
  return {b.data(), b.size(), name};
}

TEST(Dataset, SameSetFromPlainAndGzippedFiles) {
  const Bytes images = idx_images(100), labels = idx_labels(Bytes(100, 7));
  auto plain = load_idx_dataset(file(images, "img"), file(labels, "lbl"));
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(plain.value().count, 100);
  EXPECT_FLOAT_EQ(plain.value().images[3], 3.0f / 255.0f);
  EXPECT_EQ(plain.value().labels[99], 7);
  const Bytes gz_images = gzip_stored(images), gz_labels = gzip_stored(labels);
  ASSERT_GT(images.size(), 65535u);  // more than one stored block
  auto gz = load_idx_dataset(file(gz_images, "img.gz"), file(gz_labels, "lbl.gz"));
  ASSERT_TRUE(gz) << gz.error();
  EXPECT_EQ(gz.value().images, plain.value().images);
  EXPECT_EQ(gz.value().labels, plain.value().labels);
}

TEST(Dataset, ErrorsNameTheFileAtFault) {
  const Bytes images = idx_images(2);
  Bytes bad_labels = idx_labels({1, 12});
  auto r = load_idx_dataset(file(images, "img"), file(bad_labels, "'labels.idx'"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("'labels.idx': ", 0), 0u) << r.error();
  EXPECT_NE(r.error().find("label 12"), std::string::npos) << r.error();

  Bytes truncated = images;
  truncated.pop_back();
  r = load_idx_dataset(file(truncated, "img"), file(idx_labels({1, 2}), "lbl"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("img: ", 0), 0u) << r.error();

  r = load_idx_dataset(file(images, "img"), file(idx_labels({1, 2, 3}), "lbl"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("img and lbl: 2 images but 3 labels"), std::string::npos) << r.error();
}

TEST(Dataset, EmptySetIsRefused) {
  const Bytes images = idx_images(0), labels = idx_labels({});
  auto r = load_idx_dataset(file(images, "img"), file(labels, "lbl"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("no images"), std::string::npos) << r.error();
}

TEST(Gunzip, RefusesSizesTheFileCannotHold) {
  const Bytes data(1000, 42);
  auto ok = gunzip_if_needed(gzip_stored(data).data(), gzip_stored(data).size());
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok.value(), data);

  // A 1 GiB claim from a file of about a kilobyte: refused from the trailer alone.
  Bytes liar = gzip_stored(data, 1LL << 30);
  auto r = gunzip_if_needed(liar.data(), liar.size());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("1073741824"), std::string::npos) << r.error();

  // Under the limit but beyond what deflate can make of these bytes (1032:1).
  Bytes bomb_claim = gzip_stored(data, 100'000'000);
  r = gunzip_if_needed(bomb_claim.data(), bomb_claim.size());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("more than its"), std::string::npos) << r.error();

  // Over the caller's limit.
  Bytes big = gzip_stored(data);
  r = gunzip_if_needed(big.data(), big.size(), 999);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("limit"), std::string::npos) << r.error();

  // A stream longer than its trailer says stops at the trailer's size instead of growing.
  Bytes longer = gzip_stored(data, 10);
  r = gunzip_if_needed(longer.data(), longer.size());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("more than the 10 bytes its trailer declares"), std::string::npos)
      << r.error();

  // Shorter than its trailer says.
  Bytes shorter = gzip_stored(data, 2000);
  r = gunzip_if_needed(shorter.data(), shorter.size());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("damaged"), std::string::npos) << r.error();

  // Flags announce a name that never ends: the header walk stays inside the buffer.
  Bytes no_end = {0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
  r = gunzip_if_needed(no_end.data(), no_end.size());
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace filterlens::cnn
