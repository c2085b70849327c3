// filterlens-cli: the notebook's result from the command line. One CLI11 parser for three
// commands (see kMainUsage):
//
//   filterlens-cli [filter] IMAGE --out DIR [options]   gray.npy, <filter>.npy/.png, figure.png
//   filterlens-cli IMAGE --out DIR --bank FILE ...      a model's first conv layer (.npy or
//                                                       .safetensors): <stem>_<i>.npy/.png,
//                                                       filters.png; gray or RGB input
//   filterlens-cli train --data DIR --out WEIGHTS ...   the CNN, trained (cnn_commands.cpp)
//   filterlens-cli eval --weights WEIGHTS --data DIR    its test accuracy
//
// `filter` is the default command, so the word may be left out. Exit codes: 0 ok, 2 bad usage
// or parameters, 3 an input cannot be read, 4 an output cannot be written (cli_support.h).
// Outputs are all computed in memory first and written at the end (atomic_write.h), so a
// failure leaves no partial set of files behind.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "atomic_write.h"
#include "cli_support.h"
#include "cnn_commands.h"
#include "colormap.h"
#include "conv2d.h"
#include "decode.h"
#include "figure.h"
#include "file_bytes.h"
#include "image.h"
#include "kernel.h"
#include "npy.h"
#include "png_write.h"
#include "pytorch_code.h"
#include "tensor_file.h"
#include "thread_pool.h"
#include "version.h"

using namespace filterlens;
using namespace filterlens::cli;

namespace {

const char kMainUsage[] =
    "Usage: filterlens-cli [filter] IMAGE --out DIR [OPTIONS]\n"
    "       filterlens-cli [filter] IMAGE --out DIR --bank FILE [--tensor NAME] [--input "
    "gray|rgb]\n"
    "       filterlens-cli train --data DIR --out WEIGHTS [OPTIONS]\n"
    "       filterlens-cli eval --weights WEIGHTS --data DIR [OPTIONS]\n"
    "       filterlens-cli --list-filters | --print-pytorch [OPTIONS] | --version\n";

const char kMainDescription[] =
    "Filters IMAGE's grayscale (PIL convert('L'), scaled to [0,1]) exactly like\n"
    "torch.nn.functional.conv2d and writes gray.npy, <filter>.npy, <filter>.png and figure.png\n"
    "into DIR. With --bank, the filters are a conv weight [N, C, kh, kw] from a .npy or\n"
    ".safetensors file (C = 1 on the gray image, C = 3 on the RGB channels, ToTensor() of\n"
    "convert('RGB')); the maps are <stem>_<i>.npy/.png and filters.png shows the filters.\n"
    "A JPEG with an EXIF orientation is turned upright first (PIL's ImageOps.exif_transpose).\n"
    "A file name that starts with '-' (or is 'train', 'eval' or 'filter') goes after\n"
    "'--', options before it: filterlens-cli --out DIR -- -photo.png";

const char kFooter[] =
    "Exit status: 0 ok, 2 bad usage or parameters (a bank's shape, or its C against --input),\n"
    "3 an input (image, bank file, data, weights) cannot be read, 4 the outputs cannot be\n"
    "written.";

// CLI11's help with our usage lines first (it would print "Usage: NAME [OPTIONS] [SUBCOMMAND]",
// which cannot say that IMAGE and --out belong together or that `filter` is implied).
class Formatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string) const override {
    if (app->get_parent() == nullptr) return kMainUsage;
    if (app->get_name() == "train")
      return "Usage: filterlens-cli train --data DIR --out WEIGHTS [OPTIONS]\n";
    return "Usage: filterlens-cli eval --weights WEIGHTS --data DIR [OPTIONS]\n";
  }
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::stringstream out;
    out << make_usage(app, name) << "\n"
        << make_description(app) << make_positionals(app) << make_groups(app, mode)
        << make_subcommands(app, mode) << '\n'
        << make_footer(app);
    return out.str();
  }
};

struct FilterArgs {
  std::string image;
  std::string out_dir;
  std::vector<std::string> filter_names;
  std::vector<std::string> kernels;
  ConvParams params;
  int resize = 0;
  std::string padding_mode = "zeros";
  std::string colormap = "gray";
  bool list = false;
  bool print_pytorch = false;
  std::string bank_file;
  std::string tensor;
  std::string input = "auto";
  std::string filter_scale = "symmetric";
  int threads = 0;  // 0: every hardware thread
};

