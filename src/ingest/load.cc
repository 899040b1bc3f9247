// load_inventory(): input discovery (files, directories walked in name order, "-" for stdin),
// reading under the size limit into padded buffers, per-file parsing with errors turned into
// file:line:col diagnostics, then the merge and the timings. Entry points: load_inventory(),
// load_inventory_from_buffers().
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <new>
#include <mutex>
#include <numeric>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include <sys/stat.h>

#include "ingest/aws_cli.h"
#include "ingest/aws_ranges_reader.h"
#include "ingest/cloudformation.h"
#include "ingest/doc_tree.h"
#include "ingest/json_reader.h"
#include "ingest/mapped_file.h"
#include "ingest/terraform.h"
#include "ingest/tf_module.h"
#include "model/merge.h"
#include "sgcheck/inventory.h"

namespace sgcheck {

namespace {

namespace fs = std::filesystem;
using detail::DocumentKind;
using detail::TreeNode;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One input file in memory.
// A file on disk is checked (size, readable) before anything is parsed, but its bytes are read only
// when its turn to be parsed comes and released right after (`path` set): the source text of L is
// as large as its model, and holding every file until the merge doubled the peak memory.
struct LoadedFile {
  std::string name;
  simdjson::padded_string content;
  fs::path path;              // empty: `content` holds the bytes (stdin, buffers)
  detail::MappedFile mapped;  // a file on disk, when it could be mapped (else `content`)
  std::uint64_t size = 0;     // in bytes, when it was checked: which files to parse first
  bool stream = false;        // read from standard input, a pipe or a device
  bool terraform = false;     // a `.tf` or `.tfvars` file: read by the Terraform sources

  std::string_view text() const {
    return mapped.mapped() ? mapped.bytes() : std::string_view(content.data(), content.size());
  }
  void release() {
    mapped.release();
    content = simdjson::padded_string();
  }
};

// A file to read: its name as the user will see it, and where it is.
struct Source {
  std::string name;
  fs::path path;
  bool is_stdin = false;
};

const char* const kRecognisedKeys =
    "a top-level key such as SecurityGroups, SecurityGroupRules, NetworkInterfaces, Reservations, "
    "PrefixLists, Vpcs, VpcPeeringConnections, Resources (CloudFormation) or format_version "
    "(Terraform plan)";

Diagnostic file_error(const std::string& name, std::string message) {
  Diagnostic d;
  d.severity = Severity::error;
  d.message = std::move(message);
  // product.md §2 promises `path:line:col: error:` for every input error; a problem with the file
  // as a whole (unreadable, empty, unrecognised) is reported at its start.
  d.location = {Name(name), 1, 1};
  return d;
}

Diagnostic positioned_error(const std::string& name, std::string_view text, std::size_t offset,
                            std::string message) {
  return detail::error_at_offset(name, text, offset, std::move(message));
}

bool has_input_extension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".template" || ext == ".tf" ||
         ext == ".tfvars";
}

// Terraform source: a `.tf` file stands for its directory's module, a `.tfvars` file holds
// variable values (tf_module.h).
bool is_terraform_name(std::string_view name, const char* ext) {
  return fs::path(name).extension() == ext;
}

bool is_yaml_name(std::string_view name) {
  const std::string ext = fs::path(name).extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".template";
}

// A directory read recursively: the files with an input extension (regular files, or links to
// them). Symbolic links to directories are followed once the real directories of the tree are
// read, each real directory once: a link back up the tree (a loop), or a second way to a directory,
// is not followed, with a note. A subdirectory that cannot be read is an error naming it; the rest
// is still read.
class DirectoryWalk {
 public:
  DirectoryWalk(Diagnostics& errors, Diagnostics& notes) : errors_(errors), notes_(notes) {}

  void walk(const fs::path& root, std::vector<Source>& found) {
    if (!first_visit(root, root.generic_string())) return;
    std::vector<fs::path> pending{root};
    std::vector<fs::path> links;  // linked directories, taken in name order after the real ones
    while (!pending.empty() || !links.empty()) {
      if (pending.empty()) {
        const auto first = std::min_element(links.begin(), links.end());
        const fs::path link = *first;
        links.erase(first);
        if (first_visit(link, link.generic_string())) pending.push_back(link);
        continue;
      }
      const fs::path dir = std::move(pending.back());
      pending.pop_back();
      read_directory(dir, found, pending, links);
    }
  }

