// tensor_file: .npy and .safetensors banks, built byte by byte here (the oracle tests use numpy and
// torch), and every refusal: each test's file differs from a valid one in the one thing refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "conv2d.h"
#include "figure.h"
#include "pytorch_code.h"
#include "tensor_file.h"
#include "test_util.h"
#include "text.h"

namespace filterlens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_le(Bytes& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_f32(Bytes& b, float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  put_le(b, u, 4);
}

void put_f64(Bytes& b, double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, 8);
  put_le(b, u, 8);
}

// An .npy file: magic, version, header length (2 bytes for 1.0, 4 for 2.0/3.0), dict, data.
Bytes npy(const std::string& dict, const Bytes& data, int major = 1) {
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  std::string h = dict;
  const std::size_t fixed = major == 1 ? 10 : 12;
  while ((fixed + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  put_le(b, h.size(), major == 1 ? 2 : 4);
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string npy_dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

Bytes f32_data(int n, float scale = 0.25f) {
  Bytes b;
  for (int i = 0; i < n; ++i) put_f32(b, (static_cast<float>(i) - n / 2) * scale);
  return b;
}

Bytes safetensors(const std::string& json, const Bytes& data) {
  Bytes b;
  put_le(b, json.size(), 8);
  b.insert(b.end(), json.begin(), json.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  std::uint64_t begin, std::uint64_t end) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(end) + "]}";
}

Result<TensorBank> read(const Bytes& b, const std::string& tensor = "") {
  return read_tensor_bank(b.data(), b.size(), tensor, "w");
}

void expect_refused(const Bytes& b, const std::string& needle, const std::string& tensor = "") {
  const Result<TensorBank> r = read(b, tensor);
  ASSERT_FALSE(r) << "accepted; wanted an error naming: " << needle;
  EXPECT_NE(r.error().find(needle), std::string::npos) << r.error();
}

// ---- .npy ------------------------------------------------------------------------------------

TEST(TensorFileNpy, Float32C3BankInTorchLayout) {
  const Bytes b = npy(npy_dict("<f4", "(2, 3, 2, 2)"), f32_data(24));
  const Result<TensorBank> r = read(b);
  ASSERT_TRUE(r) << r.error();
  const TensorBank& bank = r.value();
  EXPECT_EQ(bank.format, TensorFileFormat::npy);
  EXPECT_EQ(bank.count, 2);
  EXPECT_EQ(bank.channels, 3);
  EXPECT_EQ(bank.height, 2);
  EXPECT_EQ(bank.width, 2);
  EXPECT_EQ(bank.stem, "w");
  EXPECT_EQ(bank.dtype, "<f4");
  ASSERT_EQ(bank.filters.size(), 2u);
  EXPECT_EQ(bank.filters[1].name, "w_1");
  EXPECT_EQ(bank.filters[1].channels, 3);
  ASSERT_TRUE(validate_kernel(bank.filters[1]));
  // weight[n][c][y][x] is element ((n * 3 + c) * 2 + y) * 2 + x; value (i - 12) * 0.25.
  EXPECT_EQ(bank.filters[1].at(1, 0, 2), ((((1 * 3 + 2) * 2 + 0) * 2 + 1) - 12) * 0.25f);
  EXPECT_EQ(bank.filters[0].at(0, 0), -3.0f);
}

TEST(TensorFileNpy, VersionsAndDtypeSpellings) {
  for (int major : {1, 2, 3}) {
    const Result<TensorBank> r = read(npy(npy_dict("<f4", "(1, 1, 3, 3)"), f32_data(9), major));
    ASSERT_TRUE(r) << "version " << major << ": " << r.error();
  }
  for (const char* descr : {"|f4", "=f4"}) {
    const Result<TensorBank> r = read(npy(npy_dict(descr, "(1, 1, 3, 3)"), f32_data(9)));
    ASSERT_TRUE(r) << descr << ": " << r.error();
    EXPECT_EQ(r.value().filters[0].at(2, 2), (8 - 4) * 0.25f);
  }
  // Double quotes and a dict in another key order are what other writers produce.
  const Result<TensorBank> r = read(
      npy("{\"shape\": (1, 3, 3), \"fortran_order\": False, \"descr\": \"<f4\"}", f32_data(9)));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().channels, 1);  // 3-D: C = 1
}

TEST(TensorFileNpy, Float16AndFloat64) {
  Bytes h;
  for (std::uint16_t bits : {0x3C00, 0xC000, 0x0001, 0x7BFF}) put_le(h, bits, 2);
  const Result<TensorBank> r16 = read(npy(npy_dict("<f2", "(1, 1, 2, 2)"), h));
  ASSERT_TRUE(r16) << r16.error();
  const std::vector<float> want16 = {1.0f, -2.0f, std::ldexp(1.0f, -24), 65504.0f};
  EXPECT_EQ(r16.value().filters[0].weights, want16);

  Bytes d;
  for (double v : {0.1, -1e-3, 3.0, 1e30}) put_f64(d, v);
  const Result<TensorBank> r64 = read(npy(npy_dict("<f8", "(1, 1, 1, 4)"), d));
  ASSERT_TRUE(r64) << r64.error();
  const std::vector<float> want64 = {0.1f, -1e-3f, 3.0f, 1e30f};
  EXPECT_EQ(r64.value().filters[0].weights, want64);
}

TEST(TensorFileNpy, Refusals) {
  expect_refused(npy(npy_dict(">f4", "(1, 1, 3, 3)"), f32_data(9)), "big-endian");
  expect_refused(npy(npy_dict("<i4", "(1, 1, 3, 3)"), f32_data(9)), "'<i4'");
  expect_refused(npy(npy_dict("<f4", "(1, 1, 3, 3)", true), f32_data(9)), "Fortran order");
  expect_refused(
      npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32_data(1)),
      "structured");
  expect_refused(npy(npy_dict("<f4", "(1, 1, 3, 3)"), f32_data(8)), "truncated");
  expect_refused(npy(npy_dict("<f4", "(1, 1, 3, 3)"), f32_data(10)), "4 bytes after");
  expect_refused(npy(npy_dict("<f4", "(9,)"), f32_data(9)), "shape [9]");
  expect_refused(npy(npy_dict("<f4", "(2, 2, 3, 3)"), f32_data(36)), "[2, 2, 3, 3]: C = 2");
  expect_refused(npy(npy_dict("<f4", "(1, 1, 32, 1)"), f32_data(32)), "[1, 1, 32, 1]");
  expect_refused(npy(npy_dict("<f4", "(257, 1, 1, 1)"), f32_data(257)), "N = 257");
  expect_refused(npy(npy_dict("<f4", "(0, 1, 3, 3)"), {}), "N = 0");
  // A tensor name asked for in a .npy (the page's loadBank(npy, {tensor})): refused, not ignored.
  const Result<TensorBank> named = read(npy(npy_dict("<f4", "(1, 1, 3, 3)"), f32_data(9)), "x");
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().find("one unnamed array: there is no tensor 'x'"), std::string::npos)
      << named.error();
  // Claims far past the file: refused from the shape, nothing allocated.
  expect_refused(npy(npy_dict("<f4", "(256, 3, 31, 99999999999999)"), f32_data(9)), "truncated");
  expect_refused(npy(npy_dict("<f4", "(99999999999999999999, 1)"), {}), "absurdly large");
  expect_refused(npy("{'descr': '<f4', 'shape': (1, 1, 1, 1), }", f32_data(1)), "'fortran_order'");
  expect_refused(
      npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", f32_data(1)),
      "twice");
  expect_refused(npy(npy_dict("<f4", "(1, 1, 1, 1)") + "x", f32_data(1)), "follows");
  Bytes v4 = npy(npy_dict("<f4", "(1, 1, 1, 1)"), f32_data(1));
  v4[6] = 4;
  expect_refused(v4, "version 4.0");
  // A header length past the file, and one past the cap.
  Bytes long_header = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0};
  put_le(long_header, 0x7FFFFFFF, 4);
  expect_refused(long_header, "headers over");
  Bytes short_header = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0xFF, 0x00, '{'};
  expect_refused(short_header, "truncated");
  expect_refused({0x93, 'N', 'U', 'M', 'P', 'Y', 1}, "truncated");
}

