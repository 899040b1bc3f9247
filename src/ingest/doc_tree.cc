// Builds TreeNode documents from JSON (simdjson on-demand, positions from byte offsets) and YAML
// (yaml-cpp, positions from its marks, CloudFormation short forms expanded). Entry points:
// json_tree(), yaml_tree().
#include "ingest/doc_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <istream>
#include <streambuf>
#include <vector>

namespace sgcheck::detail {

const TreeNode* TreeNode::find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

const char* TreeNode::kind_name() const {
  switch (kind) {
    case Kind::null:
      return "null";
    case Kind::boolean:
      return "a boolean";
    case Kind::number:
      return "a number";
    case Kind::string:
      return "a string";
    case Kind::sequence:
      return "a list";
    case Kind::mapping:
      return "a mapping";
  }
  return "a value";
}

std::string text_line(std::string_view text, std::uint32_t line) {
  std::size_t at = 0;
  for (std::uint32_t n = 1; n < line; ++n) {
    const std::size_t newline = text.find('\n', at);
    if (newline == std::string_view::npos) return {};
    at = newline + 1;
  }
  return line_at(text, at);
}

namespace {

// ---- JSON

void json_value(JsonReader& r, od::value& value, TreeNode& out) {
  const SourcePos pos = r.pos(r.offset(value));
  out.line = pos.line;
  out.column = pos.column;
  od::json_type type;
  JsonReader::check(value.type().get(type));
  switch (type) {
    case od::json_type::object: {
      out.kind = TreeNode::Kind::mapping;
      od::object object;
      JsonReader::check(value.get_object().get(object));
      r.for_each_field(object, [&](std::string_view key, od::value& v) {
        out.members.emplace_back(std::string(key), TreeNode{});
        json_value(r, v, out.members.back().second);
      });
      return;
    }
    case od::json_type::array: {
      out.kind = TreeNode::Kind::sequence;
      od::array array;
      JsonReader::check(value.get_array().get(array));
      r.for_each_element(array, [&](od::value& v) {
        out.items.emplace_back();
        json_value(r, v, out.items.back());
      });
      return;
    }
    case od::json_type::string: {
      out.kind = TreeNode::Kind::string;
      std::string_view s;
      JsonReader::check(value.get_string().get(s));
      out.text = std::string(s);
      return;
    }
    case od::json_type::number: {
      out.kind = TreeNode::Kind::number;
      std::string_view token = value.raw_json_token();
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                token.back() == '\n' || token.back() == '\r'))
        token.remove_suffix(1);
      // Validate it as simdjson would (a stray "1x" must not pass as a number).
      double ignored = 0;
      JsonReader::check(value.get_double().get(ignored));
      out.text = std::string(token);
      return;
    }
    case od::json_type::boolean: {
      out.kind = TreeNode::Kind::boolean;
      bool b = false;
      JsonReader::check(value.get_bool().get(b));
      out.text = b ? "true" : "false";
      return;
    }
    case od::json_type::null:
      out.kind = TreeNode::Kind::null;
      JsonReader::check(value.is_null().error());
      return;
  }
}

// ---- YAML

// Each value counts 1, and a scalar (or key) of n bytes counts n / kBytesPerValue more, so that a
// few kilobytes of aliases to a long scalar cannot expand to gigabytes (found by
// cfn_yaml_ingest_fuzzer).
constexpr std::uint64_t kBytesPerValue = 16;

std::string too_many_values(const TreeLimits& limits) {
  return "more than " + std::to_string(limits.max_nodes) +
         " YAML values (aliases expand to copies): the input is too large";
}

class YamlConverter {
 public:
  explicit YamlConverter(const TreeLimits& limits) : limits_(limits) {}

  void convert(const YAML::Node& node, TreeNode& out, std::uint32_t depth) {
    const YAML::Mark mark = node.Mark();
    out.line = static_cast<std::uint32_t>(mark.line + 1);
    out.column = static_cast<std::uint32_t>(mark.column + 1);
    charge(1, out);
    if (depth > limits_.max_depth) {
      throw TreeError{out.line, out.column, depth_message(limits_.max_depth)};
    }
    const std::string& tag = node.Tag();
    // Local tags (`!Ref`, `!GetAtt`, …) are CloudFormation's short forms; `!` alone marks a quoted
    // scalar and `?` a plain one; tag:yaml.org,2002:… (`!!str`) keeps the value as it is.
    if (tag.size() > 1 && tag[0] == '!' && tag[1] != '!') {
      const std::string name = tag.substr(1);
      out.kind = TreeNode::Kind::mapping;
      const std::string key = name == "Ref" || name == "Condition" ? name : "Fn::" + name;
      out.members.emplace_back(key, TreeNode{});
      TreeNode& inner = out.members.back().second;
      plain(node, inner, depth + 1);
      inner.line = out.line;
      inner.column = out.column;
      return;
    }
    plain(node, out, depth);
  }

