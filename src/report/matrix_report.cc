// `matrix` reports: per class of interfaces with the same VPC and groups, what its rules grant
// inbound and outbound for one service, and, when asked, the verdict of every ordered pair of
// classes (cells) or of interfaces (pairs), streamed as the view computes them: text, JSON (written
// directly: cells and pairs grow with the square of the classes and interfaces) or CSV.
// Entry points: write_matrix_text(), write_matrix_json(), write_matrix_csv().
#include <ostream>
#include <string_view>

#include "atoms/text.h"
#include "report/json_writer.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using detail::join;

// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return std::string(s);
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

const char* family_name(Family f) {
  return f == Family::ipv4 ? "IPv4" : "IPv6";
}

// Appends "sg-0aa (web)", or the id alone when the group is unnamed or not in the inventory.
void append_group_label(std::string& out, const Inventory& inv, const std::string& id) {
  out += id;
  const Group* g = inv.find_group(id);
  if (g == nullptr || g->name.empty()) return;
  out += " (";
  out += std::string_view(g->name);
  out += ')';
}

// Appends the items of `list`, ", " between them.
void append_joined(std::string& out, const std::vector<std::string>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += list[i];
  }
}

// ---- Text

// "  inbound tcp/443 from: 10.0.0.0/8, sg-0aa (web)  [internet: part]", written in place.
void text_grants(BlockWriter& out, const Inventory& inv, const std::string& what,
                 const MatrixGrants& g) {
  std::string& text = out.text();
  text += "  ";
  text += what;
  text += ": ";
  if (g.cidrs.empty() && g.groups.empty()) text += "nothing";
  append_joined(text, g.cidrs);
  for (std::size_t i = 0; i < g.groups.size(); ++i) {
    if (i > 0 || !g.cidrs.empty()) text += ", ";
    append_group_label(text, inv, g.groups[i]);
  }
  if (g.internet == InternetExposure::all) text += "  [internet]";
  if (g.internet == InternetExposure::part) text += "  [internet: part]";
  text += '\n';
  out.done();
}

void text_classes(BlockWriter& out, const MatrixView& view, const Inventory& inv,
                  const std::string& service) {
  const std::vector<MatrixClass>& classes = view.classes();
  out << "matrix of " << service << ": " << std::uint64_t{classes.size()}
      << " classes of interfaces (same VPC and groups)\n";
  const std::string inbound = "inbound " + service + " from";
  const std::string outbound = "outbound " + service + " to";
  for (std::uint32_t k = 0; k < classes.size(); ++k) {
    const MatrixClass& c = classes[k];
    out << "class " << std::uint64_t{k + 1} << ": " << (c.vpc.empty() ? "(no VPC)" : c.vpc)
        << " with ";
    std::string& text = out.text();
    if (c.groups.empty()) text += "no groups";
    append_joined(text, c.groups);
    text += ": ";
    append_joined(text, c.interfaces);
    text += '\n';
    out.done();
    const MatrixGrants& in = view.grants(k, Direction::ingress);
    const MatrixGrants& eg = view.grants(k, Direction::egress);
    text_grants(out, inv, inbound, in);
    text_grants(out, inv, outbound, eg);
    for (const std::string& r : in.unknown) out << "  unknown inbound: " << r << "\n";
    for (const std::string& r : eg.unknown) out << "  unknown outbound: " << r << "\n";
    if (!view.unaddressed(k).empty()) {
      out << "  unknown: no private " << family_name(view.family())
          << " address: " << join(view.unaddressed(k), ", ") << "\n";
    }
  }
}

// ---- JSON

void json_grants(std::string& out, const MatrixGrants& g) {
  out += "{\"cidrs\":";
  append_json_string_array(out, g.cidrs);
  out += ",\"internet\":\"";
  out += internet_exposure_name(g.internet);
  out += "\",\"groups\":";
  append_json_string_array(out, g.groups);
  out += ",\"unknown\":";
  append_json_string_array(out, g.unknown);
  out += '}';
}

void json_class(BlockWriter& out, const MatrixView& view, std::uint32_t k) {
  const MatrixClass& c = view.classes()[k];
  out << (k == 0 ? "{\"class\":" : ",{\"class\":") << std::uint64_t{k + 1} << ",\"vpc\":";
  std::string& json = out.text();
  append_json_string(json, c.vpc);
  json += ",\"groups\":";
  append_json_string_array(json, c.groups);
  json += ",\"interfaces\":";
  append_json_string_array(json, c.interfaces);
  json += ",\"inbound\":";
  json_grants(json, view.grants(k, Direction::ingress));
  json += ",\"outbound\":";
  json_grants(json, view.grants(k, Direction::egress));
  json += ",\"unaddressed\":";
  append_json_string_array(json, view.unaddressed(k));
  out << "}";
}

// ---- CSV: one table (classes and grants, --cells, or --pairs)

