// The JSON writer (report/json_writer.h) gives nlohmann/json's bytes: strings escaped as dump()
// escapes them with ensure_ascii off and invalid UTF-8 replaced, and documents laid out as
// dump(indent) lays them out, so that the reports written either way can never drift apart.
// Entry point: the tests below (tricky strings, random byte strings, nested documents).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "report/json_writer.h"

namespace sgcheck {
namespace {

using Json = nlohmann::ordered_json;

std::string reference(const Json& json, int indent = -1) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string escaped(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Printable in a failure message: every byte outside ASCII's printable range as \xNN.
std::string shown(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

void expect_as_nlohmann(const std::string& text) {
  EXPECT_EQ(escaped(text), reference(Json(text))) << "string: " << shown(text);
}

TEST(JsonStringTest, ControlCharactersAndEscapes) {
  for (int c = 0; c < 0x20; ++c) expect_as_nlohmann(std::string(1, static_cast<char>(c)));
  for (const char* text : {"", "plain", "\"", "\\", "/", "\x7f", "a\"b\\c/d\x7f", "\b\f\n\r\t",
                           "tab\there", "quote \"in\" the middle", "\\\\\\\""})
    expect_as_nlohmann(text);
  expect_as_nlohmann(std::string("nul\0inside", 10));
}

TEST(JsonStringTest, MultiByteCharacters) {
  for (const char* text :
       {"\xc3\xa9", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
        "\xef\xbf\xbf", "\xef\xbf\xbd", "\xc2\x80", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
        "\xf0\x90\x80\x80", "\xe2\x80\xa8\xe2\x80\xa9", "\xc2\x85"})
    expect_as_nlohmann(text);
}

TEST(JsonStringTest, InvalidUtf8IsReplaced) {
  for (const char* text : {"\x80",
                           "\xbf",
                           "\xff",
                           "\xfe",
                           "\xc0\x80",
                           "\xc1\xbf",
                           "\xc2",
                           "\xc2\x41",
                           "\xe0\x80\x80",
                           "\xe0\x9f\xbf",
                           "\xe0\xa0",
                           "\xe2\x82",
                           "\xe2\x82\x41",
                           "\xed\xa0\x80",
                           "\xed\xbf\xbf",
                           "\xf0\x80\x80\x80",
                           "\xf0\x8f\xbf\xbf",
                           "\xf0\x9f\x98",
                           "\xf0\x9f\x98\x41",
                           "\xf0\x9f\x41",
                           "\xf4\x90\x80\x80",
                           "\xf5\x80\x80\x80",
                           "\xf8\x88\x80\x80\x80",
                           "a\x80"
                           "b",
                           "\x80\x80\x80",
                           "\xe2\x82\xe2\x82\xac",
                           "\xc3\"",
                           "\xc3\\",
                           "\xc3\n",
                           "\xf0\x9f\x98\x80\x80",
                           "name \xff with \"quotes\" and \xe2\x82 cut"})
    expect_as_nlohmann(text);
}

TEST(JsonStringTest, EveryPositionOfTheWideScan) {
  // The scan takes 16 and 8 bytes at a time: a byte to look at in each position of a block, and
  // after the blocks.
  for (const char* special : {"\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa9", "\xff", "\xe2\x82"}) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, 'x');
      text.insert(at, special);
      expect_as_nlohmann(text);
    }
  }
}

TEST(JsonStringTest, RandomBytes) {
  // Mostly bytes that matter to the escaper and the UTF-8 decoder, some of any value.
  const std::vector<unsigned char> interesting = {
      'a',  '"',  '\\', '/',  '\n', 0x00, 0x01, 0x1f, 0x20, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
      0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xff};
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> length(0, 48);
  std::uniform_int_distribution<std::size_t> pick(0, interesting.size() - 1);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::bernoulli_distribution use_any(0.2);
  for (int round = 0; round < 50000; ++round) {
    std::string text(length(rng), '\0');
    for (char& c : text)
      c = static_cast<char>(use_any(rng) ? any_byte(rng) : interesting[pick(rng)]);
    const std::string ours = escaped(text);
    if (ours != reference(Json(text))) {
      ADD_FAILURE() << "string: " << shown(text) << "\nours:     " << shown(ours)
                    << "\nnlohmann: " << shown(reference(Json(text)));
      return;
    }
  }
}

TEST(JsonStringTest, StringArray) {
  const std::vector<std::string> items = {"a", "", "\xff", "\"q\"", "\xe2\x82\xac"};
  std::string out;
  append_json_string_array(out, items);
  EXPECT_EQ(out, reference(Json(items)));
  out.clear();
  append_json_string_array(out, {});
  EXPECT_EQ(out, reference(Json::array()));
}

// One document written both ways: nested objects and arrays, empty ones, every kind of value.
std::string written(std::size_t indent) {
  std::string out;
  JsonWriter json(out, indent);
  json.begin_object();
  json.field("name", "sg \"web\"\n\xff");
  json.field("count", std::size_t{3});
  json.field("negative", -42);
  json.field("max", std::numeric_limits<std::uint64_t>::max());
  json.field("min", std::numeric_limits<std::int64_t>::min());
  json.field("yes", true);
  json.field("no", false);
  json.field_or_null("absent", "");
  json.field_or_null("present", "x");
  json.key("nothing");
  json.null();
  json.empty_array("empty_array");
  json.key("empty_object");
  json.begin_object();
  json.end_object();
  json.field("strings", std::vector<std::string>{"a", "b\\"});
  json.field("no_strings", std::vector<std::string>{});
  json.key("nested");
  json.begin_array();
  json.begin_object();
  json.key("inner");
  json.begin_array();
  json.number(1);
  json.begin_array();
  json.end_array();
  json.begin_object();
  json.field("deep", std::uint32_t{7});
  json.end_object();
  json.string("");
  json.end_array();
  json.end_object();
  json.boolean(true);
  json.null();
  json.end_array();
  json.end_object();
  json.finish();
  return out;
}

Json built() {
  Json doc;
  doc["name"] = "sg \"web\"\n\xff";
  doc["count"] = std::size_t{3};
  doc["negative"] = -42;
  doc["max"] = std::numeric_limits<std::uint64_t>::max();
  doc["min"] = std::numeric_limits<std::int64_t>::min();
  doc["yes"] = true;
  doc["no"] = false;
  doc["absent"] = nullptr;
  doc["present"] = "x";
  doc["nothing"] = nullptr;
  doc["empty_array"] = Json::array();
  doc["empty_object"] = Json::object();
  doc["strings"] = std::vector<std::string>{"a", "b\\"};
  doc["no_strings"] = Json::array();
  Json inner = Json::array({1, Json::array(), Json{{"deep", std::uint32_t{7}}}, ""});
  doc["nested"] = Json::array({Json{{"inner", inner}}, true, nullptr});
  return doc;
}

TEST(JsonWriterTest, LaysOutAsNlohmannDumpWithTwoSpaces) {
  EXPECT_EQ(written(2), reference(built(), 2) + "\n");
}

TEST(JsonWriterTest, LaysOutAsNlohmannDumpWithFourSpaces) {
  EXPECT_EQ(written(4), reference(built(), 4) + "\n");
}

TEST(JsonWriterTest, EmptyDocument) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.end_object();
  json.finish();
  EXPECT_EQ(out, reference(Json::object(), 2) + "\n");
}

}  // namespace
}  // namespace sgcheck