 private:
  void plain(const YAML::Node& node, TreeNode& out, std::uint32_t depth) {
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = TreeNode::Kind::null;
        return;
      case YAML::NodeType::Scalar: {
        out.kind = TreeNode::Kind::string;
        charge(node.Scalar().size() / kBytesPerValue, out);
        out.text = node.Scalar();
        if (node.Tag() == "?" &&
            (out.text == "null" || out.text == "~" || out.text == "Null" || out.text == "NULL")) {
          out.kind = TreeNode::Kind::null;
          out.text.clear();
        }
        return;
      }
      case YAML::NodeType::Sequence:
        out.kind = TreeNode::Kind::sequence;
        for (const YAML::Node& item : node) {
          out.items.emplace_back();
          convert(item, out.items.back(), depth + 1);
        }
        return;
      case YAML::NodeType::Map:
        out.kind = TreeNode::Kind::mapping;
        for (const auto& member : node) {
          const YAML::Node& key = member.first;
          if (!key.IsScalar()) {
            const YAML::Mark m = key.Mark();
            throw TreeError{static_cast<std::uint32_t>(m.line + 1),
                            static_cast<std::uint32_t>(m.column + 1),
                            "expected a plain key, found a list or mapping used as a key"};
          }
          charge(key.Scalar().size() / kBytesPerValue, out);
          out.members.emplace_back(key.Scalar(), TreeNode{});
          convert(member.second, out.members.back().second, depth + 1);
        }
        return;
    }
  }

  // Aliases expand to copies, so the copy is bounded (DocumentCounter has checked the same count
  // before anything was built; this is the guard of the copy itself).
  void charge(std::uint64_t values, const TreeNode& at) {
    nodes_ += values;
    if (nodes_ > limits_.max_nodes) throw TreeError{at.line, at.column, too_many_values(limits_)};
  }

  const TreeLimits& limits_;
  std::uint64_t nodes_ = 0;
};

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or npos. yaml-cpp
// passes such bytes through, and every string of the inventory must be valid UTF-8 (reports are
// JSON).
std::size_t invalid_utf8_at(std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) return std::string_view::npos;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = byte(i);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > text.size()) return i;
    for (std::size_t k = 1; k < n; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return i;
    // Overlong forms, surrogates and code points above U+10FFFF.
    if ((n == 2 && c < 0xC2) || (n == 3 && c == 0xE0 && byte(i + 1) < 0xA0) ||
        (n == 3 && c == 0xED && byte(i + 1) >= 0xA0) ||
        (n == 4 && c == 0xF0 && byte(i + 1) < 0x90) ||
        (n == 4 && (c > 0xF4 || (c == 0xF4 && byte(i + 1) >= 0x90))))
      return i;
    i += n;
  }
  return 0;  // simdjson refused it; should not happen, but never accept it
}

// The first '[' or '{' of a YAML flow collection nested deeper than max_depth, or npos. yaml-cpp's
// scanner reads a flow collection's tokens ahead into a queue before its parser sees the first
// event: 8 MB of '[' takes 1.9 GB before DocumentCounter could count the depth. A flow collection
// starts where a value does (at the start of a line, after ':', '-', '?', a tag or an anchor);
// inside one every bracket is an indicator, and quoted strings and comments are skipped.
std::size_t excess_flow_depth(std::string_view text, std::uint32_t max_depth) {
  std::uint32_t depth = 0;
  char previous = '\n';         // the last byte that is not a space or tab
  bool word_is_property = false;  // the last word is a tag (!Ref) or an anchor (&a)
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i < text.size() && text[i] != '\n') ++i;  // a comment
      previous = '\n';
      continue;
    }
    if (depth > 0 && (c == '"' || c == '\'')) {  // a quoted scalar inside a flow collection
      for (++i; i < text.size() && text[i] != c; ++i)
        if (c == '"' && text[i] == '\\') ++i;
      previous = c;
      continue;
    }
    const bool starts_value = previous == '\n' || previous == ':' || previous == '-' ||
                              previous == '?' || word_is_property;
    if ((c == '[' || c == '{') && (depth > 0 || starts_value)) {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    if (c == ' ' || c == '\t') continue;
    if (previous == ' ' || previous == '\t' || previous == '\n' || previous == ':' ||
        previous == '-' || previous == '[' || previous == '{' || previous == ',')
      word_is_property = c == '!' || c == '&';
    if (c == '\n') word_is_property = false;
    previous = c;
  }
  return std::string_view::npos;
}

