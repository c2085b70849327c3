// filterlens-cli: the notebook's result from the command line.
//
//   filterlens-cli IMAGE --out DIR [options]      writes gray.npy, <filter>.npy, <filter>.png and
//                                                figure.png into DIR
// Exit codes: 0 ok, 2 bad usage or parameters, 3 image cannot be read, 4 output cannot be written.
// Outputs are all computed in memory first and written at the end, so a failure leaves no
// partial set of files behind.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cnn_commands.h"
#include "colormap.h"
#include "conv2d.h"
#include "decode.h"
#include "figure.h"
#include "file_bytes.h"
#include "image.h"
#include "kernel.h"
#include "npy.h"
#include "pytorch_code.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace fs = std::filesystem;
using namespace filterlens;

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitUnreadable = 3;
constexpr int kExitUnwritable = 4;

const char kUsage[] =
    "Usage: filterlens-cli IMAGE --out DIR [options]\n"
    "       filterlens-cli train --data DIR --out WEIGHTS [--epochs N] [--seed S]\n"
    "       filterlens-cli eval --weights WEIGHTS --data DIR\n"
    "Filters IMAGE's grayscale (PIL convert('L'), scaled to [0,1]) exactly like\n"
    "torch.nn.functional.conv2d and writes gray.npy, <filter>.npy, <filter>.png and figure.png.\n"
    "\n"
    "Options:\n"
    "  --out DIR               output directory (created if needed)\n"
    "  --filters A,B,...       preset filters (default: edge,sharpen,blur; see --list-filters)\n"
    "  --kernel \"a,b;c,d\"      a custom kernel, rows separated by ';' (repeatable; named\n"
    "                          custom1, custom2, ...)\n"
    "  --padding N             padding on every side (default 1)\n"
    "  --padding-mode M        zeros | reflect | replicate | circular (default zeros)\n"
    "  --stride N              stride (default 1)\n"
    "  --dilation N            dilation (default 1)\n"
    "  --flip                  rotate kernels 180 degrees: true convolution\n"
    "  --resize N              first resize the shorter side to N pixels (antialiased)\n"
    "  --colormap C            PNG colours: gray (per-map min..max, like imshow(cmap='gray')),\n"
    "                          diverging (0 white, negative blue, positive red), abs (|v|),\n"
    "                          clamp (values clamped to 0..1)\n"
    "  --print-pytorch         print the bank as runnable PyTorch code and exit\n"
    "  --list-filters          print the preset filters and exit\n"
    "  --help                  print this help and exit\n"
    "\n"
    "Exit status: 0 ok, 2 bad usage or parameters, 3 the image cannot be read,\n"
    "4 the outputs cannot be written.\n";

struct UsageError {
  std::string message;
};

struct Options {
  std::string image;
  std::string out_dir;
  std::vector<std::string> filter_names;
  std::vector<std::string> kernels;
  ConvParams params;
  int resize = 0;
  Colormap colormap = Colormap::gray;
  bool list = false;
  bool print_pytorch = false;
  bool help = false;
};

int parse_int(const std::string& flag, const std::string& text, int lo, int hi) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
    throw UsageError{flag + " needs a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + " (got '" + text + "')"};
  }
  return static_cast<int>(v);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      const std::size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= args.size()) throw UsageError{arg + " needs a value"};
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--list-filters") {
      o.list = true;
    } else if (arg == "--print-pytorch") {
      o.print_pytorch = true;
    } else if (arg == "--out") {
      o.out_dir = next();
    } else if (arg == "--filters") {
      for (const std::string& n : split(next(), ',')) o.filter_names.push_back(n);
    } else if (arg == "--kernel") {
      o.kernels.push_back(next());
    } else if (arg == "--padding") {
      o.params.padding = parse_int(arg, next(), 0, 1000);
    } else if (arg == "--padding-mode") {
      auto m = parse_padding_mode(next());
      if (!m) throw UsageError{m.error()};
      o.params.padding_mode = m.value();
    } else if (arg == "--stride") {
      o.params.stride = parse_int(arg, next(), 1, 1000);
    } else if (arg == "--dilation") {
      o.params.dilation = parse_int(arg, next(), 1, 1000);
    } else if (arg == "--flip") {
      o.params.flip = true;
    } else if (arg == "--resize") {
      o.resize = parse_int(arg, next(), 1, 16384);
    } else if (arg == "--colormap") {
      auto c = parse_colormap(next());
      if (!c) throw UsageError{c.error()};
      o.colormap = c.value();
    } else if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      throw UsageError{"unknown option '" + arg + "'"};
    } else if (o.image.empty()) {
      o.image = arg;
    } else {
      throw UsageError{"only one IMAGE can be given (got '" + o.image + "' and '" + arg + "')"};
    }
  }
  return o;
}

