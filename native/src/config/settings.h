// The validated settings of a model: what it is (p2gan_model_params, stored in
// checkpoints) and where it runs (p2gan_runtime_params). Defaults, range checks, the
// checkpoint text form and the architecture comparison all come from one table of fields
// (config/setting_field.h) generated from the header's annotated struct comments; only
// the rules that span fields or need the machine (a device name, bf16 on CUDA) are here.
#pragma once

#include <string>
#include <vector>

#include "nn/network_config.h"
#include "p2gan/p2gan.h"

namespace p2gan {

p2gan_model_params default_model_params();
p2gan_runtime_params default_runtime_params();

// Throw p2gan::Error (invalid argument / device error) naming the offending field.
void validate_model_params(const p2gan_model_params& params);
void validate_runtime_params(const p2gan_runtime_params& runtime);

// "key=value" lines of every model field (checkpoint headers, export metadata).
std::string model_params_to_text(const p2gan_model_params& params);
// Reads the text form. Fields missing from the text (written before they existed) keep
// their defaults; keys this library does not know are refused (a newer writer), as are
// keys of runtime settings unless accept_legacy_runtime_keys (format-1 checkpoints stored
// device, threads, precision, memory format and kernels with the model).
p2gan_model_params model_params_from_text(const std::string& text, const std::string& source,
                                          bool accept_legacy_runtime_keys = false);

// The networks' configuration for these settings.
NetworkConfig network_config(const p2gan_model_params& params, const p2gan_runtime_params& runtime);

// Fields whose values make weights incompatible, e.g. "resolution (checkpoint 64, model 32)".
std::vector<std::string> architecture_mismatches(const p2gan_model_params& checkpoint,
                                                 const p2gan_model_params& model);

}  // namespace p2gan
