// Reading what `sgcheck lint` reads besides its inputs: the config file (.sgcheck.json, found from
// the current directory upward, or --config) and the baseline file (--baseline), with simdjson
// on-demand and the ingest stage's JsonReader, so that every mistake is reported at its
// file:line:col with the source line. Entry points: find_lint_config(), read_lint_config(),
// read_baseline() (sgcheck/lint.h).
#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <system_error>

#include "ingest/json_reader.h"
#include "sgcheck/lint.h"

namespace sgcheck {

namespace {

namespace od = simdjson::ondemand;
using detail::InputError;
using detail::JsonFailure;
using detail::JsonReader;
using detail::What;

constexpr std::uint32_t kMaxDepth = 16;

Diagnostic error_at(const std::string& path, std::string_view text, std::size_t offset,
                    std::string message) {
  if (offset != std::string_view::npos && offset <= text.size())
    return detail::error_at_offset(path, text, offset, std::move(message));
  Diagnostic d;  // about the file as a whole
  d.message = std::move(message);
  d.location.file = path;
  return d;
}

// Calls f(reader, key, key_offset, value) for each member of the top-level object; any problem
// (unreadable, invalid JSON, wrong type, what f throws) becomes one diagnostic and false.
using MemberFn = std::function<void(JsonReader&, std::string_view, std::size_t, od::value&)>;

bool read_object_file(const std::string& path, const char* what, const MemberFn& f,
                      Diagnostics& errors) {
  simdjson::padded_string content;
  if (simdjson::padded_string::load(path).get(content) != simdjson::SUCCESS) {
    errors.push_back(error_at(path, {}, std::string_view::npos,
                              std::string("cannot read the ") + what + " file"));
    return false;
  }
  const std::string_view text(content.data(), content.size());
  if (const auto deep = detail::find_excess_depth(text, kMaxDepth)) {
    errors.push_back(error_at(path, text, *deep, detail::depth_message(kMaxDepth)));
    return false;
  }
  Diagnostics ignored;
  JsonReader reader(text, 0, path, ignored);
  try {
    od::parser parser;
    od::document document;
    JsonReader::check(parser.iterate(content).get(document));
    od::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) {
      const std::size_t first = text.find_first_not_of(" \t\r\n");
      throw InputError{first == std::string_view::npos ? 0 : first,
                       std::string("expected a JSON object (the ") + what + " file)"};
    }
    for (auto member : object) {
      od::field field;
      JsonReader::check(std::move(member).get(field));
      const std::size_t key_at = static_cast<std::size_t>(field.key().raw() - text.data()) - 1;
      std::string_view key;
      JsonReader::check(field.unescaped_key().get(key));
      od::value value = field.value();
      f(reader, key, key_at, value);
    }
    return true;
  } catch (const InputError& e) {
    errors.push_back(error_at(path, text, e.offset, e.message));
  } catch (const JsonFailure& e) {
    if (const auto problem = detail::find_syntax_error(text, kMaxDepth))
      errors.push_back(error_at(path, text, problem->offset, "invalid JSON: " + problem->message));
    else
      errors.push_back(error_at(path, text, std::string_view::npos,
                                std::string("invalid JSON: ") + simdjson::error_message(e.code)));
  }
  return false;
}

FindingSeverity severity_value(JsonReader& reader, od::value& value, What what) {
  const std::size_t at = reader.offset(value);
  const std::optional<std::string_view> text = reader.string(value, what);
  const std::optional<FindingSeverity> severity =
      text ? parse_finding_severity(*text) : std::nullopt;
  if (!severity) {
    throw InputError{
        at, "expected critical, high, medium, low or info for \"" + std::string(what.key) + "\""};
  }
  return *severity;
}

std::string id_value(JsonReader& reader, od::value& value, What what) {
  const std::size_t at = reader.offset(value);
  std::string id = reader.copy_string(value, what);
  if (id.empty()) throw InputError{at, "expected a check id such as \"SG201\""};
  return id;
}

int quota_value(JsonReader& reader, od::value& value, What what) {
  const std::size_t at = reader.offset(value);
  const std::optional<std::int64_t> n = reader.integer(value, what);
  if (!n || *n < 1 || *n > 1'000'000)
    throw InputError{at, "expected a positive integer for \"" + std::string(what.key) + "\""};
  return static_cast<int>(*n);
}

[[noreturn]] void unknown_key(std::size_t at, std::string_view key, const char* known) {
  throw InputError{at, "unknown key \"" + std::string(key) + "\" (expected " + known + ")"};
}

void read_quotas(JsonReader& reader, od::value& value, LintConfig& config) {
  od::object quotas;
  if (!reader.object(value, What{"quotas"}, quotas)) return;
  for (auto member : quotas) {
    od::field field;
    JsonReader::check(std::move(member).get(field));
    const std::size_t key_at =
        static_cast<std::size_t>(field.key().raw() - reader.text().data()) - 1;
    std::string_view key;
    JsonReader::check(field.unescaped_key().get(key));
    od::value v = field.value();
    if (key == "rules_per_group")
      config.rules_per_group = quota_value(reader, v, What{key});
    else if (key == "groups_per_interface")
      config.groups_per_interface = quota_value(reader, v, What{key});
    else if (key == "rules_times_groups")
      config.rules_times_groups = quota_value(reader, v, What{key});
    else
      unknown_key(key_at, key, "rules_per_group, groups_per_interface or rules_times_groups");
  }
}

// A `disable` or `severity` entry must name a check of the run (when they are known).
void expect_known_check(std::size_t at, std::string_view pattern,
                        const std::vector<std::string>& known_ids) {
  if (known_ids.empty() || names_some_check(pattern, known_ids)) return;
  throw InputError{at, "\"" + std::string(pattern) +
                           "\" matches no check (ids such as SG102, or a prefix such as SG2*; "
                           "`sgcheck rules list` and the README list them)"};
}

void read_config_member(JsonReader& reader, std::string_view key, std::size_t key_at,
                        od::value& value, LintConfig& config,
                        const std::vector<std::string>& known_ids) {
  if (key == "disable") {
    od::array ids;
    if (!reader.array(value, What{key}, ids)) return;
    reader.for_each_element(ids, [&](od::value& id) {
      const std::size_t at = reader.offset(id);
      config.disable.push_back(id_value(reader, id, What{key, true}));
      expect_known_check(at, config.disable.back(), known_ids);
    });
  } else if (key == "severity") {
    od::object overrides;
    if (!reader.object(value, What{key}, overrides)) return;
    reader.for_each_field(overrides, [&](std::string_view id, od::value& sev) {
      const std::size_t at = reader.offset(sev);
      const std::string name(id);
      config.severity[name] = severity_value(reader, sev, What{id});
      expect_known_check(at, name, known_ids);
    });
  } else if (key == "fail_on") {
    config.fail_on = severity_value(reader, value, What{key});
  } else if (key == "quotas") {
    read_quotas(reader, value, config);
  } else if (key != "$schema") {
    unknown_key(key_at, key, "disable, severity, fail_on or quotas");
  }
}

}  // namespace

