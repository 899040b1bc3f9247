// Name, the interned text: what its users rely on. Equal texts give equal handles (also when
// interned on several threads at once), order and hash are the text's (so containers keyed by Name
// sort and iterate as they did by string), and the text reads back whole, NUL-terminated.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {
namespace {

TEST(Name, EqualTextsShareOneHandle) {
  const std::string text = "sg-0a1b2c3d4e5f60001";
  const Name a(text);
  const Name b(std::string_view("sg-0a1b2c3d4e5f60001"));
  EXPECT_EQ(a.handle(), b.handle());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, Name("sg-0a1b2c3d4e5f60002"));
  EXPECT_EQ(a.view(), text);
  EXPECT_EQ(a, text);
  EXPECT_EQ(std::string(a.c_str()), text);
}

TEST(Name, TheEmptyTextIsTheDefault) {
  EXPECT_EQ(Name("").handle(), 0u);
  EXPECT_TRUE(Name().empty());
  EXPECT_EQ(Name().view(), "");
  EXPECT_STREQ(Name().c_str(), "");
  EXPECT_EQ(Name().hash(), std::hash<std::string_view>{}(""));
}

TEST(Name, OrdersAndHashesAsItsText) {
  // Interned in an order unlike the text's, so that handle order and text order differ.
  const std::vector<std::string> texts = {"vpc-b", "sg-2", "eni-1", "sg-10", "a", "sg-1"};
  std::vector<Name> names;
  for (const std::string& t : texts) names.emplace_back(t);
  std::sort(names.begin(), names.end());
  std::vector<std::string> sorted_texts = texts;
  std::sort(sorted_texts.begin(), sorted_texts.end());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(names[i].view(), sorted_texts[i]);
    EXPECT_EQ(std::hash<Name>{}(names[i]), std::hash<std::string>{}(sorted_texts[i]));
  }
  EXPECT_LT(Name("sg-1"), Name("sg-10"));
  EXPECT_LT(Name("sg-10"), std::string_view("sg-2"));
}

TEST(Name, KeepsEveryByte) {
  const std::string text("a\0b\xff long text past any small-string buffer", 46);
  const Name name(text);
  EXPECT_EQ(name.size(), text.size());
  EXPECT_EQ(name.view(), text);
  const std::string long_text(100'000, 'x');  // longer than an arena block's share
  EXPECT_EQ(Name(long_text).view(), long_text);
}

TEST(Name, ThreadsInterningTheSameTextsAgree) {
  constexpr int kThreads = 4;
  constexpr int kTexts = 20'000;
  std::vector<std::vector<std::uint32_t>> handles(kThreads, std::vector<std::uint32_t>(kTexts));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &handles] {
      // Each thread in its own order, so that first interns race.
      for (int i = 0; i < kTexts; ++i) {
        const int k = t % 2 == 0 ? i : kTexts - 1 - i;
        handles[t][k] = Name("thread-test-" + std::to_string(k)).handle();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int i = 0; i < kTexts; ++i) {
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(handles[t][i], handles[0][i]) << i;
    const Name name("thread-test-" + std::to_string(i));
    EXPECT_EQ(name.handle(), handles[0][i]);
    EXPECT_EQ(name.view(), "thread-test-" + std::to_string(i));
  }
}

TEST(Name, ConcatenatesLikeAString) {
  const Name id("sg-1");
  EXPECT_EQ(std::string("group ") + id, "group sg-1");
  EXPECT_EQ("group " + id, "group sg-1");
  EXPECT_EQ(id + " (web)", "sg-1 (web)");
  std::map<Name, int> by_id{{Name("b"), 2}, {Name("a"), 1}};
  EXPECT_EQ(by_id.begin()->first, "a");
}

}  // namespace
}  // namespace sgcheck
