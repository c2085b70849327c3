// Hostile inputs outside the decoder (issue 9): special files given as paths, thin images in the
// figure, resize requests past the pixel limit, empty training sets. Each case hung, overflowed
// or exhausted memory on 468e5ed.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "cnn/idx.h"
#include "cnn/trainer.h"
#include "cnn/weights_file.h"
#include "crc32.h"
#include "figure.h"
#include "file_bytes.h"
#include "image.h"

namespace filterlens {
namespace {

std::string temp_path(const std::string& name) {
  return (testing::TempDir().empty() ? std::string("/tmp/") : testing::TempDir()) + "fl_" +
         std::to_string(::getpid()) + "_" + name;
}

TEST(FileBytes, ReadsARegularFileWhole) {
  const std::string p = temp_path("regular.bin");
  {
    std::ofstream out(p, std::ios::binary);
    out << std::string(1000, 'x');
  }
  auto r = read_file_bytes(p);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().size(), 1000u);
  auto capped = read_file_bytes(p, 999);
  ASSERT_FALSE(capped);
  EXPECT_NE(capped.error().find("the limit is"), std::string::npos) << capped.error();
  std::remove(p.c_str());
}

TEST(FileBytes, SpecialFilesAreRefusedWithoutBlocking) {
#ifdef __EMSCRIPTEN__
  GTEST_SKIP() << "node's file system has no FIFOs or devices; the native run covers this";
#else
  // A FIFO with no writer: an ifstream open blocked here forever on 468e5ed.
  const std::string fifo = temp_path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = read_file_bytes(fifo);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "it is not a regular file (a FIFO)");
  std::remove(fifo.c_str());
  // /dev/zero through a symlink: read until killed on 468e5ed.
  const std::string link = temp_path("zero_link");
  ASSERT_EQ(::symlink("/dev/zero", link.c_str()), 0);
  r = read_file_bytes(link);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "it is not a regular file (a character device)");
  std::remove(link.c_str());
  EXPECT_EQ(read_file_bytes("/tmp").error(), "it is a directory");
  EXPECT_EQ(read_file_bytes("/no/such/file").error(), "No such file or directory");
#endif
}

TEST(Figure, ThinImagesGiveAFigureOfSaneSize) {
  // A 3000 x 1 panel scaled to 320 px high was 960,000 px wide on 468e5ed; 1 x 64M overflowed.
  for (auto [w, h] : {std::pair{3000, 1}, std::pair{1, 3000}, std::pair{65535, 1}}) {
    Image thin{w, h, 1, std::vector<std::uint8_t>(std::size_t(w) * h, 200)};
    const Image fig = compose_figure({{"Original", thin}, {"edge", thin}}, {}, 320);
    EXPECT_LE(fig.width, 2 * 4 * 320 + 3 * 16) << w << " x " << h;
    EXPECT_LE(fig.height, 16 + 34 + 320 + 16);
    // The strip is drawn: some pixel of the first panel's box holds the image's gray.
    bool drawn = false;
    for (int y = 0; y < fig.height; ++y)
      drawn = drawn || fig.pixels[(std::size_t(y) * fig.width + 16) * 3] == 200;
    EXPECT_TRUE(drawn) << w << " x " << h;
  }
}

TEST(Figure, PanelsShrunkFirstGiveTheSameFigure) {
  // The CLI keeps shrink_for_figure's copy instead of each full-size map (24 MP maps are 24 MB
  // apiece as 8-bit); the figure must not change by a pixel.
  for (auto [w, h] : {std::pair{451, 300}, std::pair{4000, 3000}, std::pair{3000, 1},
                      std::pair{7, 5000}, std::pair{1281, 320}}) {
    Image im{w, h, 3, {}};
    for (int i = 0; i < w * h * 3; ++i) im.pixels.push_back(std::uint8_t(i * 7 + i / 3));
    const Image full = compose_figure({{"a", im}}, {});
    const Image shrunk = compose_figure({{"a", shrink_for_figure(im)}}, {});
    EXPECT_EQ(full.width, shrunk.width) << w << " x " << h;
    EXPECT_EQ(full.pixels, shrunk.pixels) << w << " x " << h;
  }
}

