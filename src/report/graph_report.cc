// The group graph rendered: DOT for Graphviz, Mermaid for GitHub Markdown (cut to its size limits),
// JSON (nodes and edges), and SVG laid out by Graphviz's library from the DOT text, through the
// layout module (graphviz_layout.cc) opened on first use. Entry points: graph_dot(),
// graph_mermaid(), graph_json(), graph_svg().
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

constexpr const char* kNoFindingColour = "#606060";
constexpr std::size_t kCidrsShown = 3;

const char* severity_colour(std::optional<FindingSeverity> severity) {
  if (!severity) return kNoFindingColour;
  switch (*severity) {
    case FindingSeverity::critical:
      return "#99000d";
    case FindingSeverity::high:
      return "#e31a1c";
    case FindingSeverity::medium:
      return "#fd8d3c";
    case FindingSeverity::low:
      return "#c9a000";
    case FindingSeverity::info:
      return "#3182bd";
  }
  return kNoFindingColour;
}

const char* node_fill(GraphNodeKind kind) {
  switch (kind) {
    case GraphNodeKind::internet4:
    case GraphNodeKind::internet6:
      return "#fde0dd";
    case GraphNodeKind::public_cidrs:
      return "#fff7bc";
    case GraphNodeKind::private_cidrs:
      return "#e5f5e0";
    case GraphNodeKind::prefix_list:
      return "#deebf7";
    case GraphNodeKind::group:
    case GraphNodeKind::missing_group:
      break;
  }
  return "#ffffff";
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The lines of a node's label, for every format.
std::vector<std::string> node_lines(const GraphNode& n) {
  std::vector<std::string> lines;
  switch (n.kind) {
    case GraphNodeKind::group:
      lines.push_back(n.name.empty() ? n.id : n.name);
      lines.push_back(n.groups.size() <= 1 ? n.id
                                           : n.groups.front() + " and " +
                                                 plural(n.groups.size() - 1, "other group") +
                                                 " with the same rules");
      lines.push_back(plural(n.interfaces, "interface"));
      break;
    case GraphNodeKind::missing_group:
      lines = {n.id, "not in the inventory"};
      break;
    case GraphNodeKind::internet4:
    case GraphNodeKind::internet6:
      lines = {n.name};
      break;
    case GraphNodeKind::private_cidrs:
    case GraphNodeKind::public_cidrs: {
      lines.push_back(n.kind == GraphNodeKind::private_cidrs ? "private" : "public");
      for (std::size_t i = 0; i < n.cidrs.size() && i < kCidrsShown; ++i)
        lines.push_back(n.cidrs[i]);
      if (n.cidrs.size() > kCidrsShown)
        lines.push_back("and " + std::to_string(n.cidrs.size() - kCidrsShown) + " more");
      break;
    }
    case GraphNodeKind::prefix_list:
      if (!n.name.empty()) lines.push_back(n.name);
      lines.push_back(n.id);
      break;
  }
  return lines;
}

std::string edge_label(const GraphEdge& e) {
  std::string label = e.services;
  if (!e.maybe.empty()) label += (label.empty() ? "maybe " : "; maybe ") + e.maybe;
  if (!e.matches) label += " (matches nothing)";
  return label;
}

// ---- DOT
// -----------------------------------------------------------------------------------------

std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string dot_label(const std::vector<std::string>& lines) {
  std::string joined;
  for (const std::string& l : lines) {
    if (!joined.empty()) joined += '\n';
    joined += l;
  }
  std::string out = "\"";
  for (const char c : joined) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void append_dot_node(std::string& out, const GraphNode& n, const char* indent) {
  out += indent + dot_quoted(n.id) + " [label=" + dot_label(node_lines(n));
  switch (n.kind) {
    case GraphNodeKind::group:
      if (n.severity) {
        out += ", color=\"";
        out += severity_colour(n.severity);
        out += "\", penwidth=2";
      }
      break;
    case GraphNodeKind::missing_group:
      out += ", style=\"rounded,dashed\"";
      break;
    default:
      out += ", shape=ellipse, fillcolor=\"";
      out += node_fill(n.kind);
      out += '"';
      break;
  }
  out += "];\n";
}

void append_dot_edge(std::string& out, const Graph& g, const GraphEdge& e) {
  out += "  " + dot_quoted(g.nodes[e.from].id) + " -> " + dot_quoted(g.nodes[e.to].id) +
         " [label=" + dot_quoted(edge_label(e));
  if (e.direction == Direction::egress) out += ", style=dashed";
  if (!e.matches) out += ", style=dotted";
  if (e.severity) {
    out += ", color=\"";
    out += severity_colour(e.severity);
    out += "\", fontcolor=\"";
    out += severity_colour(e.severity);
    out += "\", penwidth=2";
  }
  std::string tooltip = direction_name(e.direction);
  for (const std::string& f : e.findings) tooltip += (&f == &e.findings.front() ? ": " : ", ") + f;
  out += ", tooltip=" + dot_quoted(tooltip) + "];\n";
}

// ---- Mermaid
// -------------------------------------------------------------------------------------

// Mermaid's quoted text: '"' as #quot; ('#' as #35; so that it is not read as an entity).
std::string mermaid_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '#') {
      out += "#35;";
    } else if (c == '<') {
      out += "#lt;";
    } else if (c == '>') {
      out += "#gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string mermaid_node(const GraphNode& n, std::size_t index) {
  std::string label;
  for (const std::string& l : node_lines(n))
    label += (label.empty() ? "" : "<br/>") + mermaid_text(l);
  const bool peer = n.kind != GraphNodeKind::group && n.kind != GraphNodeKind::missing_group;
  return "n" + std::to_string(index) + (peer ? "([\"" : "[\"") + label + (peer ? "\"])" : "\"]");
}

// The Mermaid text of the nodes touched by the first `edges` edges (every node when all are
// shown), grouped by VPC, and those edges.
std::string mermaid_text_of(const Graph& g, std::size_t edges, const std::string& note) {
  std::vector<bool> shown(g.nodes.size(), edges == g.edges.size());
  for (std::size_t i = 0; i < edges; ++i) shown[g.edges[i].from] = shown[g.edges[i].to] = true;
  std::string out = "flowchart LR\n";
  if (!note.empty()) out += "  %% " + note + "\n";
  std::map<std::string, std::vector<std::size_t>> by_vpc;
  std::vector<std::size_t> outside;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!shown[i]) continue;
    if (g.nodes[i].vpc.empty()) {
      outside.push_back(i);
    } else {
      by_vpc[g.nodes[i].vpc].push_back(i);
    }
  }
  std::size_t cluster = 0;
  for (const auto& [vpc, members] : by_vpc) {
    out += "  subgraph vpc" + std::to_string(cluster++) + "[\"" + mermaid_text(vpc) + "\"]\n";
    for (const std::size_t i : members) out += "    " + mermaid_node(g.nodes[i], i) + "\n";
    out += "  end\n";
  }
  for (const std::size_t i : outside) out += "  " + mermaid_node(g.nodes[i], i) + "\n";
  std::string styles;
  for (std::size_t i = 0; i < edges; ++i) {
    const GraphEdge& e = g.edges[i];
    const std::string arrow = e.direction == Direction::egress ? " -.->" : " -->";
    out += "  n" + std::to_string(e.from) + arrow + "|\"" + mermaid_text(edge_label(e)) + "\"| n" +
           std::to_string(e.to) + "\n";
    if (e.severity) {
      styles += "  linkStyle " + std::to_string(i) + " stroke:" + severity_colour(e.severity) +
                ",stroke-width:2px\n";
    }
  }
  return out + styles;
}

}  // namespace

