#include "dist/process_group_statistics.h"

#include <torch/csrc/autograd/custom_function.h>

namespace p2gan {
namespace {

// y = sum over ranks of x; dL/dx = sum over ranks of dL/dy (every rank's loss depends on y).
struct CrossProcessSum : public torch::autograd::Function<CrossProcessSum> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, ProcessGroup* group) {
        ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);
        auto y = x.clone();
        group->allreduce_sum({y}, "summing AdaIN's batch statistics");
        return y;
    }
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads) {
        auto* group = reinterpret_cast<ProcessGroup*>(ctx->saved_data["group"].toInt());
        auto g = grads[0].contiguous().clone();
        group->allreduce_sum({g}, "summing the gradients of AdaIN's batch statistics");
        return {g, torch::Tensor()};
    }
};

class ProcessGroupStatistics final : public BatchStatisticsSync {
public:
    explicit ProcessGroupStatistics(std::shared_ptr<ProcessGroup> group) : group_(std::move(group)) {}
    torch::Tensor sum(const torch::Tensor& t) override { return CrossProcessSum::apply(t, group_.get()); }
    int world_size() const override { return group_->world_size(); }

private:
    std::shared_ptr<ProcessGroup> group_;
};

}  // namespace

std::shared_ptr<BatchStatisticsSync> process_group_statistics(std::shared_ptr<ProcessGroup> group) {
    return std::make_shared<ProcessGroupStatistics>(std::move(group));
}

}  // namespace p2gan