TEST(Figure, ManyPanelsWrapIntoAGridAndFewStayInOneRow) {
  // 65 panels (a 64-filter bank and the original) were one row 32,321 px wide; now 9 x 8.
  // Panel i is filled with gray i, so each one's place can be checked.
  std::vector<FigurePanel> panels;
  for (int i = 0; i < 65; ++i)
    panels.push_back({"", Image{40, 30, 1, std::vector<std::uint8_t>(40 * 30, std::uint8_t(i))}});
  const Image fig = compose_figure(panels, {}, 160);
  const int w = 213, h = 160;  // 40 x 30 scaled to 160 px high
  EXPECT_EQ(fig.width, 16 + 9 * (w + 16));
  EXPECT_EQ(fig.height, 16 + 8 * (34 + h + 16));
  for (int i : {0, 8, 9, 64}) {
    const int x = 16 + (i % 9) * (w + 16) + w / 2, y = 16 + (i / 9) * (34 + h + 16) + 34 + h / 2;
    EXPECT_EQ(fig.pixels[(std::size_t(y) * fig.width + x) * 3], i) << "panel " << i;
  }
  // Nine panels: one row, as the notebook's plot.
  panels.resize(9);
  const Image row = compose_figure(panels, {}, 160);
  EXPECT_EQ(row.width, 16 + 9 * (w + 16));
  EXPECT_EQ(row.height, 16 + 34 + h + 16);
}

TEST(Figure, LongTitlesInAGridStayInTheirColumnsAndKeepTheirNumbers) {
  // 65 square panels titled like a detection model's first layer: each title is cut to its column
  // (and the gap after it) in the middle, so the gaps between columns stay white in the title row.
  const Result<std::vector<std::uint8_t>> font = read_file_bytes(FILTERLENS_FONT);
  ASSERT_TRUE(font) << FILTERLENS_FONT << ": " << font.error();
  std::vector<FigurePanel> panels;
  for (int i = 0; i < 65; ++i)
    panels.push_back({"backbone_stem_conv1_weight_" + std::to_string(i),
                      Image{30, 30, 1, std::vector<std::uint8_t>(900, 128)}});
  const Image fig = compose_figure(panels, font.value(), 160);
  const int col = 160 + 16;  // each column: a 160 px panel and the 16 px gap
  ASSERT_EQ(fig.width, 16 + 9 * col);
  int inked = 0;
  for (int row = 0; row < 8; ++row)
    for (int y = 16 + row * (34 + 160 + 16); y < 16 + row * (34 + 160 + 16) + 34; ++y) {
      for (int c = 0; c < 8; ++c) {  // the middle of the gap after column c
        const int x = 16 + c * col + 160 + 8;
        EXPECT_EQ(fig.pixels[(std::size_t(y) * fig.width + x) * 3], 255)
            << "a title crosses into the gap after column " << c << " in row " << row;
      }
      for (int x = 16; x < 16 + 160; ++x)
        inked += fig.pixels[(std::size_t(y) * fig.width + x) * 3] < 128;
    }
  EXPECT_GT(inked, 100) << "the titles are drawn";
}

// The figure of one 60 x 60 panel titled `title`, in the font the CLI uses.
Image titled_figure(const std::string& title) {
  const Result<std::vector<std::uint8_t>> font = read_file_bytes(FILTERLENS_FONT);
  if (!font) return {};
  return compose_figure({{title, Image{60, 60, 1, std::vector<std::uint8_t>(3600, 128)}}},
                        font.value(), 60);
}

// The dark pixels of a figure's title row (the 34 rows above the panel).
int title_ink(const Image& fig) {
  int inked = 0;
  for (int y = 16; y < 16 + 34; ++y)
    for (int x = 0; x < fig.width; ++x)
      inked += fig.pixels[(std::size_t(y) * fig.width + x) * 3] < 128;
  return inked;
}