std::vector<Kernel> build_bank(const Options& o) {
  std::vector<Kernel> bank;
  for (const std::string& name : o.filter_names) {
    auto k = find_preset(name);
    if (!k) throw UsageError{k.error()};
    bank.push_back(k.value());
  }
  for (std::size_t i = 0; i < o.kernels.size(); ++i) {
    auto k = parse_kernel(o.kernels[i], "custom" + std::to_string(i + 1));
    if (!k) throw UsageError{"--kernel: " + k.error()};
    bank.push_back(k.value());
  }
  if (bank.empty()) bank = default_bank();
  for (std::size_t i = 0; i < bank.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (bank[i].name == bank[j].name)
        throw UsageError{"filter '" + bank[i].name + "' is listed twice"};
  return bank;
}

void list_filters() {
  for (const Kernel& k : kernel_presets()) {
    std::printf("%-13s %2dx%-2d  %s\n", k.name.c_str(), k.height, k.width, k.description.c_str());
  }
}

void append_bytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<unsigned char>*>(ctx);
  out->insert(out->end(), static_cast<unsigned char*>(data),
              static_cast<unsigned char*>(data) + size);
}

std::vector<unsigned char> encode_png(const Image& im) {
  std::vector<unsigned char> out;
  stbi_write_png_to_func(append_bytes, &out, im.width, im.height, im.channels, im.pixels.data(),
                         im.width * im.channels);
  return out;
}

Image gray_to_u8(const Plane& p) {
  Image im{p.width, p.height, 1, {}};
  im.pixels.reserve(p.data.size());
  for (float v : p.data)
    im.pixels.push_back(
        static_cast<std::uint8_t>(std::lround(std::fmin(std::fmax(v, 0.0f), 1.0f) * 255.0f)));
  return im;
}

