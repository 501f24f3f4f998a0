// Format recognition, log timestamps, the Zeek TSV header and the LogReader.

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_context.h"
#include "concord/ingest/log_format.h"
#include "concord/ingest/log_reader.h"
#include "concord/ingest/log_time.h"
#include "concord/observe/dump.h"

namespace concord::ingest {
namespace {

TEST(LogFormatTest, RecognisesEachSourceFromOneLine) {
  EXPECT_EQ(DetectLogFormat("#separator \\x09"), LogFormat::kZeekTsv);
  EXPECT_EQ(DetectLogFormat(R"({"ts":1600000000.1,"uid":"C1","id.orig_h":"10.0.0.1"})"),
            LogFormat::kZeekJson);
  EXPECT_EQ(DetectLogFormat(R"({"ts":"2020-09-28T12:00:00Z","id_orig_h":"10.0.0.1"})"),
            LogFormat::kZeekJson);
  EXPECT_EQ(DetectLogFormat(R"({"timestamp":"2021-05-01T10:00:00.1+0000","event_type":"dns"})"),
            LogFormat::kSuricataEve);
  EXPECT_EQ(DetectLogFormat(R"({"@timestamp":"2021-05-01T10:00:00Z","event":{"code":1},)"
                            R"("winlog":{}})"),
            LogFormat::kSysmonEcs);
  EXPECT_EQ(DetectLogFormat(R"({"EventID":1,"Image":"C:\\x.exe"})"), LogFormat::kSysmonFlat);
  for (const char* unknown : {"", "# comment", "plain text", "{\"type\":\"bundle\"}", "[1,2]",
                              R"({"tsx":1,"uid":"C"})"}) {
    EXPECT_EQ(DetectLogFormat(unknown), LogFormat::kUnknown) << unknown;
  }
}

TEST(LogFormatTest, NamesRoundTrip) {
  for (LogFormat f : {LogFormat::kZeekJson, LogFormat::kZeekTsv, LogFormat::kSuricataEve,
                      LogFormat::kSysmonEcs, LogFormat::kSysmonFlat}) {
    EXPECT_EQ(*ParseLogFormat(LogFormatName(f)), f);
  }
  EXPECT_EQ(*ParseLogFormat("eve"), LogFormat::kSuricataEve);
  EXPECT_FALSE(ParseLogFormat("pcap").ok());
}

TEST(LogTimeTest, EpochSeconds) {
  EXPECT_EQ(*ParseEpochSeconds("1600000000.123456"), (Timestamp{1600000000, 123456000}));
  EXPECT_EQ(*ParseEpochSeconds("1600000000"), (Timestamp{1600000000, 0}));
  EXPECT_EQ(*TimeFromEpochSeconds(1600000000.123456), (Timestamp{1600000000, 123456000}));
  EXPECT_EQ(*TimeFromEpochSeconds(1600000000.9999999), (Timestamp{1600000001, 0}));
  for (const char* bad : {"", "abc", "1.", ".5", "-1", "1e9", "99999999999999999999"}) {
    EXPECT_FALSE(ParseEpochSeconds(bad).ok()) << bad;
  }
  EXPECT_FALSE(TimeFromEpochSeconds(-1).ok());
  EXPECT_FALSE(TimeFromEpochSeconds(1e300).ok());
  EXPECT_FALSE(TimeFromEpochSeconds(std::numeric_limits<double>::quiet_NaN()).ok());
}

TEST(LogTimeTest, CalendarTimesAsLogsWriteThem) {
  const Timestamp t{1619863200, 123456000};  // 2021-05-01T10:00:00.123456Z
  EXPECT_EQ(*ParseLogTime("2021-05-01T10:00:00.123456+0000"), t);
  EXPECT_EQ(*ParseLogTime("2021-05-01T10:00:00.123456Z"), t);
  EXPECT_EQ(*ParseLogTime("2021-05-01T12:00:00.123456+02:00"), t);
  EXPECT_EQ(*ParseLogTime("2021-05-01T12:00:00.123456+0200"), t);
  EXPECT_EQ(*ParseLogTime("2021-05-01 10:00:00.123456"), t);
  EXPECT_EQ(*ParseLogTime("2021-05-01T10:00:00Z"), (Timestamp{1619863200, 0}));
  for (const char* bad : {"", "2021-05-01", "2021-13-01T10:00:00Z", "yesterday at noon",
                          "2021-05-01T10:00:00+2", "2021-05-01T10:00:00.Z"}) {
    EXPECT_FALSE(ParseLogTime(bad).ok()) << bad;
  }
}

// The general reading ParseLogTime had before its one-pass fast path: rewrite into RFC 3339,
// then ParseTimestamp. The reference the fast path must agree with.
std::optional<Timestamp> ReferenceLogTime(std::string text) {
  if (text.size() < 19 || text.size() > 48) return std::nullopt;
  if (text[10] == ' ') text[10] = 'T';
  size_t zone = 19;
  if (zone < text.size() && text[zone] == '.') {
    ++zone;
    while (zone < text.size() && text[zone] >= '0' && text[zone] <= '9') ++zone;
  }
  if (zone == text.size()) {
    text += 'Z';
  } else if ((text[zone] == '+' || text[zone] == '-') && text.size() - zone == 5) {
    text.insert(text.size() - 2, ":");
  } else if (text[zone] == 'z') {
    text[zone] = 'Z';
  }
  Result<ParsedTimestamp> t = ParseTimestamp(text, TimestampSyntax{.allow_offset = true});
  if (!t.ok()) return std::nullopt;
  return t->instant;
}

TEST(LogTimeTest, AgreesWithTheGeneralReadingOnGeneratedTimes) {
  std::mt19937 rng(5);
  auto pick = [&](std::initializer_list<const char*> options) {
    return std::string(options.begin()[rng() % options.size()]);
  };
  auto number = [&](int below, int width) {
    std::string s = std::to_string(rng() % below);
    while (static_cast<int>(s.size()) < width) s.insert(0, "0");
    return s;
  };
  int accepted = 0;
  std::string previous;
  for (int i = 0; i < 200000; ++i) {
    std::string t = number(10000, 4) + "-" + number(14, 2) + "-" + number(33, 2) +
                    pick({"T", "T", "t", " ", "x"}) + number(25, 2) + ":" + number(61, 2) + ":" +
                    number(61, 2);
    // Often within the minute of the text before (which ParseLogTime keeps), as logs are.
    if (rng() % 2 == 0 && previous.size() >= 16) {
      t = previous.substr(0, 16) + ":" + number(61, 2);
    }
    if (rng() % 3 != 0) t += "." + number(1000000, 1 + rng() % 12).substr(0, 1 + rng() % 12);
    t += pick({"", "Z", "z", "+0000", "-0530", "+02:00", "-23:59", "+2400", "+00:60", "+02:0",
               "+020", "Zx", "+", "Z+0100"});
    if (rng() % 8 == 0) t[rng() % t.size()] = "0:9.-+ TZa"[rng() % 10];  // a byte changed
    if (rng() % 16 == 0) t.resize(rng() % (t.size() + 1));               // or the text cut
    previous = t;
    const std::optional<Timestamp> expected = ReferenceLogTime(t);
    const Result<Timestamp> got = ParseLogTime(t);
    ASSERT_EQ(got.ok(), expected.has_value()) << t;
    if (expected) {
      ASSERT_EQ(*got, *expected) << t;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 20000);  // both ways taken often
  EXPECT_LT(accepted, 180000);
}

TEST(LogTimeTest, MailDates) {
  EXPECT_EQ(*ParseMailDate("Tue, 1 Jul 2003 10:52:37 +0200"), (Timestamp{1057049557, 0}));
  EXPECT_EQ(*ParseMailDate("1 Jul 2003 10:52:37 EDT"), (Timestamp{1057071157, 0}));
  EXPECT_FALSE(ParseMailDate("next tuesday").has_value());
  EXPECT_FALSE(ParseMailDate("Tue, 31 Jun 2003 10:52:37 +0200").has_value());
  EXPECT_FALSE(ParseMailDate("").has_value());
}

TEST(LogContextTest, ZeekHeader) {
  LogContext c;
  ASSERT_TRUE(ApplyZeekHeaderLine("#separator \\x09", &c).ok());
  EXPECT_EQ(c.separator, '\t');
  ASSERT_TRUE(ApplyZeekHeaderLine("#set_separator\t;", &c).ok());
  ASSERT_TRUE(ApplyZeekHeaderLine("#path\tdns", &c).ok());
  ASSERT_TRUE(ApplyZeekHeaderLine("#fields\tts\tuid\tquery", &c).ok());
  ASSERT_TRUE(ApplyZeekHeaderLine("#types\ttime\tstring\tstring", &c).ok());
  ASSERT_TRUE(ApplyZeekHeaderLine("#open\t2020-01-01-00-00-00", &c).ok());
  EXPECT_EQ(c.set_separator, ";");
  EXPECT_EQ(c.zeek_path, "dns");
  EXPECT_EQ(c.fields, (std::vector<std::string>{"ts", "uid", "query"}));
  EXPECT_EQ(c.types.size(), 3u);
  EXPECT_FALSE(ApplyZeekHeaderLine("#separator", &c).ok());
  EXPECT_FALSE(ApplyZeekHeaderLine("#fields", &c).ok());
  EXPECT_EQ(ZeekPathFromFileName("/var/log/zeek/dns.09:00:00-10:00:00.log.gz"), "dns");
  EXPECT_EQ(ZeekPathFromFileName("conn.log"), "conn");
  EXPECT_EQ(ZeekPathFromFileName("-"), "");
}

TEST(LogReaderTest, HeadersMakeNewContextsAndOldEventsKeepTheirs) {
  auto input = InputStream::FromString(
      "#separator \\x09\n#path\tconn\n#fields\tts\ta\n1.0\tx\n"
      "#fields\tts\tb\tc\n2.0\ty\tz\n\n");
  LogReader reader(input.get(), "conn.log", LogFormat::kUnknown, IngestLimits{});
  auto first = reader.Next();
  ASSERT_TRUE(first.ok() && *first);
  auto second = reader.Next();
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_EQ((*first)->number, 4u);
  EXPECT_EQ((*first)->context->fields, (std::vector<std::string>{"ts", "a"}));
  EXPECT_EQ((*second)->context->fields, (std::vector<std::string>{"ts", "b", "c"}));
  EXPECT_EQ((*second)->context->zeek_path, "conn");
  auto end = reader.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(LogReaderTest, LinesBeforeTheFormatIsKnownAreSkippedWithAReason) {
  auto input = InputStream::FromString(
      "garbage\n# comment\n{\"event_type\":\"dns\",\"timestamp\":\"2021-05-01T10:00:00Z\"}\n");
  LogReader reader(input.get(), "eve.json", LogFormat::kUnknown, IngestLimits{});
  auto a = reader.Next();
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->kind, LogReader::Line::Kind::kSkipped);
  EXPECT_NE((*a)->reason.find("format not recognised"), std::string::npos);
  auto b = reader.Next();
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_EQ((*b)->kind, LogReader::Line::Kind::kEvent);
  EXPECT_EQ((*b)->number, 3u);
  EXPECT_EQ(reader.format(), LogFormat::kSuricataEve);
}

TEST(LogReaderTest, LongLinesAreSkipped) {
  auto input = InputStream::FromString(std::string(100, 'x') + "\n{\"EventID\":1}\n");
  LogReader reader(input.get(), "x", LogFormat::kSysmonFlat, IngestLimits{.max_line_bytes = 50});
  auto a = reader.Next();
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->kind, LogReader::Line::Kind::kSkipped);
  EXPECT_EQ((*a)->reason, "line longer than the limit");
}

TEST(EventMapperTest, BadLinesGetReasonsNotCrashes) {
  EventMapper mapper;
  observe::Observation o;
  observe::ObservationBuilder b(&o);
  LogContext eve;
  eve.format = LogFormat::kSuricataEve;
  auto reason = [&](const LogContext& c, std::string_view line) {
    Status s = mapper.Map(c, line, &b);
    return s.ok() ? std::string("ok") : s.message();
  };
  EXPECT_NE(reason(eve, R"({"event_type":"dns","timestamp":"2021)").find("not complete JSON"),
            std::string::npos);
  EXPECT_NE(reason(eve, "[1,2,3]").find("not an object"), std::string::npos);
  EXPECT_NE(reason(eve, "{\"event_type\":\"dns\",\"x\":\"\xff\"}").find("UTF-8"),
            std::string::npos);
  EXPECT_NE(reason(eve, R"({"ts":1.0,"uid":"C"})").find("did the log change format"),
            std::string::npos);
  LogContext tsv;
  tsv.format = LogFormat::kZeekTsv;
  EXPECT_NE(reason(tsv, "1.0\tx").find("before the log's '#fields'"), std::string::npos);
  tsv.fields = {"ts", "uid", "query"};
  EXPECT_NE(reason(tsv, "1.0\tx").find("2 fields where '#fields' has 3"), std::string::npos);
  EXPECT_NE(reason(tsv, "1.0\tx\ty\tz").find("4 or more fields"), std::string::npos);
  EXPECT_NE(reason(tsv, R"({"ts":1})").find("JSON line in a Zeek TSV log"), std::string::npos);
}

// ParseAhead changes when a line is parsed, never what it maps to: good events, bad JSON and
// events of the wrong format give the same observation or the same reason as MapPadded alone.
TEST(EventMapperTest, LinesParsedAheadMapAsTheyWouldAlone) {
  const std::vector<std::string> lines = {
      R"({"ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5353,)"
      R"("id.resp_h":"198.51.100.7","id.resp_p":443,"proto":"tcp","service":"ssl"})",
      R"({"ts":1700000001.0,"uid":"C2","id.orig_h":"10.0.0.2","id.orig_p":1,)"
      R"("id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"a.example",)"
      R"("answers":["192.0.2.1","b.example"]})",
      R"({"ts":1700000002.0,"uid":"C3")",  // truncated
      R"({"uid":"C4"})",                   // not a Zeek event
      "[1,2]",
      "{\"ts\":1.0,\"x\":\"\xff\"}",
      R"({"ts":1700000003.0,"uid":"C5","id.orig_h":"10.0.0.9","id.resp_h":"203.0.113.1"})",
  };
  // Each line followed by the padding MapPadded needs.
  std::vector<std::string> padded;
  for (const std::string& l : lines) padded.push_back(l + std::string(64, ' '));
  auto view = [&](size_t i) { return std::string_view(padded[i].data(), lines[i].size()); };
  LogContext zeek;
  zeek.format = LogFormat::kZeekJson;
  auto result = [](Status s, const observe::Observation& o) {
    return s.ok() ? observe::DumpObservation(o) : "skipped: " + s.message();
  };

