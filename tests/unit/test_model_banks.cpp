// The model's rules for the input (gray / RGB) and banks from .npy / .safetensors files
// (src/model/model_banks.cpp): the bank and the input always agree or the action is refused with
// torch's mismatch; a colour file replaces a gray bank and switches the input (and switching back
// restores what it replaced); a gray file adds to a gray bank; failures keep bank, input and maps;
// the RGB inspector explains a map value with three windows; Copy as PyTorch loads file filters
// from the file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "conv2d.h"
#include "decode.h"
#include "exports.h"
#include "model.h"
#include "npy.h"

#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

// A w x h RGB PNG whose channels differ (so gray and RGB maps differ).
std::vector<std::uint8_t> png_file(int w, int h, int seed = 1) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] = static_cast<std::uint8_t>(
            (x * (7 + 5 * c) + y * (13 - 4 * c) + c * 50 + seed * 31 + (x * y * (c + 1)) % 17) %
            256);
  std::vector<std::uint8_t> out;
  stbi_write_png_to_func(append, &out, w, h, 3, rgb.data(), w * 3);
  return out;
}

void load_ok(Model& model, int w, int h, int seed = 1) {
  const std::vector<std::uint8_t> bytes = png_file(w, h, seed);
  const Status s = model.load(bytes.data(), bytes.size(), "photo.png");
  ASSERT_TRUE(s) << s.error();
}

// Deterministic weights in [-1, 1].
std::vector<float> weights(std::size_t n, int seed) {
  std::vector<float> w(n);
  std::uint32_t state = 2654435761u * static_cast<std::uint32_t>(seed + 1);
  for (float& v : w) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  }
  return w;
}

std::string shape_text(const std::vector<int>& shape) {
  std::string s = "(";
  for (int d : shape) s += std::to_string(d) + ", ";
  return s + ")";
}

// NumPy format 1.0, '<f4', C order.
std::vector<std::uint8_t> npy_file(const std::vector<int>& shape, const std::vector<float>& data) {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  out.insert(out.end(), bytes, bytes + data.size() * 4);
  return out;
}

struct Tensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> data;
};

// safetensors: u64 header length, JSON header, F32 data in order.
std::vector<std::uint8_t> safetensors_file(const std::vector<Tensor>& tensors) {
  std::string json = "{";
  std::size_t offset = 0;
  for (const Tensor& t : tensors) {
    std::string shape;
    for (int d : t.shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
    const std::size_t end = offset + t.data.size() * 4;
    json += (json.size() > 1 ? "," : "") + std::string("\"") + t.name +
            "\":{\"dtype\":\"F32\",\"shape\":[" + shape + "],\"data_offsets\":[" +
            std::to_string(offset) + "," + std::to_string(end) + "]}";
    offset = end;
  }
  json += "}";
  std::vector<std::uint8_t> out(8);
  const std::uint64_t n = json.size();
  for (int i = 0; i < 8; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  out.insert(out.end(), json.begin(), json.end());
  for (const Tensor& t : tensors) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(t.data.data());
    out.insert(out.end(), bytes, bytes + t.data.size() * 4);
  }
  return out;
}

std::vector<std::string> names(const std::vector<Kernel>& bank) {
  std::vector<std::string> out;
  for (const Kernel& k : bank) out.push_back(k.name);
  return out;
}

// F.conv2d's sum, written out for one output pixel of a C-channel filter (zeros padding).
double direct_output(const std::vector<const Plane*>& planes, const Kernel& k, const ConvParams& p,
                     int ox, int oy) {
  double sum = 0.0;
  for (int c = 0; c < k.channels; ++c)
    for (int ky = 0; ky < k.height; ++ky)
      for (int kx = 0; kx < k.width; ++kx) {
        const int ix = ox * p.stride - p.padding + kx * p.dilation;
        const int iy = oy * p.stride - p.padding + ky * p.dilation;
        const Plane& in = *planes[static_cast<std::size_t>(c)];
        if (ix < 0 || iy < 0 || ix >= in.width || iy >= in.height) continue;
        sum += double(k.at(kx, ky, c)) * in.at(ix, iy);
      }
  return sum;
}

const std::vector<float> kRgbWeights = weights(4 * 3 * 5 * 5, 7);

std::vector<std::uint8_t> colour_npy() {
  return npy_file({4, 3, 5, 5}, kRgbWeights);
}

TEST(ModelInput, RgbWithTheGrayPresetsIsRefusedNamingTheFilterAndBothCounts) {
  Model model;
  load_ok(model, 30, 20);
  const auto generation = model.maps_generation();
  const std::vector<float> edge_map = model.maps()[0].data;
  const Status s = model.set_input(InputMode::rgb);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("filter 'edge' has 1 channel but the RGB input has 3"),
            std::string::npos)
      << s.error();
  EXPECT_NE(s.error().find(".safetensors"), std::string::npos) << "says what to do: " << s.error();
  EXPECT_EQ(model.last_error(), s.error());
  EXPECT_EQ(model.input_mode(), InputMode::gray);
  EXPECT_TRUE(model.rgb().r.empty());
  EXPECT_EQ(model.maps_generation(), generation);
  EXPECT_EQ(model.maps()[0].data, edge_map);
  EXPECT_TRUE(model.set_input(InputMode::gray));  // already gray: nothing to do
}

