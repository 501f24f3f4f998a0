#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "concord/ingest/adapters.h"
#include "concord/json/document.h"
#include "concord/observe/dump.h"

// Unit tests of the sysmon adapter beyond the golden files (testdata/ingest/sysmon): named
// errors for wrong types, one observation from either layout, lenient unknown events, and
// hostile values.

namespace concord::ingest {
namespace {

enum class Layout { kFlat, kEcs };

struct Mapped {
  Status status;
  std::string dump;  // observe::DumpObservation, when status is OK
};

Mapped Map(Layout layout, std::string_view line) {
  json::Parser parser(json::Limits{.max_value_bytes = 64u << 20, .max_depth = 4096});
  Result<json::Element> parsed = parser.Parse(line);
  if (!parsed.ok()) return {parsed.status(), ""};
  json::ObjectView event;
  if (parsed->get_object().get(event) != simdjson::SUCCESS) {
    return {InvalidArgument("not an object"), ""};
  }
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  Status s =
      layout == Layout::kFlat ? MapSysmonFlat(event, &builder) : MapSysmonEcs(event, &builder);
  return {s, s.ok() ? observe::DumpObservation(observation) : ""};
}

Mapped Flat(std::string_view line) { return Map(Layout::kFlat, line); }
Mapped Ecs(std::string_view line) { return Map(Layout::kEcs, line); }

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// ---- Wrong types name the field.

TEST(SysmonTest, WrongTypesNameTheField) {
  const struct {
    Layout layout;
    const char* line;
    const char* message;
  } cases[] = {
      {Layout::kFlat, R"({"EventID":"abc","UtcTime":"2021-03-02 11:00:00.000"})",
       "field 'EventID': expected an event number, got \"abc\""},
      {Layout::kFlat, R"({"EventID":1.5,"UtcTime":"2021-03-02 11:00:00.000"})",
       "field 'EventID': expected an event number, got 1.5"},
      {Layout::kFlat, R"({"EventID":1,"UtcTime":"2021-03-02 11:00:00.000","ProcessId":"abc"})",
       "field 'ProcessId': expected a process id, got \"abc\""},
      {Layout::kFlat,
       R"({"EventID":1,"UtcTime":"2021-03-02 11:00:00.000","ParentProcessId":{"id":1}})",
       "field 'ParentProcessId': expected a process id, got an object"},
      {Layout::kFlat, R"({"EventID":1,"UtcTime":"2021-03-02 11:00:00.000","CommandLine":[1]})",
       "field 'CommandLine': expected a string, got an array"},
      {Layout::kFlat, R"({"EventID":3,"UtcTime":"2021-03-02 11:00:00.000","SourcePort":"x1"})",
       "field 'SourcePort': expected a port number, got \"x1\""},
      {Layout::kFlat,
       R"({"EventID":3,"UtcTime":"2021-03-02 11:00:00.000","DestinationPort":65536})",
       "field 'DestinationPort': expected a port number, got 65536"},
      {Layout::kFlat, R"({"EventID":3,"UtcTime":"2021-03-02 11:00:00.000","SourceIp":true})",
       "field 'SourceIp': expected a string, got true"},
      {Layout::kFlat, R"({"EventID":22,"UtcTime":"2021-03-02 11:00:00.000","QueryName":7})",
       "field 'QueryName': expected a string, got 7"},
      {Layout::kFlat,
       R"({"EventID":11,"UtcTime":"2021-03-02 11:00:00.000","TargetFilename":{"a":1}})",
       "field 'TargetFilename': expected a string, got an object"},
      {Layout::kFlat, R"({"EventID":7,"UtcTime":"2021-03-02 11:00:00.000","ImageLoaded":[]})",
       "field 'ImageLoaded': expected a string, got an array"},
      {Layout::kFlat, R"({"EventID":1,"UtcTime":{"t":1}})",
       "field 'UtcTime': expected a time such as \"2019-05-14 09:04:58.718\", got an object"},
      {Layout::kFlat, R"({"EventID":1,"TimeCreated":"12:00"})", "field 'TimeCreated': "},
      {Layout::kFlat, R"({"EventID":1,"Image":"C:\\x.exe"})", "no time"},
      {Layout::kEcs, R"({"@timestamp":"2021-03-02T11:00:00Z","event":{"code":"x"}})",
       "field 'event.code': expected an event number, got \"x\""},
      {Layout::kEcs,
       R"({"@timestamp":"2021-03-02T11:00:00Z","winlog":{"event_id":1},"process":{"pid":"abc"}})",
       "field 'process.pid': expected a process id, got \"abc\""},
      {Layout::kEcs,
       R"({"@timestamp":"2021-03-02T11:00:00Z","winlog":{"event_id":1},)"
       R"("process":{"parent":{"pid":-1}}})",
       "field 'process.parent.pid': expected a process id, got -1"},
      {Layout::kEcs,
       R"({"@timestamp":"2021-03-02T11:00:00Z","winlog":{"event_id":3,)"
       R"("event_data":{"DestinationPort":"https"}}})",
       "field 'winlog.event_data.DestinationPort': expected a port number, got \"https\""},
      {Layout::kEcs,
       R"({"@timestamp":"2021-03-02T11:00:00Z","winlog.event_id":3,"source.port":"abc"})",
       "field 'source.port': expected a port number, got \"abc\""},
      {Layout::kEcs, R"({"@timestamp":17,"winlog":{"event_id":3}})",
       "field '@timestamp': expected a time"},
      {Layout::kEcs, R"({"winlog":{"event_id":3}})", "no time"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const Mapped m = Map(c.layout, c.line);
    EXPECT_EQ(m.status.code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(m.status.message(), c.message)) << m.status.message();
  }
}

TEST(SysmonTest, NumbersMayBeWrittenAsText) {
  const Mapped m = Flat(R"({"EventID":"3","UtcTime":"2021-03-02 11:00:00.000","ProcessId":" 100 ",)"
                        R"("SourceIp":"10.0.0.1","SourcePort":50001.0,"DestinationIp":"192.0.2.1",)"
                        R"("DestinationPort":"443","Protocol":"TCP"})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_TRUE(Contains(m.dump, R"("src_port":50001,"dst_port":443,"protocols":["tcp"])")) << m.dump;
  EXPECT_TRUE(Contains(m.dump, R"("pid":100)")) << m.dump;
}

// ---- Both layouts, one observation.

constexpr std::string_view kFlatProcessCreate =
    R"({"SourceName":"Microsoft-Windows-Sysmon","EventID":1,)"
    R"("TimeCreated":"2021-03-02T10:15:01.120Z","UtcTime":"2021-03-02 10:15:01.118",)"
    R"("ProcessId":"6140","Image":"C:\\Temp\\tool.exe","CommandLine":"tool.exe /x",)"
    R"("CurrentDirectory":"C:\\Temp\\","User":"CORP\\alice",)"
    R"("Hashes":"MD5=D41D8CD98F00B204E9800998ECF8427E,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744",)"
    R"("ParentProcessId":"5208","ParentImage":"C:\\Windows\\explorer.exe",)"
    R"("ParentCommandLine":"C:\\Windows\\Explorer.EXE"})";

TEST(SysmonTest, ProcessCreationIsTheSameFromEitherLayout) {
  const Mapped flat = Flat(kFlatProcessCreate);
  ASSERT_TRUE(flat.status.ok()) << flat.status.message();
  // Winlogbeat's sysmon module: moved into ECS fields.
  const Mapped module = Ecs(
      R"({"@timestamp":"2021-03-02T10:15:01.118Z","event":{"code":"1",)"
      R"("provider":"Microsoft-Windows-Sysmon"},"winlog":{"event_id":"1","event_data":{},)"
      R"("process":{"pid":3232}},"process":{"pid":6140,"executable":"C:\\Temp\\tool.exe",)"
      R"("command_line":"tool.exe /x","working_directory":"C:\\Temp\\",)"
      R"("hash":{"md5":"d41d8cd98f00b204e9800998ecf8427e"},)"
      R"("pe":{"imphash":"f34d5f2d4577ed6d9ceec516c1f5a744"},)"
      R"("parent":{"pid":5208,"executable":"C:\\Windows\\explorer.exe",)"
      R"("command_line":"C:\\Windows\\Explorer.EXE"}},"user":{"domain":"CORP","name":"alice"}})");
  // Plain Winlogbeat: the record as Sysmon wrote it, in winlog.event_data.
  const Mapped plain = Ecs(
      R"({"@timestamp":"2021-03-02T10:15:01.120Z","winlog":{"event_id":1,)"
      R"("provider_name":"Microsoft-Windows-Sysmon","event_data":{)"
      R"("UtcTime":"2021-03-02 10:15:01.118","ProcessId":"6140","Image":"C:\\Temp\\tool.exe",)"
      R"("CommandLine":"tool.exe /x","CurrentDirectory":"C:\\Temp\\","User":"CORP\\alice",)"
      R"("Hashes":"MD5=D41D8CD98F00B204E9800998ECF8427E,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744",)"
      R"("ParentProcessId":"5208","ParentImage":"C:\\Windows\\explorer.exe",)"
      R"("ParentCommandLine":"C:\\Windows\\Explorer.EXE"}}})");
  // Dotted names.
  const Mapped dotted =
      Ecs(R"({"@timestamp":"2021-03-02T10:15:01.118Z","winlog.event_id":1,"process.pid":6140,)"
          R"("process.executable":"C:\\Temp\\tool.exe","process.command_line":"tool.exe /x",)"
          R"("process.working_directory":"C:\\Temp\\",)"
          R"("process.hash.md5":"d41d8cd98f00b204e9800998ecf8427e",)"
          R"("process.pe.imphash":"f34d5f2d4577ed6d9ceec516c1f5a744",)"
          R"("process.parent.pid":5208,"process.parent.executable":"C:\\Windows\\explorer.exe",)"
          R"("process.parent.command_line":"C:\\Windows\\Explorer.EXE",)"
          R"("user.domain":"CORP","user.name":"alice"})");
  for (const Mapped* m : {&module, &plain, &dotted}) {
    ASSERT_TRUE(m->status.ok()) << m->status.message();
    EXPECT_EQ(m->dump, flat.dump);
  }
  EXPECT_EQ(flat.dump,
            "time 2021-03-02T10:15:01.118000Z\n"
            R"(0 directory {"type":"directory","path":"C:\\Temp"})"
            "\n"
            R"(1 file {"type":"file","name":"tool.exe","parent_directory_ref":"0",)"
            R"("hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e"},)"
            R"("extensions":{"windows-pebinary-ext":{"pe_type":"exe",)"
            R"("imphash":"f34d5f2d4577ed6d9ceec516c1f5a744"}}})"
            "\n"
            R"(2 directory {"type":"directory","path":"C:\\Windows"})"
            "\n"
            R"(3 file {"type":"file","name":"explorer.exe","parent_directory_ref":"2"})"
            "\n"
            R"(4 user-account {"type":"user-account","user_id":"CORP\\alice",)"
            R"("account_login":"alice"})"
            "\n"
            R"(5 process {"type":"process","pid":5208,"command_line":"C:\\Windows\\Explorer.EXE",)"
            R"("image_ref":"3"})"
            "\n"
            R"(6 process {"type":"process","pid":6140,"command_line":"tool.exe /x",)"
            R"("cwd":"C:\\Temp\\","created_time":"2021-03-02T10:15:01.118Z","image_ref":"1",)"
            R"("parent_ref":"5","creator_user_ref":"4"})"
            "\n");
}

TEST(SysmonTest, EventDataWinsOverEcsFieldsWhicheverComesFirst) {
  const Mapped m =
      Ecs(R"({"@timestamp":"2021-03-02T10:15:01.120Z","process":{"pid":"junk"},)"
          R"("winlog":{"event_id":5,"event_data":{"UtcTime":"2021-03-02 10:15:01.118",)"
          R"("ProcessId":"6140","Image":"C:\\Temp\\tool.exe"}}})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_TRUE(Contains(m.dump, "time 2021-03-02T10:15:01.118000Z")) << m.dump;
}

TEST(SysmonTest, UtcTimeWinsOverTheCollectorsTimes) {
  // In real datasets TimeCreated and EventTime are often local time marked as UTC.
  const Mapped m = Flat(
      R"({"EventID":5,"EventTime":"2021-03-02 05:15:01","TimeCreated":"2021-03-02T05:15:01.120Z",)"
      R"("@timestamp":"2021-03-02T05:15:01.120Z","UtcTime":"2021-03-02 10:15:01.118"})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_EQ(m.dump, "time 2021-03-02T10:15:01.118000Z\n");
  const Mapped fallback = Flat(R"({"EventID":4624,"EventTime":"2021-03-02 05:15:01"})");
  ASSERT_TRUE(fallback.status.ok()) << fallback.status.message();
  EXPECT_EQ(fallback.dump, "time 2021-03-02T05:15:01.000000Z\n");
}

// ---- Unknown events, other providers.

TEST(SysmonTest, UnknownEventsStillYieldTheirAddressesAndFiles) {
  const Mapped m =
      Flat(R"({"EventID":255,"UtcTime":"2021-03-02 10:15:01.118","SourceIp":"::ffff:10.1.2.3",)"
           R"("DestinationIp":"2001:db8::1","IpAddress":"198.51.100.7","ClientAddress":"-",)"
           R"("SourceHostname":"Host.Example.","Hashes":"SHA256=)"
           R"(BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",)"
           R"("Image":"C:\\a\\b.exe","TargetFilename":"D:\\drop\\c.bin","Surprise":{"x":[1,2]}})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  for (std::string_view want : {
           R"("ipv4-addr","value":"10.1.2.3")",
           R"("ipv6-addr","value":"2001:db8::1")",
           R"("ipv4-addr","value":"198.51.100.7")",
           R"("domain-name","value":"host.example")",
           R"("name":"c.bin","parent_directory_ref":"4","hashes":{"SHA-256":"ba7816bf)",
           R"("name":"b.exe")",
       }) {
    EXPECT_TRUE(Contains(m.dump, want)) << want << "\n" << m.dump;
  }
}

TEST(SysmonTest, EventIdsOfOtherProvidersAreNotSysmonEvents) {
  // A Security event numbered like Sysmon's process creation: no process, no failure on its
  // hexadecimal ProcessId.
  const Mapped m = Flat(
      R"({"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","EventID":1,)"
      R"("@timestamp":"2021-03-02T10:15:01Z","ProcessId":"0x3d8",)"
      R"("ProcessName":"C:\\Windows\\System32\\svchost.exe"})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_FALSE(Contains(m.dump, "process {")) << m.dump;
  EXPECT_TRUE(Contains(m.dump, R"("name":"svchost.exe")")) << m.dump;
  // The channel alone decides too.
  const Mapped by_channel =
      Ecs(R"({"@timestamp":"2021-03-02T10:15:01Z","winlog":{"event_id":3,"channel":"System"},)"
          R"("source":{"port":"abc"}})");
  EXPECT_TRUE(by_channel.status.ok()) << by_channel.status.message();
}

// ---- Details of the mapping.

TEST(SysmonTest, WindowsPathsSplitIntoDirectoryAndName) {
  const struct {
    const char* image;  // as JSON text
    const char* directory;
    const char* name;
  } cases[] = {
      {R"(C:\\Windows\\System32\\cmd.exe)", R"(C:\\Windows\\System32)", "cmd.exe"},
      {R"(C:\\cmd.exe)", R"(C:\\)", "cmd.exe"},
      {R"(\\\\server\\share\\tool.exe)", R"(\\\\server\\share)", "tool.exe"},
      {R"(C:/Tools/x.exe)", R"(C:/Tools)", "x.exe"},
  };
  for (const auto& c : cases) {
    const Mapped m = Flat(std::string(R"({"EventID":5,"UtcTime":"2021-03-02 10:15:01.118",)") +
                          R"("Image":")" + c.image + R"("})");
    ASSERT_TRUE(m.status.ok()) << m.status.message();
    EXPECT_TRUE(Contains(m.dump, std::string(R"("path":")") + c.directory + "\"")) << m.dump;
    EXPECT_TRUE(Contains(m.dump, std::string(R"("name":")") + c.name + "\"")) << m.dump;
  }
  // Pseudo-images are not files.
  for (const char* image : {"System", "<unknown process>", "-", ""}) {
    const Mapped m = Flat(std::string(R"({"EventID":3,"UtcTime":"2021-03-02 10:15:01.118",)") +
                          R"("ProcessId":"4","Image":")" + image + R"("})");
    ASSERT_TRUE(m.status.ok()) << m.status.message();
    EXPECT_FALSE(Contains(m.dump, " file ")) << m.dump;
  }
}

TEST(SysmonTest, HashesAreLowerCaseAndZeroOrMalformedOnesAreDropped) {
  const Mapped m =
      Flat(R"({"EventID":7,"UtcTime":"2021-03-02 10:15:01.118","ImageLoaded":"C:\\x\\y.sys",)"
           R"("Hashes":"sha1=A9993E364706816ABA3E25717850C26C9CD0D89D, MD5=123,)"
           R"(SHA256=ZZ7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD,)"
           R"(IMPHASH=0A0B0C0D0E0F00000000000000000000,CRC=1,=,junk"})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_TRUE(Contains(m.dump, R"("hashes":{"SHA-1":"a9993e364706816aba3e25717850c26c9cd0d89d"},)"
                               R"("extensions":{"windows-pebinary-ext":{"pe_type":"sys",)"
                               R"("imphash":"0a0b0c0d0e0f00000000000000000000"}})"))
      << m.dump;
  const Mapped zero =
      Flat(R"({"EventID":7,"UtcTime":"2021-03-02 10:15:01.118","ImageLoaded":"C:\\x\\y.dll",)"
           R"("Hashes":"IMPHASH=00000000000000000000000000000000"})");
  ASSERT_TRUE(zero.status.ok());
  EXPECT_TRUE(Contains(zero.dump, R"({"type":"file","name":"y.dll","parent_directory_ref":"0"})"))
      << zero.dump;
}

TEST(SysmonTest, DnsResultsGiveAddressesAndNames) {
  const Mapped m =
      Flat(R"({"EventID":22,"UtcTime":"2021-03-02 10:15:01.118","QueryName":"WWW.Example.",)"
           R"("QueryResults":"type:  5 alias.example;type:  12 ptr.example;type:  16 text here;)"
           R"(::ffff:192.0.2.1;::FFFF:192.0.2.2;::ffff:c000:203;2001:db8::9;garbage;;"})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  for (std::string_view want : {
           R"("domain-name","value":"www.example")",
           R"("domain-name","value":"alias.example")",
           R"("domain-name","value":"ptr.example")",
           R"("ipv4-addr","value":"192.0.2.1")",
           R"("ipv4-addr","value":"192.0.2.2")",
           R"("ipv4-addr","value":"192.0.2.3")",  // the builder folds every mapped form
           R"("ipv6-addr","value":"2001:db8::9")",
       }) {
    EXPECT_TRUE(Contains(m.dump, want)) << want << "\n" << m.dump;
  }
  EXPECT_FALSE(Contains(m.dump, "text")) << m.dump;
}

