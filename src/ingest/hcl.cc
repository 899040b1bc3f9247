// Parsing HCL native syntax into HclNode trees: the grammar of hcl_grammar.h through PEGTL's parse
// tree, keeping only the nodes the evaluator reads (hcl.h's HclKind) and folding single-child
// operator levels away. Entry points: parse_hcl(), parse_heredoc().
#include "ingest/hcl.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include <tao/pegtl/contrib/limit_depth.hpp>

#include "ingest/hcl_grammar.h"

namespace sgcheck::detail {

namespace {

namespace pegtl = tao::pegtl;
namespace pt = tao::pegtl::parse_tree;
namespace hg = hcl_grammar;

// Rule nesting (every grammar rule counts, about 25 per level of expression): bounds the parser's
// recursion on hostile input well within a thread's stack.
constexpr std::size_t kMaxRuleDepth = 2500;

template <typename Rule>
struct action : pegtl::limit_depth<kMaxRuleDepth> {};

// clang-format off
template <typename Rule>
using selector = pt::selector<Rule,
    pt::store_content::on<hg::attr_key, hg::block_type, hg::block_label, hg::number_lit,
                          hg::template_literal, hg::heredoc_literal, hg::directive, hg::heredoc,
                          hg::bare_key, hg::for_key, hg::for_value, hg::function_name,
                          hg::variable, hg::attr_name, hg::op_mul, hg::op_add, hg::op_cmp,
                          hg::op_eq, hg::op_and, hg::op_or, hg::cond_q, hg::interpolation,
                          hg::function_call, hg::quoted_template, hg::index, hg::attribute,
                          hg::block, hg::body, hg::kw_true, hg::kw_false, hg::kw_null, hg::tuple,
                           hg::object, hg::object_item, hg::for_tuple, hg::for_object,
                           hg::for_intro, hg::for_cond, hg::for_group, hg::ellipsis,
                           hg::get_attr, hg::attr_splat, hg::full_splat, hg::unary_op,
                           hg::negate, hg::logical_not>,
    pt::store_content::on<hg::term, hg::expression>>;
// clang-format on

template <typename Rule>
inline constexpr bool kFolds =
    std::is_same_v<Rule, hg::term> || std::is_same_v<Rule, hg::expression>;

// The tree being built: the nodes of the selected rules under way, innermost last (the root
// first), and for each unselected rule under way that may hold selected ones, how many children
// its nearest node had when it started.
struct Builder {
  std::vector<std::unique_ptr<HclNode>> open;
  std::vector<std::size_t> marks;
  Builder() { open.push_back(std::make_unique<HclNode>()); }
};

// PEGTL's parse tree (contrib/parse_tree.hpp) builds a temporary node for every attempt of an
// unselected rule that holds selected ones, to collect their nodes until it succeeds: nearly 90%
// of the nodes it made on Terraform source, and most of the parse time. This control gives each
// selected rule its node and lets the others only remember where their nodes began, dropping them
// when the rule fails.
template <typename Rule>
struct build_control : hg::control<Rule> {
  static constexpr bool kSelected = pt::internal::is_selected_node<Rule, selector>;
  static constexpr bool kHoldsNodes = !pt::internal::is_leaf<8, typename Rule::subs_t, selector>;
  static constexpr bool enable = kSelected || kHoldsNodes || hg::control<Rule>::enable;

  template <typename Input>
  static void start(const Input& in, Builder& b) {
    if constexpr (kSelected) {
      b.open.push_back(std::make_unique<HclNode>());
      b.open.back()->template start<Rule>(in);
    } else if constexpr (kHoldsNodes) {
      b.marks.push_back(b.open.back()->children.size());
    }
  }

  template <typename Input>
  static void success(const Input& in, Builder& b) {
    if constexpr (kSelected) {
      std::unique_ptr<HclNode> node = std::move(b.open.back());
      b.open.pop_back();
      node->template success<Rule>(in);
      if constexpr (kFolds<Rule>) {
        if (node->children.size() == 1) node = std::move(node->children.front());
      }
      b.open.back()->children.push_back(std::move(node));
    } else if constexpr (kHoldsNodes) {
      b.marks.pop_back();
    }
  }

