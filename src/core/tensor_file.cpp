// tensor_file: .npy and .safetensors parsing (work in progress: the API is final).
#include "tensor_file.h"

namespace filterlens {

const char* tensor_file_format_name(TensorFileFormat format) {
  return format == TensorFileFormat::npy ? "npy" : "safetensors";
}

Result<TensorFileContents> list_tensors(const std::uint8_t*, std::size_t) {
  return Result<TensorFileContents>::fail("tensor files: not implemented yet");
}

Result<std::vector<TensorInfo>> list_bank_tensors(const std::uint8_t*, std::size_t) {
  return Result<std::vector<TensorInfo>>::fail("tensor files: not implemented yet");
}

Result<TensorBank> read_tensor_bank(const std::uint8_t*, std::size_t, const std::string&,
                                    const std::string&) {
  return Result<TensorBank>::fail("tensor files: not implemented yet");
}

std::string sanitize_stem(const std::string& name) {
  if (name.empty()) return "bank";
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

std::string path_stem(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

std::string format_shape(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

float half_to_float(std::uint16_t) {
  return 0.0f;
}
float bfloat16_to_float(std::uint16_t) {
  return 0.0f;
}

}  // namespace filterlens
