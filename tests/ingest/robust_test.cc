// Bad input must fail cleanly: truncated, empty, binary, NUL bytes, invalid UTF-8, absurd nesting
// (also inside keys nobody reads), huge numbers, random corruption. Every case: ok() == false with
// a message (or, for corruption, any outcome without a crash). Suite 'robust' (scripts/test reruns
// it under ASan).
#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace sgcheck {
namespace {

using test::all_errors;
using test::load_one;

const std::string kValid = R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
    "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "Tags": [{"Key": "a", "Value": "b"}]}]})";

void expect_error(const LoadResult& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what;
  for (const Diagnostic& d : r.errors) {
    EXPECT_FALSE(d.message.empty()) << what;
    EXPECT_EQ(d.severity, Severity::error);
  }
}

TEST(IngestRobust, EveryTruncationFails) {
  ASSERT_TRUE(load_one("v.json", kValid).ok());
  for (std::size_t n = 0; n < kValid.size(); ++n) {
    const LoadResult r = load_one("t.json", kValid.substr(0, n));
    expect_error(r, "prefix of length " + std::to_string(n));
  }
}

TEST(IngestRobust, TruncatedMessageAndPosition) {
  const std::string doc = "{\n  \"SecurityGroups\": [\n    {\n      \"GroupId\": \"sg-0a1b";
  const LoadResult r = load_one("t.json", doc);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].location.to_string(), "t.json:4:18");
  EXPECT_EQ(r.errors[0].message, "invalid JSON: unterminated string");
  const LoadResult open = load_one("t.json", "{\"SecurityGroups\": [");
  ASSERT_EQ(open.errors.size(), 1u);
  EXPECT_EQ(open.errors[0].message, "invalid JSON: unexpected end of input");
  EXPECT_EQ(open.errors[0].location.to_string(), "t.json:1:21");
}

TEST(IngestRobust, EmptyAndBlank) {
  for (const char* text : {"", " ", "\n\n\t\r\n", "\xEF\xBB\xBF"}) {
    expect_error(load_one("e.json", text), "blank");
  }
}

TEST(IngestRobust, BinaryInput) {
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(static_cast<std::size_t>(random() % 512), '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const LoadResult r = load_one("bin.json", bytes);
    if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    expect_error(r, "random bytes");
  }
  expect_error(load_one("png.json", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), "png");
}

TEST(IngestRobust, NulBytes) {
  const std::string inside =
      std::string("{\"SecurityGroups\": [{\"GroupId\": \"sg-") + '\0' + "1\"}]}";
  const LoadResult a = load_one("nul.json", inside);
  ASSERT_EQ(a.errors.size(), 1u) << all_errors(a);
  EXPECT_EQ(a.errors[0].message,
            "invalid JSON: unescaped control character in string, found byte 0x00");
  EXPECT_EQ(a.errors[0].location.column, inside.find('\0') + 1);
  const std::string outside = std::string("{\"SecurityGroups\": []}") + '\0';
  expect_error(load_one("nul.json", outside), "trailing NUL");
  const std::string between = std::string("{\"SecurityGroups\":") + '\0' + "[]}";
  const LoadResult c = load_one("nul.json", between);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].message, "invalid JSON: expected a value, found byte 0x00");
}

TEST(IngestRobust, InvalidUtf8) {
  const std::string doc =
      "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"caf\xC3\x28\"}]}";
  const LoadResult r = load_one("u.json", doc);
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].message, "invalid JSON: invalid UTF-8");
  EXPECT_EQ(r.errors[0].location.column, doc.find('\xC3') + 1);
  // Valid multi-byte UTF-8 is fine.
  EXPECT_TRUE(load_one("u.json",
                       "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"caf\xC3\xA9 "
                       "\xF0\x9F\x98\x80\"}]}")
                  .ok());
}