  std::vector<std::string> alone;
  {
    EventMapper mapper;
    observe::Observation o;
    observe::ObservationBuilder b(&o);
    for (size_t i = 0; i < lines.size(); ++i) {
      alone.push_back(result(mapper.MapPadded(zeek, view(i), &b), o));
    }
  }
  EventMapper mapper;
  observe::Observation o;
  observe::ObservationBuilder b(&o);
  for (int round = 0; round < 3; ++round) {  // the parsers are reused round after round
    for (size_t i = 0; i < lines.size(); ++i) ASSERT_TRUE(mapper.ParseAhead(zeek, view(i)));
    // Mapped out of order, and twice (the scanner maps an event again to build it).
    for (size_t k = lines.size(); k-- > 0;) {
      EXPECT_EQ(result(mapper.MapPadded(zeek, view(k), &b), o), alone[k]) << k;
      EXPECT_EQ(result(mapper.MapPadded(zeek, view(k), &b), o), alone[k]) << k;
    }
    mapper.ForgetParsed();
  }
  EXPECT_NE(alone[0].find("198.51.100.7"), std::string::npos);
  EXPECT_NE(alone[2].find("not complete JSON"), std::string::npos);

  // At most kParseAhead lines are held; the rest are left to MapPadded.
  for (size_t i = 0; i < EventMapper::kParseAhead; ++i) {
    ASSERT_TRUE(mapper.ParseAhead(zeek, view(0)));
  }
  EXPECT_FALSE(mapper.ParseAhead(zeek, view(1)));
  EXPECT_EQ(result(mapper.MapPadded(zeek, view(1), &b), o), alone[1]);
  mapper.ForgetParsed();
  // Zeek TSV lines and long lines are not parsed ahead, and take no place.
  LogContext tsv;
  tsv.format = LogFormat::kZeekTsv;
  tsv.fields = {"ts", "uid"};
  const std::string tsv_line = "1.0\tC1" + std::string(64, ' ');
  const std::string long_line = "{\"ts\":1.0,\"x\":\"" +
                                std::string(EventMapper::kParseAheadBytes, 'a') + "\"}" +
                                std::string(64, ' ');
  const std::string_view long_view(long_line.data(), long_line.size() - 64);
  for (size_t i = 0; i < 2 * EventMapper::kParseAhead; ++i) {
    ASSERT_TRUE(mapper.ParseAhead(tsv, std::string_view(tsv_line.data(), 6)));
    ASSERT_TRUE(mapper.ParseAhead(zeek, long_view));
  }
  EXPECT_TRUE(mapper.MapPadded(zeek, long_view, &b).ok());
  EXPECT_TRUE(mapper.ParseAhead(zeek, view(0)));
}

}  // namespace
}  // namespace concord::ingest