// yaml-cpp reads from a stream: this one reads the text in place (istringstream would copy it).
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only read: get area
    setg(begin, begin, begin + text.size());
  }
};

// The first pass over a YAML stream: counts its documents, and what building them would cost,
// without building anything (yaml-cpp's event parser keeps only the open collections).
//
// yaml-cpp 0.7's LoadAll() never ends on a ',' outside a flow collection at the top of a document
// (",", "- a\n,"): the parser reports an empty document and leaves the ',' where it was, so the
// next call finds it again, and LoadAll() keeps one more null document per round until memory runs
// out (found by cfn_yaml_ingest_fuzzer). A document that starts where the previous one started has
// consumed nothing: that is where the parser is stuck, and the input is refused there.
//
// The limits are checked here, before YAML::Load() builds its node graph: nesting (yaml-cpp
// recurses, and its own limit of 2,000 levels says only "invalid YAML"), and the values the tree
// would hold with every alias expanded (YamlConverter charges the same while it copies): a 2.4 MB
// template whose aliases repeat `Properties` would otherwise be built whole first.
class DocumentCounter : public YAML::EventHandler {
 public:
  explicit DocumentCounter(const TreeLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    open_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, YAML::NullAnchor, anchor < weights_.size() ? weights_[anchor] : 1);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    node(mark, anchor, 1 + value.size() / kBytesPerValue);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

  const YAML::Mark& start() const { return start_; }
  const YAML::Mark& root() const { return root_; }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t values_before;  // values_ when the collection opened
  };

  void node(const YAML::Mark& mark, YAML::anchor_t anchor, std::uint64_t values) {
    if (open_.empty()) root_ = mark;
    // The depth YamlConverter counts: the document's top-level node is at depth 1.
    if (open_.size() + 1 > limits_.max_depth) {
      throw TreeError{static_cast<std::uint32_t>(mark.line + 1),
                      static_cast<std::uint32_t>(mark.column + 1), depth_message(limits_.max_depth)};
    }
    charge(mark, values);
    remember(anchor, values);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    node(mark, YAML::NullAnchor, 1);
    open_.push_back({anchor, values_ - 1});
  }
  void close() {
    if (open_.empty()) return;
    const Open done = open_.back();
    open_.pop_back();
    remember(done.anchor, values_ - done.values_before);
  }
  // What an alias of `anchor` will copy.
  void remember(YAML::anchor_t anchor, std::uint64_t values) {
    if (anchor == YAML::NullAnchor) return;
    if (weights_.size() <= anchor) weights_.resize(anchor + 1, 1);
    weights_[anchor] = values;
  }
  void charge(const YAML::Mark& mark, std::uint64_t values) {
    values_ += values;
    if (values_ > limits_.max_nodes) {
      throw TreeError{static_cast<std::uint32_t>(mark.line + 1),
                      static_cast<std::uint32_t>(mark.column + 1), too_many_values(limits_)};
    }
  }

  const TreeLimits& limits_;
  YAML::Mark start_;
  YAML::Mark root_;  // the position of the document's top-level node
  std::vector<Open> open_;
  std::vector<std::uint64_t> weights_;  // by anchor id: the values its node holds, expanded
  std::uint64_t values_ = 0;            // over the whole stream, as YamlConverter counts
};

// Counts the YAML documents of `text` (the first pass, see DocumentCounter), with the position of
// the second one's top-level node; throws TreeError where the parser is stuck or a limit is
// passed, and YAML::ParserException for invalid YAML.
std::size_t count_documents(std::string_view text, const TreeLimits& limits, YAML::Mark& second) {
  TextBuffer buffer(text);
  std::istream stream(&buffer);
  YAML::Parser parser(stream);
  DocumentCounter counter(limits);
  std::size_t documents = 0;
  int previous_start = -1;
  while (parser.HandleNextDocument(counter)) {
    const YAML::Mark& start = counter.start();
    if (start.pos == previous_start) {
      const std::size_t at = static_cast<std::size_t>(start.pos);
      const bool comma = at < text.size() && text[at] == ',';
      throw TreeError{static_cast<std::uint32_t>(start.line + 1),
                      static_cast<std::uint32_t>(start.column + 1),
                      comma ? "invalid YAML: ',' outside a flow collection ([...] or {...})"
                            : "invalid YAML: the parser cannot go on here"};
    }
    previous_start = start.pos;
    if (++documents == 2) second = counter.root();
  }
  return documents;
}