 private:
  void read_directory(const fs::path& dir, std::vector<Source>& found,
                      std::vector<fs::path>& subdirectories, std::vector<fs::path>& links) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      const fs::path& path = it->path();
      if (it->is_directory(type_ec)) {
        if (it->is_symlink(type_ec))
          links.push_back(path);
        else if (first_visit(path, path.generic_string()))
          subdirectories.push_back(path);
      } else if (it->is_regular_file(type_ec) && has_input_extension(path)) {
        found.push_back({path.generic_string(), path, false});
      }
    }
    if (ec) {
      errors_.push_back(file_error(dir.generic_string(), "cannot read directory: " + ec.message()));
    }
  }

  // False (with a note) when `dir` is a directory read already, by its device and inode.
  bool first_visit(const fs::path& dir, const std::string& name) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return true;  // reading it will report the problem
    const auto [it, inserted] = read_.try_emplace({st.st_dev, st.st_ino}, name);
    if (inserted) return true;
    Diagnostic d = file_error(
        name, "symbolic link to a directory read already (" + it->second + "): not followed");
    d.severity = Severity::note;
    notes_.push_back(std::move(d));
    return false;
  }

  Diagnostics& errors_;
  Diagnostics& notes_;
  std::map<std::pair<dev_t, ino_t>, std::string> read_;  // real directories read, and their names
};

// Files, directories (recursively, the input extensions only, sorted) and "-". Notes (links not
// followed) go to `notes`.
void discover(const std::vector<std::string>& inputs, std::vector<Source>& sources,
              Diagnostics& errors, Diagnostics& notes) {
  for (const std::string& input : inputs) {
    if (input == "-") {
      sources.push_back({input, {}, true});
      continue;
    }
    std::error_code ec;
    const fs::path path(input);
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      const std::string reason =
          ec ? ec.message() : std::make_error_code(std::errc::no_such_file_or_directory).message();
      errors.push_back(file_error(input, "cannot read input: " + reason));
      continue;
    }
    if (!fs::is_directory(status)) {
      sources.push_back({input, path, false});
      continue;
    }
    std::vector<Source> found;
    DirectoryWalk(errors, notes).walk(path, found);
    std::sort(found.begin(), found.end(),
              [](const Source& a, const Source& b) { return a.name < b.name; });
    for (Source& s : found) sources.push_back(std::move(s));
  }
}

std::string too_large(std::uint64_t size, std::uint64_t limit) {
  return "input too large: " + std::to_string(size) + " bytes (the limit is " +
         std::to_string(limit) + " bytes)";
}

// Reads a pipe, standard input or a device to its end, under the size limit: such an input can be
// read only once and has no size to check beforehand.
bool read_stream(std::FILE* stream, const Source& source, const LoadLimits& limits, LoadedFile& out,
                 Diagnostics& errors) {
  std::string data;
  char chunk[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(chunk, 1, sizeof chunk, stream);
    data.append(chunk, got);
    if (data.size() > limits.max_file_bytes) {
      errors.push_back(file_error(source.name, too_large(data.size(), limits.max_file_bytes)));
      return false;
    }
    if (got < sizeof chunk) break;
  }
  if (std::ferror(stream) != 0) {
    errors.push_back(file_error(source.name, "cannot read input: read error"));
    return false;
  }
  out.content = simdjson::padded_string(data);
  out.size = data.size();
  out.stream = true;
  return true;
}

// Reads one source; the size limit is checked before reading (and again while reading a stream).
// A file on disk is only checked here (read_content() reads it when parsed); standard input, pipes
// (a FIFO, `<(…)`, /dev/stdin) and devices are read now.
bool read_source(const Source& source, const LoadLimits& limits, LoadedFile& out,
                 Diagnostics& errors) {
  out.name = source.name;
  if (source.is_stdin) return read_stream(stdin, source, limits, out, errors);
  std::error_code status_ec;
  if (!fs::is_regular_file(fs::status(source.path, status_ec))) {
    std::FILE* stream = std::fopen(source.path.c_str(), "rb");
    if (stream == nullptr) {
      errors.push_back(file_error(
          source.name,
          "cannot read input: " + std::error_code(errno, std::generic_category()).message()));
      return false;
    }
    const bool read = read_stream(stream, source, limits, out, errors);
    std::fclose(stream);
    return read;
  }
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(source.path, ec);
  if (ec) {
    errors.push_back(file_error(source.name, "cannot read input: " + ec.message()));
    return false;
  }
  if (size > limits.max_file_bytes) {
    errors.push_back(file_error(source.name, too_large(size, limits.max_file_bytes)));
    return false;
  }
  std::FILE* file = std::fopen(source.path.c_str(), "rb");
  if (file == nullptr) {
    errors.push_back(file_error(
        source.name,
        "cannot read input: " + std::error_code(errno, std::generic_category()).message()));
    return false;
  }
  std::fclose(file);
  out.path = source.path;  // read by read_content() when parsed
  out.size = size;
  return true;
}