TEST(TensorFileNpy, NonFiniteWeightsAreRefusedNamingTheFilter) {
  Bytes d = f32_data(18);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&d[4 * 12], &nan, 4);
  expect_refused(npy(npy_dict("<f4", "(2, 1, 3, 3)"), d), "filter 1");
  Bytes big;
  put_f64(big, 1e300);
  expect_refused(npy(npy_dict("<f8", "(1, 1, 1, 1)"), big), "not a finite number");
}

// ---- .safetensors ------------------------------------------------------------------------------

TEST(TensorFileSafetensors, PicksTheOnly4DTensorIgnoringMetadata) {
  Bytes data = f32_data(4);  // bias [4]
  const Bytes w = f32_data(4 * 3 * 3 * 3, 0.125f);
  data.insert(data.end(), w.begin(), w.end());
  const std::string json =
      "{\"__metadata__\":{\"format\":\"pt\",\"x\":\"\\u00e9\\ud83d\\ude00\"}," +
      entry("conv1.bias", "F32", "[4]", 0, 16) + "," +
      entry("conv1.weight", "F32", "[4,3,3,3]", 16, 16 + w.size()) + "}  ";
  const Bytes b = safetensors(json, data);
  const Result<TensorBank> r = read(b);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().format, TensorFileFormat::safetensors);
  EXPECT_EQ(r.value().tensor, "conv1.weight");
  EXPECT_EQ(r.value().stem, "conv1_weight");
  EXPECT_EQ(r.value().filters[3].name, "conv1_weight_3");
  EXPECT_EQ(r.value().filters[0].weights[0], -54 * 0.125f);
  ASSERT_EQ(r.value().tensors.size(), 2u);
  EXPECT_EQ(r.value().tensors[0].problem.find("shape [4]") != std::string::npos, true);

  const Result<std::vector<TensorInfo>> listed = list_bank_tensors(b.data(), b.size());
  ASSERT_TRUE(listed) << listed.error();
  ASSERT_EQ(listed.value().size(), 1u);
  EXPECT_EQ(listed.value()[0].name, "conv1.weight");
  EXPECT_EQ(listed.value()[0].shape, (std::vector<std::int64_t>{4, 3, 3, 3}));
  EXPECT_TRUE(listed.value()[0].problem.empty());
}