// Checks that `text` holds exactly one YAML document; throws TreeError otherwise.
void expect_one_document(std::string_view text, const TreeLimits& limits) {
  YAML::Mark second;  // the top-level node of the second document, for the message
  const std::size_t documents = count_documents(text, limits, second);
  if (documents != 1) {
    throw TreeError{documents == 0 ? 1u : static_cast<std::uint32_t>(second.line + 1), 1,
                    "expected one YAML document, found " + std::to_string(documents)};
  }
}

void check_flow_depth(std::string_view text, const TreeLimits& limits) {
  if (const std::size_t deep = excess_flow_depth(text, limits.max_depth);
      deep != std::string_view::npos) {
    LineIndex lines(text);
    const auto [line, column] = lines.locate(deep);
    throw TreeError{line, column, depth_message(limits.max_depth)};
  }
}

void check_utf8(std::string_view text) {
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    LineIndex lines(text);
    const auto [line, column] = lines.locate(bad);
    throw TreeError{line, column, "invalid UTF-8"};
  }
}

}  // namespace

TreeNode json_tree(JsonReader& reader, od::document& document) {
  TreeNode root;
  od::value value;
  JsonReader::check(document.get_value().get(value));
  json_value(reader, value, root);
  // Trailing content after the top-level value: simdjson leaves it unread, so check explicitly.
  const char* ignored = nullptr;
  if (document.current_location().get(ignored) != simdjson::OUT_OF_BOUNDS) {
    throw JsonFailure{simdjson::TRAILING_CONTENT};
  }
  return root;
}

TreeNode yaml_tree(std::string_view text, const TreeLimits& limits) {
  check_utf8(text);
  YAML::Node document;
  try {
    // Counted first: LoadAll() itself may never return (see DocumentCounter).
    check_flow_depth(text, limits);
    expect_one_document(text, limits);
    TextBuffer buffer(text);
    std::istream stream(&buffer);
    document = YAML::Load(stream);
  } catch (const YAML::ParserException& e) {
    throw TreeError{static_cast<std::uint32_t>(e.mark.line + 1),
                    static_cast<std::uint32_t>(e.mark.column + 1), "invalid YAML: " + e.msg};
  } catch (const YAML::Exception& e) {
    throw TreeError{0, 0, std::string("invalid YAML: ") + e.what()};
  }
  TreeNode root;
  try {
    YamlConverter(limits).convert(document, root, 1);
  } catch (const YAML::Exception& e) {
    throw TreeError{static_cast<std::uint32_t>(e.mark.line + 1),
                    static_cast<std::uint32_t>(e.mark.column + 1), "invalid YAML: " + e.msg};
  }
  return root;
}

std::vector<TreeNode> yaml_documents(std::string_view text, const TreeLimits& limits) {
  check_utf8(text);
  std::vector<YAML::Node> documents;
  try {
    YAML::Mark second;
    // Counted first: LoadAll() itself may never return (see DocumentCounter).
    check_flow_depth(text, limits);
    if (count_documents(text, limits, second) == 0)
      throw TreeError{1, 1, "expected a YAML document, found none"};
    TextBuffer buffer(text);
    std::istream stream(&buffer);
    documents = YAML::LoadAll(stream);
  } catch (const YAML::ParserException& e) {
    throw TreeError{static_cast<std::uint32_t>(e.mark.line + 1),
                    static_cast<std::uint32_t>(e.mark.column + 1), "invalid YAML: " + e.msg};
  } catch (const YAML::Exception& e) {
    throw TreeError{0, 0, std::string("invalid YAML: ") + e.what()};
  }
  std::vector<TreeNode> out(documents.size());
  YamlConverter converter(limits);  // one bound on the copy for the whole stream
  try {
    for (std::size_t i = 0; i < documents.size(); ++i) converter.convert(documents[i], out[i], 1);
  } catch (const YAML::Exception& e) {
    throw TreeError{static_cast<std::uint32_t>(e.mark.line + 1),
                    static_cast<std::uint32_t>(e.mark.column + 1), "invalid YAML: " + e.msg};
  }
  return out;
}

}  // namespace sgcheck::detail