std::string find_lint_config(const std::filesystem::path& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec);
  if (ec) return {};
  while (true) {
    const std::filesystem::path candidate = dir / kLintConfigName;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

std::optional<LintConfig> read_lint_config(const std::string& path, Diagnostics& errors,
                                           const std::vector<std::string>& known_ids) {
  LintConfig config;
  const bool ok = read_object_file(
      path, "config",
      [&](JsonReader& reader, std::string_view key, std::size_t key_at, od::value& value) {
        read_config_member(reader, key, key_at, value, config, known_ids);
      },
      errors);
  if (!ok) return std::nullopt;
  return config;
}

bool names_some_check(std::string_view pattern, const std::vector<std::string>& ids) {
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& id) { return check_pattern_matches(pattern, id); });
}

void apply_lint_config(const LintConfig& config, LintOptions& options) {
  options.config_disabled.insert(options.config_disabled.end(), config.disable.begin(),
                                 config.disable.end());
  for (const auto& [id, severity] : config.severity) options.severities[id] = severity;
  if (config.fail_on) options.fail_on = *config.fail_on;
  if (config.rules_per_group)
    options.max_rules_per_group_direction_family = *config.rules_per_group;
  if (config.groups_per_interface) options.max_groups_per_interface = *config.groups_per_interface;
  if (config.rules_times_groups) options.max_rules_times_groups = *config.rules_times_groups;
}

std::optional<std::vector<BaselineEntry>> read_baseline(const std::string& path,
                                                        Diagnostics& errors) {
  std::vector<BaselineEntry> entries;
  const auto strings = [](JsonReader& reader, od::value& value, What what,
                          std::vector<std::string>& out) {
    od::array items;
    if (!reader.array(value, what, items)) return;
    reader.for_each_element(items, [&](od::value& item) {
      out.push_back(reader.copy_string(item, What{what.key, true}));
    });
  };
  // An entry: "fingerprint", and for a policy finding (version 2) "violation" and "rules";
  // other keys ("id", "group", "message") are for people.
  const auto entry = [&](JsonReader& reader, od::value& value) {
    od::object object;
    const std::size_t at = reader.offset(value);
    if (!reader.object(value, What{"findings", true}, object)) return;
    BaselineEntry e;
    bool found = false;
    reader.for_each_field(object, [&](std::string_view key, od::value& v) {
      if (key == "fingerprint") {
        e.fingerprint = reader.copy_string(v, What{key});
        found = true;
      } else if (key == "violation") {
        strings(reader, v, What{key}, e.violation.emplace());
      } else if (key == "rules") {
        strings(reader, v, What{key}, e.rules);
      }
    });
    if (!found) throw InputError{at, "baseline entry without a \"fingerprint\""};
    entries.push_back(std::move(e));
  };
  const bool ok = read_object_file(
      path, "baseline",
      [&](JsonReader& reader, std::string_view key, std::size_t, od::value& value) {
        if (key != "findings") return;  // "version" and future keys
        od::array array;
        if (!reader.array(value, What{key}, array)) return;
        reader.for_each_element(array, [&](od::value& v) { entry(reader, v); });
      },
      errors);
  if (!ok) return std::nullopt;
  return entries;
}

}  // namespace sgcheck