// Maps a file on disk with simdjson's padding behind it. Reading into a padded buffer copied every
// byte out of the page cache into as many freshly cleared pages: a third of the CPU time of loading
// L. False when it cannot be mapped (then it is read).
bool map_content(LoadedFile& out) {
  out.mapped = detail::MappedFile::map(out.path.string(), simdjson::SIMDJSON_PADDING,
                                       detail::MappedFile::Read::whole);
  return out.mapped.mapped();
}

// The bytes of a checked file on disk, just before it is parsed.
bool read_content(LoadedFile& out, Diagnostics& errors) {
  if (map_content(out)) return true;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(out.path, ec);
  std::FILE* file = ec ? nullptr : std::fopen(out.path.c_str(), "rb");
  if (file == nullptr) {
    errors.push_back(file_error(out.name, "cannot read input: read error"));
    return false;
  }
  simdjson::padded_string content(static_cast<std::size_t>(size));
  const std::size_t got = std::fread(content.data(), 1, content.size(), file);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    errors.push_back(file_error(out.name, "cannot read input: read error"));
    return false;
  }
  // The file shrank while we read it: keep what was there.
  out.content =
      got == content.size() ? std::move(content) : simdjson::padded_string(content.data(), got);
  return true;
}

// What one YAML value costs once read (TreeLimits::max_nodes, see parse_yaml()).
constexpr std::uint64_t kBytesPerYamlValue = 512;

// Parses one file into `part`: fatal problems go to `errors` (and `part` is emptied); unrecognised
// content found by a directory walk is skipped with a warning in part.diagnostics.
class FileParser {
 public:
  FileParser(const LoadLimits& limits, detail::RuleBudget& budget)
      : limits_(limits), budget_(budget) {}

  void parse(const LoadedFile& file, std::uint32_t index, Inventory& part, Diagnostics& errors);

  // Frees the JSON parser's buffers (its structural index takes about a third of the file's size).
  // A thread that has parsed a large file would otherwise hold them while another thread parses
  // the next large one, and the peak memory would hold both indexes.
  void release_buffers() { parser_ = simdjson::ondemand::parser{}; }

 private:
  void parse_json(const LoadedFile& file, std::string_view text, std::size_t start,
                  std::uint32_t index, Inventory& part, Diagnostics& errors);
  void parse_yaml(const LoadedFile& file, std::string_view text, std::uint32_t index,
                  Inventory& part, Diagnostics& errors);
  // Templates and plans: the whole document as a tree, then the format's reader.
  void read_tree(DocumentKind kind, const TreeNode& root, const LoadedFile& file,
                 std::string_view text, std::uint32_t index, Inventory& part);
  void tree_error(const LoadedFile& file, std::string_view text, const detail::TreeError& e,
                  Inventory& part, Diagnostics& errors);
  bool read_aws_yaml(const TreeNode& root, const LoadedFile& file, std::string_view text,
                     std::uint32_t index, Inventory& part, Diagnostics& errors);
  void unusable(const char* what, Inventory& part);

 public:
  // Why the last file parsed was skipped (not security-group input), or empty; then cleared.
  std::string take_skip_reason() { return std::exchange(skip_reason_, {}); }

 private:
  std::string skip_reason_;

  const LoadLimits& limits_;
  detail::RuleBudget& budget_;
  simdjson::ondemand::parser parser_;
};

// Well-formed JSON or YAML that holds no security-group input (package.json, a Kubernetes manifest,
// docker-compose.yml): skipped and counted, whether named on the command line or found in a
// directory, since pre-commit names every changed file (product.md §2).
void FileParser::unusable(const char* what, Inventory& part) {
  part = Inventory{};
  skip_reason_ = what;
}