TEST(SysmonTest, ParentUserLikeUserIsOneAccount) {
  const Mapped m = Flat(R"({"EventID":1,"UtcTime":"2021-03-02 10:15:01.118","User":"CORP\\bob",)"
                        R"("ParentUser":"CORP\\bob","ParentProcessId":1})");
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  EXPECT_EQ(m.dump,
            "time 2021-03-02T10:15:01.118000Z\n"
            R"(0 user-account {"type":"user-account","user_id":"CORP\\bob","account_login":"bob"})"
            "\n"
            R"(1 process {"type":"process","pid":1,"creator_user_ref":"0"})"
            "\n"
            R"(2 process {"type":"process","created_time":"2021-03-02T10:15:01.118Z",)"
            R"("parent_ref":"1","creator_user_ref":"0"})"
            "\n");
}

// ---- Hostile values never crash.

TEST(SysmonTest, HugeStringsAreBounded) {
  const std::string big(1 << 20, 'A');
  for (const char* field : {"QueryResults", "Hashes", "Image", "QueryName", "CommandLine", "User",
                            "SourceIp", "TargetFilename"}) {
    for (int id : {1, 3, 7, 11, 22, 99}) {
      const Mapped m =
          Flat(R"({"EventID":)" + std::to_string(id) + R"(,"UtcTime":"2021-03-02 10:15:01.118",")" +
               field + R"(":")" + big + R"("})");
      EXPECT_TRUE(m.status.ok()) << field << " " << id << ": " << m.status.message();
    }
  }
  // Many results: the builder's object limit stops the loop.
  std::string many;
  for (int i = 0; i < 200000; ++i)
    many += "192.0.2." + std::to_string(i % 256) + ";10.0." + std::to_string(i / 256 % 256) + "." +
            std::to_string(i % 256) + ";";
  const Mapped m = Flat(R"({"EventID":22,"UtcTime":"2021-03-02 10:15:01.118","QueryResults":")" +
                        many + R"("})");
  EXPECT_TRUE(m.status.ok()) << m.status.message();
}

