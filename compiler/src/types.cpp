#include "probity/compiler/types.hpp"

namespace probity::compiler {
namespace {

std::string integer_name(std::uint8_t size, bool is_signed) {
  return std::string(is_signed ? "int" : "uint") + std::to_string(size * 8) + "_t";
}

}  // namespace

std::string to_string(const ValueType& type) {
  switch (type.kind) {
    case ValueKind::Void: return "void";
    case ValueKind::Integer: return integer_name(type.size, type.is_signed);
    case ValueKind::String: return "string";
    case ValueKind::Stack: return "stack";
    case ValueKind::Array: return "array of " + integer_name(type.size, type.is_signed);
  }
  return "?";
}

}  // namespace probity::compiler