TEST(TensorFileSafetensors, DtypesF16BF16F64) {
  Bytes data;
  for (std::uint16_t bits : {0x3C00, 0x8001}) put_le(data, bits, 2);  // F16: 1, -2^-24
  for (std::uint16_t bits : {0x3F80, 0xC2F7}) put_le(data, bits, 2);  // BF16: 1, -123.5
  put_f64(data, 0.1);                                                 // F64
  put_f64(data, -7.0);
  const std::string json = "{" + entry("a", "F16", "[1,1,1,2]", 0, 4) + "," +
                           entry("b", "BF16", "[1,1,2,1]", 4, 8) + "," +
                           entry("c", "F64", "[1,2,1]", 8, 24) + "}";
  const Bytes b = safetensors(json, data);
  const Result<TensorBank> a = read(b, "a");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a.value().filters[0].weights, (std::vector<float>{1.0f, -std::ldexp(1.0f, -24)}));
  const Result<TensorBank> bf = read(b, "b");
  ASSERT_TRUE(bf) << bf.error();
  EXPECT_EQ(bf.value().filters[0].weights, (std::vector<float>{1.0f, -123.5f}));
  const Result<TensorBank> c = read(b, "c");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c.value().channels, 1);
  EXPECT_EQ(c.value().filters[0].weights, (std::vector<float>{0.1f, -7.0f}));
  // Two 4-D tensors and no name: the error lists both with their shapes.
  expect_refused(b, "2 4-D tensors; pick one by name: 'a' [1, 1, 1, 2], 'b' [1, 1, 2, 1]");
  expect_refused(b, "no tensor named 'zz'; its 4-D and 3-D tensors: 'a' [1, 1, 1, 2]", "zz");
}