TEST(ModelBankFile, ColourFileReplacesTheGrayBankAndSwitchingBackRestoresIt) {
  Model model;
  load_ok(model, 33, 21);
  ASSERT_TRUE(model.add_kernel(find_preset("sobel_x").value()));
  const std::vector<std::uint8_t> file = colour_npy();
  Result<Model::BankLoad> load = model.load_bank_file(file.data(), file.size(), "dir/conv1 w.npy");
  ASSERT_TRUE(load) << load.error();
  const std::vector<std::string> want = {"conv1_w_0", "conv1_w_1", "conv1_w_2", "conv1_w_3"};
  EXPECT_EQ(load.value().names, want);
  EXPECT_EQ(load.value().shape, (std::vector<std::int64_t>{4, 3, 5, 5}));
  EXPECT_EQ(names(model.bank()), want);
  EXPECT_EQ(model.input_mode(), InputMode::rgb);
  EXPECT_EQ(model.last_error(), "");
  for (const char* part :
       {"input is now RGB", "replace the 4 gray filters", "Restore presets", "[4, 3, 5, 5]"})
    EXPECT_NE(model.status().find(part), std::string::npos) << part << ": " << model.status();

  // The maps are F.conv2d of the R, G, B planes (ToTensor() of convert('RGB')).
  const std::vector<std::uint8_t> png = png_file(33, 21);
  const Image image = decode_image(png.data(), png.size()).value();
  const RgbPlanes rgb = to_rgb_planes(image);
  ASSERT_EQ(model.rgb().r.data, rgb.r.data);
  ASSERT_EQ(model.rgb().b.data, rgb.b.data);
  ASSERT_EQ(model.maps().size(), 4u);
  const ConvParams& p = model.map_params();
  for (int f = 0; f < 4; ++f) {
    const Plane& m = model.maps()[static_cast<std::size_t>(f)];
    EXPECT_EQ(m.width, 33 + 2 - 4);
    for (int y = 0; y < m.height; y += 3)
      for (int x = 0; x < m.width; x += 2)
        ASSERT_NEAR(m.at(x, y),
                    direct_output({&rgb.r, &rgb.g, &rgb.b}, model.bank()[std::size_t(f)], p, x, y),
                    1e-5)
            << f << " at " << x << "," << y;
  }

  // The gray bank was kept aside, so switching back brings it back (and RGB again the file's).
  ASSERT_TRUE(model.set_input(InputMode::gray));
  EXPECT_EQ(names(model.bank()), (std::vector<std::string>{"edge", "sharpen", "blur", "sobel_x"}));
  EXPECT_TRUE(model.rgb().r.empty()) << "the RGB planes are dropped while the input is gray";
  EXPECT_EQ(model.map_kernels()[0].channels, 1);
  ASSERT_TRUE(model.set_input(InputMode::rgb));
  EXPECT_EQ(names(model.bank()), want);
  EXPECT_FALSE(model.rgb().r.empty());

  ASSERT_TRUE(model.restore_default_bank());
  EXPECT_EQ(names(model.bank()), (std::vector<std::string>{"edge", "sharpen", "blur"}));
  EXPECT_EQ(model.input_mode(), InputMode::gray);
}

