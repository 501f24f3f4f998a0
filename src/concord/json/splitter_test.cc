#include "concord/json/splitter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "concord/json/document.h"

namespace concord::json {
namespace {

// Returns 1 to 7 bytes per Read (a fixed pseudo-random sequence), or `chunk` bytes if set, so
// that every value crosses read boundaries at every possible place.
class ChunkedStream final : public InputStream {
 public:
  explicit ChunkedStream(std::string data, size_t chunk = 0)
      : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = chunk_ ? chunk_ : 1 + (state_ = state_ * 1103515245 + 12345) / 65536 % 7;
    want = std::min({want, n, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, want);
    pos_ += want;
    return want;
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override { return pos_; }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
  uint32_t state_ = 1;
  std::string name_ = "<chunked>";
};

// Gives `data`, then fails.
class FailingStream final : public InputStream {
 public:
  explicit FailingStream(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size()) return IoError("reading <failing>: disk on fire");
    const size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override { return pos_; }
  uint64_t size() const override { return 0; }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::string name_ = "<failing>";
};

// A piece with its text copied, for comparing.
struct Got {
  Piece::Kind kind;
  std::string text;
  uint64_t offset;
  uint64_t line;
  std::string path;
  uint64_t index;
  Status error;
};

bool operator==(const Got& a, const Got& b) {
  return a.kind == b.kind && a.text == b.text && a.offset == b.offset && a.line == b.line &&
         a.path == b.path && a.index == b.index && a.error == b.error;
}

std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << "{kind " << static_cast<int>(g.kind) << ", text '" << g.text << "', offset "
            << g.offset << ", line " << g.line << ", path '" << g.path << "', index " << g.index
            << ", error " << g.error.ToString() << "}";
}

struct Split {
  std::vector<Got> pieces;
  Status fatal;  // OK at a clean end
  uint64_t offset = 0;
};

Split SplitStream(InputStream* in, const std::string& key, Limits limits) {
  Split out;
  Splitter splitter(in, key, limits);
  for (;;) {
    auto next = splitter.Next();
    if (!next.ok()) {
      out.fatal = next.status();
      // Fatal errors are sticky.
      auto again = splitter.Next();
      EXPECT_FALSE(again.ok());
      if (!again.ok()) {
        EXPECT_EQ(again.status(), out.fatal);
      }
      break;
    }
    if (!next->has_value()) {
      auto again = splitter.Next();  // the end stays the end
      EXPECT_TRUE(again.ok() && !again->has_value());
      break;
    }
    const Piece& p = **next;
    out.pieces.push_back(
        Got{p.kind, std::string(p.text), p.offset, p.line, p.path, p.index, p.error});
    if (out.pieces.size() > 1000000) {
      ADD_FAILURE() << "runaway";
      break;
    }
  }
  out.offset = splitter.offset();
  return out;
}

// Splits `text` read whole, and again in chunks of 1 to 7 bytes and of exactly 1 byte; all three
// must agree. Returns the first.
Split SplitText(const std::string& text, const std::string& key = "objects", Limits limits = {}) {
  auto whole = InputStream::FromString(text);
  Split a = SplitStream(whole.get(), key, limits);
  ChunkedStream chunked(text);
  Split b = SplitStream(&chunked, key, limits);
  ChunkedStream bytes(text, 1);
  Split c = SplitStream(&bytes, key, limits);
  EXPECT_EQ(a.pieces, b.pieces) << "chunked reads differ";
  EXPECT_EQ(a.fatal, b.fatal) << "chunked reads differ";
  EXPECT_EQ(a.pieces, c.pieces) << "1-byte reads differ";
  EXPECT_EQ(a.fatal, c.fatal) << "1-byte reads differ";
  if (a.fatal.ok()) {
    EXPECT_EQ(a.offset, text.size());
    EXPECT_EQ(b.offset, text.size());
  }
  return a;
}

Got Element(std::string text, uint64_t offset, uint64_t line, std::string path, uint64_t index) {
  return Got{Piece::Kind::kElement, std::move(text), offset, line, std::move(path), index, {}};
}
Got Value(std::string text, uint64_t offset, uint64_t line) {
  return Got{Piece::Kind::kValue, std::move(text), offset, line, "", 0, {}};
}
Got Envelope(std::string text, uint64_t offset, uint64_t line, uint64_t count) {
  return Got{Piece::Kind::kEnvelope, std::move(text), offset, line, "", count, {}};
}

void ExpectFatal(const Split& s, std::string_view fragment) {
  EXPECT_FALSE(s.fatal.ok()) << "expected a fatal error containing: " << fragment;
  EXPECT_NE(s.fatal.message().find(fragment), std::string::npos)
      << s.fatal.ToString() << "\nexpected to contain: " << fragment;
}

TEST(SplitterTest, BundleWithObjectsAfterType) {
  const std::string text =
      R"({"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"a"},)"
      R"({"id":"b","type":"malware"}]})";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const std::vector<Got> want = {
      Element(R"({"type":"indicator","id":"a"})", 45, 1, "objects[0]", 0),
      Element(R"({"id":"b","type":"malware"})", 75, 1, "objects[1]", 1),
      Envelope(R"({"type":"bundle","id":"bundle--1","objects":[]})", 0, 1, 2),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, BundleWithObjectsFirstAndPrettyPrinted) {
  const std::string text =
      "{\r\n"
      "  \"objects\" : [\r\n"
      "    {\"type\": \"indicator\",\r\n"
      "     \"id\": \"a\"},\r\n"
      "    {\"id\": \"b\"}\r\n"
      "  ] ,\r\n"
      "  \"type\": \"bundle\"\r\n"
      "}\r\n";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 3u);
  EXPECT_EQ(s.pieces[0], Element("{\"type\": \"indicator\",\r\n     \"id\": \"a\"}",
                                 text.find("{\"type\""), 3, "objects[0]", 0));
  EXPECT_EQ(s.pieces[1],
            Element("{\"id\": \"b\"}", text.find("{\"id\": \"b\""), 5, "objects[1]", 1));
  EXPECT_EQ(s.pieces[2],
            Envelope("{\r\n  \"objects\" : [] ,\r\n  \"type\": \"bundle\"\r\n}", 0, 1, 2));
  Parser parser;
  for (const Got& g : s.pieces) EXPECT_TRUE(parser.Parse(g.text).ok()) << g.text;
}

