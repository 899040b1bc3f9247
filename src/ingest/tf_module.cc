// Terraform source as input (see tf_module.h): gathering the module directories of a load, then
// evaluating each root module — variables, locals, resources with count and for_each, dynamic
// blocks, local module calls — into the plan JSON tree that `terraform plan` would give, read by
// read_terraform(). Entry points: TerraformSources::gather(), read_terraform_module().
#include "ingest/tf_module.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ingest/hcl_eval.h"
#include "ingest/terraform.h"

namespace sgcheck::detail {

namespace {

namespace fs = std::filesystem;
using Kind = HclValue::Kind;

// The directory part of a file name as the user gave it ("." for a bare file name).
std::string directory_of(const std::string& name) {
  const std::string parent = fs::path(name).parent_path().generic_string();
  return parent.empty() ? "." : parent;
}

// `dir/source` written the way the user would: "a/./modules/x" -> "a/modules/x".
std::string join_directory(const std::string& dir, const std::string& source) {
  std::string joined = (fs::path(dir) / source).lexically_normal().generic_string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined.empty() ? "." : joined;
}

bool is_local_source(std::string_view source) {
  return source.rfind("./", 0) == 0 || source.rfind("../", 0) == 0 || source == "." ||
         source == "..";
}

bool is_auto_tfvars(const std::string& name) {
  const std::string file = fs::path(name).filename().string();
  return file == "terraform.tfvars" ||
         (file.size() > 12 && file.compare(file.size() - 12, 12, ".auto.tfvars") == 0);
}

const HclNode* body_of(const HclNode& block) {
  for (const auto& child : block.children)
    if (child->kind == HclKind::body) return child.get();
  return nullptr;
}

std::string label_text(const HclNode& label) {
  std::string_view t = label.text();
  if (!t.empty() && t.front() == '"') t = t.substr(1, t.size() >= 2 ? t.size() - 2 : 0);
  return std::string(t);
}

std::vector<std::string> labels_of(const HclNode& block) {
  std::vector<std::string> out;
  for (const auto& child : block.children)
    if (child->kind == HclKind::block_label) out.push_back(label_text(*child));
  return out;
}

std::string_view block_type(const HclNode& block) {
  return block.child(0).text();
}

// The expression of attribute `name` in a body, or nullptr.
const HclNode* attribute_in(const HclNode* body, std::string_view name) {
  if (body == nullptr) return nullptr;
  for (const auto& item : body->children)
    if (item->kind == HclKind::attribute && item->child(0).text() == name) return &item->child(1);
  return nullptr;
}

// The string literal of attribute `name` ("./modules/sg"), or empty.
std::string literal_string(const HclNode* body, std::string_view name) {
  const HclNode* e = attribute_in(body, name);
  if (e == nullptr || e->kind != HclKind::quoted_template || e->children.size() != 1 ||
      e->child(0).kind != HclKind::template_literal)
    return {};
  return std::string(e->child(0).text());
}

bool read_file(const std::string& name, std::uint64_t max_bytes, std::string& out,
               std::string& error) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(name, ec);
  if (ec) {
    error = "cannot read input: " + ec.message();
    return false;
  }
  if (size > max_bytes) {
    error = "input too large: " + std::to_string(size) + " bytes (the limit is " +
            std::to_string(max_bytes) + " bytes)";
    return false;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    error = "cannot read input: " + std::error_code(errno, std::generic_category()).message();
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = std::move(buffer).str();
  return true;
}

// The types the plan reader reads; every other resource is evaluated only when referenced.
bool is_read_type(std::string_view type) {
  return type == "aws_security_group" || type == "aws_default_security_group" ||
         type == "aws_security_group_rule" || type == "aws_vpc_security_group_ingress_rule" ||
         type == "aws_vpc_security_group_egress_rule" || type == "aws_network_interface" ||
         type == "aws_instance" || type == "aws_ec2_managed_prefix_list" ||
         type == "aws_ec2_managed_prefix_list_entry";
}

bool is_meta_attribute(std::string_view name) {
  return name == "count" || name == "for_each" || name == "provider" || name == "depends_on";
}

bool is_meta_block(std::string_view type) {
  return type == "lifecycle" || type == "provisioner" || type == "connection";
}

// Instance keys: `[0]` or `["web"]`, as Terraform writes them in addresses.
std::string key_suffix(const HclValue& key) {
  if (key.kind == Kind::number) return "[" + number_text(key.number) + "]";
  std::string quoted = "[\"";
  for (const char c : key.text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"]";
}

// ---- Declarations of one module directory

struct Decl {
  const HclNode* node = nullptr;  // the block (or, for locals, the attribute's expression)
  std::uint32_t file = 0;         // Inventory::files index
};

struct ModuleDecls {
  std::map<std::string, Decl, std::less<>> variables, locals, outputs, calls;
  std::vector<std::pair<std::string, Decl>> resources;  // "type.name", in file and source order
  std::map<std::string, std::size_t, std::less<>> resource_index;
};

ModuleDecls declarations(const TerraformSources& sources, const TfDirectory& dir) {
  ModuleDecls d;
  for (const std::size_t f : dir.files) {
    const TfFile& file = sources.files[f];
    if (!file.root || file.root->children.empty()) continue;
    for (const auto& item : file.root->child(0).children) {
      if (item->kind != HclKind::block) continue;
      const std::string_view type = block_type(*item);
      const std::vector<std::string> labels = labels_of(*item);
      const Decl decl{item.get(), file.index};
      if (type == "variable" && labels.size() == 1) {
        d.variables.emplace(labels[0], decl);
      } else if (type == "output" && labels.size() == 1) {
        d.outputs.emplace(labels[0], decl);
      } else if (type == "module" && labels.size() == 1) {
        d.calls.emplace(labels[0], decl);
      } else if (type == "resource" && labels.size() == 2) {
        const std::string key = labels[0] + "." + labels[1];
        if (d.resource_index.count(key)) continue;  // Terraform rejects the second
        d.resource_index.emplace(key, d.resources.size());
        d.resources.emplace_back(key, decl);
      } else if (type == "locals") {
        if (const HclNode* body = body_of(*item)) {
          for (const auto& attr : body->children)
            if (attr->kind == HclKind::attribute)
              d.locals.emplace(std::string(attr->child(0).text()),
                               Decl{&attr->child(1), file.index});
        }
      }
    }
  }
  return d;
}

// ---- Evaluation

struct ModuleInstance;

// A value that waits to be evaluated where it was written: a module call's input.
struct Pending {
  const HclNode* expression = nullptr;
  std::uint32_t file = 0;
  ModuleInstance* scope = nullptr;
  std::vector<std::pair<std::string, HclValue>> bindings;  // the call's count / each
};

// The instances a count or for_each gives: keys, or unknown.
struct Expansion {
  bool single = true;   // no count, no for_each
  bool by_key = false;  // for_each
  bool known = true;
  std::string unknown_text;
  std::vector<HclValue> keys;    // count: numbers; for_each: the keys (strings)
  std::vector<HclValue> values;  // for_each: each.value
};

struct Handle {
  bool module = false;
  ModuleInstance* owner = nullptr;     // the module the resource is declared in
  ModuleInstance* instance = nullptr;  // module handles: the called instance
  const Decl* decl = nullptr;
  std::string address;
  std::vector<std::pair<std::string, HclValue>> bindings;  // count / each of the instance
};

struct ModuleInstance {
  const ModuleInstance* parent = nullptr;
  const TfDirectory* dir = nullptr;
  const ModuleDecls* decls = nullptr;
  std::string address;  // "" for the root, "module.net", "module.net[0]"
  std::string prefix;   // "" or "module.net."
  std::map<std::string, Pending, std::less<>> inputs;
  std::map<std::string, HclValue, std::less<>> overrides;  // root: tfvars, --var-file, --var
  std::map<std::string, HclValue, std::less<>> variable_cache, local_cache;
  std::set<std::string, std::less<>> in_progress;
  std::map<std::string, Expansion, std::less<>> expansions;
  // Module calls: name -> their instances (one, or one per count / for_each key), with keys.
  std::map<std::string, std::vector<std::pair<HclValue, std::unique_ptr<ModuleInstance>>>,
           std::less<>>
      children;
  std::set<std::string, std::less<>> expanded_calls;
};

class Project;

class Resolver : public HclResolver {
 public:
  Resolver(Project& project, ModuleInstance& module) : project_(project), module_(module) {}
  HclValue reference(std::string_view name, const HclNode& term, std::size_t& next,
                     HclPos pos) override;
  HclValue attribute(const HclValue& handle, std::string_view name, HclPos pos) override;

 private:
  Project& project_;
  ModuleInstance& module_;
};

struct Note {
  HclPos pos;
  std::string message;
};

// The evaluation of one root module and the modules it calls.
class Project {
 public:
  explicit Project(const TerraformSources& sources) : sources_(sources) {
    std::uint64_t bytes = 0;
    for (const TfFile& f : sources.files) bytes += f.text.size();
    steps_ = 1'000'000 + 16 * bytes;
  }

  // Evaluates `expression` (written in `file`) inside `module` with `bindings` bound.
  HclValue evaluate(ModuleInstance& module, const HclNode& expression, std::uint32_t file,
                    const std::vector<std::pair<std::string, HclValue>>& bindings);
  HclValue variable(ModuleInstance& module, const std::string& name, HclPos pos);
  HclValue local(ModuleInstance& module, const std::string& name, HclPos pos);
  HclValue resource(ModuleInstance& module, const std::string& key, HclPos pos);
  HclValue module_call(ModuleInstance& module, const std::string& name, HclPos pos);
  HclValue handle_attribute(const Handle& handle, std::string_view name, HclPos pos);
  const Expansion& expansion(ModuleInstance& module, const std::string& key, const Decl& decl,
                             const std::string& address);
  void expand_calls(ModuleInstance& module);
  const ModuleDecls& decls_of(std::size_t directory);
  std::size_t directory_index(const std::string& path) const;
  void note(HclPos pos, std::string message) { notes_.push_back({pos, std::move(message)}); }
  // False, with a note, once the module tree has more instances than instances_ allows.
  bool spend_instances(std::size_t n, HclPos at, const std::string& address) {
    if (instances_ >= n) {
      instances_ -= n;
      return true;
    }
    if (instances_ != 0 || !limit_noted_)
      note(at, address +
                   ": more resource and module instances than sgcheck reads in one root "
                   "module (200000): the rest is not read");
    limit_noted_ = true;
    instances_ = 0;
    return false;
  }
  bool limit_noted_ = false;

  // Writing the plan.
  void write_module(ModuleInstance& module, TreeNode& out);
  TreeNode tree_of(const HclValue& value) const;
  void write_body(ModuleInstance& module, const HclNode& body, std::uint32_t file,
                  std::vector<std::pair<std::string, HclValue>>& bindings, TreeNode& values);

  std::vector<Note>& notes() { return notes_; }

  const TerraformSources& sources_;

 private:
  std::map<std::size_t, ModuleDecls> decls_;
  std::vector<Note> notes_;
  int depth_ = 0;

 public:
  // What one root module may cost, whatever its text: evaluation steps (hcl_eval.h: a million,
  // plus 16 per byte of Terraform source), and module and resource instances (count and for_each
  // multiply them).
  std::uint64_t steps_ = 0;
  std::uint64_t instances_ = 200'000;
};

constexpr int kMaxDepth = 64;  // nested references (locals of locals, module outputs of outputs)

HclValue Project::evaluate(ModuleInstance& module, const HclNode& expression, std::uint32_t file,
                           const std::vector<std::pair<std::string, HclValue>>& bindings) {
  HclPos at{file, expression.line(), expression.column()};
  if (depth_ >= kMaxDepth) return HclValue::unknown("references nested too deeply", at);
  ++depth_;
  Resolver resolver(*this, module);
  HclEvaluator evaluator(resolver, file, steps_);
  for (const auto& [name, value] : bindings) evaluator.bind(name, value);
  HclValue value = evaluator.evaluate(expression);
  --depth_;
  return value;
}

const ModuleDecls& Project::decls_of(std::size_t directory) {
  auto it = decls_.find(directory);
  if (it == decls_.end())
    it = decls_.emplace(directory, declarations(sources_, sources_.directories[directory])).first;
  return it->second;
}

std::size_t Project::directory_index(const std::string& path) const {
  for (std::size_t i = 0; i < sources_.directories.size(); ++i)
    if (sources_.directories[i].path == path) return i;
  return sources_.directories.size();
}

HclValue Project::variable(ModuleInstance& module, const std::string& name, HclPos pos) {
  if (const auto it = module.variable_cache.find(name); it != module.variable_cache.end())
    return it->second;
  const auto decl = module.decls->variables.find(name);
  if (decl == module.decls->variables.end())
    return HclValue::unknown("var." + name + " (not declared)", pos);
  const std::string key = "var." + name;
  if (!module.in_progress.insert(key).second) return HclValue::unknown(key, pos);
  HclValue value;
  if (const auto it = module.inputs.find(name); it != module.inputs.end()) {
    Pending& p = it->second;
    value = evaluate(*p.scope, *p.expression, p.file, p.bindings);
  } else if (const auto o = module.overrides.find(name); o != module.overrides.end()) {
    value = o->second;
  } else if (const HclNode* d = attribute_in(body_of(*decl->second.node), "default")) {
    value = evaluate(module, *d, decl->second.file, {});
  } else {
    value = HclValue::unknown(key, pos);
  }
  module.in_progress.erase(key);
  module.variable_cache.emplace(name, value);
  return value;
}

HclValue Project::local(ModuleInstance& module, const std::string& name, HclPos pos) {
  if (const auto it = module.local_cache.find(name); it != module.local_cache.end())
    return it->second;
  const auto decl = module.decls->locals.find(name);
  const std::string key = "local." + name;
  if (decl == module.decls->locals.end()) {
    HclValue v = HclValue::unknown(key + " (not declared)", pos);
    v.error = true;
    return v;
  }
  if (!module.in_progress.insert(key).second) return HclValue::unknown(key, pos);
  HclValue value = evaluate(module, *decl->second.node, decl->second.file, {});
  module.in_progress.erase(key);
  module.local_cache.emplace(name, value);
  return value;
}

const Expansion& Project::expansion(ModuleInstance& module, const std::string& key,
                                    const Decl& decl, const std::string& address) {
  if (const auto it = module.expansions.find(key); it != module.expansions.end()) return it->second;
  Expansion e;
  const HclNode* body = body_of(*decl.node);
  const HclNode* count = attribute_in(body, "count");
  const HclNode* for_each = attribute_in(body, "for_each");
  const HclPos at{decl.file, decl.node->line(), decl.node->column()};
  if (!module.in_progress.insert("expand " + key).second) {
    e.known = false;
    e.unknown_text = key;
  } else if (count != nullptr) {
    e.single = false;
    const HclValue n = evaluate(module, *count, decl.file, {});
    if (!n.known() || n.kind != Kind::number || n.number < 0 || n.number > 100000) {
      e.known = false;
      e.unknown_text = n.known() ? "count" : n.text;
    } else {
      for (int i = 0; i < static_cast<int>(n.number); ++i)
        e.keys.push_back(HclValue::number_value(i, at));
    }
  } else if (for_each != nullptr) {
    e.single = false;
    e.by_key = true;
    const HclValue c = evaluate(module, *for_each, decl.file, {});
    if (!c.known()) {
      e.known = false;
      e.unknown_text = c.text;
    } else if (c.kind == Kind::object) {
      for (const auto& [k, v] : c.members) {
        e.keys.push_back(HclValue::string_value(k, at));
        e.values.push_back(v);
      }
    } else if (c.kind == Kind::list) {  // a set of strings: each.value is each.key
      for (const HclValue& v : c.items) {
        std::string text;
        if (!v.known() || !to_text(v, text)) {
          e.known = false;
          e.unknown_text = v.known() ? "for_each" : v.text;
          break;
        }
        e.keys.push_back(HclValue::string_value(text, at));
        e.values.push_back(HclValue::string_value(text, v.pos));
      }
    } else {
      e.known = false;
      e.unknown_text = "for_each";
    }
  }
  module.in_progress.erase("expand " + key);
  if (!e.known) {
    note(at, address + ": its " + (count ? "count" : "for_each") + " is not known before apply (" +
                 e.unknown_text + "), so its instances are not read");
  }
  return module.expansions.emplace(key, std::move(e)).first->second;
}

std::vector<std::pair<std::string, HclValue>> instance_bindings(const Expansion& e, std::size_t i) {
  std::vector<std::pair<std::string, HclValue>> out;
  if (e.single) return out;
  HclValue object;
  object.kind = Kind::object;
  object.pos = e.keys[i].pos;
  if (e.by_key) {
    object.members.emplace_back("key", e.keys[i]);
    object.members.emplace_back("value", e.values[i]);
    out.emplace_back("each", std::move(object));
  } else {
    object.members.emplace_back("index", e.keys[i]);
    out.emplace_back("count", std::move(object));
  }
  return out;
}

HclValue make_handle(std::shared_ptr<Handle> h, HclPos pos) {
  HclValue v;
  v.kind = Kind::handle;
  v.text = h->address;
  v.handle = std::move(h);
  v.pos = pos;
  return v;
}

HclValue Project::resource(ModuleInstance& module, const std::string& key, HclPos pos) {
  const auto found = module.decls->resource_index.find(key);
  if (found == module.decls->resource_index.end()) {
    HclValue v = HclValue::unknown(key + " (not declared)", pos);
    v.error = true;
    return v;
  }
  const Decl& decl = module.decls->resources[found->second].second;
  const std::string address = module.prefix + key;
  const Expansion& e = expansion(module, key, decl, address);
  if (!e.known) return HclValue::unknown(address, pos);
  const auto handle_for = [&](std::size_t i) {
    auto h = std::make_shared<Handle>();
    h->owner = &module;
    h->decl = &decl;
    h->address = address + (e.single ? "" : key_suffix(e.keys[i]));
    h->bindings = instance_bindings(e, i);
    return make_handle(std::move(h), pos);
  };
  if (e.single) return handle_for(0);
  HclValue all;
  all.kind = e.by_key ? Kind::object : Kind::list;
  all.pos = pos;
  for (std::size_t i = 0; i < e.keys.size(); ++i) {
    if (e.by_key)
      all.members.emplace_back(e.keys[i].text, handle_for(i));
    else
      all.items.push_back(handle_for(i));
  }
  return all;
}

// Creates the instances of every module call of `module` (inputs bound, not yet evaluated).
void Project::expand_calls(ModuleInstance& module) {
  for (const auto& [name, decl] : module.decls->calls) {
    if (module.expanded_calls.count(name)) continue;
    module.expanded_calls.insert(name);
    const HclNode* body = body_of(*decl.node);
    const std::string source = literal_string(body, "source");
    auto& instances = module.children[name];
    const HclPos at{decl.file, decl.node->line(), decl.node->column()};
    const std::string address = module.prefix + "module." + name;
    if (!is_local_source(source)) {
      note(at, address + " (source \"" + source +
                   "\"): registry and remote modules are not fetched, so its resources are not "
                   "read and its outputs are unknown");
      continue;
    }
    const std::size_t dir = directory_index(join_directory(module.dir->path, source));
    if (dir == sources_.directories.size()) {
      note(at, address + ": its source \"" + source + "\" holds no .tf files, so it is not read");
      continue;
    }
    bool loop = false;
    for (const ModuleInstance* m = &module; m != nullptr; m = m->parent)
      loop = loop || m->dir == &sources_.directories[dir];
    if (loop) {
      note(at, address + ": the module calls itself (through \"" + source +
                   "\"), so it is not read again");
      continue;
    }
    const Expansion& e = expansion(module, "module." + name, decl, address);
    if (!e.known) continue;
    const std::size_t n = e.single ? 1 : e.keys.size();
    if (!spend_instances(n, at, address)) continue;
    for (std::size_t i = 0; i < n; ++i) {
      auto child = std::make_unique<ModuleInstance>();
      child->parent = &module;
      child->dir = &sources_.directories[dir];
      child->decls = &decls_of(dir);
      child->address = address + (e.single ? "" : key_suffix(e.keys[i]));
      child->prefix = child->address + ".";
      const auto bindings = instance_bindings(e, i);
      for (const auto& item : body->children) {
        if (item->kind != HclKind::attribute) continue;
        const std::string_view arg = item->child(0).text();
        if (arg == "source" || arg == "version" || is_meta_attribute(arg) || arg == "providers")
          continue;
        child->inputs.emplace(std::string(arg),
                              Pending{&item->child(1), decl.file, &module, bindings});
      }
      instances.emplace_back(e.single ? HclValue{} : e.keys[i], std::move(child));
    }
  }
}

HclValue Project::module_call(ModuleInstance& module, const std::string& name, HclPos pos) {
  expand_calls(module);
  const auto decl = module.decls->calls.find(name);
  if (decl == module.decls->calls.end()) {
    HclValue v = HclValue::unknown("module." + name + " (not declared)", pos);
    v.error = true;
    return v;
  }
  const auto it = module.children.find(name);
  if (it == module.children.end() || it->second.empty())
    return HclValue::unknown(module.prefix + "module." + name, pos);
  const auto handle_for = [&](ModuleInstance& child) {
    auto h = std::make_shared<Handle>();
    h->module = true;
    h->instance = &child;
    h->address = child.address;
    return make_handle(std::move(h), pos);
  };
  const HclValue& first_key = it->second.front().first;
  if (first_key.kind == Kind::null) return handle_for(*it->second.front().second);
  HclValue all;
  all.kind = first_key.kind == Kind::number ? Kind::list : Kind::object;
  all.pos = pos;
  for (auto& [key, child] : it->second) {
    if (all.kind == Kind::list)
      all.items.push_back(handle_for(*child));
    else
      all.members.emplace_back(key.text, handle_for(*child));
  }
  return all;
}

HclValue Project::handle_attribute(const Handle& h, std::string_view name, HclPos pos) {
  const std::string text = h.address + "." + std::string(name);
  if (h.module) {
    const auto out = h.instance->decls->outputs.find(name);
    if (out == h.instance->decls->outputs.end()) {
      HclValue v = HclValue::unknown(text + " (no such output)", pos);
      v.error = true;
      return v;
    }
    const HclNode* value = attribute_in(body_of(*out->second.node), "value");
    if (value == nullptr) return HclValue::unknown(text, pos);
    if (!h.instance->in_progress.insert("output." + std::string(name)).second)
      return HclValue::unknown(text, pos);
    HclValue v = evaluate(*h.instance, *value, out->second.file, {});
    h.instance->in_progress.erase("output." + std::string(name));
    return v;
  }
  // A resource: the ids are known after apply, named by the resource's address; another
  // attribute is what the configuration writes, or known after apply.
  if (name == "id") return HclValue::unknown(text, pos, h.address);
  const HclNode* expression = attribute_in(body_of(*h.decl->node), name);
  if (expression == nullptr) return HclValue::unknown(text, pos);
  const std::string key = "attr " + h.address + "." + std::string(name);
  if (!h.owner->in_progress.insert(key).second) return HclValue::unknown(text, pos);
  HclValue v = evaluate(*h.owner, *expression, h.decl->file, h.bindings);
  h.owner->in_progress.erase(key);
  return v;
}

HclValue Resolver::attribute(const HclValue& handle, std::string_view name, HclPos pos) {
  return project_.handle_attribute(*static_cast<const Handle*>(handle.handle.get()), name, pos);
}

// The text of the reference `name.a.b…` up to `steps` traversal steps, for unknown values.
std::string reference_text(std::string_view name, const HclNode& term, std::size_t from,
                           std::size_t steps) {
  std::string text(name);
  for (std::size_t i = from; i < term.children.size() && i < from + steps; ++i) {
    const HclNode& op = term.child(i);
    if (op.kind != HclKind::get_attr) break;
    text += ".";
    text += op.child(0).text();
  }
  return text;
}

HclValue Resolver::reference(std::string_view name, const HclNode& term, std::size_t& next,
                             HclPos pos) {
  const auto attr = [&](std::string& out) {
    if (term.kind != HclKind::term || next >= term.children.size() ||
        term.child(next).kind != HclKind::get_attr)
      return false;
    out = std::string(term.child(next).child(0).text());
    ++next;
    return true;
  };
  std::string a;
  if (name == "var") {
    if (!attr(a)) return HclValue::unknown("var", pos);
    return project_.variable(module_, a, pos);
  }
  if (name == "local") {
    if (!attr(a)) return HclValue::unknown("local", pos);
    return project_.local(module_, a, pos);
  }
  if (name == "module") {
    if (!attr(a)) return HclValue::unknown("module", pos);
    HclValue v = project_.module_call(module_, a, pos);
    if (!v.known() && !v.error) v.text = reference_text("module." + a, term, next, 1);
    return v;
  }
  if (name == "path") {
    if (!attr(a)) return HclValue::unknown("path", pos);
    if (a == "module") return HclValue::string_value(module_.dir->path, pos);
    return HclValue::unknown("path." + a, pos);
  }
  if (name == "data" || name == "terraform" || name == "self" || name == "count" ||
      name == "each") {
    return HclValue::unknown(reference_text(name, term, next, 3), pos);
  }
  if (!attr(a)) {
    HclValue v = HclValue::unknown(std::string(name) + " (not declared)", pos);
    v.error = true;
    return v;
  }
  return project_.resource(module_, std::string(name) + "." + a, pos);
}

// ---- Writing the plan tree

// A value given on the command line (--var) has no place in a file: it takes the place of the
// attribute that uses it.
void place_unplaced(HclValue& value, HclPos at) {
  if (value.pos.line == 0) value.pos = at;
  for (HclValue& i : value.items) place_unplaced(i, at);
  for (auto& m : value.members) place_unplaced(m.second, at);
}

// Terraform converts a value to the type the provider's schema gives the attribute: a port given
// as "22" (a --var value, a tfvars string) is the number 22 in the plan, `self = "true"` a bool.
void convert_to_schema(std::string_view name, HclValue& value) {
  if (value.kind != Kind::string) return;
  if (name == "from_port" || name == "to_port" || name == "max_entries") {
    char* end = nullptr;
    const double n = std::strtod(value.text.c_str(), &end);
    if (!value.text.empty() && end == value.text.c_str() + value.text.size()) {
      value.kind = Kind::number;
      value.number = n;
    }
  } else if (name == "self" && (value.text == "true" || value.text == "false")) {
    value.kind = Kind::boolean;
    value.boolean = value.text == "true";
  }
}

TreeNode Project::tree_of(const HclValue& v) const {
  TreeNode n;
  n.file = v.pos.file;
  n.line = v.pos.line;
  n.column = v.pos.column;
  switch (v.kind) {
    case Kind::null:
      break;
    case Kind::boolean:
      n.kind = TreeNode::Kind::boolean;
      n.text = v.boolean ? "true" : "false";
      break;
    case Kind::number:
      n.kind = TreeNode::Kind::number;
      n.text = number_text(v.number);
      break;
    case Kind::string:
      n.kind = TreeNode::Kind::string;
      n.text = v.text;
      break;
    case Kind::list:
      n.kind = TreeNode::Kind::sequence;
      for (const HclValue& i : v.items) n.items.push_back(tree_of(i));
      break;
    case Kind::object:
      n.kind = TreeNode::Kind::mapping;
      for (const auto& [k, m] : v.members) n.members.emplace_back(k, tree_of(m));
      break;
    case Kind::unknown:
      if (!v.ref.empty()) {  // an id known after apply: the resource's address names it
        n.kind = TreeNode::Kind::string;
        n.text = v.ref;
      } else {
        n.text = v.text.empty() ? "unknown" : v.text;  // a null with text: unknown (terraform.cc)
      }
      break;
    case Kind::handle:
      n.text = v.text;
      break;
  }
  return n;
}

void Project::write_body(ModuleInstance& module, const HclNode& body, std::uint32_t file,
                         std::vector<std::pair<std::string, HclValue>>& bindings,
                         TreeNode& values) {
  values.kind = TreeNode::Kind::mapping;
  const auto sequence = [&](const std::string& key) -> TreeNode& {
    for (auto& [k, v] : values.members)
      if (k == key) return v;
    TreeNode list;
    list.kind = TreeNode::Kind::sequence;
    list.file = file;
    list.line = body.line();
    list.column = body.column();
    values.members.emplace_back(key, std::move(list));
    return values.members.back().second;
  };
  for (const auto& item : body.children) {
    if (item->kind == HclKind::attribute) {
      const std::string_view name = item->child(0).text();
      if (is_meta_attribute(name)) continue;
      HclValue value = evaluate(module, item->child(1), file, bindings);
      convert_to_schema(name, value);
      place_unplaced(value, {file, item->child(1).line(), item->child(1).column()});
      // An id known after apply is placed where the attribute uses it, not where the module
      // output or local that passed it on was written.
      if (!value.known() && !value.ref.empty())
        value.pos = {file, item->child(1).line(), item->child(1).column()};
      values.members.emplace_back(std::string(name), tree_of(value));
      continue;
    }
    if (item->kind != HclKind::block) continue;
    const std::string type(block_type(*item));
    const HclNode* inner = body_of(*item);
    if (is_meta_block(type) || inner == nullptr) continue;
    const HclPos at{file, item->line(), item->column()};
    if (type != "dynamic") {
      TreeNode block;
      block.file = file;
      block.line = item->line();
      block.column = item->column();
      write_body(module, *inner, file, bindings, block);
      sequence(type).items.push_back(std::move(block));
      continue;
    }
    const std::vector<std::string> labels = labels_of(*item);
    if (labels.size() != 1) continue;
    const HclNode* for_each = attribute_in(inner, "for_each");
    std::string iterator = labels[0];
    if (const HclNode* it = attribute_in(inner, "iterator"); it && it->kind == HclKind::variable)
      iterator = std::string(it->text());
    const HclNode* content = nullptr;
    for (const auto& b : inner->children)
      if (b->kind == HclKind::block && block_type(*b) == "content") content = body_of(*b);
    TreeNode& list = sequence(labels[0]);
    if (for_each == nullptr || content == nullptr) continue;
    const HclValue collection = evaluate(module, *for_each, file, bindings);
    std::vector<std::pair<HclValue, HclValue>> entries;
    if (collection.kind == Kind::list) {
      for (std::size_t i = 0; i < collection.items.size(); ++i)
        entries.emplace_back(HclValue::number_value(static_cast<double>(i), at),
                             collection.items[i]);
    } else if (collection.kind == Kind::object) {
      for (const auto& [k, v] : collection.members)
        entries.emplace_back(HclValue::string_value(k, at), v);
    } else {
      // Blocks not known before apply: the plan reader leaves the group's rules of this
      // direction open (a null with text).
      TreeNode open;
      open.file = file;
      open.line = item->line();
      open.column = item->column();
      open.text =
          "dynamic \"" + labels[0] + "\" over " +
          (collection.known() ? std::string("a value that is not a collection") : collection.text);
      list.items.push_back(std::move(open));
      continue;
    }
    for (auto& [key, value] : entries) {
      HclValue object;
      object.kind = Kind::object;
      object.pos = value.pos;
      object.members.emplace_back("key", key);
      object.members.emplace_back("value", value);
      bindings.emplace_back(iterator, std::move(object));
      TreeNode block;
      block.file = file;
      block.line = item->line();
      block.column = item->column();
      write_body(module, *content, file, bindings, block);
      bindings.pop_back();
      list.items.push_back(std::move(block));
    }
  }
}

void Project::write_module(ModuleInstance& module, TreeNode& out) {
  out.kind = TreeNode::Kind::mapping;
  TreeNode resources;
  resources.kind = TreeNode::Kind::sequence;
  for (const auto& [key, decl] : module.decls->resources) {
    const std::size_t dot = key.find('.');
    const std::string type = key.substr(0, dot);
    if (!is_read_type(type)) continue;
    const std::string address = module.prefix + key;
    const Expansion& e = expansion(module, key, decl, address);
    if (!e.known) continue;
    const std::size_t n = e.single ? 1 : e.keys.size();
    if (!spend_instances(n, {decl.file, decl.node->line(), decl.node->column()}, address)) continue;
    for (std::size_t i = 0; i < n; ++i) {
      auto bindings = instance_bindings(e, i);
      TreeNode r;
      r.kind = TreeNode::Kind::mapping;
      r.file = decl.file;
      r.line = decl.node->line();
      r.column = decl.node->column();
      const auto text = [&](std::string s) {
        TreeNode t;
        t.kind = TreeNode::Kind::string;
        t.text = std::move(s);
        t.file = r.file;
        t.line = r.line;
        t.column = r.column;
        return t;
      };
      r.members.emplace_back("address", text(address + (e.single ? "" : key_suffix(e.keys[i]))));
      r.members.emplace_back("mode", text("managed"));
      r.members.emplace_back("type", text(type));
      r.members.emplace_back("name", text(key.substr(dot + 1)));
      TreeNode values;
      values.file = r.file;
      values.line = r.line;
      values.column = r.column;
      if (const HclNode* body = body_of(*decl.node))
        write_body(module, *body, decl.file, bindings, values);
      r.members.emplace_back("values", std::move(values));
      resources.items.push_back(std::move(r));
    }
  }
  out.members.emplace_back("resources", std::move(resources));
  expand_calls(module);
  TreeNode children;
  children.kind = TreeNode::Kind::sequence;
  for (auto& [name, instances] : module.children) {
    for (auto& [key, child] : instances) {
      TreeNode c;
      write_module(*child, c);
      TreeNode address;
      address.kind = TreeNode::Kind::string;
      address.text = child->address;
      c.members.emplace_back("address", std::move(address));
      children.items.push_back(std::move(c));
    }
  }
  out.members.emplace_back("child_modules", std::move(children));
}

// ---- Variable values from tfvars and the command line

void assign_tfvars(const TfFile& file, ModuleInstance& root, Project& project) {
  if (!file.root || file.root->children.empty()) return;
  for (const auto& item : file.root->child(0).children) {
    if (item->kind != HclKind::attribute) continue;
    root.overrides[std::string(item->child(0).text())] =
        project.evaluate(root, item->child(1), file.index, {});
  }
}

// A value given on the command line has no place in a file.
void clear_positions(HclValue& v) {
  v.pos = {};
  for (HclValue& i : v.items) clear_positions(i);
  for (auto& m : v.members) clear_positions(m.second);
}

// --var NAME=VALUE: a string, or an HCL expression for a variable whose type is not string and
// whose value starts like a list or an object (`--var 'cidrs=["10.0.0.0/8"]'`), as Terraform
// reads -var.
void assign_var(const std::string& assignment, ModuleInstance& root, Project& project) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) return;
  const std::string name = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  root.overrides[name] = HclValue::string_value(value, {});
  const auto decl = root.decls->variables.find(name);
  if (decl == root.decls->variables.end()) return;
  const HclNode* type = attribute_in(body_of(*decl->second.node), "type");
  const std::size_t first = value.find_first_not_of(" \t");
  if (type == nullptr || type->text() == "string" || first == std::string::npos ||
      (value[first] != '[' && value[first] != '{'))
    return;
  const std::string text = "x = " + value + "\n";
  Diagnostics problems;
  const HclTree tree = parse_hcl(text, "--var", problems);
  if (!problems.empty() || !tree.root || tree.root->children.empty() ||
      tree.root->child(0).children.empty())
    return;
  const HclNode& attribute = tree.root->child(0).child(0);
  if (attribute.kind != HclKind::attribute) return;
  HclValue parsed = project.evaluate(root, attribute.child(1), 0, {});
  clear_positions(parsed);
  root.overrides[name] = std::move(parsed);
}

}  // namespace

