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

}  // namespace
}  // namespace sgcheck
