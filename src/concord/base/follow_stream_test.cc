#include "concord/base/follow_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace concord {
namespace {

std::string ReadAvailable(InputStream* in, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    Result<size_t> r = in->Read(out.data() + got, n - got);
    if (!r.ok() || *r == 0) break;
    got += *r;
  }
  out.resize(got);
  return out;
}

TEST(FollowStreamTest, WaitsForAppendsFollowsTruncationAndRotationAndStops) {
  const std::string path = ::testing::TempDir() + "/follow_" + std::to_string(::getpid());
  { std::ofstream(path) << "one\n"; }
  std::atomic<bool> stop{false};
  auto in = OpenFollowing(path, &stop, 5);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(ReadAvailable(in->get(), 4), "one\n");
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::ofstream(path, std::ios::app) << "two\n";
  });
  EXPECT_EQ(ReadAvailable(in->get(), 4), "two\n");  // waited for the append
  writer.join();
  { std::ofstream(path, std::ios::trunc) << "3\n"; }  // truncated in place
  EXPECT_EQ(ReadAvailable(in->get(), 2), "3\n");
  std::filesystem::rename(path, path + ".1");  // rotated
  { std::ofstream(path) << "four\n"; }
  EXPECT_EQ(ReadAvailable(in->get(), 5), "four\n");
  stop = true;
  char c;
  Result<size_t> end = (*in)->Read(&c, 1);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 0u);
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".1");
}

TEST(FollowStreamTest, MissingFileIsAnError) {
  std::atomic<bool> stop{false};
  EXPECT_FALSE(OpenFollowing("/nonexistent/x.log", &stop).ok());
}

}  // namespace
}  // namespace concord
