// A compiled object's bytes, read, edited and resealed as anyone with the
// file can: the payload length and checksum recomputed from the published
// algorithm (compiler/include/probity/compiler/object.hpp), not the product's code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace probity::test_support {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t header_size = 8 + 4 + 8;  // magic, version, payload length
inline constexpr std::size_t checksum_size = 8;

inline Bytes read_bytes(const std::filesystem::path& file) {
  std::ifstream input(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& file, const Bytes& bytes) {
  std::ofstream output(file, std::ios::binary | std::ios::trunc);
  output.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_le(Bytes& bytes, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// The payload length and FNV-1a 64 checksum recomputed after an edit, from
// the published algorithm rather than the product's code.
inline void reseal(Bytes& bytes) {
  const std::size_t payload = bytes.size() - header_size - checksum_size;
  write_le(bytes, 12, payload, 8);
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = header_size; i < header_size + payload; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ULL;
  }
  write_le(bytes, header_size + payload, hash, 8);
}

// A string as the object stores it: a u32 length, then its bytes.
inline Bytes stored_string(const std::string& text) {
  Bytes bytes(4 + text.size());
  write_le(bytes, 0, text.size(), 4);
  std::copy(text.begin(), text.end(), bytes.begin() + 4);
  return bytes;
}

}  // namespace probity::test_support