TEST(IngestRobust, DeepNesting) {
  const std::size_t deep = 100000;
  const LoadResult arrays = load_one("deep.json", std::string(deep, '['));
  ASSERT_EQ(arrays.errors.size(), 1u);
  EXPECT_EQ(arrays.errors[0].message, "nesting deeper than 64 levels");
  EXPECT_EQ(arrays.errors[0].location.to_string(), "deep.json:1:65");
  std::string objects;
  for (std::size_t i = 0; i < deep; ++i) objects += "{\"a\":";
  expect_error(load_one("deep.json", objects), "objects");
  // Balanced and otherwise valid, inside a key no reader looks at.
  const std::string hidden = "{\"SecurityGroups\": [], \"Unknown\": " + std::string(deep, '[') +
                             std::string(deep, ']') + "}";
  const LoadResult h = load_one("hidden.json", hidden);
  ASSERT_EQ(h.errors.size(), 1u);
  EXPECT_EQ(h.errors[0].message, "nesting deeper than 64 levels");
  // Brackets inside strings do not count; 64 levels are allowed, 65 are not.
  EXPECT_TRUE(
      load_one("s.json", "{\"SecurityGroups\": [], \"x\": \"" + std::string(1000, '[') + "\"}")
          .ok());
  const auto nested = [](std::size_t levels) {  // the top-level object is level 1
    return "{\"SecurityGroups\": [], \"x\": " + std::string(levels - 1, '[') +
           std::string(levels - 1, ']') + "}";
  };
  EXPECT_TRUE(load_one("n.json", nested(64)).ok());
  EXPECT_FALSE(load_one("n.json", nested(65)).ok());
  LoadLimits shallow;
  shallow.max_depth = 3;
  const LoadResult s = load_one("n.json", nested(4), shallow);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "nesting deeper than 3 levels");
}

TEST(IngestRobust, HugeNumbersAndOddTokens) {
  const char* docs[] = {
      R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 99999999999999999999999, "ToPort": 1}]}]})",
      R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 1e999, "ToPort": 1}]}]})",
      R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": -, "ToPort": 1}]}]})",
      R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": tru}]}]})",
      R"({"SecurityGroups": [{"GroupId": "sg-1"}]} trailing)",
      R"({"SecurityGroups": [{"GroupId": "sg-1"}]}})",
      R"({"SecurityGroups": [{"GroupId": "sg-1",}]})",
      R"({"SecurityGroups": [{"GroupId": "sg\q"}]})",
      R"({"SecurityGroups" [])",
      R"({SecurityGroups: []})",
  };
  for (const char* doc : docs) expect_error(load_one("odd.json", doc), doc);
  // A port that fits 64 bits but not the port range is a value diagnostic, not an error.
  const LoadResult big = load_one(
      "big.json",
      R"({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 9999999999, "ToPort": 9999999999, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]})");
  ASSERT_TRUE(big.ok()) << all_errors(big);
  EXPECT_EQ(big.inventory.diagnostics.size(), 1u);
  EXPECT_FALSE(big.inventory.groups.at(0).rules.at(0).valid);
}

TEST(IngestRobust, RandomCorruptionNeverCrashes) {
  std::mt19937 random(42);
  const char kInteresting[] = "{}[]\":,\\0-e \n\x80\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string doc = kValid;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % doc.size();
      switch (random() % 3) {
        case 0:
          doc[at] = kInteresting[random() % (sizeof kInteresting - 1)];
          break;
        case 1:
          doc.erase(at, 1 + random() % 8);
          break;
        default:
          doc.insert(at, 1, kInteresting[random() % (sizeof kInteresting - 1)]);
          break;
      }
      if (doc.empty()) doc.assign(1, '{');
    }
    const LoadResult r = load_one("fuzz.json", doc);
    for (const Diagnostic& d : r.errors) {
      ASSERT_FALSE(d.message.empty()) << doc;
      ASSERT_LE(d.location.line, 10u) << doc;
    }
  }
}

// Regression (cfn_yaml_ingest_fuzzer, out of memory): aliases of a long scalar expanded a 3 KB
// template to 100,000 copies of 3 KB (0.3 GB; 2 GB under ASan) before the limit on the number of
// values stopped it. The copy is now bounded by the bytes it copies too: here 11,111 values (under
// the old limit of 100,000) that would copy 40 MB are refused. A five-level version is in
// fuzz/corpus/cfn_yaml_ingest_fuzzer/regress-alias-long-scalar.yaml.
TEST(IngestRobust, YamlAliasesOfALongScalarAreBoundedByTheBytesTheyCopy) {
  std::string yaml = "Resources:\n  A: &a " + std::string(4000, 'x') + "\n";
  for (const char c : std::string("bcde")) {
    yaml += std::string("  ") + char(c - 'a' + 'A') + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) yaml += std::string(i ? ", *" : "*") + char(c - 1);
    yaml += "]\n";
  }
  const LoadResult r = load_one("laughs.yaml", yaml);
  expect_error(r, "aliases of a long scalar");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("YAML values (aliases expand to copies)"), std::string::npos)
      << r.errors[0].message;
}