TEST(Figure, TitlesAreDrawnPerCharacterNotPerByte) {
  // A Cyrillic name (two bytes a letter) used to be drawn as two missing-glyph boxes a letter.
  const Image cyrillic = titled_figure("\xD0\x96");    // U+0416 CYRILLIC CAPITAL LETTER ZHE
  const Image square = titled_figure("\xE2\x96\xA1");  // U+25A1 WHITE SQUARE, the fallback
  ASSERT_FALSE(cyrillic.empty()) << FILTERLENS_FONT;
  EXPECT_GT(title_ink(cyrillic), 20);
  EXPECT_TRUE(cyrillic.pixels != square.pixels) << "the letter is drawn, not a fallback mark";
  // DejaVu Sans draws Cyrillic A, B, C, E and o with the outlines and advances of the Latin
  // letters, so the same word in either script is the same title, pixel for pixel.
  EXPECT_TRUE(titled_figure("\xD0\x90\xD0\x92\xD0\xA1\xD0\x95\xD0\xBE").pixels ==
              titled_figure("ABCEo").pixels);
  // A character the font lacks (CJK in DejaVu Sans) is the fallback square, as in the UI; a byte
  // that starts no UTF-8 character is U+FFFD, one mark for one byte.
  EXPECT_TRUE(titled_figure("\xE4\xB8\xAD").pixels == square.pixels);  // U+4E2D
  EXPECT_TRUE(titled_figure("\xFF").pixels == titled_figure("\xEF\xBF\xBD").pixels);
}

TEST(Resize, SizeIsComputedIn64BitAndTheLimitHolds) {
  const ResizedSize s = resized_size(1, 1000, 16384);
  EXPECT_EQ(s.width, 16384);
  EXPECT_EQ(s.height, 16'384'000);
  EXPECT_TRUE(resize_shorter_side(Plane(1, 1000), 16384).empty());
  const Plane ok = resize_shorter_side(Plane(10, 20), 5);
  EXPECT_EQ(ok.width, 5);
  EXPECT_EQ(ok.height, 10);
}

// gzip of `data` in stored deflate blocks, with `isize` written as the trailer's length.
std::vector<std::uint8_t> gzip_stored(const std::vector<std::uint8_t>& data, std::uint32_t isize) {
  std::vector<std::uint8_t> g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - pos);
    const bool last = pos + n == data.size();
    g.insert(g.end(), {std::uint8_t(last), std::uint8_t(n), std::uint8_t(n >> 8), std::uint8_t(~n),
                       std::uint8_t(~n >> 8)});
    g.insert(g.end(), data.begin() + long(pos), data.begin() + long(pos + n));
    pos += n;
  } while (pos < data.size());
  const std::uint32_t crc = crc32(data.data(), data.size());
  for (int s = 0; s < 32; s += 8) g.push_back(std::uint8_t(crc >> s));
  for (int s = 0; s < 32; s += 8) g.push_back(std::uint8_t(isize >> s));
  return g;
}

TEST(Gunzip, AStreamInflatingPastItsTrailerStopsAtTheBudget) {
  const std::vector<std::uint8_t> data(1 << 20, 7);
  auto honest =
      cnn::gunzip_if_needed(gzip_stored(data, 1 << 20).data(), gzip_stored(data, 1 << 20).size());
  ASSERT_TRUE(honest) << honest.error();
  EXPECT_EQ(honest.value(), data);
  const auto lying = gzip_stored(data, 100);
  auto r = cnn::gunzip_if_needed(lying.data(), lying.size());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "the gzip data inflates to more than the 100 bytes its trailer declares");
  auto flipped = gzip_stored(data, 1 << 20);
  flipped[5000] ^= 1;  // one bit of the data: only the CRC-32 can tell
  r = cnn::gunzip_if_needed(flipped.data(), flipped.size());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "the gzip data is damaged (its CRC-32 does not match its contents)");
  const auto huge = gzip_stored({1, 2, 3}, 0xFFFFFFF0u);
  r = cnn::gunzip_if_needed(huge.data(), huge.size());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("the limit is"), std::string::npos) << r.error();
}

TEST(Training, AnEmptyDataSetIsRefusedNotLoopedOver) {
  cnn::IdxImages none;
  none.rows = none.cols = cnn::kInput;
  auto d = cnn::make_dataset(none, {});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), "the data set holds no images");
  const cnn::Dataset empty;  // the trainer keeps a reference to its data
  cnn::Trainer t(empty, cnn::TrainOptions{});
  EXPECT_TRUE(t.done());
}

}  // namespace
}  // namespace filterlens