TEST(TensorFileSafetensors, Refusals) {
  const Bytes d9 = f32_data(9);
  auto one = [&](const std::string& e, const Bytes& data) {
    return safetensors("{" + e + "}", data);
  };
  expect_refused(one(entry("w", "F32", "[1,1,3,3]", 0, 40), d9), "past the end");
  expect_refused(one(entry("w", "F32", "[1,1,3,3]", 8, 4), d9), "end comes before");
  expect_refused(one(entry("w", "F32", "[1,1,3,3]", 0, 32), d9), "data_offsets give 32");
  expect_refused(one(entry("w", "F32", "[1,1,3,99999999999]", 0, 36), d9), "data_offsets give");
  expect_refused(one(entry("w", "I64", "[1,1,3,3]", 0, 72), f32_data(18)), "dtype I64");
  expect_refused(one(entry("w", "Q4", "[1,1,3,3]", 0, 36), d9), "not a safetensors dtype");
  expect_refused(one(entry("w", "F32", "[3,3]", 0, 36), d9), "no 4-D tensor");
  expect_refused(one(entry("w", "F32", "[3,3]", 0, 36), d9), "shape [3, 3]", "w");
  expect_refused(
      one(entry("w", "F32", "[1,1,3,3]", 0, 36) + "," + entry("v", "F32", "[1,1,1,1]", 32, 36), d9),
      "overlap");
  expect_refused(
      one(entry("w", "F32", "[1,1,3,3]", 0, 36) + "," + entry("w", "F32", "[1,1,3,3]", 0, 36), d9),
      "twice");
  expect_refused(one("\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,3,3]}", d9), "data_offsets");
  expect_refused(one("\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,3,3],\"data_offsets\":[0,36.0]}", d9),
                 "whole number");
  expect_refused(one("\"w\":{\"dtype\":\"F32\",\"shape\":[1,-1,3,3],\"data_offsets\":[0,36]}", d9),
                 "whole number");
  expect_refused(safetensors("{" + entry("w", "F32", "[1,1,3,3]", 0, 36), d9), "valid");
  expect_refused(safetensors("[]", d9), "neither");
  expect_refused(safetensors("{\"w\":[]}", d9), "'{' expected");
  expect_refused(safetensors("{\"__metadata__\":[1]}", d9), "not an object");
  expect_refused(safetensors("{\"__metadata__\":{\"a\":\"\x01\"}}", d9), "control character");
  expect_refused(safetensors("{\"a\xff\":1}", d9), "UTF-8");
  expect_refused(safetensors("{\"__metadata__\":{\"a\":\"\\ud800\"}}", d9), "surrogate");
  // Deep nesting inside the metadata: refused at the depth cap, not by the stack.
  std::string deep = "{\"__metadata__\":{\"a\":";
  for (int i = 0; i < 100000; ++i) deep += '[';
  expect_refused(safetensors(deep, d9), "nested deeper");
  // A 100 MB header claim in an 8 + 2-byte file: refused from the length alone.
  Bytes huge;
  put_le(huge, 100u << 20, 8);
  huge.push_back('{');
  huge.push_back('}');
  expect_refused(huge, "headers over 16.0 MB");
  Bytes past;
  put_le(past, 1000, 8);
  past.push_back('{');
  expect_refused(past, "truncated");
  expect_refused({1, 2, 3}, "neither");
  expect_refused({}, "empty");
  Bytes nan_data = d9;
  const float inf = std::numeric_limits<float>::infinity();
  std::memcpy(&nan_data[8], &inf, 4);
  expect_refused(one(entry("w", "F32", "[1,1,3,3]", 0, 36), nan_data), "infinity");
}

TEST(TensorFileSafetensors, EmptyTensorsAndUnknownKeysAreFine) {
  const std::string json = "{" + entry("empty", "F32", "[0]", 0, 0) + "," +
                           entry("w", "F32", "[1,1,3,3]", 0, 36) + ",\"x\":{\"dtype\":\"F32\"," +
                           "\"shape\":[],\"data_offsets\":[36,40],\"extra\":{\"k\":[1,2.5e3]}}}";
  Bytes data = f32_data(10);
  const Result<TensorBank> r = read(safetensors(json, data));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().tensor, "w");
  EXPECT_EQ(r.value().tensors.size(), 3u);
}