// ---- Gathering the sources

namespace {

// One directory read: its `.tf` files and auto-loaded tfvars parsed, the local sources it calls.
struct DirectoryRead {
  TfDirectory directory;  // file indexes into `files`
  std::vector<TfFile> files;
  Diagnostics errors;
  std::vector<std::string> calls;
};

TfFile read_tf_file(const std::string& name, bool tfvars, std::uint64_t max_file_bytes,
                    Diagnostics& errors) {
  TfFile file;
  file.name = name;
  file.tfvars = tfvars;
  std::string error;
  if (!read_file(name, max_file_bytes, file.text, error)) {
    Diagnostic d;
    d.message = error;
    d.location = {Name(name), 1, 1};
    errors.push_back(std::move(d));
    return file;
  }
  file.root = parse_hcl(file.text, name, errors).root;
  return file;
}

DirectoryRead read_directory(const std::string& dir, std::uint64_t max_file_bytes) {
  DirectoryRead out;
  out.directory.path = dir;
  std::vector<std::string> tf, vars;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(dir), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const std::string file = it->path().filename().string();
    const std::string name = dir == "." ? file : dir + "/" + file;
    if (it->path().extension() == ".tf") tf.push_back(name);
    if (is_auto_tfvars(name)) vars.push_back(name);
  }
  std::sort(tf.begin(), tf.end());
  // terraform.tfvars first, then *.auto.tfvars in name order (later ones win).
  std::sort(vars.begin(), vars.end(), [](const std::string& a, const std::string& b) {
    const bool ta = fs::path(a).filename() == "terraform.tfvars";
    const bool tb = fs::path(b).filename() == "terraform.tfvars";
    return ta != tb ? ta : a < b;
  });
  for (const std::string& name : tf) {
    out.directory.files.push_back(out.files.size());
    out.files.push_back(read_tf_file(name, false, max_file_bytes, out.errors));
    const TfFile& f = out.files.back();
    if (!f.root || f.root->children.empty()) continue;
    for (const auto& item : f.root->child(0).children) {
      if (item->kind != HclKind::block || block_type(*item) != "module") continue;
      const std::string source = literal_string(body_of(*item), "source");
      if (is_local_source(source)) out.calls.push_back(join_directory(dir, source));
    }
  }
  for (const std::string& name : vars) {
    out.directory.tfvars.push_back(out.files.size());
    out.files.push_back(read_tf_file(name, true, max_file_bytes, out.errors));
  }
  return out;
}