std::string graph_cut_note(const Graph& graph) {
  if (!graph.cut) return {};
  std::size_t shown = 0;
  for (const GraphNode& n : graph.nodes) shown += n.kind == GraphNodeKind::group ? 1 : 0;
  return "the graph shows " + std::to_string(shown) + " of " +
         std::to_string(graph.groups_selected) +
         " group nodes (the most severe findings first, then the most edges); narrow it with "
         "--group, --service, --exposed-only or --depth, or raise --max-nodes (0: no limit)";
}

std::string graph_dot(const Graph& graph) {
  std::string out = "digraph sgcheck {\n";
  const std::string note = graph_cut_note(graph);
  if (!note.empty()) out += "  // " + note + "\n";
  out +=
      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10, nodesep=0.3, ranksep=0.9, "
      "splines=polyline];\n"
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#606060\", "
      "fontname=\"Helvetica\", fontsize=10, margin=\"0.2,0.06\"];\n"
      "  edge [color=\"#606060\", fontcolor=\"#303030\", fontname=\"Helvetica\", fontsize=9];\n";
  std::map<std::string, std::vector<std::size_t>> by_vpc;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!graph.nodes[i].vpc.empty()) by_vpc[graph.nodes[i].vpc].push_back(i);
  std::size_t cluster = 0;
  for (const auto& [vpc, members] : by_vpc) {
    out += "  subgraph cluster_" + std::to_string(cluster++) + " {\n    label=" + dot_quoted(vpc) +
           ";\n    style=rounded;\n    color=\"#9e9e9e\";\n";
    for (const std::size_t i : members) append_dot_node(out, graph.nodes[i], "    ");
    out += "  }\n";
  }
  for (const GraphNode& n : graph.nodes)
    if (n.vpc.empty()) append_dot_node(out, n, "  ");
  for (const GraphEdge& e : graph.edges) append_dot_edge(out, graph, e);
  return out + "}\n";
}

