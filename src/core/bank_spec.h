// bank_spec: a filter bank and its parameters as plain text, one setting per line. The web page's
// scripting API (FilterLens.setFilters) writes this format; it is easy to write from any language.
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