TEST(SplitterTest, TrickyStringsAndNesting) {
  const std::vector<std::string> elements = {
      R"({"a":"]}{[","b":"\"","c":"\\","d":"\\\"]","e":"\\\\"})",
      R"({"nested":{"x":[1,[2,[3,{"y":[]}]],{}],"z":{"w":{"v":"}"}}},"k":"[[["})",
      R"({"escaped \"key\"":"va\\lue","u":"\u005d\u007d"})",
      R"([1,{"objects":[{"not":"split"}]},"x"])",
      R"("a string element with , and ] and }")",
      R"(-12.5e+3)",
      R"(true)",
      R"(null)",
      R"({})",
      R"([])",
  };
  std::string text = R"({"type":"bundle","objects":[)";
  for (size_t i = 0; i < elements.size(); ++i) text += (i ? " , " : "") + elements[i];
  text += R"(],"spec_version":"2.1"})";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), elements.size() + 1);
  size_t at = 0;
  for (size_t i = 0; i < elements.size(); ++i) {
    at = text.find(elements[i], at);
    EXPECT_EQ(s.pieces[i], Element(elements[i], at, 1, "objects[" + std::to_string(i) + "]", i));
    at += elements[i].size();
  }
  EXPECT_EQ(s.pieces.back(),
            Envelope(R"({"type":"bundle","objects":[],"spec_version":"2.1"})", 0, 1, 10));
}

