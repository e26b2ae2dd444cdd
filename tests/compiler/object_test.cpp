// Compiled objects: exact round trips, determinism, the documented encoding,
// and files.
#include "probity/compiler/object.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "support/scratch_directory.hpp"
#include "compiler/object_test_support.hpp"

namespace probity::compiler {
namespace {

using namespace object_testing;

// ---------------------------------------------------------------- round trips

void collect_kinds(const std::vector<Statement>& statements, std::set<Statement::Kind>& kinds,
                   std::size_t depth, std::size_t& deepest) {
  deepest = std::max(deepest, depth);
  for (const Statement& statement : statements) {
    kinds.insert(statement.kind);
    collect_kinds(statement.then_body, kinds, depth + 1, deepest);
    collect_kinds(statement.else_body, kinds, depth + 1, deepest);
  }
}

TEST(ObjectRoundTrip, RichProgramCoversTheWholeVocabulary) {
  const Program program = rich_program();
  std::set<Op> ops;
  std::set<Statement::Kind> kinds;
  std::set<ProbeKind> probes;
  std::size_t deepest = 0;
  for (const Clause& clause : program.clauses) {
    for (const Node& each : clause.nodes) ops.insert(each.op);
    for (const ClauseProbe& probe : clause.probes) probes.insert(probe.kind);
    collect_kinds(clause.body, kinds, 0, deepest);
  }
  EXPECT_EQ(ops.size(), static_cast<std::size_t>(Op::MacroArg) + 1);
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_EQ(probes.size(), static_cast<std::size_t>(ProbeKind::Error) + 1);
  EXPECT_GE(deepest, 3u);
}

TEST(ObjectRoundTrip, RichProgramSurvivesExactly) {
  const Program program = rich_program();
  const Program decoded = decode_object(encode_object(program), "rich.pob");
  EXPECT_EQ(decoded, program);
  // Spot checks, so a broken operator== could not hide a lossy round trip.
  EXPECT_EQ(decoded.strings[1], std::string("nul\0inside", 10));
  EXPECT_EQ(decoded.clauses[0].nodes[21].immediate, -9'000'000'000'000'000'000);
  EXPECT_EQ(decoded.clauses[1].body[1].then_body[0].then_body[0].then_body[0].expression, 9u);
  EXPECT_EQ(decoded.events[0].fields[2].relative, true);
  ASSERT_TRUE(decoded.events[0].usdt.has_value());
  EXPECT_EQ(decoded.events[0].usdt->sites[0].fetchargs[1], "@+0x4020:s64");
  EXPECT_EQ(decoded.events[0].usdt->sites[0].semaphore_offset, 0x3028u);
  EXPECT_FALSE(decoded.events[1].usdt.has_value());
  EXPECT_EQ(decoded.aggregations[2].parameters, (std::vector<std::int64_t>{10, 0, 6, 20}));
  EXPECT_EQ(decoded.clauses[1].residual, std::optional<std::uint32_t>(1));
  EXPECT_EQ(decoded.clauses[0].residual, std::nullopt);
}

TEST(ObjectRoundTrip, EveryEnumValueSurvives) {
  Program program = rich_program();
  for (const Level level : stability::all_levels) {
    for (const DependencyClass dependency : stability::all_classes) {
      program.events[0].stability = {level, level, dependency};
      for (const Hazard hazard :
           {Hazard::None, Hazard::Hot, Hazard::Sensitive, Hazard::Forbidden}) {
        program.events[0].hazard = hazard;
        ASSERT_EQ(decode_object(encode_object(program), "enums.pob"), program);
      }
    }
  }
}

TEST(ObjectRoundTrip, EmptyProgramSurvives) {
  const Program empty;
  EXPECT_EQ(decode_object(encode_object(empty), "empty.pob"), empty);
}

TEST(ObjectEncoding, IsByteForByteDeterministic) {
  const Bytes first = encode_object(rich_program());
  EXPECT_EQ(encode_object(rich_program()), first);
  EXPECT_EQ(encode_object(decode_object(first, "rich.pob")), first);
}

TEST(ObjectEncoding, HeaderAndChecksumFollowTheDocumentedLayout) {
  // The independent FNV-1a must match a published test vector first.
  const Bytes a{'a'};
  ASSERT_EQ(fnv1a(a, 0, 1), 0xaf63dc4c8601ec8cULL);

  const Bytes bytes = encode_object(rich_program());
  ASSERT_GT(bytes.size(), header_size + checksum_size);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "PROBITYO");
  EXPECT_EQ((Bytes{bytes.begin() + 8, bytes.begin() + 12}), (Bytes{3, 0, 0, 0}));
  const std::uint64_t payload = read_u64(bytes, 12);
  EXPECT_EQ(payload, bytes.size() - header_size - checksum_size);
  EXPECT_EQ(read_u64(bytes, header_size + payload),
            fnv1a(bytes, header_size, header_size + payload));
}

TEST(ObjectEncoding, StringsAreALittleEndianLengthThenBytes) {
  Program program;
  program.source_name = "ab";
  const Bytes bytes = encode_object(program);
  EXPECT_EQ((Bytes{bytes.begin() + header_size, bytes.begin() + header_size + 6}),
            (Bytes{2, 0, 0, 0, 'a', 'b'}));
}

TEST(ObjectEncoding, RefusesIfsNestedTooDeeply) {
  Program program;
  Clause clause;
  clause.nodes = {integer(1)};
  std::vector<Statement> body{evaluate(0, 1)};
  // 1000 ifs put the innermost statement 1001 deep.
  for (int level = 0; level < 1000; ++level) body = {if_statement(0, std::move(body), {}, 1)};
  clause.body = std::move(body);
  program.clauses = {clause};
  EXPECT_THROW(encode_object(program), ObjectError);

  // One level less is the deepest allowed.
  program.clauses[0].body = std::move(program.clauses[0].body[0].then_body);
  EXPECT_EQ(decode_object(encode_object(program), "deep.pob"), program);
}

// ---------------------------------------------------------------- files

std::vector<std::string> directory_listing(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

Bytes file_bytes(const std::filesystem::path& file) {
  std::ifstream input(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
}

TEST(ObjectFile, RoundTripsThroughAFileAndLeavesNoTemporaries) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "switches.pob";
  const Program program = rich_program();
  write_object(program, file);
  EXPECT_EQ(read_object(file), program);
  EXPECT_EQ(file_bytes(file), encode_object(program));
  EXPECT_EQ(directory_listing(directory.path()), std::vector<std::string>{"switches.pob"});
}

TEST(ObjectFile, RewritingReplacesTheWholeFile) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "a.pob";
  write_object(rich_program(), file);
  Program small;
  small.source_name = "<command line>";
  write_object(small, file);
  EXPECT_EQ(read_object(file), small);
  EXPECT_EQ(directory_listing(directory.path()), std::vector<std::string>{"a.pob"});
}

TEST(ObjectFile, MissingFileNamesTheFileAndTheReason) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "missing.pob";
  try {
    read_object(file);
    FAIL() << "read_object accepted a missing file";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + file.string() + ": No such file or directory");
  }
}

