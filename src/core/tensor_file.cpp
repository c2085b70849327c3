// tensor_file: the .npy and .safetensors readers behind read_tensor_bank.
//
// Both parsers are written here rather than taken from a library because each needs only a small
// strict subset (a Python dict literal with three keys; a JSON object of objects) and every number
// in them must be bounded before it sizes anything. The JSON reader builds no tree: it walks the
// header once, keeps only the tensors' descriptions and skips `__metadata__` after validating it,
// so its memory is a small multiple of the (already capped) header and its recursion is capped by
// kMaxJsonDepth.
#include "tensor_file.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "byte_reader.h"
#include "crc32.h"
#include "status.h"

namespace filterlens {
namespace {

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr std::size_t kNpyMagicLen = 6;
constexpr int kMaxRank = 16;
constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxTensors = 65536;
// Dimensions and offsets above this are refused outright (no real file comes near 2^50 bytes),
// which keeps every product below 2^63 after the overflow checks.
constexpr std::uint64_t kMaxDim = std::uint64_t(1) << 50;

enum class DType { f16, bf16, f32, f64, other };

struct DTypeInfo {
  DType type = DType::other;
  std::uint64_t size = 0;  // bytes per element, 0 when unknown
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  // Names come from files: a 10 MB name would make a 10 MB error message.
  if (out.size() > 80) out = out.substr(0, 77) + "...";
  return out + "'";
}

std::string mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::uint64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Elements of a shape, or false when a dimension is negative or the product passes `limit`.
bool element_count(const std::vector<std::int64_t>& shape, std::uint64_t limit,
                   std::uint64_t& count) {
  std::uint64_t n = 1;
  bool zero = false;
  for (std::int64_t d : shape) {
    if (d < 0) return false;
    if (d == 0) zero = true;
  }
  if (zero) {
    count = 0;
    return true;
  }
  for (std::int64_t d : shape) {
    const std::uint64_t u = static_cast<std::uint64_t>(d);
    if (u > limit || n > limit / u) return false;
    n *= u;
  }
  count = n;
  return true;
}

// ---------------------------------------------------------------------------------------------
// .npy

DTypeInfo npy_dtype(const std::string& descr) {
  // '<' little-endian; '|' "not applicable" and '=' native are accepted as little-endian too (the
  // hosts FilterLens runs on are), as issue 12 asks. '>' and '!' are big-endian: refused.
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=')) return {};
  if (descr.compare(1, 2, "f2") == 0) return {DType::f16, 2};
  if (descr.compare(1, 2, "f4") == 0) return {DType::f32, 4};
  if (descr.compare(1, 2, "f8") == 0) return {DType::f64, 8};
  return {};
}

// The header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 1, 3, 3), }
class PyDictReader {
 public:
  explicit PyDictReader(const std::string& text) : s_(text) {}