TEST(ModelBankFile, GrayFileJoinsTheGrayBankOnceAndNamesItsFilters) {
  Model model;
  load_ok(model, 24, 18);
  const std::vector<std::uint8_t> file =
      safetensors_file({{"features.0.weight", {2, 1, 3, 3}, weights(18, 3)},
                        {"features.0.bias", {2}, {0.5f, -0.5f}}});
  for (int round = 0; round < 2; ++round) {  // the same file twice: no duplicates
    Result<Model::BankLoad> load = model.load_bank_file(file.data(), file.size(), "m.safetensors");
    ASSERT_TRUE(load) << load.error();
    EXPECT_EQ(names(model.bank()),
              (std::vector<std::string>{"edge", "sharpen", "blur", "features_0_weight_0",
                                        "features_0_weight_1"}));
  }
  EXPECT_EQ(model.input_mode(), InputMode::gray);
  EXPECT_EQ(model.selected(), 3);
  EXPECT_EQ(model.status(), "Loaded 2 filters [2, 1, 3, 3] from m.safetensors (features.0.weight)");
  ASSERT_EQ(model.file_banks().size(), 1u);
  EXPECT_EQ(model.file_banks()[0].tensor, "features.0.weight");
  ASSERT_NE(model.file_filter("features_0_weight_1"), nullptr);
  EXPECT_EQ(model.map_source(3), &model.file_banks()[0]);
  EXPECT_EQ(model.map_source(0), nullptr);  // a preset
  // A 3-D [N, kh, kw] .npy is C = 1 too.
  const std::vector<std::uint8_t> npy = npy_file({3, 2, 2}, weights(12, 4));
  ASSERT_TRUE(model.load_bank_file(npy.data(), npy.size(), "small.npy"));
  EXPECT_EQ(model.bank().size(), 8u);
  EXPECT_EQ(model.bank().back().name, "small_2");
}

// Only the same file and tensor opened again replaces filters by name: a hand-made filter that
// happens to have a file filter's name stays (it was overwritten without a word), and so does a
// filter of another tensor whose name comes out the same ("conv.1" and "conv_1" both give
// conv_1_*). The newcomer is numbered like an added filter.
TEST(ModelBankFile, AFilterThatOnlySharesANameIsKeptAndTheNewOneNumbered) {
  Model model;
  load_ok(model, 24, 18);
  Kernel mine = model.bank()[0];
  mine.name = "small_0";
  mine.weights[4] = 7.0f;
  ASSERT_TRUE(model.add_kernel(mine));
  const std::vector<std::uint8_t> npy = npy_file({2, 2, 2}, weights(8, 4));
  Result<Model::BankLoad> load = model.load_bank_file(npy.data(), npy.size(), "small.npy");
  ASSERT_TRUE(load) << load.error();
  EXPECT_EQ(names(model.bank()), (std::vector<std::string>{"edge", "sharpen", "blur", "small_0",
                                                           "small_02", "small_1"}));
  EXPECT_EQ(model.bank()[3].weights[4], 7.0f);  // the hand-made one, as it was
  EXPECT_EQ(load.value().names, (std::vector<std::string>{"small_02", "small_1"}));
  EXPECT_EQ(model.map_source(4), &model.file_banks().back());
  // The same file again: its own filters are replaced where they are, nothing added.
  ASSERT_TRUE(model.load_bank_file(npy.data(), npy.size(), "small.npy"));
  EXPECT_EQ(model.bank().size(), 6u);
  EXPECT_EQ(model.bank()[3].weights[4], 7.0f);
  // A file filter removed and a hand-made one given its name: reopening the file keeps it.
  ASSERT_TRUE(model.remove_kernel(5));  // small_1
  Kernel hand = model.bank()[0];
  hand.name = "small_1";
  ASSERT_TRUE(model.add_kernel(hand));
  ASSERT_TRUE(model.load_bank_file(npy.data(), npy.size(), "small.npy"));
  ASSERT_EQ(model.bank()[5].name, "small_1");
  EXPECT_EQ(model.bank()[5].weights, hand.weights);
  EXPECT_EQ(model.bank().back().name, "small_12");
  ASSERT_TRUE(model.remove_kernel(6));
  // Two tensors of one file whose names sanitise alike: both kept.
  const std::vector<std::uint8_t> two = safetensors_file(
      {{"conv.1", {1, 1, 3, 3}, weights(9, 5)}, {"conv_1", {1, 1, 3, 3}, weights(9, 6)}});
  ASSERT_TRUE(model.load_bank_file(two.data(), two.size(), "two.safetensors", "conv.1"));
  ASSERT_TRUE(model.load_bank_file(two.data(), two.size(), "two.safetensors", "conv_1"));
  EXPECT_EQ(model.bank().size(), 8u);
  EXPECT_EQ(model.bank()[6].name, "conv_1_0");
  EXPECT_EQ(model.bank()[7].name, "conv_1_02");
  EXPECT_NE(model.bank()[6].weights, model.bank()[7].weights);
}