TEST(SplitterTest, JsonLinesOfObjects) {
  const std::string text = "{\"id\":1}\n{\"id\":2,\"x\":[{}]}\n\n  {\"id\":3}";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const std::vector<Got> want = {
      Value("{\"id\":1}", 0, 1),
      Value("{\"id\":2,\"x\":[{}]}", 9, 2),
      Value("{\"id\":3}", 30, 4),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, JsonLinesOfBundles) {
  const std::string text =
      "{\"type\":\"bundle\",\"objects\":[{\"id\":\"a\"},{\"id\":\"b\"}]}\n"
      "{\"objects\":[{\"id\":\"c\"}],\"type\":\"bundle\"}\n"
      "{\"type\":\"bundle\",\"objects\":[]}\n";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const size_t line2 = text.find('\n') + 1;
  const size_t line3 = text.find('\n', line2) + 1;
  const std::vector<Got> want = {
      Element("{\"id\":\"a\"}", 28, 1, "objects[0]", 0),
      Element("{\"id\":\"b\"}", 39, 1, "objects[1]", 1),
      Envelope("{\"type\":\"bundle\",\"objects\":[]}", 0, 1, 2),
      Element("{\"id\":\"c\"}", line2 + 12, 2, "objects[0]", 0),
      Envelope("{\"objects\":[],\"type\":\"bundle\"}", line2, 2, 1),
      Envelope("{\"type\":\"bundle\",\"objects\":[]}", line3, 3, 0),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, TopLevelArray) {
  const std::string text = "[ {\"id\":1},\n\"x\" ,2, [3] ,true]\n[]\n[{}]";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const std::vector<Got> want = {
      Element("{\"id\":1}", 2, 1, "[0]", 0), Element("\"x\"", 12, 2, "[1]", 1),
      Element("2", 17, 2, "[2]", 2),         Element("[3]", 20, 2, "[3]", 3),
      Element("true", 25, 2, "[4]", 4),      Element("{}", 35, 4, "[0]", 0),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, ObjectsThatAreNotSplit) {
  // No split member; the split member is not an array; it is nested; its name is escaped or
  // longer; a custom split key.
  for (const std::string& text : {
           std::string(R"({"type":"indicator","id":"x"})"),
           std::string(R"({"type":"bundle","objects":5})"),
           std::string(R"({"objects":{"a":[1]}})"),
           std::string(R"({"a":{"objects":[1,2]}})"),
           std::string(R"({"obj\u0065cts":[1,2]})"),
           std::string(R"({"objectsX":[1,2],"object":[3]})"),
           std::string(R"({"x":"objects","y":["objects"]})"),
       }) {
    const Split s = SplitText(text);
    ASSERT_TRUE(s.fatal.ok()) << text << ": " << s.fatal.ToString();
    EXPECT_EQ(s.pieces, std::vector<Got>{Value(text, 0, 1)});
  }
  const Split s = SplitText(R"({"items":[1,2],"objects":[3]})", "items");
  const std::vector<Got> want = {
      Element("1", 10, 1, "items[0]", 0),
      Element("2", 12, 1, "items[1]", 1),
      Envelope(R"({"items":[],"objects":[3]})", 0, 1, 2),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, OnlyTheFirstSplitMemberIsStreamed) {
  const Split s = SplitText(R"({"objects":[1],"objects":[2]})");
  const std::vector<Got> want = {
      Element("1", 12, 1, "objects[0]", 0),
      Envelope(R"({"objects":[],"objects":[2]})", 0, 1, 1),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, EmptyInputAndWhitespace) {
  for (const char* text : {"", " \r\n\t\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n"}) {
    const Split s = SplitText(text);
    EXPECT_TRUE(s.fatal.ok()) << s.fatal.ToString();
    EXPECT_TRUE(s.pieces.empty());
  }
}

TEST(SplitterTest, ByteOrderMarkAtTheStart) {
  const std::string text = "\xEF\xBB\xBF\r\n{\"objects\":[{}]}";
  const Split s = SplitText(text);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const std::vector<Got> want = {
      Element("{}", 17, 2, "objects[0]", 0),
      Envelope("{\"objects\":[]}", 5, 2, 1),
  };
  EXPECT_EQ(s.pieces, want);
  // Only at the very start.
  ExpectFatal(SplitText("{}\xEF\xBB\xBF{}"),
              "line 1 (byte 2): expected a JSON value or the end of the input, found byte 0xef");
}

TEST(SplitterTest, TopLevelScalars) {
  const Split s = SplitText("42 \"x\\\"y\"\ntrue null -1.5e3");
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  const std::vector<Got> want = {
      Value("42", 0, 1),    Value("\"x\\\"y\"", 3, 1), Value("true", 10, 2),
      Value("null", 15, 2), Value("-1.5e3", 20, 2),
  };
  EXPECT_EQ(s.pieces, want);
}

TEST(SplitterTest, TextThatCannotStartAValueIsFatal) {
  ExpectFatal(SplitText("hello"),
              "line 1 (byte 0): expected a JSON value or the end of the input, found 'h'");
  ExpectFatal(SplitText("{}\n  nope"), "line 2 (byte 5): expected a JSON value, found 'nope'");
  ExpectFatal(SplitText("{}\n  truex"), "line 2 (byte 5): expected a JSON value, found 'truex'");
  ExpectFatal(SplitText("tru"), "line 1 (byte 0): expected a JSON value, found 'tru'");
  ExpectFatal(SplitText("{\"a\":1} x"),
              "line 1 (byte 8): expected a JSON value or the end of the input, found 'x'");
  ExpectFatal(SplitText("{},{}"),
              "line 1 (byte 2): expected a JSON value or the end of the input, found ','");
  ExpectFatal(SplitText("{}]"),
              "line 1 (byte 2): expected a JSON value or the end of the input, found ']'");
  const Split s = SplitText("{\"a\":1}\n{\"b\":2}\n@");
  EXPECT_EQ(s.pieces.size(), 2u);  // the pieces before the garbage are delivered
  ExpectFatal(s, "line 3 (byte 16)");
}

TEST(SplitterTest, MisplacedCommasAreFatal) {
  ExpectFatal(SplitText("[{},,{}]"), "line 1 (byte 4): expected a value after ',', found ','");
  ExpectFatal(SplitText("[{} {}]"),
              "line 1 (byte 4): expected ',' or ']' after an array element, found '{'");
  ExpectFatal(SplitText("[{},]"), "line 1 (byte 4): expected a value after ',', found ']'");
  ExpectFatal(SplitText("[,{}]"), "line 1 (byte 1): expected a value or ']' after '[', found ','");
  ExpectFatal(SplitText("{\"objects\":[{},]}"),
              "line 1 (byte 15): expected a value after ',', found ']'");
  ExpectFatal(SplitText("{\"objects\":[{}],}"),
              "line 1 (byte 16): expected '\"' to start a member name after ',', found '}'");
  ExpectFatal(SplitText("{\"a\" 1}"),
              "line 1 (byte 5): expected ':' after a member name, found '1'");
  ExpectFatal(SplitText("{\"a\":1 \"b\":2}"),
              "line 1 (byte 7): expected ',' or '}' after an object member, found '\"'");
  ExpectFatal(SplitText("{1:2}"), "expected '\"' to start a member name or '}', found '1'");
  ExpectFatal(SplitText("{\"a\":}"), "line 1 (byte 5): expected a value after ':', found '}'");
}

TEST(SplitterTest, MismatchedBracketsAreFatal) {
  ExpectFatal(SplitText("[{\"a\":[1}]"),
              "line 1 (byte 8): expected ']' to close an array, found '}'");
  ExpectFatal(SplitText("{\"objects\":[{\"a\":1]]}"),
              "line 1 (byte 18): expected '}' to close an object, found ']'");
  ExpectFatal(SplitText("{\"a\":{]}"),
              "line 1 (byte 6): expected '}' to close an object, found ']'");
  ExpectFatal(SplitText("[1}"),
              "line 1 (byte 2): expected ',' or ']' after an array element, found '}'");
  ExpectFatal(SplitText("{\"a\":1]"),
              "line 1 (byte 6): expected ',' or '}' after an object member, found ']'");
}

TEST(SplitterTest, TruncatedInputIsFatal) {
  ExpectFatal(
      SplitText("{\"objects\":[{\"a\":1},\n{\"b\":[2"),
      "truncated: the value that starts at line 2 (byte 21) is not closed at the end of the "
      "input (byte 28)");
  ExpectFatal(SplitText("\n{\"objects\":[{\"a\":1}"),
              "truncated: the value that starts at line 2 (byte 1) is not closed at the end of the "
              "input (byte 20)");
  ExpectFatal(SplitText("[\"abc"), "truncated: the value that starts at line 1 (byte 1)");
  ExpectFatal(SplitText("\"abc\\\""), "truncated: the value that starts at line 1 (byte 0)");
  ExpectFatal(SplitText("{\"ke"), "truncated: the value that starts at line 1 (byte 0)");
}

// Cuts a valid input at every byte: each cut gives some of the pieces and then a truncation
// error, or a clean end exactly when the cut falls after a complete top-level value.
TEST(SplitterTest, CutAtEveryByte) {
  const std::string bundle =
      "{\"type\": \"bundle\", \"id\": \"bundle--5\",\n \"objects\": [\n"
      "  {\"type\":\"indicator\",\"name\":\"a \\\"q\\\" ]}\",\"p\":[[1,2],{\"x\":{}}]},\n"
      "  {\"type\":\"note\",\"content\":\"\\\\\",\"n\":-1.5e3,\"t\":true}\n"
      " ],\n \"x_extra\": {\"k\": [null]}}\n";
  const std::string text = bundle + "[{\"a\":1}, 2, \"three\"]\n" + bundle;
  const Split full = SplitText(text);
  ASSERT_TRUE(full.fatal.ok()) << full.fatal.ToString();
  ASSERT_EQ(full.pieces.size(), 9u);
  // Ends of the top-level values (one past their last byte).
  const size_t end1 = bundle.rfind('}') + 1;
  const size_t end2 = text.find(']', text.find("\"three\"")) + 1;
  const size_t end3 = text.rfind('}') + 1;
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string part = text.substr(0, cut);
    ChunkedStream in(part);
    const Split s = SplitStream(&in, "objects", {});
    const bool clean = cut < text.find('{') + 1 || (cut >= end1 && cut < bundle.size() + 1) ||
                       (cut >= end2 && cut < end2 + 2) || cut >= end3;
    if (clean) {
      EXPECT_TRUE(s.fatal.ok()) << s.fatal.ToString();
    } else {
      ExpectFatal(s, "truncated");
    }
    // The pieces delivered are a prefix of the full list.
    ASSERT_LE(s.pieces.size(), full.pieces.size());
    for (size_t i = 0; i < s.pieces.size(); ++i) EXPECT_EQ(s.pieces[i], full.pieces[i]);
  }
}

// Damages a bundle at random: however the input is read, the splitter says the same thing, and
// when the damaged text is still valid JSON, it splits it cleanly into valid pieces.
TEST(SplitterTest, RandomDamage) {
  const std::string bundle =
      "{\"type\":\"bundle\",\"objects\":[{\"id\":\"a\",\"s\":\"x\\\"]}\\\\\",\"n\":[1,{\"b\":[]}]},"
      "\"str\",[[2]],{}],\"z\":{\"objects\":[3]}}\n[{\"k\":true},null]";
  const std::string bytes = "{}[],:\"\\ x1\n";
  std::mt19937 rng(7);
  Parser parser;
  int valid = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = bundle;
    const int edits = 1 + static_cast<int>(rng() % 2);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % text.size();
      const char b = bytes[rng() % bytes.size()];
      switch (rng() % 3) {
        case 0:
          text[at] = b;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), b);
          break;
        case 2:
          text.erase(at, 1);
          break;
      }
    }
    SCOPED_TRACE(text);
    const Split s = SplitText(text);  // compares whole and chunked reads
    const std::string first_line = text.substr(0, text.find('\n'));
    if (text.find('\n') != std::string::npos && parser.Parse(first_line).ok() &&
        parser.Parse(text.substr(first_line.size())).ok()) {
      ++valid;
      EXPECT_TRUE(s.fatal.ok()) << s.fatal.ToString();
      for (const Got& g : s.pieces) {
        EXPECT_TRUE(g.error.ok());
        EXPECT_TRUE(parser.Parse(g.text).ok()) << g.text;
      }
    }
  }
  EXPECT_GT(valid, 100);
}

