// Export to safetensors: a valid file (checked by an independent minimal parse) whose
// tensors equal the model's, under the documented PyTorch-style names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "runtime/errors.h"
#include "train/model.h"
#include "io/safetensors.h"
#include "test_support.h"

namespace p2gan {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("p2gan_export_" + std::to_string(::getpid()) + "_" + name);
}

std::map<std::string, std::string> model_metadata() { return {{"format", "pt"}}; }

TEST(Export, FileIsValidSafetensorsAndTensorsEqualTheModels) {
    Model model(testing::tiny_params(), testing::cpu_runtime());
    model.train_step(testing::image_batch(model.params(), 4));
    const auto path = temp_file("model.safetensors");
    write_safetensors(path.string(), model.named_tensors(), model_metadata());

    // Independent reading of the layout: u64 header size, JSON, contiguous data.
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    uint64_t header_size = 0;
    std::memcpy(&header_size, bytes.data(), 8);
    EXPECT_EQ(header_size % 8, 0u);
    const auto header = nlohmann::json::parse(bytes.substr(8, header_size));
    uint64_t covered = 0;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") continue;
        covered += entry["data_offsets"][1].get<uint64_t>() - entry["data_offsets"][0].get<uint64_t>();
    }
    EXPECT_EQ(8 + header_size + covered, bytes.size());

    const auto read = read_safetensors(path.string());
    const auto expected = model.named_tensors();
    ASSERT_EQ(read.size(), expected.size());
    std::map<std::string, torch::Tensor> by_name(read.begin(), read.end());
    for (const auto& [name, tensor] : expected) {
        ASSERT_TRUE(by_name.count(name)) << name;
        EXPECT_TRUE(torch::equal(by_name[name], tensor)) << name;
    }
    for (const char* name : {"D.convs.0.weight_orig", "D.convs.0.weight_u", "D.convs.0.weight_v", "D.mu_head.bias",
                             "D.sigma_head.weight_orig", "G.fc.weight", "G.input_adain.posterior.weight",
                             "G.input_adain.norm.running_var", "G.blocks.2.deconv.weight",
                             "G.blocks.0.adain.norm.num_batches_tracked", "G.out_conv.bias"}) {
        EXPECT_TRUE(by_name.count(name)) << name;
    }
    EXPECT_EQ(by_name["G.blocks.0.adain.norm.num_batches_tracked"].scalar_type(), torch::kInt64);
    fs::remove(path);
}

TEST(Export, MalformedFilesAreRefused) {
    const auto path = temp_file("bad.safetensors");
    std::ofstream(path, std::ios::binary) << std::string("\xff\xff\xff\xff\x00\x00\x00\x00{}", 10);
    EXPECT_THROW(read_safetensors(path.string()), Error);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string("\x02\x00\x00\x00\x00\x00\x00\x00{x", 10);
    EXPECT_THROW(read_safetensors(path.string()), Error);
    fs::remove(path);
}

}  // namespace
}  // namespace p2gan