TEST(TensorFile, HalfConversionIsExactEverywhere) {
  // Every finite half against the value its fields define.
  for (std::uint32_t bits = 0; bits < 0x10000; ++bits) {
    const int exp = (bits >> 10) & 0x1F;
    const int mant = bits & 0x3FF;
    const float sign = (bits & 0x8000) ? -1.0f : 1.0f;
    const float f = half_to_float(static_cast<std::uint16_t>(bits));
    if (exp == 0x1F) {
      EXPECT_TRUE(mant ? std::isnan(f) : std::isinf(f)) << bits;
      continue;
    }
    const float want = exp == 0 ? sign * std::ldexp(static_cast<float>(mant), -24)
                                : sign * std::ldexp(static_cast<float>(1024 + mant), exp - 25);
    ASSERT_EQ(f, want) << "half bits " << bits;
  }
  EXPECT_EQ(bfloat16_to_float(0x4049), 3.140625f);
}

TEST(TensorFile, NamesAndStems) {
  EXPECT_EQ(sanitize_stem("features.0.weight"), "features_0_weight");
  EXPECT_EQ(sanitize_stem("a/b c-d_é"), "a_b_c-d___");
  EXPECT_EQ(sanitize_stem(""), "bank");
  // A tensor named with 100,000 characters: its filters' names stay filter names (and file names).
  const std::string stem = sanitize_stem(std::string(100000, 'w'));
  EXPECT_EQ(stem.size(), kMaxStemChars);
  EXPECT_EQ(stem.substr(0, 52), std::string(51, 'w') + "_");
  EXPECT_EQ(filter_name_problem(stem + "_255"), "");
  // Two long names that differ only at the end (weight norm's weight_g / weight_v) stay apart.
  const std::string common = "encoder.layers.11.attention.output.dense.parametrizations.weight.";
  EXPECT_NE(sanitize_stem(common + "weight_g"), sanitize_stem(common + "weight_v"));
  EXPECT_EQ(sanitize_stem(std::string(60, 'a')), std::string(60, 'a'));  // 60 fit as they are
  EXPECT_EQ(path_stem("/x/y/resnet18.conv1.npy"), "resnet18.conv1");
  EXPECT_EQ(path_stem("w"), "w");
  EXPECT_EQ(path_stem(".hidden"), ".hidden");
  EXPECT_EQ(format_shape({64, 3, 7, 7}), "[64, 3, 7, 7]");
}

// ---- C = 3 banks through the engine ----------------------------------------------------------

TEST(ConvRgb, SumOfPerChannelMapsEveryModeStrideDilationFlip) {
  const Plane r = test::random_plane(23, 17, 1), g = test::random_plane(23, 17, 2),
              b = test::random_plane(23, 17, 3);
  Kernel k{"rgb", "", 5, 3, {}, 3};
  const Kernel k0 = test::random_kernel(5, 3, 10), k1 = test::random_kernel(5, 3, 11),
               k2 = test::random_kernel(5, 3, 12);
  for (const Kernel* c : {&k0, &k1, &k2})
    k.weights.insert(k.weights.end(), c->weights.begin(), c->weights.end());
  for (PaddingMode mode :
       {PaddingMode::zeros, PaddingMode::reflect, PaddingMode::replicate, PaddingMode::circular})
    for (int stride : {1, 2})
      for (int dilation : {1, 2})
        for (bool flip : {false, true}) {
          ConvParams p{2, mode, stride, dilation, flip};
          std::vector<Plane> ours, parts[3];
          ASSERT_TRUE(conv2d_bank(ConvInput::rgb(r, g, b), {k}, p, ConvImpl::simd, ours));
          const Plane* planes[3] = {&r, &g, &b};
          const Kernel* ks[3] = {&k0, &k1, &k2};
          for (int c = 0; c < 3; ++c)
            ASSERT_TRUE(conv2d_bank(*planes[c], {*ks[c]}, p, ConvImpl::reference, parts[c]));
          ASSERT_EQ(ours[0].width, parts[0][0].width);
          for (std::size_t i = 0; i < ours[0].data.size(); ++i) {
            const double want =
                double(parts[0][0].data[i]) + parts[1][0].data[i] + parts[2][0].data[i];
            ASSERT_NEAR(ours[0].data[i], want, 1e-5)
                << padding_mode_name(mode) << stride << dilation << flip << " at " << i;
          }
        }
}