TEST(SplitterTest, OversizedPieceIsSkipped) {
  Limits limits;
  limits.max_value_bytes = 64;
  const std::string big = "{\"id\":\"big\",\"pad\":\"" + std::string(100, 'x') + "\",\"a\":[1,2]}";
  const std::string exact = "{\"pad\":\"" + std::string(64 - 10, 'y') + "\"}";
  ASSERT_EQ(exact.size(), 64u);
  // The last element is a 65-byte string: one byte too large.
  const std::string valid_text =
      "{\"objects\":[{\"id\":1}," + big + ",\n" + exact + ",\"" + std::string(63, 'z') + "\"]}";
  const Split s = SplitText(valid_text, "objects", limits);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 5u);
  EXPECT_EQ(s.pieces[0].text, "{\"id\":1}");
  EXPECT_EQ(s.pieces[1].kind, Piece::Kind::kElement);
  EXPECT_EQ(s.pieces[1].path, "objects[1]");
  EXPECT_EQ(s.pieces[1].offset, 21u);
  EXPECT_EQ(s.pieces[1].text, "");
  EXPECT_EQ(s.pieces[1].error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.pieces[1].error.message(),
            "value at line 1 (byte 21) is larger than the 64-byte limit");
  EXPECT_EQ(s.pieces[2].text, exact);
  EXPECT_EQ(s.pieces[2].line, 2u);
  EXPECT_EQ(s.pieces[3].error.message(), "value at line 2 (byte " +
                                             std::to_string(valid_text.find("\"zzz")) +
                                             ") is larger than the 64-byte limit");
  EXPECT_EQ(s.pieces[4], Envelope("{\"objects\":[]}", 0, 1, 4));
}