void csv_grants_row(BlockWriter& out, std::uint32_t k, const MatrixClass& c, const char* direction,
                    const MatrixGrants& g, const std::vector<std::string>& unaddressed) {
  out << std::uint64_t{k + 1} << "," << csv_field(c.vpc) << "," << csv_field(join(c.groups, " "))
      << "," << csv_field(join(c.interfaces, " ")) << "," << direction << ","
      << csv_field(join(g.cidrs, " ")) << "," << internet_exposure_name(g.internet) << ","
      << csv_field(join(g.groups, " ")) << "," << csv_field(join(g.unknown, "; ")) << ","
      << csv_field(join(unaddressed, " ")) << "\n";
}

}  // namespace

void write_matrix_text(std::ostream& stream, const MatrixView& view, const Inventory& inventory,
                       const Service& service, const MatrixReportOptions& options) {
  BlockWriter out(stream);
  text_classes(out, view, inventory, service.to_string());
  if (!options.cells && !options.pairs) {
    out << "(a pair of interfaces is allowed when the source's outbound grants match the "
           "destination's private address or groups and the destination's inbound grants match "
           "the source's; --cells lists the pairs of classes, --pairs the pairs of interfaces)\n";
  }
  if (options.cells) {
    view.for_each_cell([&](const MatrixCell& c) {
      if (c.verdict == Verdict::deny) return;
      out << "class " << std::uint64_t{c.from + 1} << " -> class " << std::uint64_t{c.to + 1}
          << ": " << verdict_name(c.verdict) << "\n";
    });
    out << "(pairs of classes not listed are denied by security groups)\n";
  }
  if (options.pairs) {
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      if (v == Verdict::deny) return;
      out << inventory.interfaces[from].id << " -> " << inventory.interfaces[to].id << ": "
          << verdict_name(v) << "\n";
    });
    out << "(pairs of interfaces not listed are denied by security groups)\n";
  }
  out << not_evaluated_line();
}

void write_matrix_json(std::ostream& stream, const MatrixView& view, const Inventory& inventory,
                       const Service& service, const MatrixReportOptions& options) {
  BlockWriter out(stream);
  out << "{\"service\":";
  append_json_string(out.text(), service.to_string());
  out << ",\"family\":" << (view.family() == Family::ipv4 ? "\"ipv4\"" : "\"ipv6\"")
      << ",\"classes\":[";
  for (std::uint32_t k = 0; k < view.classes().size(); ++k) json_class(out, view, k);
  out << "]";
  if (options.cells) {
    out << ",\"cells\":[";
    bool first = true;
    view.for_each_cell([&](const MatrixCell& c) {
      out << (first ? "{\"from\":" : ",{\"from\":") << std::uint64_t{c.from + 1}
          << ",\"to\":" << std::uint64_t{c.to + 1} << ",\"verdict\":\"" << verdict_name(c.verdict)
          << "\"}";
      first = false;
    });
    out << "]";
  }
  if (options.pairs) {
    std::vector<std::string> ids;  // each id escaped once, not once per pair
    ids.reserve(inventory.interfaces.size());
    for (const Interface& x : inventory.interfaces) {
      append_json_string(ids.emplace_back(), x.id);
    }
    out << ",\"pairs\":[";
    bool first = true;
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      out << (first ? "{\"from\":" : ",{\"from\":") << ids[from] << ",\"to\":" << ids[to]
          << ",\"verdict\":\"" << verdict_name(v) << "\"}";
      first = false;
    });
    out << "]";
  }
  out << "}\n";
}

void write_matrix_csv(std::ostream& stream, const MatrixView& view, const Inventory& inventory,
                      const MatrixReportOptions& options) {
  BlockWriter out(stream);
  const std::vector<MatrixClass>& classes = view.classes();
  if (options.pairs) {
    std::vector<std::string> ids;  // each id quoted once, not once per pair
    ids.reserve(inventory.interfaces.size());
    for (const Interface& x : inventory.interfaces) ids.push_back(csv_field(x.id));
    out << "from,to,verdict\n";
    view.for_each_pair([&](std::uint32_t from, std::uint32_t to, Verdict v) {
      out << ids[from] << "," << ids[to] << "," << verdict_name(v) << "\n";
    });
  } else if (options.cells) {
    std::vector<std::string> members;
    for (const MatrixClass& c : classes) members.push_back(csv_field(join(c.interfaces, " ")));
    out << "from_class,to_class,verdict,from_interfaces,to_interfaces\n";
    view.for_each_cell([&](const MatrixCell& c) {
      out << std::uint64_t{c.from + 1} << "," << std::uint64_t{c.to + 1} << ","
          << verdict_name(c.verdict) << "," << members[c.from] << "," << members[c.to] << "\n";
    });
  } else {
    out << "class,vpc,groups,interfaces,direction,cidrs,internet,peer_groups,unknown,"
           "unaddressed\n";
    for (std::uint32_t k = 0; k < classes.size(); ++k) {
      csv_grants_row(out, k, classes[k], "inbound", view.grants(k, Direction::ingress),
                     view.unaddressed(k));
      csv_grants_row(out, k, classes[k], "outbound", view.grants(k, Direction::egress),
                     view.unaddressed(k));
    }
  }
}

}  // namespace sgcheck