TEST(ConvRgb, ChannelMismatchIsRefusedNamingBothCountsAndLeavesOutputs) {
  const Plane gray = test::random_plane(9, 9, 4);
  Kernel k3{"conv1_weight_0", "", 3, 3, std::vector<float>(27, 0.1f), 3};
  std::vector<Plane> outputs(1, Plane(2, 2));
  Status s = conv2d_bank(ConvInput::gray(gray), {k3}, ConvParams{}, ConvImpl::simd, outputs);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("'conv1_weight_0' has 3 channels but the input has 1"),
            std::string::npos)
      << s.error();
  EXPECT_EQ(outputs[0].width, 2);  // untouched
  // The plain gray overload refuses a C = 3 kernel too (it would read only channel 0).
  EXPECT_FALSE(conv2d_bank(gray, {k3}, ConvParams{}, ConvImpl::simd, outputs));
  const Kernel k1 = test::random_kernel(3, 3, 5);
  s = conv2d_bank(ConvInput::rgb(gray, gray, gray), {k1}, ConvParams{}, ConvImpl::simd, outputs);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("has 1 channel but the input has 3"), std::string::npos) << s.error();
}

TEST(ConvRgb, Kernel31x31IsAcceptedAndMatchesTheReference) {
  const Plane in = test::random_plane(40, 35, 6);
  const Kernel k = test::random_kernel(31, 31, 7);
  ASSERT_TRUE(validate_kernel(k));
  EXPECT_FALSE(validate_kernel(test::random_kernel(32, 31, 7)));
  std::vector<Plane> a, b;
  ConvParams p{15, PaddingMode::reflect, 1, 1, false};
  ASSERT_TRUE(conv2d_bank(in, {k}, p, ConvImpl::simd, a));
  ASSERT_TRUE(conv2d_bank(in, {k}, p, ConvImpl::reference, b));
  // 961 products per output: float32 sums against the double-accumulating reference, held to
  // 1e-5 of the weights' L1 norm like the SIMD sweep.
  double l1 = 0;
  for (float w : k.weights) l1 += std::fabs(w);
  for (std::size_t i = 0; i < a[0].data.size(); ++i)
    ASSERT_NEAR(a[0].data[i], b[0].data[i], 1e-5 * l1) << i;
}

TEST(RgbPlanes, LikePilConvertRgb) {
  Image rgba{2, 1, 4, {10, 20, 30, 0, 255, 0, 128, 7}};
  const RgbPlanes p = to_rgb_planes(rgba);
  EXPECT_EQ(p.r.data, (std::vector<float>{10 / 255.0f, 1.0f}));
  EXPECT_EQ(p.g.data, (std::vector<float>{20 / 255.0f, 0.0f}));
  EXPECT_EQ(p.b.data, (std::vector<float>{30 / 255.0f, 128 / 255.0f}));
  Image la{2, 1, 2, {50, 0, 200, 255}};
  const RgbPlanes q = to_rgb_planes(la);
  EXPECT_EQ(q.r.data, q.g.data);
  EXPECT_EQ(q.r.data, q.b.data);
  EXPECT_EQ(q.r.data, (std::vector<float>{50 / 255.0f, 200 / 255.0f}));
}