TEST(SplitterTest, OversizedTopLevelValueIsSkipped) {
  Limits limits;
  limits.max_value_bytes = 32;
  const std::string text =
      "{\"a\":\"" + std::string(40, 'x') + "\"}\n{\"b\":1}\n[" + std::string(40, '1') + ",2]";
  const Split s = SplitText(text, "objects", limits);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 4u);
  EXPECT_EQ(s.pieces[0].kind, Piece::Kind::kValue);
  EXPECT_EQ(s.pieces[0].error.message(),
            "value at line 1 (byte 0) is larger than the 32-byte limit");
  EXPECT_EQ(s.pieces[1], Value("{\"b\":1}", 49, 2));
  EXPECT_EQ(s.pieces[2].error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.pieces[2].path, "[0]");
  EXPECT_EQ(s.pieces[3], Element("2", text.size() - 2, 3, "[1]", 1));
}

TEST(SplitterTest, EnvelopeOverTheLimitIsFatal) {
  Limits limits;
  limits.max_value_bytes = 40;
  const std::string pad(50, 'p');
  // After the split member.
  Split s = SplitText("{\"objects\":[1,2],\"x\":\"" + pad + "\"}", "objects", limits);
  EXPECT_EQ(s.pieces.size(), 2u);
  EXPECT_EQ(s.fatal.code(), StatusCode::kResourceExhausted);
  ExpectFatal(s,
              "the envelope of the value at line 1 (byte 0) (all but its \"objects\" elements) "
              "is larger than the 40-byte limit");
  // Before the split member.
  s = SplitText("{\"x\":\"" + pad + "\",\"objects\":[1,2]}", "objects", limits);
  EXPECT_EQ(s.pieces.size(), 0u);
  ExpectFatal(s,
              "cannot split the value at line 1 (byte 0) at its \"objects\" member: the rest "
              "of the value is larger than the 40-byte limit");
}