TEST(ModelBankFile, DamagedOrAmbiguousFilesChangeNothingAndSayWhy) {
  Model model;
  load_ok(model, 26, 19);
  const std::vector<std::uint8_t> good = safetensors_file(
      {{"a.weight", {2, 1, 3, 3}, weights(18, 1)}, {"b.weight", {3, 3, 5, 5}, weights(225, 2)}});
  const auto generation = model.maps_generation();
  const std::vector<float> map0 = model.maps()[0].data;
  auto unchanged = [&](const char* what) {
    EXPECT_EQ(names(model.bank()), (std::vector<std::string>{"edge", "sharpen", "blur"})) << what;
    EXPECT_EQ(model.input_mode(), InputMode::gray) << what;
    EXPECT_EQ(model.maps_generation(), generation) << what;
    EXPECT_EQ(model.maps()[0].data, map0) << what;
    EXPECT_TRUE(model.file_banks().empty()) << what;
  };
  // Two 4-D tensors and no name: the error lists both.
  Result<Model::BankLoad> ambiguous =
      model.load_bank_file(good.data(), good.size(), "two.safetensors");
  ASSERT_FALSE(ambiguous);
  for (const char* part : {"two.safetensors", "a.weight", "b.weight"})
    EXPECT_NE(ambiguous.error().find(part), std::string::npos) << ambiguous.error();
  EXPECT_EQ(model.last_error(), ambiguous.error());
  unchanged("ambiguous");
  // Cut short: the data no longer fits its header's offsets.
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 100);
  Result<Model::BankLoad> damaged =
      model.load_bank_file(cut.data(), cut.size(), "cut.safetensors", "b.weight");
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().find("Could not load filters from cut.safetensors: "),
            std::string::npos)
      << damaged.error();
  unchanged("damaged");
  // Not a tensor file at all, and a shape with C = 2.
  const std::vector<std::uint8_t> png = png_file(4, 4);
  EXPECT_FALSE(model.load_bank_file(png.data(), png.size(), "photo.png"));
  unchanged("png");
  const std::vector<std::uint8_t> c2 = npy_file({4, 2, 3, 3}, weights(72, 5));
  Result<Model::BankLoad> two = model.load_bank_file(c2.data(), c2.size(), "c2.npy");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().find("[4, 2, 3, 3]"), std::string::npos) << two.error();
  unchanged("C = 2");
  // Filters the image is too small for (reflect padding needs padding < size): refused whole.
  ConvParams reflect;
  reflect.padding = 3;
  reflect.padding_mode = PaddingMode::reflect;
  ASSERT_TRUE(model.set_params(reflect));
  Model tiny;
  load_ok(tiny, 3, 3);
  ASSERT_FALSE(tiny.set_params(reflect));  // the edit stays as typed, the maps stay
  const auto tiny_generation = tiny.maps_generation();
  const std::vector<std::uint8_t> colour = colour_npy();
  ASSERT_FALSE(tiny.load_bank_file(colour.data(), colour.size(), "c.npy"));
  EXPECT_EQ(tiny.input_mode(), InputMode::gray);
  EXPECT_EQ(tiny.maps_generation(), tiny_generation);
  EXPECT_EQ(tiny.bank().size(), 3u);
  // Picked by name, the same file loads.
  ASSERT_TRUE(model.load_bank_file(good.data(), good.size(), "two.safetensors", "b.weight"));
  EXPECT_EQ(model.input_mode(), InputMode::rgb);
  EXPECT_EQ(model.bank().size(), 3u);
  EXPECT_EQ(model.bank()[0].name, "b_weight_0");
}

