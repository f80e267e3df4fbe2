// The opaque p2gan_model of the C ABI, shared by the export files that take one
// (c_api.cpp, c_api_bench.cpp).
#pragma once

#include "model.h"
#include "p2gan/p2gan.h"

struct p2gan_model {
    explicit p2gan_model(const p2gan_model_params& params) : model(params) {}
    p2gan::Model model;
};