  Status read(std::string& descr, bool& fortran, std::vector<std::int64_t>& shape) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    if (!eat('{')) return fail("it does not start with '{'");
    while (true) {
      skip_ws();
      if (eat('}')) break;
      std::string key;
      if (!string(key)) return fail("a key is not a quoted string");
      if (!eat(':')) return fail("':' missing after " + quote(key));
      if (key == "descr") {
        if (have_descr) return fail("'descr' appears twice");
        have_descr = true;
        skip_ws();
        if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '('))
          return Status::fail(
              "the .npy file holds a structured array (record dtype); a plain "
              "float16, float32 or float64 array is needed");
        if (!string(descr)) return fail("'descr' is not a string");
      } else if (key == "fortran_order") {
        if (have_fortran) return fail("'fortran_order' appears twice");
        have_fortran = true;
        skip_ws();
        if (s_.compare(pos_, 4, "True") == 0) {
          fortran = true;
          pos_ += 4;
        } else if (s_.compare(pos_, 5, "False") == 0) {
          fortran = false;
          pos_ += 5;
        } else {
          return fail("'fortran_order' is not True or False");
        }
      } else if (key == "shape") {
        if (have_shape) return fail("'shape' appears twice");
        have_shape = true;
        Status st = tuple(shape);
        if (!st) return st;
      } else {
        return fail("unknown key " + quote(key));
      }
      skip_ws();
      if (eat(',')) continue;
      if (eat('}')) break;
      return fail("',' or '}' expected after " + quote(key));
    }
    skip_ws();
    if (pos_ != s_.size()) return fail("text follows the closing '}'");
    if (!have_descr || !have_fortran || !have_shape)
      return fail("it lacks " + std::string(!have_descr     ? "'descr'"
                                            : !have_fortran ? "'fortran_order'"
                                                            : "'shape'"));
    return Status::ok();
  }

 private:
  Status fail(const std::string& why) const {
    return Status::fail("the .npy header is not a valid NumPy header: " + why);
  }
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool string(std::string& out) {
    skip_ws();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return false;
    const char q = s_[pos_++];
    const std::size_t end = s_.find(q, pos_);
    if (end == std::string::npos) return false;
    out = s_.substr(pos_, end - pos_);
    if (out.find('\\') != std::string::npos) return false;  // no escapes in a NumPy header
    pos_ = end + 1;
    return true;
  }
  Status tuple(std::vector<std::int64_t>& out) {
    if (!eat('(')) return fail("'shape' is not a tuple");
    out.clear();
    while (true) {
      skip_ws();
      if (eat(')')) return Status::ok();
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9')
        return fail("'shape' holds something other than whole numbers");
      std::uint64_t v = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(s_[pos_++] - '0');
        if (v > kMaxDim) return fail("a dimension of 'shape' is absurdly large");
      }
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2's long literal
      if (out.size() >= static_cast<std::size_t>(kMaxRank))
        return fail("'shape' has more than " + std::to_string(kMaxRank) + " dimensions");
      out.push_back(static_cast<std::int64_t>(v));
      skip_ws();
      if (eat(',')) continue;
      if (eat(')')) return Status::ok();
      return fail("',' or ')' expected in 'shape'");
    }
  }

  const std::string& s_;
  std::size_t pos_ = 0;
};

Result<TensorFileContents> list_npy(const std::uint8_t* data, std::size_t size) {
  using R = Result<TensorFileContents>;
  ByteReader r(data, size);
  r.skip(kNpyMagicLen);
  const int major = r.u8();
  const int minor = r.u8();
  if (!r) return R::fail("the .npy file is truncated inside its magic number");
  if (major < 1 || major > 3 || minor != 0)
    return R::fail("the .npy file has format version " + std::to_string(major) + "." +
                   std::to_string(minor) + "; versions 1.0, 2.0 and 3.0 are supported");
  const std::uint64_t header_len = major == 1 ? r.le16() : r.le32();
  if (!r) return R::fail("the .npy file is truncated before its header length");
  if (header_len > kMaxNpyHeader)
    return R::fail("the .npy header claims " + std::to_string(header_len) +
                   " bytes; headers over " + mb(kMaxNpyHeader) + " are refused");
  const std::uint64_t header_start = r.position();
  if (header_len > r.remaining())
    return R::fail("the .npy file is truncated: its header claims " + std::to_string(header_len) +
                   " bytes but only " + std::to_string(r.remaining()) + " follow");
  const std::string header(reinterpret_cast<const char*>(data + header_start), header_len);
  std::string descr;
  bool fortran = false;
  TensorInfo t;
  Status st = PyDictReader(header).read(descr, fortran, t.shape);
  if (!st) return R::fail(st.error());
  t.dtype = descr;
  const DTypeInfo dt = npy_dtype(descr);
  if (dt.type == DType::other) {
    const bool big = !descr.empty() && (descr[0] == '>' || descr[0] == '!');
    return R::fail("the .npy array has dtype " + quote(descr) +
                   (big ? " (big-endian)" : std::string()) +
                   "; little-endian float16, float32 or float64 ('<f2', '<f4', '<f8') is needed");
  }
  if (fortran)
    return R::fail("the .npy array of shape " + format_shape(t.shape) +
                   " is stored in Fortran order; save it in C order "
                   "(numpy.save(f, numpy.ascontiguousarray(w)))");
  const std::uint64_t data_start = header_start + header_len;
  const std::uint64_t available = size - data_start;
  std::uint64_t count = 0;
  if (!element_count(t.shape, available / dt.size + 1, count) || count * dt.size > available)
    return R::fail("the .npy file is truncated: shape " + format_shape(t.shape) + " of " +
                   quote(descr) + " needs more than the " + std::to_string(available) +
                   " bytes of data the file holds");
  if (count * dt.size != available)
    return R::fail("the .npy file has " + std::to_string(available - count * dt.size) +
                   " bytes after the data of its shape " + format_shape(t.shape) +
                   " (a damaged file?)");
  t.data_begin = data_start;
  t.data_end = data_start + count * dt.size;
  TensorFileContents out;
  out.format = TensorFileFormat::npy;
  out.tensors.push_back(std::move(t));
  return R::ok(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// .safetensors

DTypeInfo safetensors_dtype(const std::string& d) {
  if (d == "F16") return {DType::f16, 2};
  if (d == "BF16") return {DType::bf16, 2};
  if (d == "F32") return {DType::f32, 4};
  if (d == "F64") return {DType::f64, 8};
  // The other dtypes the format defines: listed (so a chooser can show them), never loaded.
  static const std::pair<const char*, std::uint64_t> others[] = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2},
      {"U16", 2},  {"I32", 4}, {"U32", 4}, {"I64", 8},     {"U64", 8}};
  for (const auto& o : others)
    if (d == o.first) return {DType::other, o.second};
  return {};
}