TEST(ObjectFile, WritingIntoAMissingDirectoryNamesTheFileAndTheReason) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "no-such-dir" / "x.pob";
  try {
    write_object(rich_program(), file);
    FAIL() << "write_object wrote into a missing directory";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot write " + file.string() + ": No such file or directory");
  }
}

TEST(ObjectFile, ReadingADirectoryFails) {
  const ScratchDirectory directory("probity-object-file");
  try {
    read_object(directory.path());
    FAIL() << "read_object accepted a directory";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + directory.path().string() + ": Is a directory");
  }
}

TEST(ObjectFile, DamagedFileErrorsNameTheFile) {
  const ScratchDirectory directory("probity-object-file");
  Bytes bytes = encode_object(rich_program());
  bytes[bytes.size() / 2] ^= 0x10;
  const auto file = directory.write("damaged.pob", std::string(bytes.begin(), bytes.end()));
  try {
    read_object(file);
    FAIL() << "read_object accepted a damaged file";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()), file.string() + " is corrupted: checksum mismatch");
  }
}

TEST(ObjectFile, LooksLikeObjectOnlyForTheMagic) {
  const ScratchDirectory directory("probity-object-file");
  const auto source = directory.write("trace.d", "sched:sched_switch\n{\n  trace(pid);\n}\n");
  const auto object = directory.path() / "trace.pob";
  write_object(rich_program(), object);
  EXPECT_FALSE(looks_like_object(source));
  EXPECT_TRUE(looks_like_object(object));
  EXPECT_FALSE(looks_like_object(directory.path() / "missing.pob"));
  EXPECT_FALSE(looks_like_object(directory.write("short", "PROBITY")));
  EXPECT_FALSE(looks_like_object(directory.write("empty", "")));
  EXPECT_TRUE(looks_like_object(directory.write("just-magic", "PROBITYO")));
  EXPECT_FALSE(looks_like_object(directory.path()));
}

}  // namespace
}  // namespace probity::compiler