TEST(ModelBankFile, TheBankLimitHoldsForFilesAddsAndLearnedFilters) {
  Model model;
  load_ok(model, 12, 12);
  // A 256-filter layer over the three presets: it fits alone, so it replaces them (refusing it
  // told a person to remove filters, and the last one cannot be removed).
  const std::vector<std::uint8_t> file = npy_file({256, 1, 1, 1}, weights(256, 9));
  Result<Model::BankLoad> load = model.load_bank_file(file.data(), file.size(), "many.npy");
  ASSERT_TRUE(load) << load.error();
  EXPECT_EQ(model.bank().size(), 256u);
  EXPECT_EQ(model.bank()[0].name, "many_0");
  EXPECT_EQ(model.maps().size(), 256u);
  EXPECT_NE(model.status().find("so they replace them"), std::string::npos) << model.status();
  // Full: an added preset and the learned filters are refused with a message, nothing changes.
  ASSERT_FALSE(model.add_kernel(kernel_presets()[0]));
  EXPECT_NE(model.last_error().find("at most 256 filters"), std::string::npos);
  EXPECT_EQ(model.add_missing_kernels({kernel_presets()[1]}), 0);
  EXPECT_NE(model.last_error().find("at most 256 filters"), std::string::npos);
  EXPECT_EQ(model.bank().size(), 256u);
  // Room for two: two of three learned filters join.
  ASSERT_TRUE(model.remove_kernel(0));
  ASSERT_TRUE(model.remove_kernel(0));
  EXPECT_EQ(
      model.add_missing_kernels({kernel_presets()[0], kernel_presets()[1], kernel_presets()[2]}),
      2);
  EXPECT_EQ(model.bank().size(), 256u);
  // A file that fits beside the bank still joins it.
  ASSERT_TRUE(model.restore_default_bank());
  const std::vector<std::uint8_t> some = npy_file({250, 1, 1, 1}, weights(250, 9));
  ASSERT_TRUE(model.load_bank_file(some.data(), some.size(), "some.npy"));
  EXPECT_EQ(model.bank().size(), 253u);
  EXPECT_EQ(model.bank()[0].name, "edge");
  // Alone (replacing a C = 3 bank), 256 fit as before.
  const std::vector<std::uint8_t> colour = colour_npy();
  ASSERT_TRUE(model.load_bank_file(colour.data(), colour.size(), "c.npy"));
  ASSERT_TRUE(model.load_bank_file(file.data(), file.size(), "many.npy"));
  EXPECT_EQ(model.bank().size(), 256u);
  EXPECT_EQ(model.input_mode(), InputMode::gray);
  EXPECT_NE(model.status().find("replace the 4 RGB filters"), std::string::npos) << model.status();
}

