// Bad-input tests of the files `sgcheck lint` reads besides its inputs: every truncation and many
// byte substitutions of a valid config file and baseline file either read or fail with one
// positioned diagnostic, never crash (scripts/test reruns this suite under ASan and UBSan).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sgcheck/lint.h"

namespace sgcheck {
namespace {

const std::string kConfig =
    R"({"disable": ["SG201", "SG3*"], "severity": {"SG204": "low", "SG406": "high"},
 "fail_on": "medium", "$schema": "x",
 "quotas": {"rules_per_group": 100, "groups_per_interface": 10, "rules_times_groups": 900}})";
const std::string kBaseline =
    R"({"version": 1, "findings": [{"id": "SG401", "fingerprint": "45f2534f8bc7381e",
 "group": "sg-0c1", "message": "m\u00e9"}, {"id": "SG406", "fingerprint": "13164fbc48812a6c", "group": null}]})";

std::string write(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("sgcheck-lint-robust-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Reads `text` both ways; a failure must say where (or at least which file).
void read_both(const std::string& text) {
  const std::string path = write(text);
  Diagnostics errors;
  if (!read_lint_config(path, errors)) {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].location.file, path);
  }
  errors.clear();
  if (!read_baseline(path, errors)) {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].location.file, path);
  }
}

TEST(LintFilesRobust, ValidFilesRead) {
  Diagnostics errors;
  EXPECT_TRUE(read_lint_config(write(kConfig), errors));
  const auto baseline = read_baseline(write(kBaseline), errors);
  ASSERT_TRUE(baseline);
  EXPECT_EQ(baseline->size(), 2u);
  EXPECT_TRUE(errors.empty());
}

TEST(LintFilesRobust, EveryTruncation) {
  for (const std::string* text : {&kConfig, &kBaseline})
    for (std::size_t n = 0; n < text->size(); ++n) read_both(text->substr(0, n));
}

TEST(LintFilesRobust, ByteSubstitutions) {
  const char replacements[] = {'"',  '{',  '}',  '[', ']', ',',   ':',
                               '\\', '\0', '\n', 'x', '9', '\xff'};
  for (const std::string* text : {&kConfig, &kBaseline}) {
    for (std::size_t i = 0; i < text->size(); i += 3) {
      for (const char c : replacements) {
        std::string mutated = *text;
        mutated[i] = c;
        read_both(mutated);
      }
    }
  }
}

TEST(LintFilesRobust, DeepNestingIsRefused) {
  const std::string deep = "{\"disable\": " + std::string(1000, '[') + std::string(1000, ']') + "}";
  Diagnostics errors;
  EXPECT_FALSE(read_lint_config(write(deep), errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("nesting deeper than"), std::string::npos);
}

}  // namespace
}  // namespace sgcheck