void FileParser::parse(const LoadedFile& file, std::uint32_t index, Inventory& part,
                       Diagnostics& errors) {
  const std::string_view text = file.text();
  std::size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;  // a UTF-8 byte order mark (Windows tools)
  const std::size_t first = text.find_first_not_of(" \t\r\n", start);
  if (first == std::string_view::npos) {
    errors.push_back(file_error(file.name, std::string("unrecognised input: expected ") +
                                               kRecognisedKeys + ", found an empty file"));
    return;
  }
  try {
    // A stream has no name to go by (standard input, /dev/fd/63): YAML unless it looks like JSON.
    if (text[first] != '{' && text[first] != '[' && (is_yaml_name(file.name) || file.stream)) {
      parse_yaml(file, text, index, part, errors);
      return;
    }
    parse_json(file, text, start, index, part, errors);
  } catch (const std::bad_alloc&) {
    part = Inventory{};
    errors.push_back(file_error(file.name, "out of memory while reading the input"));
  }
}

void FileParser::parse_json(const LoadedFile& file, std::string_view text, std::size_t start,
                            std::uint32_t index, Inventory& part, Diagnostics& errors) {
  const auto fail_at = [&](std::size_t offset, std::string message) {
    part = Inventory{};
    if (offset == std::string_view::npos)
      errors.push_back(file_error(file.name, std::move(message)));
    else
      errors.push_back(positioned_error(file.name, text, offset, std::move(message)));
  };
  // Nesting is checked before anything is read (on-demand skips unread values without looking at
  // their depth), on the structural indexes of the document when simdjson accepted it, else on its
  // bytes (below): either way a document too deep is reported as such before any syntax error.
  const auto too_deep = [&](std::optional<std::size_t> deep) {
    if (deep) fail_at(start + *deep, detail::depth_message(limits_.max_depth));
    return deep.has_value();
  };
  // A large document is scanned before simdjson indexes it (its index would be allocated and
  // filled before the check on it), small ones on the index: at most 64 MiB either way.
  const bool large = text.size() - start >= detail::kScanBeforeIndexing;
  if (large) {
    if (const auto problem = detail::check_before_indexing(text.substr(start), limits_.max_depth)) {
      fail_at(start + problem->offset, problem->message);
      return;
    }
  }
  try {
    simdjson::ondemand::document document;
    detail::JsonReader::check(
        parser_
            .iterate(simdjson::padded_string_view(text.data() + start, text.size() - start,
                                                  text.size() - start + simdjson::SIMDJSON_PADDING))
            .get(document));
    if (!large &&
        too_deep(detail::find_excess_depth(document, text.data() + start, limits_.max_depth))) {
      return;
    }
    detail::JsonReader reader(text, index, file.name, part.diagnostics);
    if (file.mapped.mapped())
      reader.on_progress([&](std::size_t offset) { file.mapped.release_before(offset); });
    const detail::DocumentInfo info =
        detail::read_aws_json(reader, parser_, document, part, budget_);
    switch (info.kind) {
      case DocumentKind::aws:
        return;
      case DocumentKind::cloudformation:
      case DocumentKind::terraform: {
        // The AWS reader stopped at the key that told the format: read the document again whole.
        simdjson::ondemand::document again;
        detail::JsonReader::check(parser_
                                      .iterate(simdjson::padded_string_view(
                                          text.data() + start, text.size() - start,
                                          text.size() - start + simdjson::SIMDJSON_PADDING))
                                      .get(again));
        part = Inventory{};
        detail::JsonReader tree_reader(text, index, file.name, part.diagnostics);
        const TreeNode root = detail::json_tree(tree_reader, again);
        read_tree(info.kind, root, file, text, index, part);
        return;
      }
      case DocumentKind::unrecognised:
        unusable("not security-group input", part);
        return;
      case DocumentKind::not_object:
        unusable("not security-group input", part);
        return;
    }
  } catch (const detail::InputError& e) {
    fail_at(e.offset, e.message);
  } catch (const detail::TreeError& e) {
    tree_error(file, text, e, part, errors);
  } catch (const detail::JsonFailure& e) {
    if (too_deep(detail::find_excess_depth(text.substr(start), limits_.max_depth))) return;
    // simdjson reports structural errors late and without a position: find the first offending byte
    // ourselves. On-demand does not validate the values it skips, so a document simdjson accepted
    // may still hold errors there; we accept that rather than validate every byte twice.
    if (const auto problem = detail::find_syntax_error(text.substr(start), limits_.max_depth,
                                                       detail::Documents::several)) {
      fail_at(start + problem->offset, "invalid JSON: " + problem->message);
    } else {
      fail_at(std::string_view::npos,
              std::string("invalid JSON: ") + simdjson::error_message(e.code));
    }
  } catch (const simdjson::simdjson_error& e) {
    fail_at(std::string_view::npos, std::string("invalid JSON: ") + e.what());
  }
}

