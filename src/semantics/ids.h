// Ids to indexes for every stage that looks ids up (groups, prefix lists, VPCs, interfaces, files):
// IdIndex, an open-addressing table from id strings to numbers, index_by_id() over a vector of
// elements with ids, and the id hash they use. Header only; entry points: IdIndex, index_by_id().
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace sgcheck::detail {

// A 64-bit mix (the murmur3 finaliser's first half): enough for open addressing on the low bits.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// Eight bytes at a time (ids are about 20 bytes): the tables only need the low bits well mixed,
// and a byte-at-a-time FNV showed on the hot path.
inline std::uint64_t id_hash(std::string_view id) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ id.size();
  std::size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, id.data() + i, 8);
    h = mix64(h ^ word) * 0x9e3779b97f4a7c15ull;
  }
  std::uint64_t tail = 0;
  if (i < id.size()) std::memcpy(&tail, id.data() + i, id.size() - i);
  return mix64(h ^ tail);
}

// Ids (any strings: sg-…, CloudFormation logical ids, …) to numbers, by open addressing. A slot
// holds 32 bits of the id's hash and the id itself when it fits (22 bytes: sg- and eni- ids do),
// else a view of the caller's string, which must then outlive the index: a lookup reads one slot
// and no other memory, where std::unordered_map<std::string_view, …> reads a bucket, a node and the
// id's heap string (a cache miss each).
class IdIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xffffffffu;
  IdIndex() = default;
  void reserve(std::size_t expected) {
    std::size_t n = 16;
    while (n < 2 * expected) n *= 2;
    if (n > slots_.size()) rehash(n);
  }
  // The value of `id`, inserting `value` for it when absent; `inserted` says which.
  std::uint32_t insert(std::string_view id, std::uint32_t value, bool& inserted) {
    if (2 * (count_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
    const std::uint64_t h = id_hash(id);
    const std::uint32_t tag = tag_of(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.tag == 0) {
        slot.set(id, tag, value);
        ++count_;
        inserted = true;
        return value;
      }
      if (slot.tag == tag && slot.holds(id)) {
        inserted = false;
        return slot.value;
      }
    }
  }
  std::uint32_t insert(std::string_view id, std::uint32_t value) {
    bool inserted = false;
    return insert(id, value, inserted);
  }
  // The value of `id`, or kAbsent.
  std::uint32_t find(std::string_view id) const {
    if (slots_.empty()) return kAbsent;
    const std::uint64_t h = id_hash(id);
    const std::uint32_t tag = tag_of(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.tag == 0) return kAbsent;
      if (slot.tag == tag && slot.holds(id)) return slot.value;
    }
  }
  // Starts loading the slot where a lookup of `id` begins (batch lookups prefetch ahead).
  void prefetch(std::string_view id) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[id_hash(id) & (slots_.size() - 1)]);
  }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  static constexpr std::uint8_t kLong = 0xff;  // Slot::size: the id is the view in `text`
  struct Slot {
    char text[22] = {};     // the id, or (kLong) its data pointer and size
    std::uint8_t size = 0;  // of the id in `text`, or kLong
    std::uint32_t tag = 0;  // 0: empty; else the hash's top bits with the top bit set
    std::uint32_t value = 0;

    void set(std::string_view id, std::uint32_t t, std::uint32_t v) {
      if (id.size() <= sizeof(text)) {
        if (!id.empty()) std::memcpy(text, id.data(), id.size());
        size = static_cast<std::uint8_t>(id.size());
      } else {
        const char* data = id.data();
        const std::size_t n = id.size();
        std::memcpy(text, &data, sizeof data);
        std::memcpy(text + sizeof data, &n, sizeof n);
        size = kLong;
      }
      tag = t;
      value = v;
    }
    std::string_view view() const {
      if (size != kLong) return {text, size};
      const char* data;
      std::size_t n;
      std::memcpy(&data, text, sizeof data);
      std::memcpy(&n, text + sizeof data, sizeof n);
      return {data, n};
    }
    bool holds(std::string_view id) const {
      if (size != kLong) {
        return id.size() == size && (size == 0 || std::memcmp(text, id.data(), size) == 0);
      }
      return view() == id;
    }
  };
  static_assert(sizeof(Slot) == 32);
  static std::uint32_t tag_of(std::uint64_t h) {
    return static_cast<std::uint32_t>(h >> 32) | 0x80000000u;
  }
  void rehash(std::size_t n) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n, Slot{});
    const std::size_t mask = n - 1;
    for (const Slot& s : old) {
      if (s.tag == 0) continue;
      for (std::size_t i = id_hash(s.view()) & mask;; i = (i + 1) & mask) {
        if (slots_[i].tag == 0) {
          slots_[i] = s;
          break;
        }
      }
    }
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

// The elements' ids (T::id) to their indexes. The first of equal ids wins, as the inventory's
// find_group() and find_prefix_list() answer on their vectors sorted by id.
template <typename T>
IdIndex index_by_id(const std::vector<T>& items) {
  IdIndex index;
  index.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    index.insert(items[i].id, static_cast<std::uint32_t>(i));
  return index;
}

}  // namespace sgcheck::detail
