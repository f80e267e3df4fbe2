// AdaIN's synchronised batch statistics (nn/batch_statistics_sync.h) over a c10d process group.
#pragma once

#include <memory>

#include "dist/process_group.h"
#include "nn/batch_statistics_sync.h"

namespace p2gan {

std::shared_ptr<BatchStatisticsSync> process_group_statistics(std::shared_ptr<ProcessGroup> group);

}  // namespace p2gan
