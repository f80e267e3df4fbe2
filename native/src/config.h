// The validated model configuration: the one place that knows which parameter values
// are legal and which of them define the architecture (checkpoint compatibility).
#pragma once

#include <string>
#include <vector>

#include "p2gan/p2gan.h"

namespace p2gan {

p2gan_model_params default_params();

// Throws p2gan::Error (invalid argument / device error) naming the offending field.
void validate_params(const p2gan_model_params& params);

// Number of stride-2 stages between 4x4 and the resolution (3 for 32x32).
int stage_count(const p2gan_model_params& params);

// Channels at each feature-map level: level 0 is the image resolution, level
// stage_count() is 4x4. Doubling from c per level, capped at 8c.
int64_t level_channels(const p2gan_model_params& params, int level);

// Text form stored in checkpoint headers: one "key=value" line per field.
std::string params_to_text(const p2gan_model_params& params);
p2gan_model_params params_from_text(const std::string& text);

// Fields whose values differ in a way that makes weights incompatible, e.g.
// "resolution (checkpoint 64, model 32)". Empty when compatible.
std::vector<std::string> architecture_mismatches(const p2gan_model_params& checkpoint,
                                                 const p2gan_model_params& model);

}  // namespace p2gan