// A strict JSON walker over the header: RFC 8259 syntax, UTF-8, no duplicate keys at the top or
// inside a tensor entry, depth capped.
class JsonReader {
 public:
  JsonReader(const char* p, std::size_t n) : p_(p), n_(n) {}

  std::string error() const { return error_; }
  std::size_t position() const { return pos_; }

  void ws() {
    while (pos_ < n_ &&
           (p_[pos_] == ' ' || p_[pos_] == '\t' || p_[pos_] == '\n' || p_[pos_] == '\r'))
      ++pos_;
  }
  bool peek(char c) {
    ws();
    return pos_ < n_ && p_[pos_] == c;
  }
  bool expect(char c) {
    ws();
    if (pos_ < n_ && p_[pos_] == c) {
      ++pos_;
      return true;
    }
    return fail(std::string("'") + c + "' expected");
  }
  bool at_end() {
    ws();
    return pos_ == n_;
  }

  bool string(std::string& out) {
    ws();
    if (pos_ >= n_ || p_[pos_] != '"') return fail("a string expected");
    ++pos_;
    out.clear();
    while (true) {
      if (pos_ >= n_) return fail("a string is not closed");
      const unsigned char c = static_cast<unsigned char>(p_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return fail("a control character inside a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= n_) return fail("a string is not closed");
      const char e = p_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo = 0;
            if (pos_ + 2 > n_ || p_[pos_] != '\\' || p_[pos_ + 1] != 'u')
              return fail("an unpaired surrogate in a string");
            pos_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("an unpaired surrogate in a string");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("an unpaired surrogate in a string");
          }
          utf8(cp, out);
          break;
        }
        default:
          return fail("an unknown escape in a string");
      }
    }
  }

  // A non-negative integer without fraction or exponent, at most kMaxDim.
  bool uint(std::uint64_t& v, const char* what) {
    ws();
    if (pos_ >= n_ || p_[pos_] < '0' || p_[pos_] > '9')
      return fail(std::string(what) + " must be a whole number 0 or more");
    if (p_[pos_] == '0' && pos_ + 1 < n_ && p_[pos_ + 1] >= '0' && p_[pos_ + 1] <= '9')
      return fail("a number with a leading zero");
    v = 0;
    while (pos_ < n_ && p_[pos_] >= '0' && p_[pos_] <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(p_[pos_++] - '0');
      if (v > kMaxDim) return fail(std::string(what) + " is absurdly large");
    }
    if (pos_ < n_ && (p_[pos_] == '.' || p_[pos_] == 'e' || p_[pos_] == 'E'))
      return fail(std::string(what) + " must be a whole number 0 or more");
    return true;
  }

  // Any JSON value, validated and dropped.
  bool skip_value(int depth) {
    if (depth > kMaxJsonDepth) return fail("nested deeper than " + std::to_string(kMaxJsonDepth));
    ws();
    if (pos_ >= n_) return fail("a value expected");
    const char c = p_[pos_];
    if (c == '"') {
      std::string s;
      return string(s);
    }
    if (c == '{') {
      ++pos_;
      if (peek('}')) return expect('}');
      while (true) {
        std::string k;
        if (!string(k) || !expect(':') || !skip_value(depth + 1)) return false;
        if (peek(',')) {
          ++pos_;
          continue;
        }
        return expect('}');
      }
    }
    if (c == '[') {
      ++pos_;
      if (peek(']')) return expect(']');
      while (true) {
        if (!skip_value(depth + 1)) return false;
        if (peek(',')) {
          ++pos_;
          continue;
        }
        return expect(']');
      }
    }
    if (literal("true") || literal("false") || literal("null")) return true;
    return number();
  }

  bool fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(pos_) + " of the header";
    return false;
  }

 private:
  bool literal(const char* word) {
    const std::size_t len = std::strlen(word);
    if (n_ - pos_ >= len && std::memcmp(p_ + pos_, word, len) == 0) {
      pos_ += len;
      return true;
    }
    return false;
  }
  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < n_ && p_[pos_] >= '0' && p_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }
  bool number() {
    if (pos_ < n_ && p_[pos_] == '-') ++pos_;
    if (pos_ < n_ && p_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("a value expected");
    }
    if (pos_ < n_ && p_[pos_] == '.') {
      ++pos_;
      if (!digits()) return fail("a malformed number");
    }
    if (pos_ < n_ && (p_[pos_] == 'e' || p_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < n_ && (p_[pos_] == '+' || p_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("a malformed number");
    }
    return true;
  }
  bool hex4(std::uint32_t& v) {
    if (n_ - pos_ < 4) return fail("a short \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = p_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return fail("a malformed \\u escape");
      }
    }
    return true;
  }
  static void utf8(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  const char* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Whether bytes are well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(const std::uint8_t* p, std::size_t n, std::size_t& bad) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = p[i];
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      bad = i;
      return false;
    }
    if (n - i < len) {
      bad = i;
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        bad = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      bad = i;
      return false;
    }
    i += len;
  }
  return true;
}

