// A program that uses sgcheck as a library, through the public headers alone: it loads an
// inventory, decides one flow, and prints the verdict with the rules that allow it, then the same
// answer as `sgcheck query --format json` prints it. Entry point: main().
// Usage: reachable 'FLOW' INPUT...   (exit status 0 allowed, 1 not allowed, 2 bad input)
#include <iostream>
#include <string>
#include <vector>

#include "sgcheck/engine.h"
#include "sgcheck/inventory.h"
#include "sgcheck/report.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: reachable 'FLOW' INPUT...\n";
    return 2;
  }
  const sgcheck::LoadResult loaded =
      sgcheck::load_inventory(std::vector<std::string>(argv + 2, argv + argc));
  for (const sgcheck::Diagnostic& d : loaded.errors) std::cerr << sgcheck::format_diagnostic(d);
  if (!loaded.ok()) return 2;

  sgcheck::FlowParseResult parsed = sgcheck::parse_flow(argv[1]);
  if (!parsed) {
    std::cerr << sgcheck::format_diagnostic(parsed.error);
    return 2;
  }
  sgcheck::Flow flow = *parsed.flow;
  if (auto error = sgcheck::resolve_flow_names(flow, loaded.inventory, argv[1])) {
    std::cerr << sgcheck::format_diagnostic(*error);
    return 2;
  }

  const sgcheck::Engine engine(loaded.inventory);
  const sgcheck::Decision decision = engine.decide(flow);
  std::cout << sgcheck::verdict_name(decision.verdict) << '\n';
  for (const sgcheck::SideDecision* side : {&decision.egress, &decision.ingress}) {
    for (const sgcheck::RuleRef& rule : side->rules) {
      std::cout << "  " << sgcheck::describe_rule(loaded.inventory, rule) << '\n';
    }
  }
  std::cout << sgcheck::query_json(loaded.inventory, flow, decision);
  return decision.verdict == sgcheck::Verdict::allow ? 0 : 1;
}