  template <typename Input>
  static void failure(const Input& /*in*/, Builder& b) {
    if constexpr (kSelected) {
      b.open.pop_back();
    } else if constexpr (kHoldsNodes) {
      b.open.back()->children.resize(b.marks.back());
      b.marks.pop_back();
    }
  }
};

// Parses `in` with `Rule`, the tree's root holding the nodes; throws pegtl::parse_error.
template <typename Rule, typename Input>
std::unique_ptr<HclNode> build_tree(Input& in) {
  Builder b;
  if (!pegtl::parse<Rule, action, build_control>(in, b)) return nullptr;
  return std::move(b.open.front());
}

// Blocks of sizeof(HclNode) bytes cut from 256 KiB chunks. Each thread keeps its own free list
// and its own chunk to cut from (no lock on the way); chunks are taken under a lock from one store
// that keeps them until the process ends, so that a tree parsed on one thread can be freed on
// another, whose free list then reuses its blocks.
constexpr std::size_t kBlock = (sizeof(HclNode) + alignof(std::max_align_t) - 1) /
                               alignof(std::max_align_t) * alignof(std::max_align_t);
constexpr std::size_t kChunk = 256 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

std::byte* new_chunk() {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<std::byte[]>> chunks;
  const std::lock_guard<std::mutex> lock(mutex);
  chunks.push_back(std::make_unique<std::byte[]>(kChunk));
  return chunks.back().get();
}

struct ThreadPool {
  FreeBlock* free = nullptr;
  std::byte* next = nullptr;
  std::size_t left = 0;
};

ThreadPool& thread_pool() {
  thread_local ThreadPool pool;
  return pool;
}

}  // namespace

void* HclNode::operator new(std::size_t size) {
  if (size != sizeof(HclNode)) return ::operator new(size);
  ThreadPool& pool = thread_pool();
  if (pool.free != nullptr) {
    FreeBlock* block = pool.free;
    pool.free = block->next;
    return block;
  }
  if (pool.left < kBlock) {
    pool.next = new_chunk();
    pool.left = kChunk;
  }
  void* block = pool.next;
  pool.next += kBlock;
  pool.left -= kBlock;
  return block;
}

void HclNode::operator delete(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  if (size != sizeof(HclNode)) return ::operator delete(block);
  ThreadPool& pool = thread_pool();
  pool.free = new (block) FreeBlock{pool.free};
}

template <typename Rule>
HclKind HclNode::kind_of() {
  using K = HclKind;
  if constexpr (std::is_same_v<Rule, hg::body>)
    return K::body;
  else if constexpr (std::is_same_v<Rule, hg::attribute>)
    return K::attribute;
  else if constexpr (std::is_same_v<Rule, hg::attr_key>)
    return K::attr_key;
  else if constexpr (std::is_same_v<Rule, hg::block>)
    return K::block;
  else if constexpr (std::is_same_v<Rule, hg::block_type>)
    return K::block_type;
  else if constexpr (std::is_same_v<Rule, hg::block_label>)
    return K::block_label;
  else if constexpr (std::is_same_v<Rule, hg::number_lit>)
    return K::number;
  else if constexpr (std::is_same_v<Rule, hg::kw_true>)
    return K::true_literal;
  else if constexpr (std::is_same_v<Rule, hg::kw_false>)
    return K::false_literal;
  else if constexpr (std::is_same_v<Rule, hg::kw_null>)
    return K::null_literal;
  else if constexpr (std::is_same_v<Rule, hg::quoted_template>)
    return K::quoted_template;
  else if constexpr (std::is_same_v<Rule, hg::template_literal> ||
                     std::is_same_v<Rule, hg::heredoc_literal>)
    return K::template_literal;
  else if constexpr (std::is_same_v<Rule, hg::interpolation>)
    return K::interpolation;
  else if constexpr (std::is_same_v<Rule, hg::directive>)
    return K::directive;
  else if constexpr (std::is_same_v<Rule, hg::heredoc>)
    return K::heredoc;
  else if constexpr (std::is_same_v<Rule, hg::tuple>)
    return K::tuple;
  else if constexpr (std::is_same_v<Rule, hg::object>)
    return K::object;
  else if constexpr (std::is_same_v<Rule, hg::object_item>)
    return K::object_item;
  else if constexpr (std::is_same_v<Rule, hg::bare_key>)
    return K::bare_key;
  else if constexpr (std::is_same_v<Rule, hg::for_tuple>)
    return K::for_tuple;
  else if constexpr (std::is_same_v<Rule, hg::for_object>)
    return K::for_object;
  else if constexpr (std::is_same_v<Rule, hg::for_intro>)
    return K::for_intro;
  else if constexpr (std::is_same_v<Rule, hg::for_key>)
    return K::for_key;
  else if constexpr (std::is_same_v<Rule, hg::for_value>)
    return K::for_value;
  else if constexpr (std::is_same_v<Rule, hg::for_cond>)
    return K::for_cond;
  else if constexpr (std::is_same_v<Rule, hg::for_group>)
    return K::for_group;
  else if constexpr (std::is_same_v<Rule, hg::function_call>)
    return K::function_call;
  else if constexpr (std::is_same_v<Rule, hg::function_name>)
    return K::function_name;
  else if constexpr (std::is_same_v<Rule, hg::ellipsis>)
    return K::ellipsis;
  else if constexpr (std::is_same_v<Rule, hg::variable>)
    return K::variable;
  else if constexpr (std::is_same_v<Rule, hg::term>)
    return K::term;
  else if constexpr (std::is_same_v<Rule, hg::get_attr>)
    return K::get_attr;
  else if constexpr (std::is_same_v<Rule, hg::attr_name>)
    return K::attr_name;
  else if constexpr (std::is_same_v<Rule, hg::attr_splat>)
    return K::attr_splat;
  else if constexpr (std::is_same_v<Rule, hg::full_splat>)
    return K::full_splat;
  else if constexpr (std::is_same_v<Rule, hg::index>)
    return K::index;
  else if constexpr (std::is_same_v<Rule, hg::unary_op>)
    return K::unary_op;
  else if constexpr (std::is_same_v<Rule, hg::negate>)
    return K::negate;
  else if constexpr (std::is_same_v<Rule, hg::logical_not>)
    return K::logical_not;
  else if constexpr (std::is_same_v<Rule, hg::cond_q>)
    return K::question;
  else if constexpr (std::is_same_v<Rule, hg::op_mul> || std::is_same_v<Rule, hg::op_add> ||
                     std::is_same_v<Rule, hg::op_cmp> || std::is_same_v<Rule, hg::op_eq> ||
                     std::is_same_v<Rule, hg::op_and> || std::is_same_v<Rule, hg::op_or>)
    return K::op;
  else if constexpr (std::is_same_v<Rule, hg::expression>)
    return K::conditional;
  else
    return K::other;
}

namespace {

constexpr std::size_t kMaxSyntaxErrors = 20;  // per file; the rest of it is then left out

// Where a top-level item may start: a line beginning with a letter or '_'.
bool item_start_at(std::string_view text, std::size_t offset) {
  return (offset == 0 || text[offset - 1] == '\n') && offset < text.size() &&
         (std::isalpha(static_cast<unsigned char>(text[offset])) || text[offset] == '_');
}

std::uint32_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Parses text[begin, end) as a whole body; throws pegtl::parse_error.
std::unique_ptr<HclNode> parse_segment(std::string_view text, std::size_t begin, std::size_t end) {
  pegtl::memory_input in(text.data() + begin, text.data() + end, "", begin, line_of(text, begin),
                         1);
  return build_tree<hg::file>(in);
}

Diagnostic syntax_error(const pegtl::parse_error& e, std::string_view text,
                        const std::string& name) {
  const pegtl::position& p = e.positions().front();
  Diagnostic error;
  error.severity = Severity::error;
  std::string message(e.message());
  if (message.find("nesting depth") != std::string::npos)
    message = "nested too deeply (expressions or blocks)";
  error.message = "invalid HCL: " + message;
  error.location = {Name(name), static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column)};
  quote_source_line(error, line_at(text, p.byte));
  return error;
}

}  // namespace

