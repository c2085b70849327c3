// tensor_file: a model's first convolution layer read from a file, as a bank of Kernels.
//
// Two formats, told apart by their first bytes (not by the file name):
//   .npy          NumPy format 1.0, 2.0 or 3.0; dtype little-endian float16, float32 or float64
//                 ('<f2' '<f4' '<f8', and '|'/'=' spellings of the same); C order. One array.
//   .safetensors  8-byte little-endian header length, a JSON header {name: {dtype, shape,
//                 data_offsets}, "__metadata__": {...}}, then the data; dtypes F16, BF16, F32,
//                 F64, little-endian. The tensor is picked by name, else the only 4-D tensor.
//
// The array is torch's conv weight [N, C, kh, kw] (a 3-D [N, kh, kw] is taken as C = 1) with
// C = 1 or 3, kh and kw from 1 to kMaxKernelSize (31), N from 1 to kMaxBankFilters (256).
// Everything the file claims (header length, shapes, offsets) is checked in 64 bits against the
// file's size and these limits before anything is allocated; a refusal names what was found.
// float16 and bfloat16 weights convert to float32 exactly; float64 rounds to nearest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel.h"
#include "result.h"

namespace filterlens {

inline constexpr int kMaxBankFilters = 256;
// A safetensors JSON header longer than this is refused before it is read.
inline constexpr std::uint64_t kMaxSafetensorsHeader = std::uint64_t(16) << 20;
// An .npy header (the dict) longer than this is refused (numpy itself writes < 100 bytes here).
inline constexpr std::uint64_t kMaxNpyHeader = std::uint64_t(1) << 20;

enum class TensorFileFormat { npy, safetensors };

const char* tensor_file_format_name(TensorFileFormat format);  // "npy", "safetensors"

// One tensor the file holds, as its header describes it.
struct TensorInfo {
  std::string name;                 // safetensors' key; "" for .npy
  std::string dtype;                // as spelled in the file: "<f4", "F32", "BF16", "I64", ...
  std::vector<std::int64_t> shape;  // as in the file
  std::uint64_t data_begin = 0;     // byte range of the data, from the start of the file
  std::uint64_t data_end = 0;
  // Empty when read_tensor_bank would accept this tensor; otherwise why not ("its shape
  // [64, 2, 3, 3] has C = 2; ...", "dtype I64 is not a float type ..."), for a chooser.
  std::string problem;
};

// Every tensor a file holds (format and header checked; data ranges checked). For .npy this is
// the one array. `__metadata__` is not a tensor and is not listed.
struct TensorFileContents {
  TensorFileFormat format = TensorFileFormat::npy;
  std::vector<TensorInfo> tensors;
};
Result<TensorFileContents> list_tensors(const std::uint8_t* data, std::size_t size);

// The tensors a chooser should offer: rank 4 (and rank 3) ones, in file order, with `problem`
// set for the ones that cannot be loaded.
Result<std::vector<TensorInfo>> list_bank_tensors(const std::uint8_t* data, std::size_t size);

// Which tensor read_tensor_bank would take (an index into contents.tensors), or why none: no
// tensor of that name, several 4-D tensors and no name, none at all, or the tensor's `problem`
// (shape or dtype). Every message names the tensors or the shape.
Result<std::size_t> pick_bank_tensor(const TensorFileContents& contents,
                                     const std::string& tensor = "");

// A bank read from a file.
struct TensorBank {
  TensorFileFormat format = TensorFileFormat::npy;
  std::string tensor;               // the tensor picked ("" for .npy)
  std::string stem;                 // the filters' name stem: sanitized tensor name or file stem
  std::string dtype;                // as spelled in the file
  std::vector<std::int64_t> shape;  // as in the file ([N, kh, kw] or [N, C, kh, kw])
  int count = 0;                    // N
  int channels = 0;                 // C: 1 or 3
  int height = 0;                   // kh
  int width = 0;                    // kw
  // N kernels named "<stem>_<i>" (i from 0), each `channels` x kh x kw, weights [c][ky][kx]
  // as float32.
  std::vector<Kernel> filters;
  std::vector<TensorInfo> tensors;  // every tensor of the file (for "pick another")
};

// Reads the bank. `tensor` picks a safetensors tensor by name ("" = the only 4-D tensor, or the
// only 3-D one when there is no 4-D tensor; when several qualify the error lists their names and
// shapes). For .npy `tensor` must be "" or is ignored. `file_stem` names the filters of an .npy
// (and of a safetensors file only when the tensor name is empty); it is sanitized too.
// Non-finite weights (NaN, inf) are refused, naming the filter.
Result<TensorBank> read_tensor_bank(const std::uint8_t* data, std::size_t size,
                                    const std::string& tensor = "",
                                    const std::string& file_stem = "bank");

// `name` with every character outside [A-Za-z0-9_-] replaced by '_' ("conv1.weight" ->
// "conv1_weight"), at most kMaxStemChars long so that a filter's name, stem + "_" + index, is a
// filter name (text.h: at most 64 characters) and a file name every system takes: a longer name
// keeps its first 51 characters and an 8-digit checksum of the whole, so two long names that
// differ anywhere get different stems. "bank" when empty.
constexpr std::size_t kMaxStemChars = 60;
std::string sanitize_stem(const std::string& name);

// The stem of a path: its last component without its last extension ("/a/b/w.npy" -> "w").
std::string path_stem(const std::string& path);

// "[64, 3, 7, 7]".
std::string format_shape(const std::vector<std::int64_t>& shape);

// Half and bfloat16 bits to float, exact (subnormals, infinities and NaN included).
float half_to_float(std::uint16_t bits);
float bfloat16_to_float(std::uint16_t bits);

}  // namespace filterlens
