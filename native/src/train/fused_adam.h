// Adam in one pass over memory.
//
// torch::optim::Adam updates each parameter with eight whole-tensor operations (mul_,
// add_, mul_, addcmul_, sqrt, div, add_, addcdiv_), two of them allocating; every one
// streams the parameter's moments through memory again. fused_adam_step does the same
// arithmetic element by element in one parallel pass, and keeps its state in the
// optimizer's own AdamParamState, so checkpoints and torch::optim::Adam::step stay
// interchangeable with it. CPU float32 only; anything else goes to Adam::step.
#pragma once

#include <torch/torch.h>

namespace p2gan {

// One Adam update of every parameter of opt that has a gradient. The fused loop needs
// weight_decay 0, amsgrad off (what the model uses) and contiguous CPU float32 tensors;
// otherwise this calls opt.step().
void fused_adam_step(torch::optim::Adam& opt);

}  // namespace p2gan