TEST(ModelInput, BankAndInputChangeTogetherOrNotAtAll) {
  Model model;
  load_ok(model, 20, 16);
  Kernel colour{"c3", "three channels", 3, 3, weights(27, 2), 3};
  // A C = 3 filter on the gray input, and a C = 1 filter on RGB, are refused.
  Status s = model.set_bank({colour}, ConvParams{}, InputMode::gray);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("filter 'c3' has 3 channels but the gray input has 1"),
            std::string::npos)
      << s.error();
  s = model.set_bank({colour, find_preset("blur").value()}, ConvParams{}, InputMode::rgb);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("filter 'blur' has 1 channel but the RGB input has 3"),
            std::string::npos);
  EXPECT_EQ(model.input_mode(), InputMode::gray);
  EXPECT_EQ(model.bank().size(), 3u);
  // Together they are taken; presets and the CNN's gray filters cannot join an RGB bank.
  ASSERT_TRUE(model.set_bank({colour}, ConvParams{}, InputMode::rgb));
  EXPECT_EQ(model.map_kernels()[0].channels, 3);
  EXPECT_FALSE(model.add_kernel(find_preset("edge").value()));
  EXPECT_EQ(model.add_missing_kernels({find_preset("edge").value()}), 0);
  EXPECT_NE(model.last_error().find("has 1 channel but the RGB input has 3"), std::string::npos);
  Kernel gray = find_preset("blur").value();
  EXPECT_FALSE(model.replace_kernel(0, gray));
  EXPECT_EQ(model.bank()[0].channels, 3);
  // An edit of a C = 3 filter keeps its channels and is marked as edited.
  Kernel edited = model.bank()[0];
  edited.weights[20] += 1.0f;
  ASSERT_TRUE(model.replace_kernel(0, edited));
  EXPECT_EQ(model.map_kernels()[0].description.rfind(kEditedPrefix, 0), 0u);
  // A new image on the RGB input gets its planes and C = 3 maps.
  load_ok(model, 17, 13, 4);
  EXPECT_EQ(model.rgb().r.width, 17);
  EXPECT_EQ(model.maps()[0].width, 17);
  const std::vector<std::uint8_t> png = png_file(17, 13, 4);
  const RgbPlanes rgb = to_rgb_planes(decode_image(png.data(), png.size()).value());
  EXPECT_NEAR(model.maps()[0].at(5, 6),
              direct_output({&rgb.r, &rgb.g, &rgb.b}, model.bank()[0], model.map_params(), 5, 6),
              1e-5);
}

TEST(ModelInspector, RgbReadingShowsThreeWindowsWhoseSumIsTheMapValue) {
  Model model;
  load_ok(model, 28, 22);
  ConvParams p;
  p.padding = 2;
  p.stride = 2;
  p.dilation = 2;
  p.flip = true;
  const Kernel colour{"c", "", 3, 3, weights(27, 6), 3};
  ASSERT_TRUE(model.set_bank({colour}, p, InputMode::rgb));
  for (const auto& [x, y] : {std::pair{0, 0}, {5, 4}, {model.maps()[0].width - 1, 3}}) {
    model.inspect_map_pixel(0, x, y);
    const std::optional<InspectorReading> r = model.read_focus();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->channels, 3);
    ASSERT_EQ(r->window.size(), 27u);
    ASSERT_EQ(r->products.size(), 27u);
    ASSERT_EQ(r->ghost.size(), 9u);
    EXPECT_EQ(r->kernel.weights, flipped(colour).weights);
    const Plane* planes[3] = {&model.rgb().r, &model.rgb().g, &model.rgb().b};
    for (int c = 0; c < 3; ++c) {
      double sum = 0.0;
      for (int t = 0; t < 9; ++t) {
        const int ix = r->ix0 + (t % 3) * 2, iy = r->iy0 + (t / 3) * 2;
        const bool outside = ix < 0 || iy < 0 || ix >= 28 || iy >= 22;
        const float v = outside ? 0.0f : planes[c]->at(ix, iy);
        EXPECT_EQ(r->window[std::size_t(c * 9 + t)], v) << c << " " << t;
        EXPECT_EQ(bool(r->ghost[std::size_t(t)]), outside);
        const std::size_t ct = std::size_t(c * 9 + t);
        EXPECT_EQ(r->products[ct], r->kernel.weights[ct] * v);
        sum += r->products[ct];
      }
      EXPECT_NEAR(r->channel_sums[c], sum, 1e-9);
    }
    EXPECT_NEAR(r->sum, r->channel_sums[0] + r->channel_sums[1] + r->channel_sums[2], 1e-12);
    EXPECT_NEAR(r->sum, r->map_value, 1e-5) << x << "," << y;
    EXPECT_NE(r->channel_sums[0], r->channel_sums[1]);  // the channels really differ
  }
}

