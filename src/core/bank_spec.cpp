// parse_bank_spec: line by line, first word is the key.
#include "bank_spec.h"

#include <sstream>

namespace filterlens {

Result<BankSpec> parse_bank_spec(const std::string& text) {
  using R = Result<BankSpec>;
  BankSpec spec;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::istringstream words(line);
    std::string key;
    if (!(words >> key)) continue;  // blank line
    const std::string where = "line " + std::to_string(number) + " (" + key + "): ";
    auto read_int = [&](int lo, int& out) -> bool {
      long long v = 0;
      std::string rest;
      if (!(words >> v) || (words >> rest) || v < lo || v > kMaxConvParam) return false;
      out = static_cast<int>(v);
      return true;
    };
    if (key == "preset") {
      std::string name;
      words >> name;
      Result<Kernel> k = find_preset(name);
      if (!k) return R::fail(where + k.error());
      spec.bank.push_back(k.value());
    } else if (key == "kernel") {
      std::string name, weights;
      words >> name;
      std::getline(words, weights);
      Result<Kernel> k = parse_kernel(weights, name);
      if (name.empty() || !k) return R::fail(where + (name.empty() ? "needs a name" : k.error()));
      spec.bank.push_back(k.value());
    } else if (key == "padding") {
      if (!read_int(0, spec.params.padding))
        return R::fail(where + "needs a number from 0 to 1000");
    } else if (key == "stride") {
      if (!read_int(1, spec.params.stride)) return R::fail(where + "needs a number from 1 to 1000");
    } else if (key == "dilation") {
      if (!read_int(1, spec.params.dilation))
        return R::fail(where + "needs a number from 1 to 1000");
    } else if (key == "flip") {
      int flip = 0;
      if (!read_int(0, flip) || flip > 1) return R::fail(where + "needs 0 or 1");
      spec.params.flip = flip == 1;
    } else if (key == "padding_mode") {
      std::string mode;
      words >> mode;
      Result<PaddingMode> m = parse_padding_mode(mode);
      if (!m) return R::fail(where + m.error());
      spec.params.padding_mode = m.value();
    } else {
      return R::fail(where +
                     "unknown setting (use preset, kernel, padding, padding_mode, stride, "
                     "dilation or flip)");
    }
  }
  if (spec.bank.empty()) return R::fail("the filter bank is empty: add at least one filter");
  return R::ok(std::move(spec));
}

}  // namespace filterlens