void FileParser::read_tree(DocumentKind kind, const TreeNode& root, const LoadedFile& file,
                           std::string_view text, std::uint32_t index, Inventory& part) {
  detail::IacSink sink(text, index, file.name, part, budget_);
  if (kind == DocumentKind::cloudformation)
    detail::read_cloudformation(root, sink);
  else
    detail::read_terraform(root, sink);
}

void FileParser::tree_error(const LoadedFile& file, std::string_view text,
                            const detail::TreeError& e, Inventory& part, Diagnostics& errors) {
  part = Inventory{};
  Diagnostic d = file_error(file.name, e.message);
  if (e.line != 0) {
    d.location.line = e.line;
    d.location.column = e.column;
    quote_source_line(d, detail::text_line(text, e.line));
  }
  errors.push_back(std::move(d));
}

// AWS CLI output saved with --output yaml (or yaml-stream): false when `root` is not that. Read by
// the same readers as JSON (detail::AwsYamlReader), with positions in the YAML text.
bool FileParser::read_aws_yaml(const TreeNode& root, const LoadedFile& file, std::string_view text,
                               std::uint32_t index, Inventory& part, Diagnostics& errors) {
  try {
    detail::JsonReader positions(text, index, file.name, part.diagnostics);
    detail::AwsYamlReader reader(positions, part, budget_);
    if (reader.read(root).kind != DocumentKind::aws) {
      part = Inventory{};
      return false;
    }
    reader.finish();
  } catch (const detail::InputError& e) {
    part = Inventory{};
    errors.push_back(e.offset == std::string_view::npos
                         ? file_error(file.name, e.message)
                         : positioned_error(file.name, text, e.offset, e.message));
  }
  return true;
}