// A CLI11 check from one of the core's name parsers (its error is the message).
template <class Parse>
CLI::Validator core_check(Parse parse) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto r = parse(text);
        return r ? std::string() : r.error();
      },
      "");
}

void add_filter_options(CLI::App& app, FilterArgs& o) {
  app.add_option("IMAGE", o.image, "the image (PNG, JPEG, BMP, GIF, TGA, PSD, HDR, PNM)")
      ->type_name("");
  app.add_option("--out", o.out_dir, "output directory (created if needed)")->type_name("DIR");
  app.add_option("--filters", o.filter_names,
                 "preset filters, comma-separated (default: edge,sharpen,blur;\n"
                 "see --list-filters); repeatable")
      ->type_name("A,B,...")
      ->delimiter(',')
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--kernel", o.kernels,
                 "a custom kernel, rows separated by ';', e.g. \"-1,0,1;-2,0,2;-1,0,1\"\n"
                 "(1x1 to 31x31; repeatable; named custom1, custom2, ...)")
      ->type_name("ROWS")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--padding", o.params.padding, "padding on every side, 0-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(0, kMaxConvParam));
  app.add_option("--padding-mode", o.padding_mode,
                 "zeros | reflect | replicate | circular (default zeros)")
      ->type_name("M")
      ->check(core_check(parse_padding_mode));
  app.add_option("--stride", o.params.stride, "stride, 1-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(1, kMaxConvParam));
  app.add_option("--dilation", o.params.dilation, "dilation, 1-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(1, kMaxConvParam));
  app.add_flag("--flip", o.params.flip, "rotate kernels 180 degrees: true convolution");
  app.add_option("--threads", o.threads,
                 "threads for the filter bank, 0-64 (default 0: all hardware threads);\n"
                 "the maps are the same for any number")
      ->type_name("N")
      ->check(whole_number(0, 64));
  app.add_option("--resize", o.resize,
                 "first resize the shorter side to N pixels, 1-16384 (antialiased);\n"
                 "the result must stay within the 64 MP image limit")
      ->type_name("N")
      ->check(whole_number(1, 16384));
  app.add_option("--colormap", o.colormap,
                 "PNG colours: gray (per-map min..max, like imshow(cmap='gray')),\n"
                 "diverging (0 white, negative blue, positive red), abs (|v|),\n"
                 "clamp (values clamped to 0..1); default gray")
      ->type_name("C")
      ->check(core_check(parse_colormap));
  app.add_option("--bank", o.bank_file,
                 "filters from a conv weight [N, C, kh, kw] (or [N, kh, kw]) in a .npy or\n"
                 ".safetensors file: C 1 or 3, kh and kw 1-31, N 1-256; float16/32/64\n"
                 "(and bfloat16 in .safetensors). Replaces the default bank; --filters\n"
                 "and --kernel add C = 1 filters after the file's")
      ->type_name("FILE");
  app.add_option("--tensor", o.tensor,
                 "the .safetensors tensor to load (default: the only 4-D one)")
      ->type_name("NAME");
  app.add_option("--input", o.input,
                 "gray (PIL convert('L')) or rgb (convert('RGB'), 3 channels); default:\n"
                 "rgb when the --bank filters have C = 3, else gray")
      ->type_name("I")
      ->check(CLI::IsMember({"auto", "gray", "rgb"}));
  app.add_option("--filter-scale", o.filter_scale,
                 "filters.png tiles: symmetric (0 mid gray, +-max|w| white/black;\n"
                 "default) or minmax (each filter's min..max to black..white)")
      ->type_name("S")
      ->check(CLI::IsMember({"symmetric", "minmax"}));
  app.add_flag("--print-pytorch", o.print_pytorch,
               "print the bank as runnable PyTorch code and exit");
  app.add_flag("--list-filters", o.list, "print the preset filters and exit");
}

// A bank file's failure: the exit code tells an unreadable or damaged file (3) from a file
// whose tensor does not fit (2: its shape, a missing or ambiguous --tensor).
struct BankFileError {
  int exit_code;
  std::string message;
};

struct FileBank {
  TensorBank bank;
  PyTorchFileBank code;
};

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

FileBank load_bank_file(const FilterArgs& o) {
  const std::string what = "bank file " + quoted(o.bank_file);
  Result<std::vector<std::uint8_t>> bytes = read_file_bytes(o.bank_file);
  if (!bytes) throw BankFileError{kExitUnreadable, "cannot read " + what + ": " + bytes.error()};
  const std::vector<std::uint8_t>& b = bytes.value();
  Result<TensorFileContents> contents = list_tensors(b.data(), b.size());
  if (!contents)
    throw BankFileError{kExitUnreadable, "cannot read " + what + ": " + contents.error()};
  if (contents.value().format == TensorFileFormat::npy && !o.tensor.empty())
    throw BankFileError{kExitUsage, "--tensor " + quoted(o.tensor) + ": " + what +
                                        " is a .npy file, which holds one unnamed array"};
  Result<std::size_t> pick = pick_bank_tensor(contents.value(), o.tensor);
  if (!pick)
    throw BankFileError{
        kExitUsage,
        what + ": " + pick.error() +
            // Only a choice among tensors is helped by --tensor (not a shape).
            (pick.error().rfind("the file ", 0) == 0 ? " (choose with --tensor NAME)" : "")};
  Result<TensorBank> bank = read_tensor_bank(b.data(), b.size(), o.tensor, path_stem(o.bank_file));
  if (!bank) throw BankFileError{kExitUnreadable, "cannot read " + what + ": " + bank.error()};
  FileBank out{std::move(bank).value(), {}};
  out.code.path = o.bank_file;
  out.code.format = out.bank.format;
  out.code.tensor = out.bank.tensor;
  out.code.shape = out.bank.shape;
  for (const Kernel& k : out.bank.filters) out.code.filter_names.push_back(k.name);
  return out;
}

// The input's channel count: --input, or (auto) the file bank's C.
int input_channels(const FilterArgs& o, const FileBank* file) {
  if (o.input == "rgb") return 3;
  if (o.input == "gray") return 1;
  return file && file->bank.channels == 3 ? 3 : 1;
}

// Every filter's C against the input's, before anything is read or computed: torch's own error,
// with the way out. The bank's first `from_file` filters came from --bank; the others are presets
// and --kernel filters, which are gray-only.
void check_bank_channels(const std::vector<Kernel>& bank, int channels, std::size_t from_file) {
  for (std::size_t i = 0; i < bank.size(); ++i) {
    const Kernel& k = bank[i];
    if (k.channels == channels) continue;
    throw UsageError{"filter '" + k.name + "' has C = " + std::to_string(k.channels) +
                     " input channels but the input is " + (channels == 3 ? "rgb" : "gray") +
                     " (C = " + std::to_string(channels) + "); " +
                     (k.channels == 3 ? "use --input rgb" : "use --input gray") +
                     (k.channels == 1 && channels == 3 && i >= from_file
                          ? " (presets and --kernel filters are gray-only)"
                          : std::string())};
  }
}

std::vector<Kernel> build_bank(const FilterArgs& o, const FileBank* file = nullptr) {
  std::vector<Kernel> bank;
  if (file) bank = file->bank.filters;
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
  if (bank.empty()) bank = default_bank();  // only without --bank (a file has 1+ filters)
  if (bank.size() > static_cast<std::size_t>(kMaxBankFilters))
    throw UsageError{"the bank has " + std::to_string(bank.size()) + " filters; at most " +
                     std::to_string(kMaxBankFilters) +
                     " (--filters, --kernel and --bank together)"};
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

Image gray_to_u8(const Plane& p) {
  Image im{p.width, p.height, 1, {}};
  im.pixels.reserve(p.data.size());
  for (float v : p.data)
    im.pixels.push_back(
        static_cast<std::uint8_t>(std::lround(std::fmin(std::fmax(v, 0.0f), 1.0f) * 255.0f)));
  return im;
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

// --resize is held to the decoder's pixel limit, from the decoded size and before anything is
// allocated; the message gives both sizes.
void check_resize(int width, int height, int n) {
  const ResizedSize size = resized_size(width, height, n);
  const std::int64_t limit = DecodeLimits{}.max_pixels;
  // Each side is at most 16384 * 2^31, so the product cannot overflow 64 bits.
  if (size.width * size.height > limit)
    throw UsageError{"--resize " + std::to_string(n) + " would turn the " + std::to_string(width) +
                     " x " + std::to_string(height) + " image into " + std::to_string(size.width) +
                     " x " + std::to_string(size.height) + " = " +
                     std::to_string(size.width * size.height) + " pixels; the limit is " +
                     std::to_string(limit) + " pixels"};
}

// An RGB figure panel from the three planes in [0, 1].
Image rgb_to_u8(const RgbPlanes& p) {
  Image im{p.r.width, p.r.height, 3, {}};
  im.pixels.reserve(p.r.data.size() * 3);
  for (std::size_t i = 0; i < p.r.data.size(); ++i)
    for (const Plane* c : {&p.r, &p.g, &p.b})
      im.pixels.push_back(static_cast<std::uint8_t>(
          std::lround(std::fmin(std::fmax(c->data[i], 0.0f), 1.0f) * 255.0f)));
  return im;
}

// figure.png puts the original and the maps in one row: a 64-filter bank would make it tens of
// thousands of pixels wide, so a file bank's figure shows its first maps only (all of them are
// written as files, and filters.png shows every filter).
constexpr std::size_t kMaxFigureMaps = 8;

int run_filter(const FilterArgs& o) {
  std::optional<FileBank> file;
  if (!o.bank_file.empty()) {
    try {
      file = load_bank_file(o);
    } catch (const BankFileError& e) {
      print_error(e.message);
      if (e.exit_code == kExitUsage) std::fprintf(stderr, "Try 'filterlens-cli --help'.\n");
      return e.exit_code;
    }
  } else if (!o.tensor.empty()) {
    throw UsageError{"--tensor needs --bank FILE"};
  }
  const std::vector<Kernel> bank = build_bank(o, file ? &*file : nullptr);
  const int channels = input_channels(o, file ? &*file : nullptr);
  check_bank_channels(bank, channels, file ? file->bank.filters.size() : 0);
  if (o.image.empty()) throw UsageError{"no IMAGE given"};
  if (o.out_dir.empty()) throw UsageError{"--out DIR is required"};
  ConvParams params = o.params;
  params.padding_mode = parse_padding_mode(o.padding_mode).value();
  const Colormap colormap = parse_colormap(o.colormap).value();

  Result<std::vector<std::uint8_t>> bytes = read_file_bytes(o.image);
  if (!bytes) {
    print_error("cannot read " + quoted(o.image) + ": " + bytes.error());
    return kExitUnreadable;
  }
  Result<Image> image = decode_image(bytes.value().data(), bytes.value().size());
  bytes = Result<std::vector<std::uint8_t>>::ok({});  // the file's bytes are not needed any more
  if (!image) {
    print_error("cannot read " + quoted(o.image) + ": " + image.error());
    return kExitUnreadable;
  }
  if (o.resize > 0) check_resize(image.value().width, image.value().height, o.resize);
  Plane gray;
  RgbPlanes rgb;
  if (channels == 3) {
    rgb = to_rgb_planes(image.value());
  } else {
    gray = to_gray(image.value());
  }
  image = Result<Image>::ok({});
  if (o.resize > 0) {
    const std::int64_t limit = DecodeLimits{}.max_pixels;
    if (channels == 3) {
      for (Plane* c : {&rgb.r, &rgb.g, &rgb.b}) *c = resize_shorter_side(*c, o.resize, limit);
    } else {
      gray = resize_shorter_side(gray, o.resize, limit);
    }
  }
  const Plane& first = channels == 3 ? rgb.r : gray;
  const ConvInput input = channels == 3 ? ConvInput::rgb(rgb) : ConvInput::gray(gray);

  std::vector<Plane> maps;
  set_shared_pool_threads(o.threads);
  BankRun run;
  run.pool = &shared_pool();
  Status s = conv2d_bank(input, bank, params, ConvImpl::simd, maps, run);
  if (!s) {
    print_error("cannot filter " + quoted(o.image) + ": " + s.error());
    return kExitUsage;
  }

  // Each output is encoded, written as a temporary and freed before the next: peak memory holds
  // the maps and one encoded file, not every output at once. Nothing takes its final name until
  // all were written (commit); a failure removes the temporaries.
  AtomicFileSet out(o.out_dir);
  out.protect(o.image, "the input image");
  if (!o.bank_file.empty()) out.protect(o.bank_file, "the bank file read");
  auto add = [&](const std::string& name, const std::vector<std::uint8_t>& encoded) {
    if (encoded.empty()) return Status::fail("cannot encode " + name + " (out of memory?)");
    return out.add(name, encoded);
  };
  // A .npy is its header and then the plane's floats, streamed from the plane itself where the
  // host is little-endian like the format (no 4-bytes-per-pixel copy of a 64 MP map).
  auto add_npy = [&](const std::string& name, const Plane& plane) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const std::vector<std::uint8_t> header = npy_header(plane);
    return out.add(name, {{header.data(), header.size()},
                          {reinterpret_cast<const std::uint8_t*>(plane.data.data()),
                           plane.data.size() * sizeof(float)}});
#else
    return add(name, encode_npy(plane));
#endif
  };
  Status written = Status::ok();
  std::vector<FigurePanel> panels;
  if (channels == 3) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const std::vector<std::uint8_t> header = npy_array_header({3, rgb.r.height, rgb.r.width});
    const std::size_t plane_bytes = rgb.r.data.size() * sizeof(float);
    written = out.add("rgb.npy",
                      {{header.data(), header.size()},
                       {reinterpret_cast<const std::uint8_t*>(rgb.r.data.data()), plane_bytes},
                       {reinterpret_cast<const std::uint8_t*>(rgb.g.data.data()), plane_bytes},
                       {reinterpret_cast<const std::uint8_t*>(rgb.b.data.data()), plane_bytes}});
#else
#error "rgb.npy is written from the planes' memory: a little-endian host is assumed"
#endif
    panels.push_back({"Original", shrink_for_figure(rgb_to_u8(rgb))});
  } else {
    written = add_npy("gray.npy", gray);
    panels.push_back({"Original", shrink_for_figure(gray_to_u8(gray))});
  }
  for (std::size_t i = 0; written && i < bank.size(); ++i) {
    const Image colored = apply_colormap_compact(maps[i], colormap);
    written = add_npy(bank[i].name + ".npy", maps[i]);
    if (written) written = add(bank[i].name + ".png", encode_png(colored));
    if (!file || panels.size() <= kMaxFigureMaps)
      panels.push_back({bank[i].name, shrink_for_figure(colored)});
  }
  if (written) written = add("figure.png", encode_png(compose_figure(panels, load_font())));
  if (written && file) {
    const FilterScale scale =
        o.filter_scale == "minmax" ? FilterScale::min_max : FilterScale::symmetric;
    written = add("filters.png", encode_png(filter_tiles(bank, scale)));
  }
  if (written) written = out.commit();
  if (!written) {
    print_error(written.error());
    return kExitUnwritable;
  }
  std::printf("%s: %d x %d%s -> %s (", printable(o.image).c_str(), first.width, first.height,
              channels == 3 ? " rgb" : "", printable(o.out_dir).c_str());
  if (file)
    std::printf("%s %s %s, ",
                printable(file->bank.tensor.empty() ? o.bank_file : file->bank.tensor).c_str(),
                format_shape(file->bank.shape).c_str(), file->bank.dtype.c_str());
  for (std::size_t i = 0; i < bank.size(); ++i)
    std::printf("%s%s %dx%d", i ? ", " : "", bank[i].name.c_str(), maps[i].width, maps[i].height);
  std::printf(")\n");
  return kExitOk;
}

// The filter command's options given together with train/eval are a mistake worth naming.
void refuse_filter_options(const CLI::App& app, const CLI::App& sub) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() > 0)
      throw UsageError{
          (opt->get_positional() ? "IMAGE '" + opt->as<std::string>() + "'" : opt->get_name()) +
          " belongs to the filter command, not to '" + sub.get_name() + "'"};
  }
}

