#include <gtest/gtest.h>

#include "bank_spec.h"
#include "pytorch_code.h"

namespace filterlens {
namespace {

TEST(BankSpec, ReadsEverySetting) {
  auto r = parse_bank_spec(
      "preset edge\nkernel mine 1,2;3,4\n\npadding 2\npadding_mode circular\nstride 2\n"
      "dilation 3\nflip 1\n");
  ASSERT_TRUE(r) << r.error();
  const BankSpec& s = r.value();
  ASSERT_EQ(s.bank.size(), 2u);
  EXPECT_EQ(s.bank[0].name, "edge");
  EXPECT_EQ(s.bank[1].name, "mine");
  EXPECT_EQ(s.bank[1].weights, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(s.params.padding, 2);
  EXPECT_EQ(s.params.padding_mode, PaddingMode::circular);
  EXPECT_EQ(s.params.stride, 2);
  EXPECT_EQ(s.params.dilation, 3);
  EXPECT_TRUE(s.params.flip);
}

TEST(BankSpec, ErrorsNameTheLine) {
  EXPECT_NE(parse_bank_spec("preset edge\nstride 0").error().find("line 2 (stride)"),
            std::string::npos);
  EXPECT_NE(parse_bank_spec("preset nope").error().find("unknown filter 'nope'"),
            std::string::npos);
  EXPECT_NE(parse_bank_spec("kernel k 1,2;3").error().find("row 2 has 1 values"),
            std::string::npos);
  EXPECT_NE(parse_bank_spec("colour red").error().find("unknown setting"), std::string::npos);
  EXPECT_NE(parse_bank_spec("padding 1").error().find("empty"), std::string::npos);
}

TEST(PytorchCode, NamesEveryFilterAndSetting) {
  ConvParams p;
  p.padding = 2;
  p.padding_mode = PaddingMode::reflect;
  p.stride = 2;
  const std::string code = pytorch_code({find_preset("edge").value()}, p);
  EXPECT_NE(code.find("'edge': torch.tensor([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0]"),
            std::string::npos)
      << code;
  EXPECT_NE(code.find("F.pad(img, (2, 2, 2, 2), mode='reflect')"), std::string::npos) << code;
  EXPECT_NE(code.find("stride=2, dilation=1"), std::string::npos) << code;
}

}  // namespace
}  // namespace filterlens