std::string Nested(size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

TEST(SplitterTest, OverDeepPieceIsSkipped) {
  Limits limits;
  limits.max_depth = 3;
  const std::string text = "{\"objects\":[" + Nested(3) + "," + Nested(4) + ",{\"a\":{\"b\":[]}}," +
                           "{\"a\":{\"b\":[{}]}},\"}}}]]]\"]}";
  const Split s = SplitText(text, "objects", limits);
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 6u);
  EXPECT_EQ(s.pieces[0].text, Nested(3));
  EXPECT_TRUE(s.pieces[0].error.ok());
  EXPECT_EQ(s.pieces[1].text, "");
  EXPECT_EQ(s.pieces[1].error.message(),
            "value at line 1 (byte 20) is nested deeper than 3 levels");
  EXPECT_EQ(s.pieces[2].text, "{\"a\":{\"b\":[]}}");
  EXPECT_EQ(s.pieces[3].error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.pieces[4].text, "\"}}}]]]\"");
  EXPECT_EQ(s.pieces[5].text, "{\"objects\":[]}");

  // A top-level value without a split member, too deep: skipped, not fatal.
  const Split t = SplitText("{\"a\":[[[1]]]}\n{\"a\":[[1]]}", "objects", limits);
  ASSERT_TRUE(t.fatal.ok()) << t.fatal.ToString();
  ASSERT_EQ(t.pieces.size(), 2u);
  EXPECT_EQ(t.pieces[0].error.message(), "value at line 1 (byte 0) is nested deeper than 3 levels");
  EXPECT_EQ(t.pieces[1], Value("{\"a\":[[1]]}", 14, 2));
}