// Runs f(i) for i in [0, n) on `jobs` threads.
template <typename F>
void parallel_for(std::size_t n, unsigned jobs, F&& f) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) f(i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::min<std::size_t>(jobs, n); ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

}  // namespace

void TerraformSources::gather(const std::vector<std::string>& tf_inputs,
                              const std::vector<std::string>& tfvars_inputs,
                              const std::vector<std::string>& var_file_names,
                              std::uint64_t max_file_bytes, unsigned jobs) {
  // Directories are read in waves, side by side: the inputs' directories, then the directories
  // their local module calls name, and so on; each wave merged in name order.
  std::set<std::string> wave;
  for (const std::string& name : tf_inputs) wave.insert(directory_of(name));
  std::set<std::string> read_dirs;
  std::set<std::string> called;
  while (!wave.empty()) {
    const std::vector<std::string> dirs(wave.begin(), wave.end());
    for (const std::string& d : dirs) read_dirs.insert(d);
    std::vector<DirectoryRead> reads(dirs.size());
    parallel_for(dirs.size(), std::max(jobs, 1u),
                 [&](std::size_t i) { reads[i] = read_directory(dirs[i], max_file_bytes); });
    wave.clear();
    for (DirectoryRead& r : reads) {
      for (Diagnostic& d : r.errors) errors.push_back(std::move(d));
      for (const std::string& c : r.calls) {
        called.insert(c);
        if (!read_dirs.count(c)) wave.insert(c);
      }
      const std::size_t base = files.size();
      for (std::size_t& f : r.directory.files) f += base;
      for (std::size_t& f : r.directory.tfvars) f += base;
      for (TfFile& f : r.files) files.push_back(std::move(f));
      if (!r.directory.files.empty()) directories.push_back(std::move(r.directory));
    }
  }
  std::sort(directories.begin(), directories.end(),
            [](const TfDirectory& a, const TfDirectory& b) { return a.path < b.path; });
  for (TfDirectory& d : directories) d.called = called.count(d.path) > 0;
  std::set<std::string> auto_read;
  for (const TfFile& f : files)
    if (f.tfvars) auto_read.insert(f.name);
  for (const std::string& name : var_file_names) auto_read.insert(name);
  for (const std::string& name : tfvars_inputs) {
    if (auto_read.count(name)) continue;
    TfFile file;
    file.name = name;
    file.tfvars = true;
    files.push_back(std::move(file));
    skipped.push_back({name,
                       "Terraform variable values that Terraform does not load by itself "
                       "(pass them with --var-file)"});
  }
  for (const std::string& name : var_file_names) {
    var_files.push_back(files.size());
    files.push_back(read_tf_file(name, true, max_file_bytes, errors));
  }
}