TEST(FilterTiles, SymmetricAndMinMaxScaling) {
  Kernel k{"k", "", 2, 1, {-1.0f, 0.5f, 0.0f, 1.0f, 2.0f, -2.0f}, 3};  // [3][1][2]
  const Image sym = filter_tiles({k}, FilterScale::symmetric, 4);
  ASSERT_EQ(sym.channels, 3);
  const int gap = 2;
  EXPECT_EQ(sym.width, gap + 2 * 4 + gap);
  EXPECT_EQ(sym.height, gap + 4 + gap);
  auto px = [&](const Image& im, int x, int y, int c) {
    return im.pixels[(static_cast<std::size_t>(y) * im.width + x) * 3 + c];
  };
  // Weight (kx 0): R -1, G 0, B 2 -> 128 - 127.5/2, 128, 255 with max|w| = 2.
  EXPECT_EQ(px(sym, gap, gap, 0), 64);
  EXPECT_EQ(px(sym, gap, gap, 1), 128);
  EXPECT_EQ(px(sym, gap, gap, 2), 255);
  EXPECT_EQ(px(sym, gap + 4, gap, 2), 0);  // B -2
  const Image mm = filter_tiles({k}, FilterScale::min_max, 4);
  EXPECT_EQ(px(mm, gap, gap, 2), 255);    // max 2
  EXPECT_EQ(px(mm, gap + 4, gap, 2), 0);  // min -2
  EXPECT_EQ(px(mm, gap, gap, 1), 128);    // 0 is the middle of -2..2
  EXPECT_EQ(px(mm, 0, 0, 0), 40);         // background
}

// Names and paths reach the code as Python string literals, escaped: a tensor or file named with
// a newline and code cannot end the comment or the literal (the code would run, or not parse).
TEST(PyTorchCode, NamesAndPathsAreEscapedLiteralsEvenInComments) {
  PyTorchCodeOptions o;
  o.files.push_back({"a\x1b[31m.safetensors",
                     TensorFileFormat::safetensors,
                     "w'''\nprint('PWNED')\n#",
                     {1, 1, 1, 1},
                     {"w____print__PWNED____0"}});
  const Kernel file{"w____print__PWNED____0", "", 1, 1, {1}};
  const Kernel other{"ünïcode\xe2\x80\xa8\xc2\x85\xff", "", 1, 1, {2}};
  const std::string code = pytorch_code({file, other}, ConvParams{}, o);
  for (char c : code) EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << int(c);
  EXPECT_EQ(code.find("\nprint("), std::string::npos) << code;  // never at a line's start
  EXPECT_NE(code.find("# 'w\\'\\'\\'\\x0aprint(\\'PWNED\\')\\x0a#', shape [1, 1, 1, 1]"),
            std::string::npos)
      << code;
  EXPECT_NE(code.find("load_safetensors('a\\x1b[31m.safetensors', 'w\\'\\'\\'\\x0aprint("),
            std::string::npos)
      << code;
  // \udcff: the byte 0xFF as Python's os.fsdecode gives it (a path with it opens the file).
  EXPECT_NE(code.find("'ünïcode\\u2028\\x85\\udcff': torch.tensor("), std::string::npos) << code;
}

TEST(PyTorchCode, FileBanksLoadFromTheFileAndRgbSaysSo) {
  Kernel k{"conv1_weight_1", "", 1, 1, {1, 2, 3}, 3};
  PyTorchCodeOptions o;
  o.rgb = true;
  o.files.push_back({"m.safetensors",
                     TensorFileFormat::safetensors,
                     "conv1.weight",
                     {2, 3, 1, 1},
                     {"conv1_weight_0", "conv1_weight_1"}});
  Kernel lit{"extra", "", 1, 1, {0.5f, 0.25f, 2}, 3};
  const std::string code = pytorch_code({k, lit}, ConvParams{}, o);
  EXPECT_NE(code.find("load_safetensors('m.safetensors', 'conv1.weight')"), std::string::npos)
      << code;
  EXPECT_NE(code.find("'conv1_weight_1': bank0[1]"), std::string::npos) << code;
  EXPECT_NE(code.find("'extra': torch.tensor([[[0.5]], [[0.25]], [[2.0]]])"), std::string::npos)
      << code;
  EXPECT_NE(code.find("(1, 3, H, W)"), std::string::npos);
  // Without files or RGB the gray code is unchanged.
  const Kernel edge = find_preset("edge").value();
  EXPECT_EQ(pytorch_code({edge}, ConvParams{}, PyTorchCodeOptions{}),
            pytorch_code({edge}, ConvParams{}));
}

}  // namespace
}  // namespace filterlens
