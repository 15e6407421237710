// Mixed precision: the autocast scope casts inside and restores outside, the
// fp16 loss scaler skips overflowing steps and grows after clean ones, and a
// bf16 run trains on CPU.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/autocast_mode.h>

#include "core/error.h"
#include "train/mixed_precision.h"

namespace kplab {
namespace {

TEST(Precision, NamesParseAndFp16NeedsCuda) {
  EXPECT_EQ(parse_precision("fp32", torch::kCPU), Precision::fp32);
  EXPECT_EQ(parse_precision("bf16", torch::kCPU), Precision::bf16);
  try {
    parse_precision("fp16", torch::kCPU);
    FAIL() << "fp16 on CPU accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fp16 on a CUDA device"), std::string::npos) << e.what();
  }
  try {
    parse_precision("half", torch::kCPU);
    FAIL() << "unknown precision accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'half'"), std::string::npos) << e.what();
  }
}

TEST(AutocastScope, Bf16CastsMatmulsInsideAndRestoresOutside) {
  torch::nn::Linear fc(8, 4);
  torch::Tensor x = torch::randn({2, 8});
  ASSERT_FALSE(at::autocast::is_cpu_enabled());
  {
    AutocastScope outer(Precision::bf16, torch::kCPU);
    EXPECT_EQ(fc(x).scalar_type(), torch::kBFloat16);
    {
      AutocastScope inner(Precision::bf16, torch::kCPU);
      EXPECT_EQ(fc(x).scalar_type(), torch::kBFloat16);
    }
    EXPECT_TRUE(at::autocast::is_cpu_enabled()) << "leaving the inner scope switched the outer one off";
  }
  EXPECT_FALSE(at::autocast::is_cpu_enabled());
  EXPECT_EQ(fc(x).scalar_type(), torch::kFloat);
  AutocastScope off(Precision::fp32, torch::kCPU);
  EXPECT_EQ(fc(x).scalar_type(), torch::kFloat);
}

TEST(LossScaler, ScalesUnscalesSkipsOnOverflowAndGrows) {
  LossScaler s(true, /*initial_scale=*/1024, /*growth_interval=*/3);
  torch::Tensor w = torch::ones({3}, torch::requires_grad());
  s.scale((w * torch::tensor({1.f, 2.f, 3.f})).sum()).backward();
  EXPECT_TRUE(torch::allclose(w.grad(), torch::tensor({1024.f, 2048.f, 3072.f})));
  ASSERT_TRUE(s.unscale({w}));
  EXPECT_TRUE(torch::allclose(w.grad(), torch::tensor({1.f, 2.f, 3.f})));  // true gradients again
  s.update(true);
  s.update(true);
  EXPECT_EQ(s.current_scale(), 1024);
  s.update(true);  // third clean step: grow
  EXPECT_EQ(s.current_scale(), 2048);

  w.mutable_grad().fill_(std::numeric_limits<float>::infinity());
  EXPECT_FALSE(s.unscale({w}));  // the caller skips this step
  s.update(false);
  EXPECT_EQ(s.current_scale(), 1024);
  EXPECT_EQ(s.skipped_steps(), 1);
  w.mutable_grad().fill_(std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(s.unscale({w}));

  LossScaler off(false);
  torch::Tensor loss = torch::tensor(2.f);
  EXPECT_TRUE(torch::equal(off.scale(loss), loss));
  EXPECT_TRUE(off.unscale({w}));  // disabled: never skips
  EXPECT_EQ(off.current_scale(), 1);
}

}  // namespace
}  // namespace kplab