// Regression (cfn_yaml_ingest_fuzzer, out of memory from the 3-byte input "\0,\1"): yaml-cpp's
// LoadAll() never returned on a ',' outside a flow collection at the top of a document; it kept
// adding empty documents until memory ran out. Corpus: regress-comma-outside-flow.yaml.
TEST(IngestRobust, YamlCommaOutsideAFlowCollectionIsAnErrorNotAnEndlessLoop) {
  const std::string message = "invalid YAML: ',' outside a flow collection ([...] or {...})";
  for (const std::string yaml : {",", ", a: b", "\n  ,\n", "- a\n,", "--- ,"}) {
    const LoadResult r = load_one("comma.yaml", yaml);
    ASSERT_EQ(r.errors.size(), 1u) << yaml;
    EXPECT_EQ(r.errors[0].message, message) << yaml;
    EXPECT_EQ(r.errors[0].location.to_string(), test::where("comma.yaml", yaml, ",")) << yaml;
  }
  // A ',' inside a flow collection is fine, and the number of documents is still counted.
  EXPECT_TRUE(load_one("c.yaml", "Resources: {}\nx: [a, b]\n").ok());
  // Two template documents are two stacks (docs/iac.md), counted first like one.
  const std::string stream =
      "Resources: {A: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: a}}}\n---\n"
      "Resources: {A: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: b}}}\n";
  const LoadResult two = load_one("two.yaml", stream);
  ASSERT_TRUE(two.ok()) << test::all_errors(two);
  ASSERT_NE(two.inventory.find_group("document2.A"), nullptr);
  EXPECT_EQ(test::where(two.inventory, two.inventory.find_group("document2.A")->location),
            test::where("two.yaml", stream, "{Type", 1));
}

// A template whose rule is aliased `copies` times in each of `groups` aliased groups; the rule's
// peer is the parameter P, whose Default is `default_value`. `one_line` puts the resources on one
// flow-style line, which every diagnostic of a copy quotes.
std::string aliased_rules(const std::string& rule, const std::string& default_value, int copies,
                          int groups, bool one_line) {
  std::string yaml = "Parameters:\n  P:\n    Default: " + default_value + "\nResources:";
  yaml += one_line ? " {" : "\n  ";
  yaml += "G: &g {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [&r " + rule;
  for (int i = 0; i < copies; ++i) yaml += ", *r";
  yaml += "]}}";
  for (int i = 0; i < groups; ++i)
    yaml += (one_line ? ", G" : "\n  G") + std::to_string(i) + ": *g";
  return yaml + (one_line ? "}\n" : "\n");
}

// Regression (cfn_yaml_ingest_fuzzer, out of memory): within the limit on YAML values, 4.6 KB of
// aliases made 42,000 rules whose warnings and notes each quoted the 4 KB line of the anchor and
// the 2 KB Default of the parameter the rule refers to: 270 MB of diagnostics (1.1 GB resident;
// over 2 GB under ASan). What the reader copies per use is now bounded by the file's size. Corpus:
// regress-alias-diagnostics-long-line.yaml.
TEST(IngestRobust, YamlAliasesOfARuleWithDiagnosticsAreBoundedByTheBytesTheyCopy) {
  const std::string yaml =
      aliased_rules("{CidrIp: !Ref P}", std::string(2000, 'x'), 150, 140, /*one_line=*/true);
  const LoadResult r = load_one("laughs.yaml", yaml);
  expect_error(r, "aliases of a rule with diagnostics");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].message,
            "more than 2097152 bytes of warnings, notes and parameter values for this file (YAML "
            "aliases repeat them with every copy): the input is too large");
  EXPECT_EQ(r.errors[0].location.to_string(), test::where("laughs.yaml", yaml, "!Ref P"));
  // The same rules without aliases load, with their warnings.
  const LoadResult few =
      load_one("few.yaml", aliased_rules("{CidrIp: !Ref P}", std::string(2000, 'x'), 3, 0, true));
  ASSERT_TRUE(few.ok()) << all_errors(few);
  // Per rule: "rule without IpProtocol", the note on the Default and "invalid CIDR".
  EXPECT_EQ(few.inventory.diagnostics.size(), 12u);
}

// Regression (same finding, without any diagnostic): each Ref to a parameter copies its Default,
// here 2 KB into the Description of 22,800 valid rules (45 MB) that the dumps then repeat. Corpus:
// regress-alias-ref-long-default.yaml.
TEST(IngestRobust, YamlAliasesOfARefToALongDefaultAreBoundedByTheBytesTheyCopy) {
  const std::string rule = "{IpProtocol: -1, CidrIp: 10.0.0.0/8, Description: !Ref P}";
  const std::string yaml = aliased_rules(rule, std::string(2000, 'x'), 300, 10, false);
  const LoadResult r = load_one("refs.yaml", yaml);
  expect_error(r, "aliases of a Ref to a long Default");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_NE(r.errors[0].message.find("bytes of warnings, notes and parameter values"),
            std::string::npos)
      << r.errors[0].message;
  EXPECT_EQ(r.errors[0].location.to_string(), test::where("refs.yaml", yaml, "!Ref P"));
}

