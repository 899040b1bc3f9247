// The speed-of-light baseline for ingest: a bare simdjson on-demand scan of the same
// files, touching every key and every value (strings unescaped, numbers parsed) and building
// nothing. Prints the bytes, the values seen and the simdjson kernels in use (the one compiled in
// for on-demand, which is chosen at compile time, and the runtime-dispatched one).
// Usage: simdjson_scan PATH... (files, or directories read recursively for *.json).
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace od = simdjson::ondemand;

// The on-demand kernel is the one this translation unit was compiled for (header-inlined), not the
// library's: name it from the macro.
#define SGCHECK_STRINGIFY2(x) #x
#define SGCHECK_STRINGIFY(x) SGCHECK_STRINGIFY2(x)
constexpr const char* kOnDemandKernel = SGCHECK_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION);

struct Counts {
  std::uint64_t values = 0;
  std::uint64_t string_bytes = 0;
  double number_sum = 0;  // keeps the number parsing from being optimised away
};

simdjson::error_code walk(od::value value, Counts& counts) {
  ++counts.values;
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        counts.string_bytes += key.size();
        od::value child;
        if (auto error = field.value().get(child)) return error;
        if (auto error = walk(child, counts)) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        od::value child;
        if (auto error = element.get(child)) return error;
        if (auto error = walk(child, counts)) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return error;
      counts.string_bytes += text.size();
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      double number = 0;
      if (auto error = value.get_double().get(number)) return error;
      counts.number_sum += number;
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool flag = false;
      return value.get_bool().get(flag);
    }
    case od::json_type::null:
      return value.is_null().error();
  }
  return simdjson::SUCCESS;
}

void collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& out) {
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") out.push_back(entry);
    }
  } else {
    out.push_back(path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) collect(argv[i], files);
  const auto start = std::chrono::steady_clock::now();
  od::parser parser;
  Counts counts;
  std::uint64_t bytes = 0;
  for (const auto& file : files) {
    simdjson::padded_string json;
    if (auto error = simdjson::padded_string::load(file.string()).get(json)) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), simdjson::error_message(error));
      return 2;
    }
    bytes += json.size();
    od::document doc;
    od::value root;
    simdjson::error_code error = parser.iterate(json).get(doc);
    if (!error) error = doc.get_value().get(root);
    if (!error) error = walk(root, counts);
    if (error) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), simdjson::error_message(error));
      return 2;
    }
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "files %zu\nbytes %llu\nvalues %llu\nscan %.3f ms\non-demand kernel %s\n"
      "runtime kernel %s\n",
      files.size(), static_cast<unsigned long long>(bytes),
      static_cast<unsigned long long>(counts.values), ms, kOnDemandKernel,
      simdjson::get_active_implementation()->name().c_str());
  return counts.number_sum < 0 ? 1 : 0;
}
