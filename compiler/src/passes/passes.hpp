// The compiler's passes, in pipeline order. Each is one file with one job.
#pragma once

#include "passes/context.hpp"

namespace probity::compiler::passes {

// options.cpp: #pragma D option and -x into Context::policy and ::settings;
// unknown options and bad values are diagnosed.
void resolve_options(Context& context);

// probe_expansion.cpp: every probe description against the catalogue of the
// target kernel; fills ClauseInfo::events and ::specials.
void expand_probes(Context& context);

// field_resolution.cpp: args->f against every event of its clause; fills
// ClauseInfo::field_slots and Resolution::field_slot.
void resolve_fields(Context& context);

// desugaring.cpp: macro arguments ($1, $$1) into literals, named constants
// into integers, kstack into stack(), bpftrace's delete(@m, key) into
// delete(@m[key]); reports macro arguments not given. Rewrites the AST.
void desugar(Context& context);

// type_inference.cpp: declarations, and every assignment to a fixed point;
// fills Context::symbols, ::variables (with their types) and ::aggregations
// (names and functions). Reports only variables declared twice.
void infer_types(Context& context);

// type_checking.cpp and call_checking.cpp: every expression against the
// inferred types, and the rules of statements and calls; fills each
// expression's Resolution (type, built-in, function, variable, aggregation)
// and the keys and parameters of variables and aggregations.
void check_types(Context& context);

// format_checking.cpp: printf() and printa() formats against the types of
// what they print; reads only what type checking filled.
void check_formats(Context& context);

// constant_checks.cpp: what DTrace refuses before running: a division or
// modulo by a constant zero, printa() arguments that are no aggregation or
// have different keys, a printa() format without an aggregation, an empty
// printf() format. Reads the aggregations type inference filled.
void check_constant_operands(Context& context);

// stability.cpp: records every use of something with a stability attribute
// (probes, fields, and the built-ins and functions type checking resolved)
// in ClauseInfo::uses.
void collect_stability(Context& context);

// policy.cpp: the uses against Context::policy, hazards against -x allow.
void enforce_policy(Context& context);

// filter_pushdown.cpp: splits each predicate into the part tracefs event
// filters evaluate and the rest; fills ClauseInfo::kernel_filter, ::pushed
// and ::residual. Every pushed filter is verified with libtracefs against
// each event's layout.
void push_down_filters(Context& context);

// lowering.cpp: the annotated AST into a Program.
Program lower(Context& context);

// support_events.cpp: when tracepoint clauses read execname or pid, adds
// task:task_newtask and task:task_rename as support events (EventUse::support)
// if the catalogue and every policy would accept them; silently not otherwise.
void add_support_events(Context& context, Program& program);

}  // namespace probity::compiler::passes
