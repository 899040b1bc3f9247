// Bit arithmetic shared by the atoms sources: the host-bit mask of a CIDR block in either family.
// Entry point: host_mask(). Private to src/atoms (grammar.cc canonicalises, values.cc
// prints/covers).
#pragma once

#include "sgcheck/values.h"

namespace sgcheck::detail {

constexpr int width_of(Family family) {
  return family == Family::ipv4 ? 32 : 128;
}

// The host bits of a block of `prefix` bits in a `width`-bit space. Never shifts a u128 by 128
// (undefined behaviour): a full-length prefix has no host bits.
constexpr u128 host_mask(int width, int prefix) {
  if (prefix >= width) return 0;
  return (~u128{0} >> (128 - width)) >> prefix;
}

}  // namespace sgcheck::detail