// One tensor entry: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}. Unknown keys
// are validated and ignored (later versions of the format may add some).
bool read_entry(JsonReader& j, TensorInfo& t) {
  if (!j.expect('{')) return false;
  bool have_dtype = false, have_shape = false, have_offsets = false;
  if (!j.peek('}')) {
    while (true) {
      std::string key;
      if (!j.string(key) || !j.expect(':')) return false;
      if (key == "dtype") {
        if (have_dtype) return j.fail("\"dtype\" appears twice in " + quote(t.name));
        have_dtype = true;
        if (!j.string(t.dtype)) return false;
      } else if (key == "shape") {
        if (have_shape) return j.fail("\"shape\" appears twice in " + quote(t.name));
        have_shape = true;
        if (!j.expect('[')) return false;
        if (!j.peek(']')) {
          while (true) {
            std::uint64_t d = 0;
            if (!j.uint(d, "a dimension")) return false;
            if (t.shape.size() >= static_cast<std::size_t>(kMaxRank))
              return j.fail(quote(t.name) + " has more than " + std::to_string(kMaxRank) +
                            " dimensions");
            t.shape.push_back(static_cast<std::int64_t>(d));
            if (j.peek(',')) {
              j.expect(',');
              continue;
            }
            break;
          }
        }
        if (!j.expect(']')) return false;
      } else if (key == "data_offsets") {
        if (have_offsets) return j.fail("\"data_offsets\" appears twice in " + quote(t.name));
        have_offsets = true;
        if (!j.expect('[') || !j.uint(t.data_begin, "an offset") || !j.expect(',') ||
            !j.uint(t.data_end, "an offset") || !j.expect(']'))
          return false;
      } else if (!j.skip_value(2)) {
        return false;
      }
      if (j.peek(',')) {
        j.expect(',');
        continue;
      }
      break;
    }
  }
  if (!j.expect('}')) return false;
  if (!have_dtype || !have_shape || !have_offsets)
    return j.fail(quote(t.name) + " lacks " +
                  (!have_dtype   ? "\"dtype\""
                   : !have_shape ? "\"shape\""
                                 : "\"data_offsets\""));
  return true;
}

