// The policy language seen from the linter and the CLI: the built-in pack (rules/*.sgp, embedded at
// build time by embed_rules.py and parsed once), user policy files read from disk, and their
// evaluation through compile_rules() and evaluate_rules(). Entry points: builtin_policy_checks(),
// run_policy_checks(), check_policy_files().
#include "policy/policy.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "policy/ast.h"
#include "policy/evaluate.h"

namespace sgcheck::detail {
namespace {

struct EmbeddedFile {
  const char* name;
  const char* text;
};

constexpr EmbeddedFile kBuiltinFiles[] = {
#include "policy/builtin_rules.inc"
};

// The pack, parsed once. A pack that does not parse is a build defect the unit tests catch; here
// its errors are kept and reported by every lint run rather than crashing.
struct Pack {
  std::vector<policy::ParseResult> files;
};

const Pack& builtin_pack() {
  static const Pack pack = [] {
    Pack p;
    for (const EmbeddedFile& f : kBuiltinFiles)
      p.files.push_back(policy::parse_policy(f.text, f.name));
    return p;
  }();
  return pack;
}

// The pack's rules compiled, once, on first evaluation: the catalogue (lint's option checks,
// `sgcheck rules`) needs only the parsed rules.
const std::vector<std::vector<policy::CompiledRule>>& builtin_compiled() {
  static const std::vector<std::vector<policy::CompiledRule>> compiled = [] {
    std::vector<std::vector<policy::CompiledRule>> out;
    for (const policy::ParseResult& r : builtin_pack().files)
      out.push_back(policy::compile_rules(r.file));
    return out;
  }();
  return compiled;
}

// A rule --disable names ("SG1*" names every SG1xx id) is not evaluated.
bool disabled(const LintOptions& options, std::string_view id) {
  return std::any_of(
      options.disabled.begin(), options.disabled.end(),
      [&](const std::string& pattern) { return check_pattern_matches(pattern, id); });
}

bool read_file(const std::string& path, std::string& text, Diagnostics& errors) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.good() || in.eof()) {
      text = buffer.str();
      return true;
    }
  }
  Diagnostic d;
  d.message = "cannot read the policy file";
  d.location = Location{Name(path), 0, 0};
  errors.push_back(std::move(d));
  return false;
}

// A user file, parsed; `builtin` when it is a copy of a file of the pack (rules/*.sgp loaded from
// disk): valid, but already evaluated, and not a duplicate of itself.
struct UserFile {
  policy::ParseResult parsed;
  bool builtin = false;
};

bool is_builtin_text(const std::string& text) {
  return std::any_of(std::begin(kBuiltinFiles), std::end(kBuiltinFiles),
                     [&](const EmbeddedFile& f) { return text == f.text; });
}

// Parses user files; valid ones go to `parsed`. Ids are checked against the pack and each other.
void load_user_files(const std::vector<std::string>& paths, std::vector<UserFile>& parsed,
                     Diagnostics& errors) {
  std::vector<std::string> copied;  // texts of the pack's files loaded from disk
  for (const std::string& path : paths) {
    std::string text;
    if (!read_file(path, text, errors)) continue;
    policy::ParseResult result = policy::parse_policy(text, path);
    if (!result.ok()) {
      errors.insert(errors.end(), result.errors.begin(), result.errors.end());
      continue;
    }
    const bool builtin = is_builtin_text(text);
    if (builtin) copied.push_back(text);
    parsed.push_back(UserFile{std::move(result), builtin});
  }
  std::vector<const policy::PolicyFile*> all;
  const Pack& pack = builtin_pack();
  for (std::size_t i = 0; i < pack.files.size(); ++i) {
    if (std::find(copied.begin(), copied.end(), kBuiltinFiles[i].text) == copied.end())
      all.push_back(&pack.files[i].file);
  }
  for (const UserFile& u : parsed) all.push_back(&u.parsed.file);
  const std::size_t before = errors.size();
  policy::check_duplicate_ids(all, errors);
  if (errors.size() != before) {
    // Files whose ids clash are not evaluated: which rule was meant is unclear.
    std::erase_if(parsed, [&](const UserFile& u) {
      return std::any_of(
          errors.begin() + static_cast<std::ptrdiff_t>(before), errors.end(),
          [&](const Diagnostic& d) { return d.location.file == u.parsed.file.name; });
    });
  }
}

}  // namespace

std::vector<CheckInfo> builtin_policy_checks() {
  std::vector<CheckInfo> out;
  for (const policy::ParseResult& r : builtin_pack().files)
    for (const policy::PolicyRule& rule : r.file.rules) out.push_back(rule.info);
  std::sort(out.begin(), out.end(),
            [](const CheckInfo& a, const CheckInfo& b) { return a.id < b.id; });
  return out;
}

void run_policy_checks(const CheckContext& context, std::vector<Finding>& out,
                       Diagnostics& errors) {
  const Pack& pack = builtin_pack();
  for (const policy::ParseResult& r : pack.files)
    errors.insert(errors.end(), r.errors.begin(), r.errors.end());
  std::vector<policy::CompiledRule> rules;
  for (const auto& compiled : builtin_compiled()) {
    for (const policy::CompiledRule& rule : compiled)
      if (!disabled(context.options, rule.rule->info.id)) rules.push_back(rule);
  }
  std::vector<UserFile> user;
  load_user_files(context.options.policy_files, user, errors);
  std::vector<std::vector<policy::CompiledRule>> user_compiled;
  for (const UserFile& u : user)
    if (!u.builtin) user_compiled.push_back(policy::compile_rules(u.parsed.file));
  for (const auto& compiled : user_compiled) {
    for (const policy::CompiledRule& rule : compiled)
      if (!disabled(context.options, rule.rule->info.id)) rules.push_back(rule);
  }
  policy::evaluate_rules(rules, context.semantics.get(), out, errors, context.options.jobs);
}

Diagnostics check_policy_files(const std::vector<std::string>& paths,
                               std::vector<CheckInfo>& rules) {
  Diagnostics errors;
  std::vector<UserFile> parsed;
  load_user_files(paths, parsed, errors);
  for (const UserFile& u : parsed)
    for (const policy::PolicyRule& rule : u.parsed.file.rules) rules.push_back(rule.info);
  return errors;
}

}  // namespace sgcheck::detail