std::vector<std::size_t> TerraformSources::roots() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < directories.size(); ++i)
    if (!directories[i].called) out.push_back(i);
  return out;
}

void read_terraform_module(const TerraformSources& sources, std::size_t directory, IacSink& sink) {
  Project project(sources);
  ModuleInstance root;
  root.dir = &sources.directories[directory];
  root.decls = &project.decls_of(directory);
  for (const std::size_t f : root.dir->tfvars) assign_tfvars(sources.files[f], root, project);
  for (const std::size_t f : sources.var_files) assign_tfvars(sources.files[f], root, project);
  for (const std::string& v : sources.vars) assign_var(v, root, project);
  TreeNode plan;
  plan.kind = TreeNode::Kind::mapping;
  TreeNode version;
  version.kind = TreeNode::Kind::string;
  version.text = "1.2";
  plan.members.emplace_back("format_version", std::move(version));
  TreeNode planned;
  planned.kind = TreeNode::Kind::mapping;
  TreeNode module;
  project.write_module(root, module);
  planned.members.emplace_back("root_module", std::move(module));
  plan.members.emplace_back("planned_values", std::move(planned));
  for (const Note& n : project.notes()) {
    TreeNode at;
    at.file = n.pos.file;
    at.line = n.pos.line;
    at.column = n.pos.column;
    sink.note(at, n.message);
  }
  read_terraform(plan, sink);
}

}  // namespace sgcheck::detail
