// pytorch_code: one torch.tensor per kernel (sizes may differ), one F.conv2d call per kernel.
#include "pytorch_code.h"

#include <cstdint>
#include <cstdio>

#include "text.h"

namespace filterlens {
namespace {

std::string number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep torch's dtype float
  return s;
}

// `s` as a Python 3 string literal: backslash and quote escaped, printable UTF-8 as it is, other
// characters (controls such as a newline, C1, U+2028) as \xNN / \uNNNN, and a byte that is not
// UTF-8 as \udcNN, the "surrogate escape" Python gives such a byte of a file name (os.fsdecode),
// so a path still opens its file. No name from a file can end the literal or the line (which
// would make the rest of it code).
std::string python_string(const std::string& s) {
  std::string out = "'";
  char escape[16];
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    const std::size_t len = c >= 0x80 ? utf8_sequence(s, i, cp) : 1;
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if ((c >= 0x20 && c < 0x7F) || (len > 1 && printable_code_point(cp))) {
      out.append(s, i, len);
    } else {
      // Every code point the printable rule refuses is below U+10000.
      std::snprintf(escape, sizeof escape,
                    len == 0     ? "\\udc%02x"
                    : cp < 0x100 ? "\\x%02x"
                                 : "\\u%04x",
                    len == 0 ? static_cast<unsigned>(c) : static_cast<unsigned>(cp));
      out += escape;
    }
    i += len == 0 ? 1 : len;
  }
  return out + "'";
}

// The line that computes every map from `weights` with the parameters: nn.Conv2d's padding_mode
// pads first, then convolves without padding. `weight` shapes one weights entry for F.conv2d.
std::string conv2d_call(const ConvParams& p, const std::string& weight) {
  const std::string pad = std::to_string(p.padding);
  std::string input = "img";
  std::string padding_arg = ", padding=" + pad;
  if (p.padding_mode != PaddingMode::zeros && p.padding > 0) {
    input = "F.pad(img, (" + pad + ", " + pad + ", " + pad + ", " + pad +
            "), mode=" + python_string(padding_mode_name(p.padding_mode)) + ")";
    padding_arg = "";
  }
  return "maps = {name: F.conv2d(" + input + ", " + weight + padding_arg +
         ", stride=" + std::to_string(p.stride) + ", dilation=" + std::to_string(p.dilation) +
         ")\n        for name, w in weights.items()}\n";
}

}  // namespace

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& p) {
  std::string code =
      "import torch\n"
      "import torch.nn.functional as F\n"
      "\n"
      "# img: (1, 1, H, W) float tensor, the grayscale image in [0, 1]\n";
  if (p.flip) code += "# kernels below are already rotated by 180 degrees: true convolution\n";
  code += "weights = {\n";
  for (const Kernel& original : bank) {
    const Kernel k = p.flip ? flipped(original) : original;
    code += "    " + python_string(k.name) + ": torch.tensor([";
    for (int y = 0; y < k.height; ++y) {
      code += y ? ", [" : "[";
      for (int x = 0; x < k.width; ++x) code += (x ? ", " : "") + number(k.at(x, y));
      code += "]";
    }
    code += "]),\n";
  }
  code += "}\n";
  return code + conv2d_call(p, "w[None, None]");
}

std::string pytorch_code(const std::vector<Kernel>& bank, const ConvParams& p,
                         const PyTorchCodeOptions& options) {
  bool any_c3 = false;
  for (const Kernel& k : bank) any_c3 = any_c3 || k.channels != 1;
  if (!options.rgb && options.files.empty() && !any_c3) return pytorch_code(bank, p);

  bool npy = false, safetensors = false;
  for (const PyTorchFileBank& f : options.files)
    (f.format == TensorFileFormat::npy ? npy : safetensors) = true;
  std::string code = "import torch\nimport torch.nn.functional as F\n";
  if (npy) code += "import numpy as np\n";
  if (safetensors) code += "import json\nimport struct\n";
  code += "\n";
  code += options.rgb
              ? "# img: (1, 3, H, W) float tensor: ToTensor() of\n"
                "# ImageOps.exif_transpose(Image.open(f)).convert('RGB')\n"
              : "# img: (1, 1, H, W) float tensor, the grayscale image in [0, 1]: ToTensor() of\n"
                "# ImageOps.exif_transpose(Image.open(f)).convert('L')\n";
  if (safetensors) {
    // The format's documented layout, so the snippet needs no package beyond torch.
    code +=
        "\n"
        "def load_safetensors(path, name):\n"
        "    # u64 little-endian header length, JSON header, then the tensors' bytes\n"
        "    with open(path, 'rb') as f:\n"
        "        n = struct.unpack('<Q', f.read(8))[0]\n"
        "        info = json.loads(f.read(n))[name]\n"
        "        begin, end = info['data_offsets']\n"
        "        f.seek(8 + n + begin)\n"
        "        raw = bytearray(f.read(end - begin))\n"
        "    dtype = {'F16': torch.float16, 'BF16': torch.bfloat16, 'F32': torch.float32,\n"
        "             'F64': torch.float64}[info['dtype']]\n"
        "    return torch.frombuffer(raw, dtype=dtype).reshape(info['shape'])\n";
  }
  code += "\n";
  for (std::size_t i = 0; i < options.files.size(); ++i) {
    const PyTorchFileBank& f = options.files[i];
    const std::string var = "bank" + std::to_string(i);
    code += "# " + (f.tensor.empty() ? std::string("the array") : python_string(f.tensor)) +
            ", shape " + format_shape(f.shape) + "\n";
    if (f.format == TensorFileFormat::npy) {
      code += var + " = torch.from_numpy(np.load(" + python_string(f.path) + ")).float()\n";
    } else {
      code += var + " = load_safetensors(" + python_string(f.path) + ", " +
              python_string(f.tensor) + ").float()\n";
    }
    if (f.shape.size() == 3) code += var + " = " + var + "[:, None]  # [N, kh, kw] -> C = 1\n";
  }
  if (p.flip) code += "# every kernel is rotated by 180 degrees: true convolution\n";
  code += "weights = {  # name: [C, kh, kw]\n";
  for (const Kernel& k : bank) {
    std::string source;
    for (std::size_t i = 0; i < options.files.size() && source.empty(); ++i) {
      const auto& names = options.files[i].filter_names;
      for (std::size_t j = 0; j < names.size(); ++j)
        if (names[j] == k.name) {
          source = "bank" + std::to_string(i) + "[" + std::to_string(j) + "]";
          break;
        }
    }
    if (!source.empty()) {
      code +=
          "    " + python_string(k.name) + ": " + source + (p.flip ? ".flip(-2, -1)" : "") + ",\n";
      continue;
    }
    const Kernel f = p.flip ? flipped(k) : k;
    code += "    " + python_string(k.name) + ": torch.tensor([";
    for (int c = 0; c < f.channels; ++c) {
      code += c ? ", [" : "[";
      for (int y = 0; y < f.height; ++y) {
        code += y ? ", [" : "[";
        for (int x = 0; x < f.width; ++x) code += (x ? ", " : "") + number(f.at(x, y, c));
        code += "]";
      }
      code += "]";
    }
    code += "]),\n";
  }
  code += "}\n";
  return code + conv2d_call(p, "w[None]");
}

}  // namespace filterlens