// YAML: CloudFormation templates and AWS CLI output.
void FileParser::parse_yaml(const LoadedFile& file, std::string_view text, std::uint32_t index,
                            Inventory& part, Diagnostics& errors) {
  try {
    detail::TreeLimits tree_limits;
    tree_limits.max_depth = limits_.max_depth;
    // yaml-cpp's node graph and our tree take about 500 bytes per value (measured: 12 MB of AWS
    // CLI YAML output, 1.8 M values, peaked at 820 MB), and aliases repeat a subtree many times:
    // the values, aliases expanded, are bounded by the file's size plus 48 MiB at that rate
    // (checked before yaml-cpp builds anything), so that the peak stays within the input plus
    // 100 MB. Large AWS CLI output is for --output json.
    tree_limits.max_nodes = std::max<std::uint64_t>(
        100'000, (std::uint64_t{text.size()} + (std::uint64_t{48} << 20)) / kBytesPerYamlValue);
    const std::vector<TreeNode> documents = detail::yaml_documents(text, tree_limits);
    if (std::any_of(documents.begin(), documents.end(), detail::is_cloudformation)) {
      detail::IacSink sink(text, index, file.name, part, budget_);
      detail::read_cloudformation_documents(documents, sink);
      return;
    }
    if (documents.size() != 1) {
      unusable("not security-group input", part);
      return;
    }
    const TreeNode& root = documents.front();
    if (!detail::is_cloudformation(root)) {
      if (read_aws_yaml(root, file, text, index, part, errors)) return;
      unusable("not security-group input", part);
      return;
    }
    read_tree(DocumentKind::cloudformation, root, file, text, index, part);
  } catch (const detail::TreeError& e) {
    tree_error(file, text, e, part, errors);
  }
}

// The merge quotes the line of a conflicting definition from the file's text; the texts of files
// on disk were released after parsing, so those lines are read again here (conflicts are rare).
void add_source_lines(const std::vector<LoadedFile>& files, Diagnostics& conflicts) {
  for (Diagnostic& d : conflicts) {
    if (!d.source_line.empty() || d.location.line == 0) continue;
    for (const LoadedFile& f : files) {
      if (f.name != d.location.file || f.path.empty()) continue;
      LoadedFile again{f.name, simdjson::padded_string(), f.path, {}};
      Diagnostics ignored;
      if (read_content(again, ignored))
        d.source_line = detail::text_line(again.text(), d.location.line);
      break;
    }
  }
}

// Parses every loaded file (already in name order) and merges them into result.inventory.
// What parse_files() gives for each file: its part of the inventory, its errors, its size.
struct ParsedFiles {
  explicit ParsedFiles(std::size_t n) : parts(n), errors(n), bytes(n, 0), skipped(n) {}
  std::vector<Inventory> parts;
  std::vector<Diagnostics> errors;
  std::vector<std::uint64_t> bytes;
  std::vector<std::string> skipped;  // why the file was skipped, or empty
};

// A file this large leaves the parser's buffers released after it (FileParser::release_buffers);
// smaller ones reuse them.
constexpr std::uint64_t kLargeFile = 4 << 20;
// Below this many bytes of input the files are parsed on the calling thread whatever `jobs` says:
// starting a thread costs more than it saves on a few templates (the pre-commit case), and on a
// busy machine the second thread waits for a core.
constexpr std::uint64_t kSerialInputBytes = 64 << 10;

// Reads (when on disk) and parses files[i] into out's i-th entries; files on disk are released
// after.
void parse_file(FileParser& parser, std::vector<LoadedFile>& files, std::size_t i,
                ParsedFiles& out) {
  if (files[i].terraform) {  // read with its module (evaluate_terraform())
    out.bytes[i] = files[i].size;
    return;
  }
  const bool on_disk = !files[i].path.empty();
  if (on_disk && !read_content(files[i], out.errors[i])) return;
  out.bytes[i] = files[i].text().size();
  parser.parse(files[i], static_cast<std::uint32_t>(i), out.parts[i], out.errors[i]);
  out.skipped[i] = parser.take_skip_reason();
  if (out.bytes[i] >= kLargeFile) parser.release_buffers();
  if (on_disk) files[i].release();
  detail::sort_part(out.parts[i]);  // here, in parallel, rather than in the serial merge
}

// Every file parsed, on `jobs` threads taking the next unparsed file, largest first: file sizes
// vary widely (two files hold nearly all of L), and a large file taken last would leave the other
// threads idle while it is parsed. Each file's part and errors are its own, so the result does not
// depend on which thread parsed it, except where the shared rule budget ran out: that error names
// the rule at which the running total passed the limit, so it is found again by parsing in order
// on one thread.
void parse_files(std::vector<LoadedFile>& files, const LoadLimits& limits, ParsedFiles& out) {
  // The rules the input pays for (detail::kBytesPerRule), known before any is read.
  std::uint64_t input_bytes = 0;
  for (const LoadedFile& f : files) input_bytes += f.size;
  const auto in_order = [&] {
    detail::RuleBudget budget;
    detail::limit_rules(budget, limits.max_rules, input_bytes);
    FileParser parser(limits, budget);
    for (std::size_t i = 0; i < files.size(); ++i) parse_file(parser, files, i, out);
  };
  const unsigned jobs =
      static_cast<unsigned>(std::min<std::size_t>(std::max(limits.jobs, 1u), files.size()));
  if (jobs <= 1 || input_bytes < kSerialInputBytes) return in_order();
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return files[a].size > files[b].size; });
  detail::RuleBudget budget;
  detail::limit_rules(budget, limits.max_rules, input_bytes);
  std::atomic<std::size_t> next{0};
  // One large file at a time: its parse holds simdjson's index and string buffer, about half the
  // file's size again, and two at once would set the load's peak memory, and lint's, at about
  // 1.4 times the input (L) instead of 1.2 times. The small files go beside it.
  std::mutex large_file;
  const auto work = [&] {
    FileParser parser(limits, budget);
    for (std::size_t k = next++; k < files.size(); k = next++) {
      if (files[order[k]].size < kLargeFile) {
        parse_file(parser, files, order[k], out);
        continue;
      }
      const std::lock_guard<std::mutex> one_at_a_time(large_file);
      parse_file(parser, files, order[k], out);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (budget.used <= budget.limit) return;
  // Files on disk were released and are read again; stdin and buffers keep their bytes.
  out = ParsedFiles(files.size());
  in_order();
}

void evaluate_root(const detail::TerraformSources& terraform, const std::vector<LoadedFile>& files,
                   const std::vector<detail::IacSink::File>& table, std::uint64_t bytes,
                   detail::RuleBudget& budget, std::size_t root, ParsedFiles& out);

// Each root module of the Terraform sources, evaluated and read as a plan into the part of its
// first `.tf` file (the module is one namespace, named by its directory). The files' indexes in
// `files` are set first, so that positions name them.
void evaluate_terraform(detail::TerraformSources& terraform, const std::vector<LoadedFile>& files,
                        const LoadLimits& limits, ParsedFiles& out,
                        std::vector<std::string>& namespaces) {
  std::map<std::string_view, std::uint32_t> index;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i].terraform) index.emplace(files[i].name, static_cast<std::uint32_t>(i));
  std::vector<detail::IacSink::File> table(files.size());
  std::uint64_t bytes = 0;
  for (detail::TfFile& f : terraform.files) {
    f.index = index.at(f.name);
    table[f.index] = {files[f.index].name, f.text};
    bytes += f.text.size();
  }
  for (const SkippedInput& s : terraform.skipped)
    out.skipped[index.at(s.file)] = s.reason;
  detail::RuleBudget budget;
  detail::limit_rules(budget, limits.max_rules, bytes);
  // Root modules are independent (each its own part): evaluated side by side, largest first.
  const std::vector<std::size_t> roots = terraform.roots();
  for (const std::size_t root : roots) {
    const detail::TfDirectory& dir = terraform.directories[root];
    namespaces[terraform.files[dir.files.front()].index] = dir.path;
  }
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t k = next++; k < roots.size(); k = next++)
      evaluate_root(terraform, files, table, bytes, budget, roots[k], out);
  };
  std::vector<std::thread> threads;
  const unsigned jobs = static_cast<unsigned>(
      std::min<std::size_t>(std::max(limits.jobs, 1u), std::max<std::size_t>(roots.size(), 1)));
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (jobs <= 1 || budget.used <= budget.limit) return;
  // The rule limit was passed: which root says so must not depend on the threads (parse_files()).
  detail::RuleBudget again;
  detail::limit_rules(again, limits.max_rules, bytes);
  for (const std::size_t root : roots) {
    const std::uint32_t part = terraform.files[terraform.directories[root].files.front()].index;
    out.parts[part] = Inventory{};
    out.errors[part].clear();
    evaluate_root(terraform, files, table, bytes, again, root, out);
  }
}

