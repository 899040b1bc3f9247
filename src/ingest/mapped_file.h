// A regular file's bytes mapped read-only, for the two readers of large inputs: the loader (which
// needs zero padding behind the bytes for simdjson) and SourceLines (ingest/source_lines.h), which
// quotes lines for the text report. Both give back the pages behind them as they read, so a large
// input does not stay in memory. Entry point: MappedFile::map().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sgcheck::detail {

class MappedFile {
 public:
  // How the bytes will be read: all of them at once (the pages are read in with the mapping), or
  // forward, possibly not to the end (the kernel reads ahead as the reader goes).
  enum class Read { whole, forward };

  // The file at `path` mapped, followed by at least `padding` readable zero bytes; an unmapped
  // MappedFile when it is not a regular, non-empty file or cannot be mapped (the caller then reads
  // it). A file truncated by another process while it is mapped would fault; inputs are at rest.
  static MappedFile map(const std::string& path, std::size_t padding, Read read);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { release(); }

  bool mapped() const { return data_ != nullptr; }
  std::string_view bytes() const { return {data_, size_}; }
  // Gives back the whole pages before byte `offset`: they leave this process's memory, and reading
  // them again maps them in again from the file (a private mapping that is never written).
  void release_before(std::size_t offset) const;
  // Unmaps the file (and its padding); mapped() is false after.
  void release();

 private:
  MappedFile(const char* data, std::size_t size, std::size_t length)
      : data_(data), size_(size), length_(length) {}

  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t length_ = 0;  // of the whole mapping, padding pages included
};

}  // namespace sgcheck::detail
