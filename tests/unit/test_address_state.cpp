// The address's settings (src/model/address_state.h): the format as documented, written by hand
// here; round trips that rebuild the same bank, parameters and maps bit for bit; every refusal
// leaves the model as it was.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "address_state.h"
#include "model.h"
#include "png_write.h"

namespace filterlens {
namespace {

// A 40 x 30 RGB image whose channels differ.
std::vector<std::uint8_t> photo() {
  Image image;
  image.width = 40;
  image.height = 30;
  image.channels = 3;
  image.pixels.resize(40 * 30 * 3);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = static_cast<std::uint8_t>((i * 37 + (i / 120) * 11) % 256);
  return encode_png(image);
}

void load_photo(Model& model) {
  const std::vector<std::uint8_t> bytes = photo();
  const Status s = model.load(bytes.data(), bytes.size(), "photo.png");
  ASSERT_TRUE(s) << s.error();
}

Kernel kernel(const std::string& name, int w, int h, std::vector<float> weights, int channels = 1) {
  Kernel k;
  k.name = name;
  k.width = w;
  k.height = h;
  k.channels = channels;
  k.weights = std::move(weights);
  return k;
}

void expect_same_maps(const Model& a, const Model& b) {
  ASSERT_EQ(a.maps().size(), b.maps().size());
  for (std::size_t i = 0; i < a.maps().size(); ++i) {
    EXPECT_EQ(a.map_kernels()[i].name, b.map_kernels()[i].name);
    EXPECT_EQ(a.map_kernels()[i].weights, b.map_kernels()[i].weights);  // bit for bit
    EXPECT_EQ(a.maps()[i].data, b.maps()[i].data);
  }
}

TEST(AddressState, TheNotebookBankIsWrittenAsTheFormatSays) {
  Model model;
  load_photo(model);
  EXPECT_EQ(encode_address_state(model),
            "v=1&f=edge&f=sharpen&f=blur&padding=1&mode=zeros&stride=1&dilation=1&flip=0"
            "&input=gray&cmap=gray&scale=each");
}

TEST(AddressState, HandMadeKernelsAndSettingsRoundTripExactly) {
  Model a;
  load_photo(a);
  std::vector<Kernel> bank = default_bank();
  bank.push_back(
      kernel("Kante \xC3\xA4 :&=#%,+", 2, 3, {0.1f, -1e-7f, 3.4e38f, 1.0f / 3.0f, 0, -0.0f}));
  Kernel edited = bank[0];  // named like the preset, weights changed: written out in full
  edited.name = "edge";
  edited.weights[4] = 7.5f;
  bank[0] = edited;
  ConvParams params;
  params.padding = 2;
  params.padding_mode = PaddingMode::reflect;
  params.stride = 2;
  params.dilation = 2;
  params.flip = true;
  ASSERT_TRUE(a.set_bank(bank, params));
  DisplaySettings display = a.display();
  display.colormap = Colormap::diverging;
  display.shared_scale = true;
  a.set_display(display);

  const std::string address = encode_address_state(a);
  EXPECT_NE(address.find("&f=edge:3x3:-1,-1,-1,-1,7.5,-1,-1,-1,-1&"), std::string::npos) << address;
  EXPECT_NE(address.find("&f=Kante%20%C3%A4%20%3A%26%3D%23%25%2C%2B:3x2:"), std::string::npos)
      << address;
  EXPECT_NE(address.find("&padding=2&mode=reflect&stride=2&dilation=2&flip=1&input=gray"
                         "&cmap=diverging&scale=shared"),
            std::string::npos)
      << address;

  Model b;
  load_photo(b);
  const Status applied = apply_address_state(b, "#" + address);
  ASSERT_TRUE(applied) << applied.error();
  expect_same_maps(a, b);
  EXPECT_EQ(b.map_params().padding_mode, PaddingMode::reflect);
  EXPECT_TRUE(b.map_params().flip);
  EXPECT_EQ(b.display().colormap, Colormap::diverging);
  EXPECT_TRUE(b.display().shared_scale);
  EXPECT_EQ(encode_address_state(b), address);
}

TEST(AddressState, ColourFiltersRoundTripWithTheRgbInput) {
  Model a;
  load_photo(a);
  std::vector<float> w(3 * 3 * 3);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i) / 7.0f - 1.5f;
  const Status set = a.set_bank({kernel("colour", 3, 3, w, 3)}, ConvParams{}, InputMode::rgb);
  ASSERT_TRUE(set) << set.error();
  const std::string address = encode_address_state(a);
  EXPECT_NE(address.find("&f=colour:3x3x3:"), std::string::npos) << address;
  EXPECT_NE(address.find("&input=rgb"), std::string::npos) << address;
  Model b;
  load_photo(b);
  const Status applied = apply_address_state(b, address);
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(b.input_mode(), InputMode::rgb);
  expect_same_maps(a, b);
}

// A .npy file (format 1.0) of an [n, 1, 3, 3] float32 tensor, as numpy.save writes it.
std::vector<std::uint8_t> npy_bank(int n) {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(n) + ", 1, 3, 3), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  // Magic, version 1.0, header length (little-endian), header; built as a string (GCC 12 warns,
  // wrongly, about inserting into a vector built from an initializer list).
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  bytes += static_cast<char>(header.size() & 255);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  for (int i = 0; i < n * 9; ++i) {
    const float w = static_cast<float>(i % 7) - 3.0f;
    const auto* b = reinterpret_cast<const std::uint8_t*>(&w);
    out.insert(out.end(), b, b + 4);
  }
  return out;
}

TEST(AddressState, FiltersFromAFileAreWrittenByFileTensorIndexAndShape) {
  Model model;
  load_photo(model);
  const std::vector<std::uint8_t> file = npy_bank(2);
  const auto loaded = model.load_bank_file(file.data(), file.size(), "my conv.npy");
  ASSERT_TRUE(loaded) << loaded.error();
  const std::string address = encode_address_state(model);
  EXPECT_NE(address.find("&f=@my%20conv.npy::0:2x1x3x3&f=@my%20conv.npy::1:2x1x3x3&"),
            std::string::npos)
      << address;
  EXPECT_EQ(address.find("f=my"), std::string::npos) << "weights of file filters stay out";
}

TEST(AddressState, FiltersFromFilesAreNamedNotCarried) {
  Model model;
  load_photo(model);
  const Status mixed = apply_address_state(
      model, "v=1&f=edge&f=@resnet18.safetensors:conv1.weight:4:64x3x7x7&padding=1");
  ASSERT_TRUE(mixed) << mixed.error();
  ASSERT_EQ(model.map_kernels().size(), 1u);
  EXPECT_EQ(model.map_kernels()[0].name, "edge");
  EXPECT_NE(model.status().find("open resnet18.safetensors"), std::string::npos) << model.status();

  const Status only_files = apply_address_state(model, "v=1&f=@conv1.npy::0:8x1x3x3");
  ASSERT_FALSE(only_files);
  EXPECT_NE(only_files.error().find("open conv1.npy"), std::string::npos) << only_files.error();
}

// An address edited on the open page (the padding changed by hand, a filter moved) keeps the
// filters of a file the page has open: their weights come from the file, in the address's order.
TEST(AddressState, AnEditedAddressTakesFileFiltersFromTheFileTheModelHasOpen) {
  Model model;
  load_photo(model);
  const std::vector<std::uint8_t> file = npy_bank(2);
  ASSERT_TRUE(model.load_bank_file(file.data(), file.size(), "my conv.npy"));
  ASSERT_EQ(model.map_kernels().size(), 5u);  // edge, sharpen, blur and the file's two
  const Kernel second = model.map_kernels()[4];
  const Status edited = apply_address_state(
      model, "v=1&f=@my%20conv.npy::1:2x1x3x3&f=edge&f=@my%20conv.npy::0:2x1x3x3&padding=2");
  ASSERT_TRUE(edited) << edited.error();
  ASSERT_EQ(model.map_kernels().size(), 3u);
  EXPECT_EQ(model.map_kernels()[0].name, second.name);
  EXPECT_EQ(model.map_kernels()[0].weights, second.weights);
  EXPECT_EQ(model.map_kernels()[1].name, "edge");
  EXPECT_EQ(model.map_params().padding, 2);
  EXPECT_NE(model.map_source(0), nullptr) << "still the file's filter (its address entry)";
  EXPECT_EQ(model.status(), "Settings from the address");
  EXPECT_NE(encode_address_state(model).find("f=@my%20conv.npy::1:2x1x3x3&f=edge&"),
            std::string::npos);

  // The same file filter twice would give two maps one name: refused, nothing changes.
  const Status twice = apply_address_state(
      model, "v=1&f=@my%20conv.npy::0:2x1x3x3&f=@my%20conv.npy::0:2x1x3x3&f=edge&padding=1");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().find("is used twice"), std::string::npos) << twice.error();
  EXPECT_EQ(model.map_kernels().size(), 3u);
  EXPECT_EQ(model.map_params().padding, 2);