TEST(ModelExport, TheInputNpyIsWhatTheFiltersSee) {
  Model model;
  load_ok(model, 12, 10);
  // Gray input: the gray plane, (H, W).
  const Result<ExportFile> gray = export_input_npy(model);
  ASSERT_TRUE(gray);
  EXPECT_NE(gray.value().name.find("-gray.npy"), std::string::npos) << gray.value().name;
  const Result<Plane> g = decode_npy(gray.value().bytes.data(), gray.value().bytes.size());
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g.value().data, model.gray().data);
  // RGB input (a colour bank): the three planes as one (3, H, W) array, R then G then B.
  const std::vector<std::uint8_t> colour = colour_npy();
  ASSERT_TRUE(model.load_bank_file(colour.data(), colour.size(), "c.npy"));
  const Result<ExportFile> rgb = export_input_npy(model);
  ASSERT_TRUE(rgb);
  EXPECT_NE(rgb.value().name.find("-rgb.npy"), std::string::npos) << rgb.value().name;
  const std::vector<std::uint8_t>& b = rgb.value().bytes;
  const std::string head(b.begin(), b.begin() + 128);
  EXPECT_NE(head.find("'shape': (3, 10, 12), }"), std::string::npos) << head;
  const std::size_t data = 10 + (b[8] | (b[9] << 8));
  ASSERT_EQ(b.size(), data + 3 * 120 * 4);
  const RgbPlanes& planes = model.rgb();
  std::size_t at = data;
  for (const Plane* p : {&planes.r, &planes.g, &planes.b})
    for (float v : p->data) {
      float got;
      std::memcpy(&got, &b[at], 4);  // little-endian host (x86, wasm)
      ASSERT_EQ(got, v) << "byte " << at;
      at += 4;
    }
}

TEST(ModelExport, PytorchLoadsFileFiltersFromTheFileByName) {
  Model model;
  load_ok(model, 20, 14);
  const std::vector<std::uint8_t> file =
      safetensors_file({{"conv1.weight", {3, 3, 7, 7}, weights(3 * 3 * 49, 8)}});
  ASSERT_TRUE(model.load_bank_file(file.data(), file.size(), "resnet.safetensors"));
  std::string code = export_pytorch(model);
  for (const char* part :
       {"load_safetensors('resnet.safetensors', 'conv1.weight')", "(1, 3, H, W)",
        "'conv1_weight_0': bank0[0]", "'conv1_weight_2': bank0[2]", "[3, 3, 7, 7]"})
    EXPECT_NE(code.find(part), std::string::npos) << part << "\n" << code;
  EXPECT_LT(code.size(), 2000u) << "the weights are not spelled out";
  // An edited filter is no longer the file's: its numbers are written out.
  Kernel k = model.bank()[1];
  k.weights[0] = 0.25f;
  ASSERT_TRUE(model.replace_kernel(1, k));
  code = export_pytorch(model);
  EXPECT_EQ(code.find("bank0[1]"), std::string::npos) << code;
  EXPECT_NE(code.find("'conv1_weight_1': torch.tensor([[[0.25, "), std::string::npos) << code;
  EXPECT_NE(code.find("'conv1_weight_0': bank0[0]"), std::string::npos);
}

}  // namespace
}  // namespace filterlens
