// The process-wide pool behind Name: each distinct text stored once, with a 32-bit handle. Entry
// points: Name::Name(text) interns, Name::view() resolves. Texts live in per-shard arenas that
// never move; entries live in fixed chunks reached through an array of pointers, so view() reads
// without a lock while other threads intern.
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <ostream>
#include <vector>

#include "sgcheck/values.h"

namespace sgcheck {
namespace {

// Trivial, so that a chunk's pages are only touched as entries are written.
struct Entry {
  const char* text;
  std::uint32_t size;
  std::size_t hash;
};

constexpr unsigned kChunkBits = 20;
constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
constexpr std::size_t kChunks = std::size_t{1} << (32 - kChunkBits);
constexpr unsigned kShardBits = 6;
constexpr std::size_t kArenaBlock = 64 * 1024;

// One shard of the index: the handles of the texts whose hash falls in it, in an open-addressing
// table (0 = free slot), and the arena their characters are copied into.
struct Shard {
  std::mutex mutex;
  std::vector<std::uint32_t> table;
  std::size_t count = 0;
  char* block = nullptr;
  std::size_t block_left = 0;
};

// Handle 0 is the empty text and has no entry.
class Pool {
 public:
  const Entry& entry(std::uint32_t handle) const {
    const Entry* chunk = chunks_[handle >> kChunkBits].load(std::memory_order_acquire);
    return chunk[handle & (kChunkSize - 1)];
  }

  std::uint32_t intern(std::string_view text) {
    if (text.empty()) return 0;
    const std::size_t hash = std::hash<std::string_view>{}(text);
    // Most texts a reader meets repeat (the VPC, the owner, the groups it references): each thread
    // remembers the last handle per hash slot and finds those without the lock. The handles it
    // keeps are ones this thread made or found, so their entries are visible to it.
    CacheSlot& cached = thread_cache[hash & (kCacheSlots - 1)];
    if (cached.hash == hash && cached.handle != 0) {
      const Entry& e = entry(cached.handle);
      if (e.size == text.size() && std::memcmp(e.text, text.data(), e.size) == 0)
        return cached.handle;
    }
    const std::uint32_t handle = intern_locked(text, hash);
    cached = {hash, handle};
    return handle;
  }

 private:
  struct CacheSlot {
    std::size_t hash;
    std::uint32_t handle;
  };
  static constexpr std::size_t kCacheSlots = 1024;
  static thread_local CacheSlot thread_cache[kCacheSlots];

  std::uint32_t intern_locked(std::string_view text, std::size_t hash) {
    Shard& shard = shards_[hash >> (64 - kShardBits)];
    std::lock_guard lock(shard.mutex);
    if (shard.table.empty()) shard.table.assign(1024, 0);
    std::size_t mask = shard.table.size() - 1;
    std::size_t slot = hash & mask;
    while (std::uint32_t handle = shard.table[slot]) {
      const Entry& e = entry(handle);
      if (e.hash == hash && e.size == text.size() && std::memcmp(e.text, text.data(), e.size) == 0)
        return handle;
      slot = (slot + 1) & mask;
    }
    const std::uint32_t handle = add_entry(shard, text, hash);
    shard.table[slot] = handle;
    if (++shard.count * 2 > shard.table.size()) grow(shard);
    return handle;
  }

  std::uint32_t add_entry(Shard& shard, std::string_view text, std::size_t hash) {
    const std::uint32_t handle = next_.fetch_add(1, std::memory_order_relaxed);
    Entry* chunk = chunk_for(handle);
    Entry& e = chunk[handle & (kChunkSize - 1)];
    e.text = copy_text(shard, text);
    e.size = static_cast<std::uint32_t>(text.size());
    e.hash = hash;
    return handle;
  }

  // The chunk that holds `handle`, made by whichever thread first needs it.
  Entry* chunk_for(std::uint32_t handle) {
    std::atomic<Entry*>& slot = chunks_[handle >> kChunkBits];
    Entry* chunk = slot.load(std::memory_order_acquire);
    if (chunk != nullptr) return chunk;
    std::unique_ptr<Entry[]> made(new Entry[kChunkSize]);
    if (slot.compare_exchange_strong(chunk, made.get(), std::memory_order_acq_rel))
      return made.release();
    return chunk;  // another thread made it first
  }

  static const char* copy_text(Shard& shard, std::string_view text) {
    // Each text is followed by a NUL, for c_str().
    const std::size_t size = text.size() + 1;
    if (size > kArenaBlock / 4) {  // a long text gets a block of its own
      char* own = new char[size];
      std::memcpy(own, text.data(), text.size());
      own[text.size()] = '\0';
      return own;
    }
    if (shard.block_left < size) {
      shard.block = new char[kArenaBlock];
      shard.block_left = kArenaBlock;
    }
    char* at = shard.block;
    std::memcpy(at, text.data(), text.size());
    at[text.size()] = '\0';
    shard.block += size;
    shard.block_left -= size;
    return at;
  }

  void grow(Shard& shard) {
    std::vector<std::uint32_t> table(shard.table.size() * 2, 0);
    const std::size_t mask = table.size() - 1;
    for (std::uint32_t handle : shard.table) {
      if (handle == 0) continue;
      std::size_t slot = entry(handle).hash & mask;
      while (table[slot] != 0) slot = (slot + 1) & mask;
      table[slot] = handle;
    }
    shard.table = std::move(table);
  }

  std::array<std::atomic<Entry*>, kChunks> chunks_{};
  std::array<Shard, std::size_t{1} << kShardBits> shards_;
  std::atomic<std::uint32_t> next_{1};
};

thread_local Pool::CacheSlot Pool::thread_cache[Pool::kCacheSlots];

// Made on first use and never destroyed: Names may be read by destructors of other statics.
Pool& pool() {
  static Pool* instance = new Pool();
  return *instance;
}

const std::size_t kEmptyHash = std::hash<std::string_view>{}(std::string_view());

}  // namespace

Name::Name(std::string_view text) : handle_(pool().intern(text)) {}

const char* Name::c_str() const {
  return handle_ == 0 ? "" : pool().entry(handle_).text;
}

std::string_view Name::view() const {
  if (handle_ == 0) return {};
  const Entry& e = pool().entry(handle_);
  return {e.text, e.size};
}

std::size_t Name::hash() const {
  return handle_ == 0 ? kEmptyHash : pool().entry(handle_).hash;
}

std::ostream& operator<<(std::ostream& out, Name name) {
  return out << name.view();
}

}  // namespace sgcheck