MermaidGraph graph_mermaid(const Graph& graph, const MermaidLimits& limits) {
  MermaidGraph result;
  const std::string cut_note = graph_cut_note(graph);
  result.text = mermaid_text_of(graph, graph.edges.size(), cut_note);
  if (graph.edges.size() <= limits.max_edges && result.text.size() <= limits.max_text_size)
    return result;
  // The most edges (in the graph's order) whose text fits: the text grows with the edges.
  std::size_t lo = 0,
              hi = std::min(graph.edges.size() - (graph.edges.empty() ? 0 : 1), limits.max_edges);
  auto note_for = [&](std::size_t shown) {
    return "cut to " + std::to_string(shown) + " of " + std::to_string(graph.edges.size()) +
           " edges to fit GitHub's Mermaid limits (" + std::to_string(limits.max_edges) +
           " edges, " + std::to_string(limits.max_text_size) + " characters)" +
           (cut_note.empty() ? "" : "; " + cut_note);
  };
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    if (mermaid_text_of(graph, mid, note_for(mid)).size() <= limits.max_text_size) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  result.cut_message = note_for(lo);
  result.text = mermaid_text_of(graph, lo, result.cut_message);
  return result;
}

std::string graph_json(const Graph& graph, const Inventory& inventory) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.key("nodes");
  json.begin_array();
  for (const GraphNode& n : graph.nodes) {
    json.begin_object();
    json.field("id", n.id);
    json.field("kind", graph_node_kind_name(n.kind));
    json.field_or_null("name", n.name);
    if (n.kind == GraphNodeKind::group) {
      json.field_or_null("vpc", n.vpc);
      json.field("groups", n.groups);
      json.field("interfaces", n.interfaces);
      json.key("severity");
      json.string_or_null(n.severity ? finding_severity_name(*n.severity) : "");
    }
    if (!n.cidrs.empty()) json.field("cidrs", n.cidrs);
    json.end_object();
  }
  json.end_array();
  json.key("edges");
  json.begin_array();
  for (const GraphEdge& e : graph.edges) {
    json.begin_object();
    json.field("from", graph.nodes[e.from].id);
    json.field("to", graph.nodes[e.to].id);
    json.field("direction", direction_name(e.direction));
    json.field("services", e.services);
    json.field_or_null("maybe", e.maybe);
    json.field("matches", e.matches);
    json.key("severity");
    json.string_or_null(e.severity ? finding_severity_name(*e.severity) : "");
    json.field("findings", e.findings);
    std::vector<std::string> rules;
    for (const RuleRef& r : e.rules)
      rules.push_back(
          inventory.location(inventory.groups[r.group].rules[r.rule].location).to_string());
    json.field("rules", rules);
    json.end_object();
  }
  json.end_array();
  json.key("summary");
  json.begin_object();
  json.field("groups", graph.groups_in_inventory);
  json.field("selected", graph.groups_selected);
  json.field("nodes", graph.nodes.size());
  json.field("edges", graph.edges.size());
  json.field("cut", graph.cut);
  json.end_object();
  json.end_object();
  json.finish();
  return out;
}