struct OutputFile {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

// Writes every file as NAME.tmp, then renames them all; on any failure removes what it wrote.
bool write_all(const std::string& dir, const std::vector<OutputFile>& files, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create directory '" + dir + "': " + ec.message();
    return false;
  }
  std::vector<fs::path> temps;
  auto cleanup = [&] {
    for (const fs::path& t : temps) fs::remove(t, ec);
  };
  for (const OutputFile& f : files) {
    const fs::path tmp = fs::path(dir) / (f.name + ".tmp");
    std::ofstream out(tmp, std::ios::binary);
    temps.push_back(tmp);
    if (!out || !out.write(reinterpret_cast<const char*>(f.bytes.data()),
                           static_cast<std::streamsize>(f.bytes.size()))) {
      error = "cannot write '" + tmp.string() + "': " + std::strerror(errno);
      cleanup();
      return false;
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    fs::rename(temps[i], fs::path(dir) / files[i].name, ec);
    if (ec) {
      error = "cannot write '" + (fs::path(dir) / files[i].name).string() + "': " + ec.message();
      for (std::size_t j = 0; j < i; ++j) fs::remove(fs::path(dir) / files[j].name, ec);
      cleanup();
      return false;
    }
  }
  return true;
}

std::vector<unsigned char> load_font() {
  Result<std::vector<std::uint8_t>> bytes = read_file_bytes(FILTERLENS_FONT);
  if (!bytes) {
    std::fprintf(stderr, "filterlens-cli: warning: font %s not found; figure titles left out\n",
                 FILTERLENS_FONT);
    return {};
  }
  return std::move(bytes).value();
}

int run(const Options& o) {
  const std::vector<Kernel> bank = build_bank(o);
  if (o.image.empty()) throw UsageError{"no IMAGE given"};
  if (o.out_dir.empty()) throw UsageError{"--out DIR is required"};

  Result<std::vector<std::uint8_t>> bytes = read_file_bytes(o.image);
  if (!bytes) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", o.image.c_str(),
                 bytes.error().c_str());
    return kExitUnreadable;
  }
  Result<Image> image = decode_image(bytes.value().data(), bytes.value().size());
  if (!image) {
    std::fprintf(stderr, "filterlens-cli: cannot read '%s': %s\n", o.image.c_str(),
                 image.error().c_str());
    return kExitUnreadable;
  }
  Plane gray = to_gray(image.value());
  if (o.resize > 0) {
    const ResizedSize size = resized_size(gray.width, gray.height, o.resize);
    const DecodeLimits limits;
    if (size.width > limits.max_pixels || size.height > limits.max_pixels ||
        size.width * size.height > limits.max_pixels) {
      std::fprintf(stderr,
                   "filterlens-cli: --resize %d would make '%s' %lld x %lld pixels; the limit is "
                   "%lld pixels\n",
                   o.resize, o.image.c_str(), static_cast<long long>(size.width),
                   static_cast<long long>(size.height), static_cast<long long>(limits.max_pixels));
      return kExitUsage;
    }
    gray = resize_shorter_side(gray, o.resize, limits.max_pixels);
  }

  std::vector<Plane> maps;
  Status s = conv2d_bank(gray, bank, o.params, ConvImpl::simd, maps);
  if (!s) {
    std::fprintf(stderr, "filterlens-cli: cannot filter '%s': %s\n", o.image.c_str(),
                 s.error().c_str());
    return kExitUsage;
  }

  std::vector<OutputFile> files;
  files.push_back({"gray.npy", encode_npy(gray)});
  std::vector<FigurePanel> panels{{"Original", gray_to_u8(gray)}};
  for (std::size_t i = 0; i < bank.size(); ++i) {
    const Image colored = apply_colormap(maps[i], o.colormap);
    files.push_back({bank[i].name + ".npy", encode_npy(maps[i])});
    files.push_back({bank[i].name + ".png", encode_png(colored)});
    panels.push_back({bank[i].name, colored});
  }
  files.push_back({"figure.png", encode_png(compose_figure(panels, load_font()))});

  std::string error;
  if (!write_all(o.out_dir, files, error)) {
    std::fprintf(stderr, "filterlens-cli: %s\n", error.c_str());
    return kExitUnwritable;
  }
  std::printf("%s: %d x %d -> %s (", o.image.c_str(), gray.width, gray.height, o.out_dir.c_str());
  for (std::size_t i = 0; i < bank.size(); ++i)
    std::printf("%s%s %dx%d", i ? ", " : "", bank[i].name.c_str(), maps[i].width, maps[i].height);
  std::printf(")\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "train") == 0)
    return filterlens::cli::run_train(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "eval") == 0)
    return filterlens::cli::run_eval(argc - 1, argv + 1);
  try {
    const Options o = parse_args(argc, argv);
    if (o.help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (o.list) {
      list_filters();
      return 0;
    }
    if (o.print_pytorch) {
      std::fputs(pytorch_code(build_bank(o), o.params).c_str(), stdout);
      return 0;
    }
    return run(o);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "filterlens-cli: %s\nTry 'filterlens-cli --help'.\n", e.message.c_str());
    return kExitUsage;
  }
}
