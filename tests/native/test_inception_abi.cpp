// p2gan_inception_load as a host sees it: a status and a readable message for a missing,
// wrong or truncated weights file, and argument checks. (Loading real-format files with
// random weights, outputs and the SHA-256 report: test_inception.cpp, on the core.)
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "p2gan/p2gan.h"

namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("p2gan_inception_abi_" + std::to_string(::getpid()) + "_" + name);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(InceptionAbi, MissingFileIsAnIoErrorNamingTheFile) {
    p2gan_feature_net* net = reinterpret_cast<p2gan_feature_net*>(0x1);
    const auto path = temp_file("absent.pth").string();
    EXPECT_EQ(p2gan_inception_load(path.c_str(), nullptr, &net), P2GAN_STATUS_IO_ERROR);
    EXPECT_EQ(net, nullptr);
    const std::string message = p2gan_last_error();
    EXPECT_TRUE(contains(message, "p2gan_inception_load") && contains(message, "cannot open") &&
                contains(message, path))
        << message;
}

TEST(InceptionAbi, WrongAndTruncatedFilesAreRefused) {
    const auto path = temp_file("bad.pth");
    p2gan_feature_net* net = nullptr;
    {
        std::ofstream out(path, std::ios::binary);
        out << "not a weights file";
    }
    EXPECT_EQ(p2gan_inception_load(path.string().c_str(), "cpu", &net), P2GAN_STATUS_IO_ERROR);
    EXPECT_TRUE(contains(p2gan_last_error(), "neither a zip archive")) << p2gan_last_error();
    {
        // The first bytes of a legacy torch.save file, cut off: PROTO 2, LONG1 of 10 bytes.
        std::ofstream out(path, std::ios::binary);
        out.write("\x80\x02\x8a\x0a\x6c\xfc", 6);
    }
    EXPECT_EQ(p2gan_inception_load(path.string().c_str(), "cpu", &net), P2GAN_STATUS_IO_ERROR);
    EXPECT_TRUE(contains(p2gan_last_error(), "truncated")) << p2gan_last_error();
    {
        std::ofstream out(path, std::ios::binary);  // empty
    }
    EXPECT_EQ(p2gan_inception_load(path.string().c_str(), "cpu", &net), P2GAN_STATUS_IO_ERROR);
    EXPECT_TRUE(contains(p2gan_last_error(), "empty")) << p2gan_last_error();
    const auto st = temp_file("bad.safetensors");
    {
        std::ofstream out(st, std::ios::binary);
        out.write("\x10\x00\x00\x00\x00\x00\x00\x00{}", 10);
    }
    EXPECT_EQ(p2gan_inception_load(st.string().c_str(), "cpu", &net), P2GAN_STATUS_IO_ERROR);
    EXPECT_TRUE(contains(p2gan_last_error(), "safetensors")) << p2gan_last_error();
    EXPECT_EQ(net, nullptr);
    fs::remove(path);
    fs::remove(st);
}

TEST(InceptionAbi, DeeplyNestedPickleIsRefusedNotAStackOverflow) {
    // A legacy torch.save file whose object pickle nests 100000 lists: magic, protocol 1001,
    // sys info {}, then EMPTY_LIST x 100000, APPEND x 99999, STOP.
    std::string bytes("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
    bytes += std::string("\x80\x02M\xe9\x03.", 6);
    bytes += "\x80\x02}.";
    bytes += "\x80\x02";
    bytes += std::string(100000, ']');
    bytes += std::string(99999, 'a');
    bytes += '.';
    const auto path = temp_file("nested.pth");
    {
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    p2gan_feature_net* net = nullptr;
    EXPECT_EQ(p2gan_inception_load(path.string().c_str(), "cpu", &net), P2GAN_STATUS_IO_ERROR);
    const std::string message = p2gan_last_error();
    EXPECT_TRUE(contains(message, path.string()) && contains(message, "levels deep")) << message;
    EXPECT_EQ(net, nullptr);
    fs::remove(path);
}

TEST(InceptionAbi, ArgumentsAreChecked) {
    p2gan_feature_net* net = nullptr;
    EXPECT_EQ(p2gan_inception_load("x.pth", nullptr, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_inception_load(nullptr, nullptr, &net), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_inception_load("", nullptr, &net), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_inception_load("x.pth", "tpu", &net), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(net, nullptr);
}

}  // namespace
