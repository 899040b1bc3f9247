// Terraform source (`.tf`) as input: the directories of a load read as modules (one directory is
// one module), local module calls followed with their inputs bound, variables from `*.tfvars`,
// `--var-file` and `--var`, every expression evaluated (hcl_eval.h), and each root module written
// as the plan `terraform plan` would give, which read_terraform() reads like any plan: the same
// model elements through the same code. Entry points: TerraformSources (which files and modules a
// load reads), read_terraform_module().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/hcl.h"
#include "ingest/iac_rules.h"
#include "sgcheck/inventory.h"

namespace sgcheck::detail {

// One `.tf` or `.tfvars` file read for the load.
struct TfFile {
  std::string name;               // as the user sees it ("examples/terraform/three-tier/main.tf")
  std::string text;               // its bytes; the parse tree points into them
  std::uint32_t index = 0;        // its place in Inventory::files, set by the loader
  std::unique_ptr<HclNode> root;  // null after a syntax error
  bool tfvars = false;
};

// One directory of `.tf` files: a module.
struct TfDirectory {
  std::string path;                 // as the user sees it ("examples/terraform/three-tier", ".")
  std::vector<std::size_t> files;   // its `.tf` files, in name order (indexes into files)
  std::vector<std::size_t> tfvars;  // terraform.tfvars, then *.auto.tfvars, in name order
  bool called = false;              // a module of the load calls it through a local source
};

// The Terraform part of a load: which files are read and which directories are root modules.
struct TerraformSources {
  std::vector<TfFile> files;
  std::vector<TfDirectory> directories;  // in name order
  std::vector<std::size_t> var_files;    // --var-file FILEs, in command-line order
  std::vector<std::string> vars;         // --var NAME=VALUE, in command-line order
  Diagnostics errors;                    // unreadable files and syntax errors
  std::vector<SkippedInput> skipped;     // *.tfvars that Terraform does not load by itself

  // Reads and parses the `.tf` files of the directories of `tf_inputs` (each named `.tf` file
  // stands for its whole directory), the directories their local module calls name (recursively),
  // the `terraform.tfvars` / `*.auto.tfvars` of each directory, `tfvars_inputs` found or named
  // (skipped unless loaded automatically), and `var_files`; directories are parsed on `jobs`
  // threads, and the result does not depend on their number.
  void gather(const std::vector<std::string>& tf_inputs,
              const std::vector<std::string>& tfvars_inputs,
              const std::vector<std::string>& var_files, std::uint64_t max_file_bytes,
              unsigned jobs = 1);
  // Directories no module of the load calls: each is read as its own root module.
  std::vector<std::size_t> roots() const;
};

// Evaluates root module `directory` of `sources` and reads it as a plan into sink.out(). Node
// positions carry Inventory::files indexes (the sink maps them). Throws TreeError only for the
// load's limits.
void read_terraform_module(const TerraformSources& sources, std::size_t directory, IacSink& sink);

}  // namespace sgcheck::detail
