// MappedFile (see mapped_file.h): mmap with zero pages behind the file for padding, madvise to give
// pages back. Where there is no mmap, map() gives an unmapped file and the callers read instead.
#include "ingest/mapped_file.h"

#include <algorithm>
#include <utility>

#if __has_include(<sys/mman.h>)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define SGCHECK_HAVE_MMAP 1
#endif

namespace sgcheck::detail {

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      length_(std::exchange(other.length_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    length_ = std::exchange(other.length_, 0);
  }
  return *this;
}

#ifdef SGCHECK_HAVE_MMAP

MappedFile MappedFile::map(const std::string& path, std::size_t padding, Read read) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) {
    ::close(fd);
    return {};
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t length = (size + padding + page - 1) / page * page;
  // Zero pages for the whole length first, then the file over their start: whatever the size, the
  // padding behind it is mapped.
  void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    ::close(fd);
    return {};
  }
  const int populate = read == Read::whole ? MAP_POPULATE : 0;
  void* file = ::mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | populate, fd, 0);
  ::close(fd);
  if (file == MAP_FAILED) {
    ::munmap(base, length);
    return {};
  }
  if (read == Read::forward) ::madvise(base, size, MADV_SEQUENTIAL);
  return MappedFile(static_cast<const char*>(base), size, length);
}

void MappedFile::release_before(std::size_t offset) const {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t length = std::min(offset, size_) / page * page;
  if (length > 0) ::madvise(const_cast<char*>(data_), length, MADV_DONTNEED);
}

void MappedFile::release() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), length_);
  data_ = nullptr;
  size_ = length_ = 0;
}

#else

MappedFile MappedFile::map(const std::string&, std::size_t, Read) {
  return {};
}

void MappedFile::release_before(std::size_t) const {}

void MappedFile::release() {}

#endif

}  // namespace sgcheck::detail
