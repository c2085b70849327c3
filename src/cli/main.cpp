// filterlens-cli: the notebook's result from the command line. One CLI11 parser for three
// commands (see kMainUsage):
//
//   filterlens-cli [filter] IMAGE --out DIR [options]   gray.npy, <filter>.npy/.png, figure.png
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
#include "version.h"

using namespace filterlens;
using namespace filterlens::cli;

namespace {

const char kMainUsage[] =
    "Usage: filterlens-cli [filter] IMAGE --out DIR [OPTIONS]\n"
    "       filterlens-cli train --data DIR --out WEIGHTS [OPTIONS]\n"
    "       filterlens-cli eval --weights WEIGHTS --data DIR [OPTIONS]\n"
    "       filterlens-cli --list-filters | --print-pytorch [OPTIONS] | --version\n";

const char kMainDescription[] =
    "Filters IMAGE's grayscale (PIL convert('L'), scaled to [0,1]) exactly like\n"
    "torch.nn.functional.conv2d and writes gray.npy, <filter>.npy, <filter>.png and figure.png\n"
    "into DIR. A file name that starts with '-' (or is 'train', 'eval' or 'filter') goes after\n"
    "'--', options before it: filterlens-cli --out DIR -- -photo.png";

const char kFooter[] =
    "Exit status: 0 ok, 2 bad usage or parameters, 3 an input (image, data, weights) cannot be\n"
    "read, 4 the outputs cannot be written.";

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
                 "(1x1 to 15x15; repeatable; named custom1, custom2, ...)")
      ->type_name("ROWS")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--padding", o.params.padding, "padding on every side, 0-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(0, 1000));
  app.add_option("--padding-mode", o.padding_mode,
                 "zeros | reflect | replicate | circular (default zeros)")
      ->type_name("M")
      ->check(core_check(parse_padding_mode));
  app.add_option("--stride", o.params.stride, "stride, 1-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(1, 1000));
  app.add_option("--dilation", o.params.dilation, "dilation, 1-1000 (default 1)")
      ->type_name("N")
      ->check(whole_number(1, 1000));
  app.add_flag("--flip", o.params.flip, "rotate kernels 180 degrees: true convolution");
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
  app.add_flag("--print-pytorch", o.print_pytorch,
               "print the bank as runnable PyTorch code and exit");
  app.add_flag("--list-filters", o.list, "print the preset filters and exit");
}

std::vector<Kernel> build_bank(const FilterArgs& o) {
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

std::string quoted(const std::string& s) {
  return "'" + s + "'";
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

int run_filter(const FilterArgs& o) {
  const std::vector<Kernel> bank = build_bank(o);
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
  Plane gray = to_gray(image.value());
  image = Result<Image>::ok({});
  if (o.resize > 0) gray = resize_shorter_side(gray, o.resize, DecodeLimits{}.max_pixels);

  std::vector<Plane> maps;
  Status s = conv2d_bank(gray, bank, params, ConvImpl::simd, maps);
  if (!s) {
    print_error("cannot filter " + quoted(o.image) + ": " + s.error());
    return kExitUsage;
  }

  // Each output is encoded, written as a temporary and freed before the next: peak memory holds
  // the maps and one encoded file, not every output at once. Nothing takes its final name until
  // all were written (commit); a failure removes the temporaries.
  AtomicFileSet out(o.out_dir);
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
  Status written = add_npy("gray.npy", gray);
  std::vector<FigurePanel> panels{{"Original", shrink_for_figure(gray_to_u8(gray))}};
  for (std::size_t i = 0; written && i < bank.size(); ++i) {
    const Image colored = apply_colormap_compact(maps[i], colormap);
    written = add_npy(bank[i].name + ".npy", maps[i]);
    if (written) written = add(bank[i].name + ".png", encode_png(colored));
    panels.push_back({bank[i].name, shrink_for_figure(colored)});
  }
  if (written) written = add("figure.png", encode_png(compose_figure(panels, load_font())));
  if (written) written = out.commit();
  if (!written) {
    print_error(written.error());
    return kExitUnwritable;
  }
  std::printf("%s: %d x %d -> %s (", printable(o.image).c_str(), gray.width, gray.height,
              printable(o.out_dir).c_str());
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
      std::fputs(pytorch_code(build_bank(filter), params).c_str(), stdout);
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
  }
  const std::string command =
      active == &app ? "filterlens-cli" : "filterlens-cli " + active->get_name();
  std::fprintf(stderr, "Try '%s --help'.\n", command.c_str());
  return kExitUsage;
}