// CLI11's message for a parse error, in our words where CLI11's would puzzle.
std::string parse_error_message(const CLI::App& app, const CLI::App& active,
                                const CLI::ParseError& e) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    const std::vector<std::string> rest = app.remaining(true);
    const bool filter = &active == &app;
    for (const std::string& arg : rest) {
      if (arg.size() > 1 && arg[0] == '-')
        return "unknown option '" + arg + "'" +
               (filter ? "; a file name that starts with '-' goes after '--', options before "
                         "it: filterlens-cli --out DIR -- " +
                             arg
                       : std::string());
    }
    if (rest.empty()) return what;
    return "unexpected argument '" + rest.front() + "'" +
           (filter ? " (one IMAGE per run)"
                   : " ('" + active.get_name() + "' takes options only; see its --help)");
  }
  // "--padding: 1 required N missing" -> "--padding needs a value"; our checks' "--seed: needs
  // a whole number ..." -> "--seed needs a whole number ...".
  const std::size_t colon = what.find(": ");
  if (dynamic_cast<const CLI::ValidationError*>(&e) && colon != std::string::npos &&
      what.compare(colon + 2, 6, "needs ") == 0)
    return what.substr(0, colon) + what.substr(colon + 1);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && colon != std::string::npos &&
      what.size() > 8 && what.compare(what.size() - 8, 8, " missing") == 0)
    return what.substr(0, colon) + " needs a value";
  return what;
}

}  // namespace