TEST(SplitterTest, HundredThousandLevelsDeep) {
  // Unclosed: the splitter counts to the end and reports the truncation.
  ExpectFatal(SplitText(std::string(100000, '[')),
              "truncated: the value that starts at line 1 (byte 1) is not closed at the end of the "
              "input (byte 100000)");
  // Closed: one over-deep element, then the end.
  Split s = SplitText(Nested(100000));
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 1u);
  EXPECT_EQ(s.pieces[0].error.message(),
            "value at line 1 (byte 1) is nested deeper than 64 levels");
  // Mismatches are still found far past the depth limit.
  ExpectFatal(SplitText(std::string(50000, '[') + "}"),
              "line 1 (byte 50000): expected ']' to close an array, found '}'");
  s = SplitText("{\"objects\":[" + Nested(100000) + ",{}]}");
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 3u);
  EXPECT_FALSE(s.pieces[0].error.ok());
  EXPECT_EQ(s.pieces[1].text, "{}");
}

TEST(SplitterTest, ReadErrorsArePassedThrough) {
  FailingStream in("{\"objects\":[{\"a\":1},{\"b\"");
  const Split s = SplitStream(&in, "objects", {});
  EXPECT_EQ(s.pieces.size(), 1u);
  EXPECT_EQ(s.fatal, IoError("reading <failing>: disk on fire"));
}

TEST(SplitterTest, OffsetCountsBytesConsumed) {
  const std::string text = "{\"objects\":[{\"a\":1},{\"b\":2}]}";
  auto in = InputStream::FromString(text);
  Splitter splitter(in.get(), "objects");
  EXPECT_EQ(splitter.offset(), 0u);
  auto first = splitter.Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(splitter.offset(), 19u);  // just past the first element
  auto second = splitter.Next();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->text, "{\"b\":2}");
  EXPECT_EQ(first->value().path, "objects[0]");
}

