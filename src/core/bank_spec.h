// bank_spec: a filter bank and its parameters as plain text, one setting per line, easy to write
// from any language. (The page's setFilters no longer goes through text: it hands the bridge
// structured values, so no name or weight can be read as another line. This parser stays for
// text sources, and is fuzzed.)
//
//   preset edge                        a preset by name
//   kernel NAME -1,0,1;-2,0,2;-1,0,1   a custom kernel (rows separated by ';')
//   padding 1 | padding_mode zeros | stride 1 | dilation 1 | flip 0
//
// Unknown keys, bad values and an empty bank are errors naming the line.
#pragma once

#include <string>
#include <vector>

#include "conv2d.h"
#include "kernel.h"
#include "result.h"

namespace filterlens {

struct BankSpec {
  std::vector<Kernel> bank;
  ConvParams params;
};

Result<BankSpec> parse_bank_spec(const std::string& text);

}  // namespace filterlens