namespace {

// Parses text[begin, end) into `tree`, going on past syntax errors (parse_hcl()).
class Recovery {
 public:
  Recovery(std::string_view text, const std::string& name, Diagnostics& errors, HclTree& tree)
      : text_(text), name_(name), errors_(errors), tree_(tree) {}

  // `report`: whether this range's first error is reported (a prefix left before a broken item
  // fails only on that item, whose error is reported already).
  void parse(std::size_t begin, std::size_t end, bool report) {
    while (begin < end && failures_ < kMaxSyntaxErrors) {
      std::size_t at = 0;
      try {
        keep(parse_segment(text_, begin, end));
        return;
      } catch (const pegtl::parse_error& e) {
        if (report) errors_.push_back(syntax_error(e, text_, name_));
        ++failures_;
        at = std::min<std::size_t>(e.positions().front().byte, end);
      }
      report = true;
      // The items before the broken one are read, the broken one is left out, and reading goes
      // on at the next line that starts an item.
      std::size_t item = at == end ? end - 1 : at;
      while (item > begin && !item_start_at(text_, item)) --item;
      if (item > begin) parse(begin, item, false);
      std::size_t next = at + 1;
      while (next < end && !item_start_at(text_, next)) ++next;
      begin = next;
    }
  }

 private:
  // The items of each part that parses join the first part's body.
  void keep(std::unique_ptr<HclNode> part) {
    if (!part || part->children.empty()) return;
    if (!tree_.root) {
      tree_.root = std::move(part);
      return;
    }
    for (auto& item : part->children[0]->children)
      tree_.root->children[0]->children.push_back(std::move(item));
  }

  std::string_view text_;
  const std::string& name_;
  Diagnostics& errors_;
  HclTree& tree_;
  std::size_t failures_ = 0;
};

}  // namespace

HclTree parse_hcl(std::string_view text, const std::string& name, Diagnostics& errors) {
  HclTree tree;
  Recovery(text, name, errors, tree).parse(0, text.size(), true);
  return tree;
}

std::unique_ptr<HclNode> parse_heredoc(const HclNode& heredoc, bool& indented) {
  const std::string_view all = heredoc.text();  // "<<EOF\n…\nEOF"
  indented = all.size() > 2 && all[2] == '-';
  const std::size_t first_line = all.find('\n');
  const std::size_t last_line = all.rfind('\n');
  if (first_line == std::string_view::npos || last_line <= first_line) return nullptr;
  const char* begin = all.data() + first_line + 1;
  const char* end = all.data() + last_line + 1;  // the body keeps its last new line
  pegtl::memory_input in(begin, end, "", heredoc.m_begin.byte + first_line + 1,
                         heredoc.m_begin.line + 1, 1);
  try {
    return build_tree<hg::heredoc_body>(in);
  } catch (const pegtl::parse_error&) {
    return nullptr;
  }
}

}  // namespace sgcheck::detail
