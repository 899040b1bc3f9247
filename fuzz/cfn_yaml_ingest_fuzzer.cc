// Fuzz target for CloudFormation YAML ingest (load_inventory_from_buffers on a ".yaml" buffer:
// yaml-cpp, short-form tags, the template reader): any bytes must give a result or diagnostics,
// never a crash, hang or exception; when the input loads, the dump renderers must work on the
// inventory. Entry point: LLVMFuzzerTestOneInput.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sgcheck/inventory.h"
#include "sgcheck/report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<sgcheck::NamedBuffer> buffers;
  buffers.push_back({"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)});
  try {
    const sgcheck::LoadResult result = sgcheck::load_inventory_from_buffers(buffers);
    for (const sgcheck::Diagnostic& d : result.errors) (void)sgcheck::format_diagnostic(d);
    if (result.ok()) {
      for (const sgcheck::Diagnostic& d : result.inventory.diagnostics) {
        (void)sgcheck::format_diagnostic(d);
      }
      (void)sgcheck::dump_json(result.inventory);
      (void)sgcheck::dump_text(result.inventory);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cfn_yaml_ingest_fuzzer: exception escaped: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "cfn_yaml_ingest_fuzzer: unknown exception escaped\n");
    std::abort();
  }
  return 0;
}
