// Every diagnostic tag the compiler can emit, with a one-line summary. Tags
// are stable: tests, golden files and the manual refer to them, so a tag is
// never renamed or reused for something else (add a new one instead).
#pragma once

#include <span>
#include <string_view>

namespace probity::compiler {

struct DiagnosticTag {
  std::string_view tag;
  std::string_view summary;
};

// clang-format off
inline constexpr DiagnosticTag diagnostic_tags[] = {
  // lexer and parser
  {"D_SYNTAX",               "the program does not follow the D grammar"},
  {"D_CHAR_INVALID",         "a character that cannot start any D token"},
  {"D_STRING_UNTERMINATED",  "a string literal without its closing quote"},
  {"D_STRING_ESCAPE",        "an unknown or malformed escape sequence in a string literal"},
  {"D_COMMENT_UNTERMINATED", "a /* comment without its closing */"},
  {"D_INTEGER_INVALID",      "a malformed or out-of-range integer literal"},
  {"D_PROBE_SYNTAX",         "a malformed probe description"},
  {"D_TICK_PERIOD",          "a tick-N or interval probe with a bad period or unit"},
  {"D_PRAGMA",               "a #pragma that Probity does not understand"},
  {"D_OPTION_UNKNOWN",       "an unknown option in #pragma D option or -x"},
  {"D_OPTION_VALUE",         "an option value of the wrong form or out of range"},
  {"D_OPTION_UNSUPPORTED",   "a DTrace option Probity does not implement (switchrate, aggrate, specsize, ...)"},
  {"D_EMPTY_PROGRAM",        "a program with no clause"},
  // probe expansion
  {"D_PROBE_NOMATCH",        "a probe description that matches no probe of the target kernel"},
  {"D_PROBE_FORBIDDEN",      "a probe the catalogue (or a vendor overlay) forbids; no option enables it"},
  {"D_PROBE_UNSUPPORTED",    "a probe kind Probity does not trace (kprobes, fbt, profile, uprobes, ...)"},
  // names, fields and types
  {"D_ARGS_CONTEXT",         "args used in a clause that has no tracepoint (BEGIN, END, tick)"},
  {"D_FIELD_UNKNOWN",        "a field that the clause's event does not have"},
  {"D_FIELD_PARTIAL",        "a field that only some of the clause's events have"},
  {"D_FIELD_TYPE",           "a field whose type differs between the clause's events"},
  {"D_FIELD_UNSUPPORTED",    "a field used in a way its kind does not allow (an array without an index, ...)"},
  {"D_IDENT_UNKNOWN",        "an identifier that is no built-in variable, variable or function"},
  {"D_VAR_UNDEFINED",        "a variable that is read but never assigned anywhere in the program"},
  {"D_VAR_TYPE",             "a variable given values of different types"},
  {"D_MACRO_UNDEFINED",      "a macro argument ($1, $2, ...) that was not given on the command line"},
  {"D_FUNC_UNKNOWN",         "a call to a function that does not exist"},
  {"D_FUNC_UNAVAILABLE",     "a DTrace or bpftrace function or variable that cannot work on static tracepoints"},
  {"D_FUNC_ARGS",            "a call with the wrong number or types of arguments"},
  {"D_OPERAND",              "an operator applied to operands of the wrong type"},
  {"D_LVALUE",               "an assignment to something that cannot be assigned"},
  {"D_AGG_CONTEXT",          "an aggregating function used outside @name[...] = fn(...)"},
  {"D_AGG_MISMATCH",         "an aggregation used with different functions or key types"},
  {"D_AGG_PARAMS",           "bad lquantize/llquantize parameters"},
  {"D_AGG_UNDEFINED",        "printa/clear/trunc/normalize of an aggregation that is never assigned"},
  {"D_PRINTF_FORMAT",        "a printf/printa format that does not match its arguments"},
  {"D_PRINTF_FMT_EMPTY",     "a printf() whose format is the empty string"},
  {"D_PRINTA_AGGARG",        "a printa() argument that is not an aggregation"},
  {"D_PRINTA_PROTO",         "a printa() with a format and no aggregation"},
  {"D_PRINTA_AGGPROTO",      "printa() of several aggregations whose keys differ"},
  {"D_DIV_ZERO",             "a division or modulo by an expression that is always zero"},
  {"D_SPECULATION",          "speculate/commit/discard used wrongly"},
  // stability and safety policy
  {"D_STABILITY",            "an element whose stability is below the policy threshold (-x amin)"},
  {"D_HAZARD_HOT",           "a very high-rate probe used without -x allow=hot"},
  {"D_HAZARD_SENSITIVE",     "a probe exposing private data used without -x allow=sensitive"},
  {"D_SITE_POLICY",          "a probe, field or element the site policy forbids; names the policy file and its rule"},
  // kernel filter pushdown
  {"D_FILTER_REJECTED",      "a predicate part the kernel filter grammar rejected; evaluated in user space"},
};
// clang-format on

// nullptr when `tag` is not a known tag.
const DiagnosticTag* find_diagnostic_tag(std::string_view tag);

}  // namespace probity::compiler