int main(int argc, char** argv) {
  // `filter` is the default command: the word itself is accepted and dropped.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "filter") args.erase(args.begin());

  CLI::App app(kMainDescription, "filterlens-cli");
  auto formatter = std::make_shared<Formatter>();
  formatter->column_width(26);
  app.formatter(formatter);
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("filterlens-cli ") + kVersion,
                       "print the version and exit");
  app.set_help_flag("-h,--help", "print this help and exit");
  FilterArgs filter;
  TrainArgs train_args;
  EvalArgs eval_args;
  add_filter_options(app, filter);
  CLI::App* train = add_train_command(app, train_args);
  CLI::App* eval = add_eval_command(app, eval_args);
  for (CLI::App* sub : {train, eval}) {
    sub->set_help_flag("-h,--help", "print this help and exit");
    sub->footer(kFooter);
  }
  app.require_subcommand(0, 1);

  const CLI::App* active = &app;
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
    app.parse(args);
    if (train->parsed()) active = train;
    if (eval->parsed()) active = eval;
    if (active != &app) refuse_filter_options(app, *active);
    if (active == train) return run_train(train_args);
    if (active == eval) return run_eval(eval_args);
    if (filter.list) {
      list_filters();
      return kExitOk;
    }
    if (filter.print_pytorch) {
      ConvParams params = filter.params;
      params.padding_mode = parse_padding_mode(filter.padding_mode).value();
      std::optional<FileBank> file;
      if (!filter.bank_file.empty()) {
        try {
          file = load_bank_file(filter);
        } catch (const BankFileError& e) {
          print_error(e.message);
          return e.exit_code;
        }
      }
      const std::vector<Kernel> bank = build_bank(filter, file ? &*file : nullptr);
      PyTorchCodeOptions options;
      options.rgb = input_channels(filter, file ? &*file : nullptr) == 3;
      check_bank_channels(bank, options.rgb ? 3 : 1, file ? file->bank.filters.size() : 0);
      if (file) options.files.push_back(file->code);
      std::fputs(pytorch_code(bank, params, options).c_str(), stdout);
      return kExitOk;
    }
    return run_filter(filter);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: stdout, exit 0
    if (train->parsed()) active = train;
    if (eval->parsed()) active = eval;
    print_error(parse_error_message(app, *active, e));
  } catch (const UsageError& e) {
    print_error(e.message);
  } catch (const std::bad_alloc&) {
    // Sizes from files are bounded before anything is allocated, but a small image with a large
    // padding or many filters can still ask for more memory than the machine gives.
    if (train->parsed() || eval->parsed())
      print_error("out of memory: this machine could not give the memory this run needs");
    else
      print_error(
          "out of memory: the maps of this image and bank do not fit in this machine's "
          "memory; use fewer filters, less padding or a smaller image (--resize)");
    return kExitUsage;
  }
  const std::string command =
      active == &app ? "filterlens-cli" : "filterlens-cli " + active->get_name();
  std::fprintf(stderr, "Try '%s --help'.\n", command.c_str());
  return kExitUsage;
}