  // Another shape, tensor or index past the file's filters is not that file's: named, not used.
  const Status other = apply_address_state(
      model, "v=1&f=edge&f=@my%20conv.npy::0:3x1x3x3&f=@my%20conv.npy::5:2x1x3x3&padding=1");
  ASSERT_TRUE(other) << other.error();
  ASSERT_EQ(model.map_kernels().size(), 1u);
  EXPECT_NE(model.status().find("2 of its filters come from files"), std::string::npos)
      << model.status();
}

TEST(AddressState, BadAddressesAreRefusedAndChangeNothing) {
  Model model;
  load_photo(model);
  ASSERT_TRUE(model.set_bank({kernel("mine", 2, 2, {1, 2, 3, 4})}, ConvParams{}));
  const std::string before = encode_address_state(model);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is not key=value"},
      {"f=edge", "no settings version"},
      {"v=2&f=edge", "version '2' is not 1"},
      {"v=1", "no filters"},
      {"v=1&f=edge&colour=red", "unknown setting 'colour'"},
      {"v=1&f=nosuchpreset", "nosuchpreset"},
      {"v=1&f=k:3x3:1,2,3", "has 3 weights; 3x3 needs 9"},
      {"v=1&f=k:32x1:" + std::string(63, ','), "sides 1 to 31"},
      {"v=1&f=k:2x3x1:1,2,3,4,5,6", "is not HxW or 3xHxW"},
      {"v=1&f=k:1x1:nan", "not a finite number"},
      {"v=1&f=k:1x1:1e39", "not a finite number"},
      {"v=1&f=k:1x1:0x10", "not a finite number"},
      {"v=1&f=k%2:1x1:1", "malformed percent-encoding"},
      {"v=1&f=edge&f=edge", "used twice"},
      {"v=1&f=edge&padding=-1", "padding must be 0 to 1000"},
      {"v=1&f=edge&stride=0", "stride must be 1 to 1000"},
      {"v=1&f=edge&mode=mirror", "mirror"},
      {"v=1&f=edge&flip=yes", "flip must be 0 or 1"},
      {"v=1&f=edge&input=rgb", "channel"},  // a gray preset cannot run on the RGB input
      {"v=1&f=edge&cmap=jet", "jet"},
      {"v=1&f=@:x:0:1x1", "is not '@file:tensor:index:shape'"},
      {"v=1&f=edge&padding=40&mode=reflect", "reflect"},  // more padding than the 30-px side
      // Names setFilters refuses are refused here too (they would reach labels and exports).
      {"v=1&f=a%0Ab:1x1:1", "the name contains a control character"},
      {"v=1&f=a%1B%5B31m:1x1:1", "the name contains a control character"},
      {"v=1&f=a%E2%80%A8b:1x1:1", "the name contains a control character"},
      {"v=1&f=%23%23:1x1:1", "the name contains '##'"},
      {"v=1&f=" + std::string(65, 'x') + ":1x1:1", "the name is longer than 64 characters"},
      {"v=1&f=%FF:1x1:1", "the name is not UTF-8 text"},
      {"v=1&f=%00%0A", "the name contains a control character"},
  };
  for (const auto& [address, why] : cases) {
    const Status s = apply_address_state(model, address);
    EXPECT_FALSE(s) << address;
    EXPECT_NE(s.error().find(why), std::string::npos) << address << " -> " << s.error();
    EXPECT_EQ(encode_address_state(model), before) << address;
  }
  std::string many = "v=1";
  for (int i = 0; i <= kMaxAddressFilters; ++i) many += "&f=k" + std::to_string(i) + ":1x1:1";
  const Status too_many = apply_address_state(model, many);
  EXPECT_FALSE(too_many);
  EXPECT_NE(too_many.error().find("more than 256 filters"), std::string::npos) << too_many.error();
  const Status too_long = apply_address_state(model, std::string(kMaxAddressBytes + 1, 'a'));
  EXPECT_NE(too_long.error().find("at most"), std::string::npos) << too_long.error();
  EXPECT_EQ(encode_address_state(model), before);
}

}  // namespace
}  // namespace filterlens