// Regression: every diagnostic copied its whole source line, so a template or plan on one line (a
// Terraform plan always is) with more than 64 warnings was refused as too large, and each warning
// printed the whole file. A long line is quoted as a window with the caret on the same byte.
TEST(IngestRobust, LongLinesAreQuotedAsAWindowAroundTheColumn) {
  std::string rules;
  for (int i = 0; i < 300; ++i) {
    if (i != 0) rules += ',';
    rules += R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":"10.0.0.)" +
             std::to_string(300 + i) + R"(/32","Description":")" + std::string(100, 'd') + "\"}";
  }
  const std::string json = R"({"Resources":{"Sg":{"Type":"AWS::EC2::SecurityGroup","Properties":{)"
                           R"("GroupDescription":"d","SecurityGroupIngress":[)" +
                           rules + "]}}}}";
  const LoadResult r = load_one("plan.json", json);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.inventory.diagnostics.size(), 300u);
  for (const Diagnostic& d : r.inventory.diagnostics) {
    ASSERT_LE(d.source_line.size(), 220u);
    ASSERT_NE(d.source_column, 0u);
    // The caret points at the byte the location names.
    EXPECT_EQ(d.source_line.substr(d.source_column - 1, 12), json.substr(d.location.column - 1, 12));
  }
  const Diagnostic& last = r.inventory.diagnostics.back();
  EXPECT_EQ(last.location.to_string(), test::where("plan.json", json, "\"10.0.0.599/32\""));
  const std::string printed = format_diagnostic(last);
  const std::size_t caret_line = printed.rfind('\n', printed.size() - 2) + 1;
  EXPECT_EQ(printed.substr(caret_line), std::string(last.source_column + 1, ' ') + "^\n");
  EXPECT_EQ(last.source_line.substr(0, 3), "...");
}

// Regression: the caret counted bytes, so after "é" (two bytes) it sat one column right of the
// error; a quoted line with an invalid byte passed it through to the terminal. The column stays a
// byte column (Location); the caret counts characters, and the quote is valid UTF-8.
TEST(IngestRobust, CaretSitsUnderTheCharacterAfterNonAsciiText) {
  const LoadResult r = load_one("e.json", "{\"a\": \"\xC3\xA9\xE2\x82\xAC\", x}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].location.column, 16u);  // bytes
  EXPECT_EQ(format_diagnostic(r.errors[0]),
            "e.json:1:16: error: invalid JSON: expected a string key after ',', found 'x'\n"
            "  {\"a\": \"\xC3\xA9\xE2\x82\xAC\", x}\n"
            "              ^\n");  // under the 'x', the 13th character
}

// A long line is cut by characters, never inside one: the window of a line of three-byte "日" holds
// 100 whole characters before the column and 200 in all, and the caret counts characters.
TEST(IngestRobust, LongNonAsciiLinesAreCutBetweenCharacters) {
  std::string line;
  for (int i = 0; i < 300; ++i) line += "\xE6\x97\xA5";  // 日
  Diagnostic d;
  d.message = "m";
  d.location = Location{Name("a.json"), 1, 150 * 3 + 1};  // the 151st character
  quote_source_line(d, line);
  std::string window = "...";
  for (int i = 0; i < 200; ++i) window += "\xE6\x97\xA5";
  window += "...";
  EXPECT_EQ(d.source_line, window);
  EXPECT_EQ(format_diagnostic(d),
            "a.json:1:451: error: m\n  " + window + "\n  " + std::string(103, ' ') + "^\n");

  // Two-byte characters before the column, and an invalid byte: one character, shown as U+FFFD.
  line.clear();
  for (int i = 0; i < 150; ++i) line += "\xC3\xA9x";  // éx
  line += "\xFF!";
  d.location.column = static_cast<std::uint32_t>(line.size());  // the '!'
  quote_source_line(d, line);
  std::string shown = "...x";
  for (int i = 0; i < 49; ++i) shown += "\xC3\xA9x";
  EXPECT_EQ(d.source_line, shown + "\xFF!");
  EXPECT_EQ(format_diagnostic(d), "a.json:1:452: error: m\n  " + shown + "\xEF\xBF\xBD!\n  " +
                                      std::string(103, ' ') + "^\n");
}

TEST(IngestRobust, InvalidUtf8InAQuotedLineIsShownAsReplacementCharacters) {
  const LoadResult r = load_one("bad.yaml", "Resources:\n  A: \"caf\xE9\" x\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "invalid UTF-8");
  EXPECT_EQ(format_diagnostic(r.errors[0]),
            "bad.yaml:2:10: error: invalid UTF-8\n"
            "    A: \"caf\xEF\xBF\xBD\" x\n"
            "           ^\n");
}

}  // namespace
}  // namespace sgcheck
