#include "concord/base/input_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <string>

namespace concord {
namespace {

std::string ReadAll(InputStream& in) {
  std::string out;
  char buf[7];  // small on purpose: exercise partial reads
  for (;;) {
    auto n = in.Read(buf, sizeof buf);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

std::string TempPath(const char* suffix) {
  return ::testing::TempDir() + "concord_input_" + std::to_string(getpid()) + suffix;
}

TEST(InputStreamTest, PlainFile) {
  const std::string path = TempPath(".json");
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("{\"type\":\"bundle\"}\n", f);
  std::fclose(f);
  auto in = InputStream::Open(path);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(ReadAll(**in), "{\"type\":\"bundle\"}\n");
  EXPECT_EQ((*in)->size(), 18u);
  std::remove(path.c_str());
}

// Files too short for gzip's two magic bytes, or with only the first, are read as they are.
TEST(InputStreamTest, ShortFilesAndNearMagicArePlain) {
  const std::string path = TempPath(".log");
  for (const std::string& text : {std::string(), std::string("x"), std::string("\x1f"),
                                  std::string("\x1fx\n"), std::string("\x8b\x1f")}) {
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    auto in = InputStream::Open(path);
    ASSERT_TRUE(in.ok());
    EXPECT_EQ(ReadAll(**in), text);
    EXPECT_EQ((*in)->consumed(), text.size());
    EXPECT_EQ((*in)->size(), text.size());
  }
  std::remove(path.c_str());
}

TEST(InputStreamTest, GzipIsDecompressedWhateverTheName) {
  const std::string path = TempPath(".json");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  auto in = InputStream::Open(path);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(ReadAll(**in), text);
  std::remove(path.c_str());
}

TEST(InputStreamTest, TruncatedGzipIsAnError) {
  const std::string path = TempPath(".gz");
  std::string text(100000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7919) % 26);
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  truncate(path.c_str(), 200);
  auto in = InputStream::Open(path);
  ASSERT_TRUE(in.ok());
  char buf[4096];
  Status last;
  for (int i = 0; i < 100; ++i) {
    auto n = (*in)->Read(buf, sizeof buf);
    if (!n.ok()) {
      last = n.status();
      break;
    }
    if (*n == 0) break;
  }
  EXPECT_FALSE(last.ok()) << "a truncated gzip file must not read as a clean end";
  std::remove(path.c_str());
}

TEST(InputStreamTest, MissingFileAndDirectory) {
  auto missing = InputStream::Open("/nonexistent/concord.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find("/nonexistent/concord.json"), std::string::npos);
  auto dir = InputStream::Open("/tmp");
  EXPECT_FALSE(dir.ok());
}

}  // namespace
}  // namespace concord
