// Unit tests of the HCL reader (src/ingest/hcl*.cc): expressions evaluated to known and unknown
// values, and the CIDR functions against the examples of Terraform's own documentation. Entry:
// the gtest cases below, each evaluating one `x = EXPRESSION` file.
#include <gtest/gtest.h>

#include <string>

#include "ingest/hcl_eval.h"

namespace sgcheck::detail {
namespace {

// Resolves nothing: every reference is unknown, named by the root's name.
class NoNames : public HclResolver {
 public:
  HclValue reference(std::string_view name, const HclNode&, std::size_t&, HclPos pos) override {
    return HclValue::unknown(std::string(name), pos);
  }
  HclValue attribute(const HclValue& handle, std::string_view, HclPos) override { return handle; }
};

// The value of `expression`, as text: a string as is, a list as [a, b], unknown as ?(expr).
std::string show(const HclValue& v) {
  std::string text;
  if (!v.known()) return "?(" + v.text + ")";
  if (v.kind == HclValue::Kind::list) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + show(v.items[i]);
    return out + "]";
  }
  if (v.kind == HclValue::Kind::object) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.members.size(); ++i)
      out += (i ? ", " : "") + v.members[i].first + "=" + show(v.members[i].second);
    return out + "}";
  }
  if (!to_text(v, text)) return "null";
  return text;
}

std::string eval(const std::string& expression) {
  const std::string text = "x = " + expression + "\n";
  Diagnostics errors;
  const HclTree tree = parse_hcl(text, "test.tf", errors);
  if (!errors.empty()) return "error: " + errors.front().message;
  NoNames names;
  std::uint64_t steps = 1'000'000;
  HclEvaluator evaluator(names, 0, steps);
  return show(evaluator.evaluate(tree.root->child(0).child(0).child(1)));
}

TEST(HclEval, CidrFunctionsAsTerraformDocumentsThem) {
  EXPECT_EQ(eval(R"(cidrsubnet("172.16.0.0/12", 4, 2))"), "172.18.0.0/16");
  EXPECT_EQ(eval(R"(cidrsubnet("10.1.2.0/24", 4, 15))"), "10.1.2.240/28");
  EXPECT_EQ(eval(R"(cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162))"),
            "fd00:fd12:3456:7800:a200::/72");
  EXPECT_EQ(eval(R"(cidrhost("10.12.112.0/20", 16))"), "10.12.112.16");
  EXPECT_EQ(eval(R"(cidrhost("10.12.112.0/20", 268))"), "10.12.113.12");
  EXPECT_EQ(eval(R"(cidrhost("fd00:fd12:3456:7890:00a2::/72", 34))"), "fd00:fd12:3456:7890::22");
  EXPECT_EQ(eval(R"(cidrsubnets("10.1.0.0/16", 4, 4, 8, 4))"),
            "[10.1.0.0/20, 10.1.16.0/20, 10.1.32.0/24, 10.1.48.0/20]");
  EXPECT_EQ(eval(R"(cidrsubnet("10.0.0.0/8", 8, 256))"), R"(?(cidrsubnet("10.0.0.0/8", 8, 256)))");
}

TEST(HclEval, OperatorsBindAsInHcl) {
  EXPECT_EQ(eval("1 + 2 * 3"), "7");
  EXPECT_EQ(eval("(1 + 2) * 3"), "9");
  EXPECT_EQ(eval("10 - 4 - 3"), "3");
  EXPECT_EQ(eval("1 + 1 == 2 && !false || false"), "true");
  EXPECT_EQ(eval("2 > 3 ? \"a\" : 1 < 2 ? \"b\" : \"c\""), "b");
  EXPECT_EQ(eval("-5 % 3"), "-2");
}

TEST(HclEval, CollectionsTemplatesAndForExpressions) {
  EXPECT_EQ(eval(R"([for i, v in ["a", "b"] : "${i}-${v}" if v != "c"])"), "[0-a, 1-b]");
  EXPECT_EQ(eval(R"({for k, v in {b = 2, a = 1} : v => k})"), "{1=a, 2=b}");
  EXPECT_EQ(eval(R"({for s in ["x", "y", "x"] : s => s...})"), "{x=[x, x], y=[y]}");
  EXPECT_EQ(eval(R"(distinct(flatten([["10.0.0.0/8"], ["10.0.0.0/8", "::/0"]])))"),
            "[10.0.0.0/8, ::/0]");
  EXPECT_EQ(eval(R"(merge({a = 1, b = 2}, {b = 3}))"), "{a=1, b=3}");
  EXPECT_EQ(eval(R"(lookup({a = 1}, "b", 7))"), "7");
  EXPECT_EQ(eval(R"(format("%s-%03d|%-4s|%q", "sg", 7, "ab", "q"))"), "sg-007|ab  |\"q\"");
  EXPECT_EQ(eval(R"(join(",", split("/", "a/b/c")))"), "a,b,c");
  EXPECT_EQ(eval(R"(coalesce("", "x"))"), "x");
  EXPECT_EQ(eval(R"(length(toset(["b", "a", "b"])))"), "2");
  EXPECT_EQ(eval(R"(tolist(toset(["b", "a"])))"), "[a, b]");
  EXPECT_EQ(eval(R"(concat([1], [2, 3])[2])"), "3");
  EXPECT_EQ(eval(R"([{p = 1}, {p = 2}][*].p)"), "[1, 2]");
  EXPECT_EQ(eval(R"("a\tb$${x}")"), "a\tb${x}");
}

TEST(HclEval, UnknownsNameWhatTheyWaitFor) {
  EXPECT_EQ(eval("var.office"), "?(var)");  // the resolver above names the root only
  EXPECT_EQ(eval(R"(cidrsubnet(var.base, 8, 1))"), "?(var)");
  EXPECT_EQ(eval(R"(templatefile("x.tpl", {}))"), "?(unsupported function templatefile())");
  EXPECT_EQ(eval(R"(try([1][5], "fallback"))"), "fallback");
  EXPECT_EQ(eval(R"(can([1][5]))"), "false");
  EXPECT_EQ(eval(R"(true || var.x)"), "true");
  EXPECT_EQ(eval(R"("${var.x}-suffix")"), "?(var)");
}

TEST(HclParse, SyntaxErrorsArePlacedWithTheirLine) {
  Diagnostics errors;
  const std::string text = "a = 1\nb = [1,\nc = 2\n";
  const HclTree tree = parse_hcl(text, "t.tf", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].location.to_string(), "t.tf:3:3");
  EXPECT_EQ(errors[0].message, "invalid HCL: expected ',' or ']'");
  ASSERT_TRUE(tree.root);
  // `a`, before the broken item, is read; `c = 2` is inside the unclosed list, left out with it.
  EXPECT_EQ(tree.root->child(0).children.size(), 1u);
}

TEST(HclParse, ReadingGoesOnAtTheNextItem) {
  Diagnostics errors;
  const std::string text = "a = 1\nblock {\n  x = [1,\n}\nc = 2\nd = )\ne = 3\n";
  const HclTree tree = parse_hcl(text, "t.tf", errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].location.to_string(), "t.tf:4:1");
  EXPECT_EQ(errors[1].location.to_string(), "t.tf:6:5");
  ASSERT_TRUE(tree.root);
  std::string names;
  for (const auto& item : tree.root->child(0).children) names += item->child(0).text();
  EXPECT_EQ(names, "ace");
}

}  // namespace
}  // namespace sgcheck::detail