// One root module into the part of its first `.tf` file.
void evaluate_root(const detail::TerraformSources& terraform, const std::vector<LoadedFile>& files,
                   const std::vector<detail::IacSink::File>& table, std::uint64_t bytes,
                   detail::RuleBudget& budget, std::size_t root, ParsedFiles& out) {
  {
    const detail::TfDirectory& dir = terraform.directories[root];
    const std::uint32_t part = terraform.files[dir.files.front()].index;
    detail::IacSink sink(table, bytes, out.parts[part], budget);
    try {
      detail::read_terraform_module(terraform, root, sink);
    } catch (const detail::TreeError& e) {
      out.parts[part] = Inventory{};
      Diagnostic d = file_error(e.file < files.size() ? files[e.file].name : dir.path, e.message);
      if (e.line != 0 && e.file < table.size()) {
        d.location.line = e.line;
        d.location.column = e.column;
        quote_source_line(d, detail::text_line(table[e.file].text, e.line));
      }
      out.errors[part].push_back(std::move(d));
    }
    detail::sort_part(out.parts[part]);
  }
}

void parse_and_merge(std::vector<LoadedFile>& files, const LoadLimits& limits, LoadResult& result,
                     detail::TerraformSources& terraform) {
  Inventory& inventory = result.inventory;
  const Clock::time_point parse_start = Clock::now();
  for (const LoadedFile& f : files) inventory.files.push_back(f.name);
  ParsedFiles parsed(files.size());
  parse_files(files, limits, parsed);
  std::vector<std::string> namespaces = inventory.files;
  if (!terraform.files.empty()) evaluate_terraform(terraform, files, limits, parsed, namespaces);
  for (std::size_t i = 0; i < files.size(); ++i) {
    result.stats.bytes += parsed.bytes[i];
    for (Diagnostic& d : parsed.errors[i]) result.errors.push_back(std::move(d));
    if (!parsed.skipped[i].empty()) result.skipped.push_back({files[i].name, parsed.skipped[i]});
  }
  std::vector<Inventory>& parts = parsed.parts;
  result.stats.files = files.size();
  result.stats.parse_seconds = seconds_since(parse_start);

  const Clock::time_point merge_start = Clock::now();
  std::vector<std::string_view> texts;
  texts.reserve(files.size());
  for (const LoadedFile& f : files) texts.push_back(f.text());
  Diagnostics conflicts = detail::merge_inventories(parts, inventory, texts, &namespaces);
  add_source_lines(files, conflicts);
  for (Diagnostic& d : conflicts) result.errors.push_back(std::move(d));
  detail::fill_managed_prefix_lists(inventory);
  result.stats.merge_seconds = seconds_since(merge_start);
}

