// `exposure` reports: per group and interface, what it admits inbound and sends outbound, as
// service × peer lines with the internet marked; text, or JSON written directly (the exposure of
// every target of a large inventory is hundreds of megabytes of JSON, several times that as a
// tree). Entry points: write_exposure_text(), write_exposure_json().
#include <ostream>

#include "report/json_writer.h"
#include "report/rule_json.h"
#include "sgcheck/report.h"

namespace sgcheck {

namespace {

using namespace std::string_view_literals;

void append_joined(std::string& out, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", "sv;
    out += items[i];
  }
}

std::string_view internet_mark(InternetExposure e) {
  switch (e) {
    case InternetExposure::none:
      return ""sv;
    case InternetExposure::part:
      return "  [internet: part]"sv;
    case InternetExposure::all:
      return "  [internet]"sv;
  }
  return ""sv;
}

void append_lines_text(std::string& out, std::string_view title, std::string_view word,
                       const std::vector<ExposureLine>& lines) {
  out += "  "sv;
  out += title;
  if (lines.empty()) {
    out += ": nothing\n"sv;
    return;
  }
  out += ":\n"sv;
  for (const ExposureLine& l : lines) {
    out += "    "sv;
    out += l.services;
    out += ' ';
    out += word;
    out += ' ';
    append_joined(out, l.peers);
    out += internet_mark(l.internet);
    out += '\n';
  }
}

void append_lines_json(std::string& out, const Inventory& inv,
                       const std::vector<ExposureLine>& lines, std::string& location) {
  out += '[';
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const ExposureLine& l = lines[i];
    out += i == 0 ? "{\"services\":"sv : ",{\"services\":"sv;
    append_json_string(out, l.services);
    out += ",\"peers\":"sv;
    append_json_string_array(out, l.peers);
    out += ",\"internet\":\""sv;
    out += internet_exposure_name(l.internet);
    out += "\",\"rules\":["sv;
    for (std::size_t k = 0; k < l.rules.size(); ++k) {
      if (k > 0) out += ',';
      append_rule_json(out, inv, l.rules[k], location);
    }
    out += "]}"sv;
  }
  out += ']';
}

}  // namespace

void write_exposure_text(std::ostream& out, const std::vector<Exposure>& exposures) {
  BlockWriter writer(out);
  for (const Exposure& e : exposures) {
    std::string& text = writer.text();
    text += e.label;
    if (!e.groups.empty()) {
      text += " with "sv;
      append_joined(text, e.groups);
    }
    text += '\n';
    append_lines_text(text, "inbound"sv, "from"sv, e.inbound);
    append_lines_text(text, "outbound"sv, "to"sv, e.outbound);
    for (const std::string& note : e.notes) {
      text += "  note: "sv;
      text += note;
      text += '\n';
    }
    writer.done();
  }
  writer.text() += not_evaluated_line();
}

void write_exposure_json(std::ostream& out, const Inventory& inventory,
                         const std::vector<Exposure>& exposures) {
  BlockWriter writer(out);
  std::string location;
  writer.text() += "{\"exposure\":["sv;
  for (std::size_t i = 0; i < exposures.size(); ++i) {
    const Exposure& e = exposures[i];
    std::string& json = writer.text();
    json += i == 0 ? "{\"target\":"sv : ",{\"target\":"sv;
    append_json_string(json, e.target);
    json += inventory.find_group(e.target) != nullptr ? ",\"kind\":\"group\""sv
                                                      : ",\"kind\":\"interface\""sv;
    json += ",\"groups\":"sv;
    append_json_string_array(json, e.groups);
    json += ",\"inbound\":"sv;
    append_lines_json(json, inventory, e.inbound, location);
    json += ",\"outbound\":"sv;
    append_lines_json(json, inventory, e.outbound, location);
    json += ",\"notes\":"sv;
    append_json_string_array(json, e.notes);
    json += '}';
    writer.done();
  }
  writer.text() += "]}\n"sv;
}

}  // namespace sgcheck
