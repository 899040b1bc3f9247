// Fuzz target for Terraform source (docs/terraform.md): the bytes are one `.tf` file, the whole of
// a root module. It is parsed (syntax errors must be ours, inside the file, with a source line),
// and what parses is evaluated and read as a plan (tf_module.cc, terraform.cc): no exception but
// the load's limits, every element placed inside the file, and work bounded by the evaluator's
// budgets. Entry point: LLVMFuzzerTestOneInput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ingest/tf_module.h"

namespace {

using namespace sgcheck;
using namespace sgcheck::detail;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "hcl_fuzzer: %s\n", what.c_str());
  std::abort();
}

std::uint32_t line_count(const std::string& text) {
  std::uint32_t lines = 1;
  for (const char c : text) lines += c == '\n';
  return lines;
}

void check_place(const SourcePos& pos, std::uint32_t lines, const char* what) {
  if (pos.file != 0 || pos.line > lines) fail(std::string(what) + " placed outside the file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TerraformSources sources;
  TfFile file;
  file.name = "main.tf";
  file.text.assign(reinterpret_cast<const char*>(data), size);
  const std::uint32_t lines = line_count(file.text);
  Diagnostics errors;
  file.root = parse_hcl(file.text, file.name, errors).root;
  for (const Diagnostic& error : errors) {
    if (error.message.rfind("invalid HCL: ", 0) != 0) fail("unexpected error: " + error.message);
    if (error.location.line == 0 || error.location.line > lines)
      fail("syntax error placed outside the file: " + error.message);
  }
  if (!file.root) return 0;
  sources.files.push_back(std::move(file));
  TfDirectory dir;
  dir.path = ".";
  dir.files.push_back(0);
  sources.directories.push_back(dir);
  Inventory part;
  RuleBudget budget;
  limit_rules(budget, 1'000'000, size);
  const std::vector<IacSink::File> table{{"main.tf", sources.files[0].text}};
  IacSink sink(table, size, part, budget);
  try {
    read_terraform_module(sources, 0, sink);
  } catch (const TreeError& e) {
    if (!sink.over_limits() && e.line > lines) fail("error placed outside the file: " + e.message);
    return 0;
  }
  for (const Group& g : part.groups) {
    check_place(g.location, lines, "group");
    for (const Rule& r : g.rules) check_place(r.location, lines, "rule");
  }
  for (const Interface& i : part.interfaces) check_place(i.location, lines, "interface");
  for (const Diagnostic& d : part.diagnostics)
    if (d.location.line > lines) fail("diagnostic placed outside the file: " + d.message);
  return 0;
}