TEST(SysmonTest, HugeArraysAreBounded) {
  std::string answers = "[";
  std::string ips = "[";
  for (int i = 0; i < 100000; ++i) {
    if (i > 0) answers += ",", ips += ",";
    answers += R"({"type":"A","data":"10.1.)" + std::to_string(i / 256 % 256) + "." +
               std::to_string(i % 256) + R"("})";
    ips += "\"10.2." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + "\"";
  }
  answers += "]";
  ips += "]";
  const Mapped m = Ecs(R"({"@timestamp":"2021-03-02T10:15:01Z","winlog":{"event_id":22},)"
                       R"("dns":{"answers":)" +
                       answers + R"(,"resolved_ip":)" + ips + R"(}})");
  EXPECT_TRUE(m.status.ok()) << m.status.message();
  // Arrays where strings are expected.
  const Mapped arrays = Flat(R"({"EventID":255,"UtcTime":"2021-03-02 10:15:01.118","SourceIp":)" +
                             ips + R"(,"Image":)" + answers + "}");
  EXPECT_TRUE(arrays.status.ok()) << arrays.status.message();
}

TEST(SysmonTest, DeepNestingIsNotFollowed) {
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += R"({"parent":)";
  deep += "1";
  for (int i = 0; i < 2000; ++i) deep += "}";
  const Mapped m = Ecs(R"({"@timestamp":"2021-03-02T10:15:01Z","winlog":{"event_id":1},)"
                       R"("process":)" +
                       deep + R"(,"winlog.event_data":)" + deep + R"(,"dns":)" + deep + "}");
  EXPECT_TRUE(m.status.ok()) << m.status.message();
  const Mapped flat =
      Flat(R"({"EventID":1,"UtcTime":"2021-03-02 10:15:01.118","Image":)" + deep + "}");
  EXPECT_EQ(flat.status.code(), StatusCode::kInvalidArgument);
}

TEST(SysmonTest, ControlCharactersInMessagesAreMasked) {
  const Mapped m = Flat("{\"EventID\":\"\\u0001\\n" + std::string(100, 'x') +
                        "\",\"UtcTime\":\"2021-03-02 10:15:01.118\"}");
  EXPECT_EQ(m.status.message(),
            "field 'EventID': expected an event number, got \"??" + std::string(38, 'x') + "...\"");
  // A reason is one line, even for a time (whose parser quotes what it read).
  const Mapped time = Flat(R"({"EventID":1,"UtcTime":"2021-03-02\n10:15:01"})");
  EXPECT_EQ(time.status.message(),
            "field 'UtcTime': expected a time such as \"2019-05-14 09:04:58.718\", got "
            "\"2021-03-02?10:15:01\"");
}

}  // namespace
}  // namespace concord::ingest