namespace {

// The layout module, opened once: beside the running executable (build/sgcheck and
// build/libsgcheck-graphviz.so; an installed sgcheck finds it in libexec/sgcheck next to bin/),
// else where this build put it (the tests' executables live elsewhere in the build tree).
struct GraphvizModule {
  int (*layout)(const char* dot, char** svg, unsigned int* length) = nullptr;
  void (*release)(char* svg) = nullptr;
  std::string error;  // why it could not be opened
};

GraphvizModule open_graphviz_module() {
  constexpr const char* kName = "libsgcheck-graphviz.so";
  std::vector<std::string> candidates;
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    const std::string path(exe, static_cast<std::size_t>(n));
    const std::string dir = path.substr(0, path.rfind('/') + 1);
    candidates.push_back(dir + kName);
    candidates.push_back(dir + "../libexec/sgcheck/" + kName);
  }
  candidates.push_back(std::string(SGCHECK_GRAPHVIZ_MODULE_DIR) + "/" + kName);
  GraphvizModule module;
  std::string last_error;
  for (const std::string& candidate : candidates) {
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      last_error = dlerror();
      continue;
    }
    module.layout =
        reinterpret_cast<decltype(module.layout)>(dlsym(handle, "sgcheck_graphviz_svg"));
    module.release =
        reinterpret_cast<decltype(module.release)>(dlsym(handle, "sgcheck_graphviz_free"));
    if (module.layout != nullptr && module.release != nullptr) return module;
    last_error = candidate + " is not sgcheck's layout module";
    module = {};
  }
  module.error = std::string("cannot load Graphviz's layout (") + kName + "): " + last_error;
  return module;
}

const GraphvizModule& graphviz_module() {
  static const GraphvizModule module = open_graphviz_module();
  return module;
}

// Lays out `dot` and renders it as SVG in this process: the SVG, or nothing when Graphviz fails.
std::optional<std::string> layout_svg(const GraphvizModule& module, const std::string& dot) {
  char* data = nullptr;
  unsigned int length = 0;
  std::optional<std::string> svg;
  if (module.layout(dot.c_str(), &data, &length) == 0 && data != nullptr) svg.emplace(data, length);
  module.release(data);
  return svg;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

// Graphviz 2.43 can abort (a double free in its spline routing) on large graphs with clusters:
// the layout runs in a child process, so that such a failure is an error message, not a crash;
// Graphviz's own warnings go nowhere (the message says what to do instead).
GraphSvg graph_svg(const Graph& graph) {
  GraphSvg result;
  // Opened before the fork, in this process, so that the child does not open libraries while
  // other threads of the parent (the report's) may hold the loader's locks.
  const GraphvizModule& module = graphviz_module();
  if (module.layout == nullptr) {
    result.error = module.error;
    return result;
  }
  const std::string dot = graph_dot(graph);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    result.error = "cannot start the Graphviz layout (pipe)";
    return result;
  }
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    result.error = "cannot start the Graphviz layout (fork)";
    return result;
  }
  if (child == 0) {
    close(pipe_fds[0]);
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) dup2(null_fd, STDERR_FILENO);
    const std::optional<std::string> svg = layout_svg(module, dot);
    _exit(svg && write_all(pipe_fds[1], *svg) ? 0 : 1);
  }
  close(pipe_fds[1]);
  char buffer[65536];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    result.svg.append(buffer, static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.svg.clear();
    result.error = "Graphviz failed to lay out the graph of " + std::to_string(graph.nodes.size()) +
                   " nodes and " + std::to_string(graph.edges.size()) +
                   " edges; narrow it with --group, --service, --exposed-only or --depth, or "
                   "lower --max-nodes";
  }
  return result;
}

}  // namespace sgcheck