Result<TensorFileContents> list_safetensors(const std::uint8_t* data, std::size_t size) {
  using R = Result<TensorFileContents>;
  if (size < 8) return R::fail("the file is too short to be a .safetensors file");
  const std::uint64_t header_len = le64(data);
  if (header_len > kMaxSafetensorsHeader)
    return R::fail("the .safetensors header claims " + std::to_string(header_len) + " bytes (" +
                   mb(header_len) + "); headers over " + mb(kMaxSafetensorsHeader) +
                   " are refused");
  if (header_len > size - 8)
    return R::fail("the .safetensors file is truncated: its header claims " +
                   std::to_string(header_len) + " bytes but only " + std::to_string(size - 8) +
                   " follow");
  const std::uint8_t* header = data + 8;
  std::size_t bad = 0;
  if (!valid_utf8(header, static_cast<std::size_t>(header_len), bad))
    return R::fail("the .safetensors header is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  const std::uint64_t data_start = 8 + header_len;
  const std::uint64_t data_size = size - data_start;

  JsonReader j(reinterpret_cast<const char*>(header), static_cast<std::size_t>(header_len));
  TensorFileContents out;
  out.format = TensorFileFormat::safetensors;
  bool have_metadata = false;
  bool ok = j.expect('{');
  if (ok && !j.peek('}')) {
    while (ok) {
      std::string name;
      if (!j.string(name) || !j.expect(':')) {
        ok = false;
        break;
      }
      if (name == "__metadata__") {
        if (have_metadata) {
          ok = j.fail("\"__metadata__\" appears twice");
          break;
        }
        have_metadata = true;
        if (!j.peek('{')) {
          ok = j.fail("\"__metadata__\" is not an object");
          break;
        }
        ok = j.skip_value(1);
      } else {
        if (out.tensors.size() >= kMaxTensors) {
          ok = j.fail("more than " + std::to_string(kMaxTensors) + " tensors");
          break;
        }
        TensorInfo t;
        t.name = std::move(name);
        ok = read_entry(j, t);
        if (ok) out.tensors.push_back(std::move(t));
      }
      if (!ok) break;
      if (j.peek(',')) {
        j.expect(',');
        continue;
      }
      break;
    }
  }
  if (ok) ok = j.expect('}');
  if (ok && !j.at_end()) ok = j.fail("text follows the closing '}'");
  if (!ok) return R::fail("the .safetensors header is not valid: " + j.error());

  // Duplicate names: sorted copy of the names, neighbours compared.
  std::vector<const TensorInfo*> by_name;
  by_name.reserve(out.tensors.size());
  for (const TensorInfo& t : out.tensors) by_name.push_back(&t);
  std::sort(by_name.begin(), by_name.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->name < b->name; });
  for (std::size_t i = 1; i < by_name.size(); ++i)
    if (by_name[i]->name == by_name[i - 1]->name)
      return R::fail("the .safetensors header names tensor " + quote(by_name[i]->name) + " twice");

  for (TensorInfo& t : out.tensors) {
    const DTypeInfo dt = safetensors_dtype(t.dtype);
    if (dt.size == 0)
      return R::fail("tensor " + quote(t.name) + " has dtype " + quote(t.dtype) +
                     ", which is not a safetensors dtype");
    if (t.data_begin > t.data_end)
      return R::fail("tensor " + quote(t.name) + " has data_offsets [" +
                     std::to_string(t.data_begin) + ", " + std::to_string(t.data_end) +
                     "]: the end comes before the beginning");
    if (t.data_end > data_size)
      return R::fail("tensor " + quote(t.name) + " has data_offsets [" +
                     std::to_string(t.data_begin) + ", " + std::to_string(t.data_end) +
                     "] past the end of the data (" + std::to_string(data_size) +
                     " bytes): the file is truncated or damaged");
    std::uint64_t count = 0;
    const std::uint64_t bytes = t.data_end - t.data_begin;
    if (!element_count(t.shape, data_size / dt.size + 1, count) || count * dt.size != bytes)
      return R::fail("tensor " + quote(t.name) + " of shape " + format_shape(t.shape) + " and " +
                     t.dtype + " would need " +
                     (element_count(t.shape, kMaxDim, count)
                          ? std::to_string(count) + " x " + std::to_string(dt.size) + " bytes"
                          : std::string("more bytes than any file holds")) +
                     ", but its data_offsets give " + std::to_string(bytes));
    t.data_begin += data_start;
    t.data_end += data_start;
  }
  // Overlaps: tensors sorted by where their data begins; each must begin at or after the end of
  // the one before (empty tensors occupy nothing).
  std::vector<const TensorInfo*> by_offset;
  for (const TensorInfo& t : out.tensors)
    if (t.data_end > t.data_begin) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->data_begin < b->data_begin; });
  for (std::size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->data_begin < by_offset[i - 1]->data_end)
      return R::fail("tensors " + quote(by_offset[i - 1]->name) + " and " +
                     quote(by_offset[i]->name) + " overlap in the file's data");
  return R::ok(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Banks

// Why a tensor cannot be a bank, or "".
std::string bank_problem(const TensorInfo& t, TensorFileFormat format) {
  const DTypeInfo dt =
      format == TensorFileFormat::npy ? npy_dtype(t.dtype) : safetensors_dtype(t.dtype);
  const std::string what = t.name.empty() ? "the array" : "tensor " + quote(t.name);
  if (dt.type == DType::other)
    return what + " has dtype " + t.dtype + "; float16, bfloat16, float32 or float64 is needed";
  const std::string shape = format_shape(t.shape);
  if (t.shape.size() != 3 && t.shape.size() != 4)
    return what + " has shape " + shape +
           "; a conv weight [N, C, kh, kw] (or [N, kh, kw] for C = 1) is needed";
  const std::int64_t n = t.shape[0];
  const std::int64_t c = t.shape.size() == 4 ? t.shape[1] : 1;
  const std::int64_t kh = t.shape[t.shape.size() - 2];
  const std::int64_t kw = t.shape[t.shape.size() - 1];
  if (n < 1 || n > kMaxBankFilters)
    return what + " has shape " + shape + ": N = " + std::to_string(n) + " filters; 1 to " +
           std::to_string(kMaxBankFilters) + " are supported";
  if (c != 1 && c != 3)
    return what + " has shape " + shape + ": C = " + std::to_string(c) +
           " input channels; 1 (gray) or 3 (RGB) are supported (a first conv layer)";
  if (kh < 1 || kh > kMaxKernelSize || kw < 1 || kw > kMaxKernelSize)
    return what + " has shape " + shape + ": the filters are " + std::to_string(kh) + " x " +
           std::to_string(kw) + "; sizes 1 to " + std::to_string(kMaxKernelSize) +
           " a side are supported";
  return "";
}

void add_problems(TensorFileContents& contents) {
  for (TensorInfo& t : contents.tensors) t.problem = bank_problem(t, contents.format);
}

std::string tensor_list(const std::vector<TensorInfo>& tensors, bool only_banks) {
  std::string s;
  std::size_t listed = 0;
  for (const TensorInfo& t : tensors) {
    if (only_banks && t.shape.size() != 4 && t.shape.size() != 3) continue;
    if (listed == 20) {
      s += ", ...";
      break;
    }
    s += (listed++ ? ", " : "") + quote(t.name) + " " + format_shape(t.shape);
  }
  return s.empty() ? "none" : s;
}

float read_element(const std::uint8_t* p, DType type) {
  switch (type) {
    case DType::f16:
      return half_to_float(le16(p));
    case DType::bf16:
      return bfloat16_to_float(le16(p));
    case DType::f32: {
      const std::uint32_t u = le32(p);
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
    case DType::f64: {
      const std::uint64_t u = le64(p);
      double d;
      std::memcpy(&d, &u, 8);
      return static_cast<float>(d);
    }
    case DType::other:
      break;
  }
  return 0.0f;
}

}  // namespace

const char* tensor_file_format_name(TensorFileFormat format) {
  return format == TensorFileFormat::npy ? "npy" : "safetensors";
}

Result<TensorFileContents> list_tensors(const std::uint8_t* data, std::size_t size) {
  using R = Result<TensorFileContents>;
  if (data == nullptr || size == 0) return R::fail("the file is empty");
  Result<TensorFileContents> contents =
      size >= kNpyMagicLen && std::memcmp(data, kNpyMagic, kNpyMagicLen) == 0 ? list_npy(data, size)
      // A safetensors file: 8 length bytes, then the JSON object's '{' (the format writes no
      // leading space).
      : size >= 9 && data[8] == '{' ? list_safetensors(data, size)
                                    : R::fail(
                                          "the file is neither a .npy file (it would start "
                                          "with \\x93NUMPY) nor a .safetensors file (an "
                                          "8-byte header length, then '{')");
  if (contents) add_problems(contents.value());
  return contents;
}

Result<std::vector<TensorInfo>> list_bank_tensors(const std::uint8_t* data, std::size_t size) {
  Result<TensorFileContents> contents = list_tensors(data, size);
  if (!contents) return Result<std::vector<TensorInfo>>::fail(contents.error());
  std::vector<TensorInfo> out;
  for (TensorInfo& t : contents.value().tensors)
    if (t.shape.size() == 4 || t.shape.size() == 3) out.push_back(std::move(t));
  return Result<std::vector<TensorInfo>>::ok(std::move(out));
}

Result<std::size_t> pick_bank_tensor(const TensorFileContents& contents,
                                     const std::string& tensor) {
  using R = Result<std::size_t>;
  const TensorInfo* pick = nullptr;
  if (contents.format == TensorFileFormat::npy) {
    // A name asked for in a .npy would be ignored: say so rather than load the array anyway.
    if (!tensor.empty())
      return R::fail("it is a .npy file, which holds one unnamed array: there is no tensor " +
                     quote(tensor) + " to choose");
    pick = &contents.tensors.front();
  } else if (!tensor.empty()) {
    for (const TensorInfo& t : contents.tensors)
      if (t.name == tensor) pick = &t;
    if (pick == nullptr)
      return R::fail("the file has no tensor named " + quote(tensor) +
                     "; its 4-D and 3-D tensors: " + tensor_list(contents.tensors, true));
  } else {
    for (std::size_t rank : {std::size_t(4), std::size_t(3)}) {
      std::vector<const TensorInfo*> candidates;
      for (const TensorInfo& t : contents.tensors)
        if (t.shape.size() == rank) candidates.push_back(&t);
      if (candidates.size() == 1) {
        pick = candidates.front();
        break;
      }
      if (candidates.size() > 1) {
        std::vector<TensorInfo> shown;
        for (const TensorInfo* t : candidates) shown.push_back(*t);
        return R::fail("the file holds " + std::to_string(candidates.size()) + " " +
                       std::to_string(rank) +
                       "-D tensors; pick one by name: " + tensor_list(shown, false));
      }
    }
    if (pick == nullptr)
      return R::fail("the file holds no 4-D tensor (a conv weight [N, C, kh, kw]); its tensors: " +
                     tensor_list(contents.tensors, false));
  }
  if (!pick->problem.empty()) return R::fail(pick->problem);
  return R::ok(static_cast<std::size_t>(pick - contents.tensors.data()));
}

Result<TensorBank> read_tensor_bank(const std::uint8_t* data, std::size_t size,
                                    const std::string& tensor, const std::string& file_stem) {
  using R = Result<TensorBank>;
  Result<TensorFileContents> listed = list_tensors(data, size);
  if (!listed) return R::fail(listed.error());
  TensorFileContents& contents = listed.value();
  Result<std::size_t> index = pick_bank_tensor(contents, tensor);
  if (!index) return R::fail(index.error());
  const TensorInfo* pick = &contents.tensors[index.value()];

  const bool npy = contents.format == TensorFileFormat::npy;
  const DTypeInfo dt = npy ? npy_dtype(pick->dtype) : safetensors_dtype(pick->dtype);
  TensorBank bank;
  bank.format = contents.format;
  bank.tensor = pick->name;
  bank.stem = sanitize_stem(npy || pick->name.empty() ? file_stem : pick->name);
  bank.dtype = pick->dtype;
  bank.shape = pick->shape;
  const bool rank4 = pick->shape.size() == 4;
  bank.count = static_cast<int>(pick->shape[0]);
  bank.channels = rank4 ? static_cast<int>(pick->shape[1]) : 1;
  bank.height = static_cast<int>(pick->shape[rank4 ? 2 : 1]);
  bank.width = static_cast<int>(pick->shape[rank4 ? 3 : 2]);
  // Bounded by the shape checks: at most 256 x 3 x 31 x 31 weights.
  const std::size_t per_filter = static_cast<std::size_t>(bank.channels) *
                                 static_cast<std::size_t>(bank.height) *
                                 static_cast<std::size_t>(bank.width);
  const std::uint8_t* p = data + static_cast<std::size_t>(pick->data_begin);
  const std::string origin = (npy ? std::string("the .npy array") : "tensor " + quote(pick->name));
  bank.filters.reserve(static_cast<std::size_t>(bank.count));
  for (int i = 0; i < bank.count; ++i) {
    Kernel k;
    k.name = bank.stem + "_" + std::to_string(i);
    k.description = "filter " + std::to_string(i) + " of " + origin + " " +
                    format_shape(pick->shape) + " " + pick->dtype;
    k.width = bank.width;
    k.height = bank.height;
    k.channels = bank.channels;
    k.weights.resize(per_filter);
    for (std::size_t w = 0; w < per_filter; ++w, p += dt.size) {
      const float v = read_element(p, dt.type);
      if (!std::isfinite(v))
        return R::fail("filter " + std::to_string(i) + " of " + origin + " " +
                       format_shape(pick->shape) + " has a weight that is not a finite number (" +
                       (std::isnan(v) ? "NaN" : "infinity") +
                       (dt.type == DType::f64 ? " or a value beyond float32's range" : "") + ")");
      k.weights[w] = v;
    }
    bank.filters.push_back(std::move(k));
  }
  bank.tensors = std::move(contents.tensors);
  return R::ok(std::move(bank));
}

std::string sanitize_stem(const std::string& name) {
  if (name.empty()) return "bank";
  // A longer name keeps its start and a checksum of the whole (the part that tells two long
  // names apart, "..._v1" and "..._v2", is often at the end): 51 characters, '_', 8 hex digits.
  std::string out = name;
  if (out.size() > kMaxStemChars) {
    char sum[9];
    std::snprintf(sum, sizeof sum, "%08x",
                  static_cast<unsigned>(
                      crc32(reinterpret_cast<const std::uint8_t*>(name.data()), name.size())));
    out = name.substr(0, kMaxStemChars - 9) + "_" + sum;
  }
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

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1F;
  std::uint32_t mant = h & 0x3FF;
  std::uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf, NaN (payload kept)
  } else if (exp != 0) {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;  // +-0
  } else {
    // Subnormal: normalise; every half subnormal is a normal float.
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400) == 0);
    bits = sign | (static_cast<std::uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3FF) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16_to_float(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace filterlens