void sort_by_name(std::vector<LoadedFile>& files) {
  std::stable_sort(files.begin(), files.end(),
                   [](const LoadedFile& a, const LoadedFile& b) { return a.name < b.name; });
}

}  // namespace

LoadResult load_inventory(const std::vector<std::string>& inputs, const LoadLimits& limits) {
  LoadResult result;
  try {
    const Clock::time_point read_start = Clock::now();
    std::vector<Source> sources;
    discover(inputs, sources, result.errors, result.inventory.diagnostics);
    std::vector<LoadedFile> files;
    files.reserve(sources.size());
    std::vector<std::string> tf_inputs, tfvars_inputs;
    for (const Source& source : sources) {
      if (!source.is_stdin && is_terraform_name(source.name, ".tf")) {
        tf_inputs.push_back(source.name);
        continue;
      }
      if (!source.is_stdin && is_terraform_name(source.name, ".tfvars")) {
        tfvars_inputs.push_back(source.name);
        continue;
      }
      LoadedFile file;
      if (read_source(source, limits, file, result.errors)) files.push_back(std::move(file));
    }
    detail::TerraformSources terraform;
    if (!tf_inputs.empty() || !tfvars_inputs.empty() || !limits.terraform_var_files.empty()) {
      terraform.vars = limits.terraform_vars;
      terraform.gather(tf_inputs, tfvars_inputs, limits.terraform_var_files,
                       limits.max_file_bytes, limits.jobs);
      for (Diagnostic& d : terraform.errors) result.errors.push_back(std::move(d));
      std::set<std::string_view> named;
      for (const detail::TfFile& f : terraform.files) {
        if (!named.insert(f.name).second) continue;
        LoadedFile file;
        file.name = f.name;
        file.size = f.text.size();
        file.terraform = true;
        files.push_back(std::move(file));
      }
    }
    sort_by_name(files);
    result.stats.read_seconds = seconds_since(read_start);
    parse_and_merge(files, limits, result, terraform);
  } catch (const std::exception& e) {  // out of memory and the like: an error, never a crash
    result.errors.push_back(
        file_error("sgcheck", std::string("cannot load the inputs: ") + e.what()));
  }
  return result;
}

LoadResult load_inventory_from_buffers(const std::vector<NamedBuffer>& buffers,
                                       const LoadLimits& limits) {
  LoadResult result;
  try {
    const Clock::time_point read_start = Clock::now();
    std::vector<LoadedFile> files;
    files.reserve(buffers.size());
    for (const NamedBuffer& buffer : buffers) {
      if (buffer.content.size() > limits.max_file_bytes) {
        result.errors.push_back(
            file_error(buffer.name, too_large(buffer.content.size(), limits.max_file_bytes)));
        continue;
      }
      files.push_back({buffer.name, simdjson::padded_string(buffer.content), {}, {}});
      files.back().size = buffer.content.size();
    }
    sort_by_name(files);
    result.stats.read_seconds = seconds_since(read_start);
    detail::TerraformSources no_terraform;
    parse_and_merge(files, limits, result, no_terraform);
  } catch (const std::exception& e) {
    result.errors.push_back(
        file_error("sgcheck", std::string("cannot load the inputs: ") + e.what()));
  }
  return result;
}

}  // namespace sgcheck