// Produces {"objects":[ <one element of about `size` bytes> , {"id":"after"} ]} on the fly.
class BigBundleStream final : public InputStream {
 public:
  explicit BigBundleStream(uint64_t size) {
    head_ = "{\"objects\":[{\"id\":\"big\",\"parts\":[";
    // Strings with escapes and brackets, nested containers: a realistic scan.
    for (int i = 0; i < 64; ++i) {
      block_ +=
          "{\"s\":\"text with \\\"quotes\\\", [brackets] and {braces}\\\\\",\"n\":[1,2.5,{}]},";
    }
    tail_ = "0]},{\"id\":\"after\"}]}";
    blocks_ = size / block_.size() + 1;
  }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t done = 0;
    while (done < n) {
      const std::string* part;
      if (pos_ < head_.size()) {
        part = &head_;
      } else if (block_index_ < blocks_) {
        part = &block_;
      } else if (tail_pos_ < tail_.size()) {
        part = &tail_;
      } else {
        break;
      }
      size_t at = part == &head_ ? pos_ : part == &block_ ? block_pos_ : tail_pos_;
      const size_t k = std::min(n - done, part->size() - at);
      std::memcpy(buf + done, part->data() + at, k);
      done += k;
      if (part == &head_) {
        pos_ += k;
      } else if (part == &block_) {
        block_pos_ += k;
        if (block_pos_ == block_.size()) {
          block_pos_ = 0;
          ++block_index_;
        }
      } else {
        tail_pos_ += k;
      }
    }
    consumed_ += done;
    return done;
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override { return consumed_; }
  uint64_t size() const override { return 0; }

 private:
  std::string head_, block_, tail_;
  uint64_t blocks_;
  uint64_t block_index_ = 0;
  size_t pos_ = 0, block_pos_ = 0, tail_pos_ = 0;
  uint64_t consumed_ = 0;
  std::string name_ = "<big>";
};

// Resident set size in bytes, or 0 if unknown.
uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * 4096;
}

TEST(SplitterTest, HugePieceIsSkippedInConstantMemory) {
  Limits limits;
  limits.max_value_bytes = 1 << 20;
  BigBundleStream in(200ull << 20);
  const uint64_t rss_before = ResidentBytes();
  const auto start = std::chrono::steady_clock::now();
  const Split s = SplitStream(&in, "objects", limits);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t rss_after = ResidentBytes();
  ASSERT_TRUE(s.fatal.ok()) << s.fatal.ToString();
  ASSERT_EQ(s.pieces.size(), 3u);
  EXPECT_EQ(s.pieces[0].error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.pieces[0].error.message(),
            "value at line 1 (byte 12) is larger than the 1048576-byte limit");
  EXPECT_EQ(s.pieces[1].text, "{\"id\":\"after\"}");
  EXPECT_EQ(s.pieces[2].text, "{\"objects\":[]}");
  EXPECT_GT(s.offset, 200ull << 20);
  if (rss_before != 0) {
    EXPECT_LT(rss_after, rss_before + (16u << 20));
  }
  std::printf("[ info ] scanned %.0f MB in %.3f s: %.0f MB/s\n", s.offset / 1e6, seconds,
              s.offset / 1e6 / seconds);
}

TEST(SplitterTest, ThroughputOnManySmallObjects) {
  // Informational: a bundle of 100k STIX-like objects, read whole.
  std::string text = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[";
  for (int i = 0; i < 100000; ++i) {
    if (i) text += ",";
    text += "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" +
            std::to_string(1000000 + i) +
            "-4cbf-938f-98ee46b3cd3f\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":"
            "\"2024-01-01T00:00:00.000Z\",\"name\":\"Malicious \\\"site\\\"\",\"pattern\":\"[url:"
            "value = 'http://example.com/a']\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-"
            "01T00:00:00Z\",\"labels\":[\"malicious-activity\"],\"confidence\":85}";
  }
  text += "]}";
  auto in = InputStream::FromString(text);
  Splitter splitter(in.get(), "objects");
  const auto start = std::chrono::steady_clock::now();
  size_t pieces = 0, bytes = 0;
  for (;;) {
    auto next = splitter.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    ++pieces;
    bytes += (*next)->text.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(pieces, 100001u);
  std::printf("[ info ] split %.0f MB into %zu pieces in %.3f s: %.0f MB/s\n", text.size() / 1e6,
              pieces, seconds, text.size() / 1e6 / seconds);
  (void)bytes;
}

}  // namespace
}  // namespace concord::json
