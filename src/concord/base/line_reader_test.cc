#include "concord/base/line_reader.h"

#include <gtest/gtest.h>

namespace concord {
namespace {

std::vector<LineReader::Line> ReadAll(std::string text, size_t max) {
  auto in = InputStream::FromString(std::move(text));
  LineReader reader(in.get(), max);
  std::vector<LineReader::Line> out;
  for (;;) {
    auto line = reader.Next();
    EXPECT_TRUE(line.ok());
    if (!line.ok() || !line->has_value()) break;
    out.push_back(**line);
  }
  return out;
}

TEST(LineReaderTest, SplitsOnNewlinesAndStripsCarriageReturns) {
  auto lines = ReadAll("a\r\nbb\n\nccc", 100);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text, "bb");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].text, "ccc");
  EXPECT_EQ(lines[3].number, 4u);
}

TEST(LineReaderTest, DropsAByteOrderMarkOnTheFirstLineOnly) {
  auto lines = ReadAll(
      "\xEF\xBB\xBF"
      "a\n"
      "\xEF\xBB\xBF"
      "b\n",
      100);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text,
            "\xEF\xBB\xBF"
            "b");
}

TEST(LineReaderTest, NoPhantomLineAfterAFinalNewline) {
  EXPECT_EQ(ReadAll("x\n", 100).size(), 1u);
  EXPECT_EQ(ReadAll("", 100).size(), 0u);
}

TEST(LineReaderTest, LongLinesAreSkippedNotBuffered) {
  std::string text = "short\n" + std::string(200000, 'x') + "\nafter\n";
  auto lines = ReadAll(text, 1000);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(lines[0].too_long);
  EXPECT_TRUE(lines[1].too_long);
  EXPECT_TRUE(lines[1].text.empty());
  EXPECT_EQ(lines[2].text, "after");
  EXPECT_EQ(lines[2].number, 3u);
}

TEST(LineReaderTest, LinesAcrossChunkBoundaries) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + "\n";
  auto lines = ReadAll(text, 100);
  ASSERT_EQ(lines.size(), 20000u);
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(lines[i].text, std::to_string(i));
}

}  // namespace
}  // namespace concord
