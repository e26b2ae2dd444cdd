#include "probity/catalogue/index.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

using stability::Attributes;

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream stream(file, std::ios::binary | std::ios::trunc);
  stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The trailer is FNV-1a 64 of everything before it (see index.cpp); tests
// that want to reach the decoder past the checksum re-seal the bytes.
void reseal(std::string& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i + 8 < bytes.size(); ++i) {
    hash ^= static_cast<unsigned char>(bytes[i]);
    hash *= 0x100000001b3ULL;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[bytes.size() - 8 + i] = static_cast<char>(hash >> (8 * i));
  }
}

SourcedAttributes sourced(Level name, Level data, DependencyClass dependency_class,
                          AttributeSource name_source, AttributeSource data_source,
                          AttributeSource class_source) {
  SourcedAttributes result;
  result.value = Attributes{name, data, dependency_class};
  result.sources = {name_source, data_source, class_source};
  return result;
}

Field make_field(std::string name, std::string type, std::uint32_t offset, std::uint32_t size,
                 bool is_signed, FieldKind kind, bool relative, bool documented,
                 std::string description, SourcedAttributes stability, std::string rationale) {
  Field field;
  field.layout.name = std::move(name);
  field.layout.type = std::move(type);
  field.layout.offset = offset;
  field.layout.size = size;
  field.layout.is_signed = is_signed;
  field.layout.kind = kind;
  field.layout.relative = relative;
  field.documented = documented;
  field.description = std::move(description);
  field.stability = stability;
  field.rationale = std::move(rationale);
  return field;
}

// Every member holds something other than its default, and every enum value
// appears somewhere, so a field the index forgot cannot compare equal.
Catalogue sample_catalogue(const std::string& release) {
  Catalogue catalogue;
  catalogue.release = release;
  catalogue.machine = "x86_64";
  catalogue.source = "live tracefs on " + release;
  catalogue.common_fields.push_back(make_field(
      "common_pid", "int", 4, 4, true, FieldKind::Integer, false, true,
      "Thread id of the running task.",
      sourced(Level::Stable, Level::Stable, DependencyClass::Common, AttributeSource::Catalogue,
              AttributeSource::Catalogue, AttributeSource::Catalogue),
      "Present since tracepoints exist."));

  Provider sched;
  sched.name = "sched";
  sched.documented = true;
  sched.description = "The process scheduler.";
  sched.provider_stability = Level::Stable;
  sched.stability = sourced(Level::Stable, Level::Evolving, DependencyClass::Common,
                            AttributeSource::Catalogue, AttributeSource::Catalogue,
                            AttributeSource::Catalogue);
  sched.rationale = "Relied on by perf sched.";
  sched.references = {"https://docs.kernel.org/trace/events.html", "include/trace/events/sched.h"};

  Event sched_switch;
  sched_switch.provider = "sched";
  sched_switch.name = "sched_switch";
  sched_switch.documented = true;
  sched_switch.description = "The CPU switches from one task to another.";
  sched_switch.stability = sourced(Level::Stable, Level::Stable, DependencyClass::Isa,
                                   AttributeSource::Catalogue, AttributeSource::Vendor,
                                   AttributeSource::Kernel);
  sched_switch.rationale = "Unchanged since 2.6.32.";
  sched_switch.hazard = HazardDecl{Hazard::Hot, "Fires on every context switch.",
                                   "https://docs.kernel.org/scheduler/index.html"};
  sched_switch.fields = {
      make_field("prev_comm", "char[16]", 8, 16, false, FieldKind::String, false, true,
                 "Command name of the task being switched out.",
                 sourced(Level::Stable, Level::Evolving, DependencyClass::Common,
                         AttributeSource::Catalogue, AttributeSource::Catalogue,
                         AttributeSource::Default),
                 "Inherited."),
      make_field("prev_pid", "pid_t", 24, 4, true, FieldKind::Integer, false, false, "",
                 sourced(Level::Private, Level::Private, DependencyClass::Unknown,
                         AttributeSource::Default, AttributeSource::Default,
                         AttributeSource::Default),
                 ""),
      make_field("stack", "__data_loc u64[]", 32, 4, false, FieldKind::DynamicArray, false, false,
                 "", sourced(Level::Internal, Level::Obsolete, DependencyClass::Cpu,
                             AttributeSource::Kernel, AttributeSource::Kernel,
                             AttributeSource::Kernel),
                 ""),
      make_field("name", "__rel_loc char[]", 36, 4, false, FieldKind::DynamicString, true, true,
                 "A name.", sourced(Level::External, Level::Unstable, DependencyClass::Platform,
                                    AttributeSource::Vendor, AttributeSource::Vendor,
                                    AttributeSource::Vendor),
                 "Vendor says so."),
      make_field("saddr", "u8[4]", 40, 4, false, FieldKind::Array, false, true, "Address.",
                 sourced(Level::Standard, Level::Evolving, DependencyClass::Group,
                         AttributeSource::Catalogue, AttributeSource::Catalogue,
                         AttributeSource::Catalogue),
                 "r"),
      make_field("task", "struct task_struct *", 48, 8, false, FieldKind::Pointer, false, true,
                 "Pointer.", sourced(Level::Unstable, Level::Unstable, DependencyClass::Unknown,
                                     AttributeSource::Catalogue, AttributeSource::Catalogue,
                                     AttributeSource::Catalogue),
                 "addresses change"),
  };
  sched_switch.releases = {"6.1.0-31-amd64", release};
  sched_switch.module = "";
  sched_switch.fields[1].value_names =
      ValueNames{ValueNames::Style::Symbolic, "", {{0, "ZERO"}, {static_cast<std::uint64_t>(-1), "MINUS_ONE"}}};
  sched_switch.fields[2].value_names =
      ValueNames{ValueNames::Style::Flags, "|", {{0x1, "A"}, {0x8000000000000000ULL, "TOP"}}};

  Event secret;
  secret.provider = "sched";
  secret.name = "sched_secret";
  secret.documented = false;
  secret.description = "";
  secret.stability = sourced(Level::Private, Level::Private, DependencyClass::Unknown,
                             AttributeSource::Default, AttributeSource::Default,
                             AttributeSource::Default);
  secret.hazard = HazardDecl{Hazard::Forbidden, "Never.", "docs/never.md"};
  secret.module = "sched_ext";
  secret.releases = {release};

  Event sensitive;
  sensitive.provider = "sched";
  sensitive.name = "sched_process_exec";
  sensitive.description = "exec";
  sensitive.hazard = HazardDecl{Hazard::Sensitive, "Paths.", "ref"};
  sensitive.releases = {release};

  sched.events = {std::move(secret), std::move(sensitive), std::move(sched_switch)};
  catalogue.providers.push_back(std::move(sched));

  Provider undocumented;
  undocumented.name = "zzz";
  undocumented.documented = false;
  undocumented.provider_stability = Level::Private;
  catalogue.providers.push_back(std::move(undocumented));
  return catalogue;
}

void expect_same(const SourcedAttributes& a, const SourcedAttributes& b, const std::string& where) {
  EXPECT_EQ(a.value, b.value) << where;
  EXPECT_EQ(a.sources, b.sources) << where;
}

void expect_same(const Field& a, const Field& b, const std::string& where) {
  EXPECT_EQ(a.layout, b.layout) << where;
  EXPECT_EQ(a.documented, b.documented) << where;
  EXPECT_EQ(a.description, b.description) << where;
  expect_same(a.stability, b.stability, where);
  EXPECT_EQ(a.rationale, b.rationale) << where;
  EXPECT_EQ(a.value_names, b.value_names) << where;
}

void expect_same(const std::vector<Field>& a, const std::vector<Field>& b, const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i], where + "." + a[i].layout.name);
}

void expect_same(const Event& a, const Event& b) {
  const std::string where = a.provider + ":" + a.name;
  EXPECT_EQ(a.provider, b.provider) << where;
  EXPECT_EQ(a.name, b.name) << where;
  EXPECT_EQ(a.documented, b.documented) << where;
  EXPECT_EQ(a.description, b.description) << where;
  expect_same(a.stability, b.stability, where);
  EXPECT_EQ(a.rationale, b.rationale) << where;
  EXPECT_EQ(a.hazard.level, b.hazard.level) << where;
  EXPECT_EQ(a.hazard.reason, b.hazard.reason) << where;
  EXPECT_EQ(a.hazard.reference, b.hazard.reference) << where;
  EXPECT_EQ(a.module, b.module) << where;
  expect_same(a.fields, b.fields, where);
  EXPECT_EQ(a.releases, b.releases) << where;
}

void expect_same(const Catalogue& a, const Catalogue& b) {
  EXPECT_EQ(a.release, b.release);
  EXPECT_EQ(a.machine, b.machine);
  EXPECT_EQ(a.source, b.source);
  expect_same(a.common_fields, b.common_fields, "common");
  ASSERT_EQ(a.providers.size(), b.providers.size());
  for (std::size_t p = 0; p < a.providers.size(); ++p) {
    const Provider& x = a.providers[p];
    const Provider& y = b.providers[p];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.documented, y.documented) << x.name;
    EXPECT_EQ(x.description, y.description) << x.name;
    EXPECT_EQ(x.provider_stability, y.provider_stability) << x.name;
    expect_same(x.stability, y.stability, x.name);
    EXPECT_EQ(x.rationale, y.rationale) << x.name;
    EXPECT_EQ(x.references, y.references) << x.name;
    ASSERT_EQ(x.events.size(), y.events.size()) << x.name;
    for (std::size_t e = 0; e < x.events.size(); ++e) expect_same(x.events[e], y.events[e]);
  }
}

class IndexTest : public ::testing::Test {
 protected:
  std::filesystem::path write_sample() {
    const std::filesystem::path file = directory_.path() / "probity.idx";
    write_index({sample_catalogue("6.18.44-fc-v657"), sample_catalogue("6.12.48-amd64"),
                 sample_catalogue("6.1.0-31-amd64")},
                "0123456789abcdef", file);
    return file;
  }

  // Expects Index::open (and, if it succeeds, loading every release) to fail
  // with an IndexError; returns its message.
  static std::string open_error(const std::filesystem::path& file) {
    try {
      const Index index = Index::open(file);
      for (const std::string& release : index.releases()) (void)index.load(release);
    } catch (const IndexError& error) {
      return error.what();
    }
    ADD_FAILURE() << "the corrupt index was accepted";
    return "";
  }

  test_support::ScratchDirectory directory_{"probity-index-test"};
};

TEST_F(IndexTest, RoundTripKeepsEveryMember) {
  const std::filesystem::path file = write_sample();
  const Index index = Index::open(file);
  EXPECT_EQ(index.content_hash(), "0123456789abcdef");
  for (const char* release : {"6.1.0-31-amd64", "6.12.48-amd64", "6.18.44-fc-v657"}) {
    SCOPED_TRACE(release);
    ASSERT_TRUE(index.has_release(release));
    expect_same(index.load(release), sample_catalogue(release));
  }
}

TEST_F(IndexTest, ReleasesAreSortedAsVersions) {
  const Index index = Index::open(write_sample());
  EXPECT_EQ(index.releases(),
            (std::vector<std::string>{"6.1.0-31-amd64", "6.12.48-amd64", "6.18.44-fc-v657"}));
  EXPECT_FALSE(index.has_release("6.18"));
}

TEST_F(IndexTest, UnknownReleaseNamesTheCataloguedOnes) {
  const Index index = Index::open(write_sample());
  try {
    (void)index.load("5.10.0");
    FAIL() << "loaded a release that is not in the index";
  } catch (const IndexError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("5.10.0"), std::string::npos) << message;
    EXPECT_NE(message.find("6.1.0-31-amd64, 6.12.48-amd64, 6.18.44-fc-v657"), std::string::npos)
        << message;
  }
}

TEST_F(IndexTest, EmptyIndexRoundTrips) {
  const std::filesystem::path file = directory_.path() / "empty.idx";
  write_index({}, "feedfacefeedface", file);
  const Index index = Index::open(file);
  EXPECT_TRUE(index.releases().empty());
  EXPECT_EQ(index.content_hash(), "feedfacefeedface");
}

TEST_F(IndexTest, DuplicateReleaseIsRefused) {
  EXPECT_THROW(write_index({sample_catalogue("6.1"), sample_catalogue("6.1")}, "x",
                           directory_.path() / "dup.idx"),
               IndexError);
}

TEST_F(IndexTest, RepeatedStringsAreStoredOnce) {
  const std::string long_description(20000, 'd');
  std::vector<Catalogue> catalogues;
  for (const char* release : {"6.1", "6.12", "6.18"}) {
    Catalogue catalogue = sample_catalogue(release);
    catalogue.providers[0].description = long_description;
    catalogue.providers[0].events[2].description = long_description;
    catalogues.push_back(std::move(catalogue));
  }
  const std::filesystem::path file = directory_.path() / "shared.idx";
  write_index(catalogues, "x", file);
  EXPECT_LT(std::filesystem::file_size(file), 2 * long_description.size());
  EXPECT_EQ(Index::open(file).load("6.12").providers[0].events[2].description, long_description);
}

TEST_F(IndexTest, WritingOverAnExistingIndexReplacesIt) {
  const std::filesystem::path file = write_sample();
  write_index({sample_catalogue("7.0")}, "fedcba9876543210", file);
  const Index index = Index::open(file);
  EXPECT_EQ(index.releases(), std::vector<std::string>{"7.0"});
  EXPECT_EQ(index.content_hash(), "fedcba9876543210");
}

TEST_F(IndexTest, SameCataloguesGiveTheSameBytes) {
  const std::filesystem::path again = directory_.path() / "again.idx";
  const std::string first = read_bytes(write_sample());
  write_index({sample_catalogue("6.18.44-fc-v657"), sample_catalogue("6.12.48-amd64"),
               sample_catalogue("6.1.0-31-amd64")},
              "0123456789abcdef", again);
  EXPECT_EQ(read_bytes(again), first);
}

TEST_F(IndexTest, UnwritableDestinationIsAnError) {
  EXPECT_THROW(write_index({}, "x", directory_.path() / "no" / "such" / "dir" / "x.idx"), IndexError);
}

TEST_F(IndexTest, MissingFileSaysHowToBuildIt) {
  const std::filesystem::path file = directory_.path() / "absent.idx";
  const std::string message = open_error(file);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
  EXPECT_NE(message.find("probity catalogue build"), std::string::npos) << message;
}

TEST_F(IndexTest, DirectoryIsNotAnIndex) {
  EXPECT_NE(open_error(directory_.path()).find("not a regular file"), std::string::npos);
}

TEST_F(IndexTest, EmptyFileIsRejected) {
  const std::filesystem::path file = directory_.path() / "empty-file.idx";
  write_bytes(file, "");
  EXPECT_NE(open_error(file).find("empty"), std::string::npos);
}

TEST_F(IndexTest, BadMagicIsRejected) {
  const std::filesystem::path file = directory_.path() / "yaml.idx";
  write_bytes(file, "release: 6.18\nmachine: x86_64\nsource: live tracefs\n");
  const std::string message = open_error(file);
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("rebuild it with: probity catalogue build"), std::string::npos) << message;
}

TEST_F(IndexTest, WrongVersionIsRejectedEvenWithAValidChecksum) {
  const std::filesystem::path file = write_sample();
  std::string bytes = read_bytes(file);
  bytes[8] = 9;  // the format version follows the 8-byte magic
  reseal(bytes);
  write_bytes(file, bytes);
  const std::string message = open_error(file);
  EXPECT_NE(message.find("format version 9"), std::string::npos) << message;
}

TEST_F(IndexTest, ChecksumMismatchIsRejected) {
  const std::filesystem::path file = write_sample();
  std::string bytes = read_bytes(file);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  write_bytes(file, bytes);
  const std::string message = open_error(file);
  EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
}

TEST_F(IndexTest, EveryTruncationIsRejected) {
  const std::filesystem::path file = write_sample();
  const std::string bytes = read_bytes(file);
  const std::filesystem::path truncated = directory_.path() / "truncated.idx";
  for (std::size_t length = 1; length < bytes.size(); ++length) {
    write_bytes(truncated, bytes.substr(0, length));
    const std::string message = open_error(truncated);
    EXPECT_NE(message.find("truncated"), std::string::npos) << "length " << length << ": " << message;
  }
}

TEST_F(IndexTest, TrailingBytesAreRejected) {
  const std::filesystem::path file = write_sample();
  write_bytes(file, read_bytes(file) + "extra");
  EXPECT_NE(open_error(file).find("trailing bytes"), std::string::npos);
}

TEST_F(IndexTest, EverySingleBitFlipIsDetected) {
  const std::filesystem::path file = write_sample();
  const std::string original = read_bytes(file);
  const std::filesystem::path damaged = directory_.path() / "damaged.idx";
  for (std::size_t position = 0; position < original.size(); ++position) {
    std::string bytes = original;
    bytes[position] = static_cast<char>(bytes[position] ^ (1 << (position % 8)));
    write_bytes(damaged, bytes);
    EXPECT_FALSE(open_error(damaged).empty()) << "flip at byte " << position;
  }
}

// Past the checksum (as a forged or buggy writer could), garbage in any byte
// must still give an IndexError or a decodable catalogue, never a crash or a
// huge allocation.
TEST_F(IndexTest, GarbageBehindAValidChecksumNeverCrashes) {
  const std::filesystem::path file = write_sample();
  const std::string original = read_bytes(file);
  const std::filesystem::path damaged = directory_.path() / "garbage.idx";
  std::size_t rejected = 0;
  for (std::size_t position = 0; position + 8 < original.size(); ++position) {
    for (const int value : {0x00, 0x7f, 0xff}) {
      std::string bytes = original;
      if (static_cast<unsigned char>(bytes[position]) == value) continue;
      bytes[position] = static_cast<char>(value);
      reseal(bytes);
      write_bytes(damaged, bytes);
      try {
        const Index index = Index::open(damaged);
        for (const std::string& release : index.releases()) (void)index.load(release);
      } catch (const IndexError& error) {
        EXPECT_NE(std::string(error.what()).find(damaged.string()), std::string::npos);
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 0u);
}

// The docs an index carries describe a kernel none of its releases is,
// exactly as the YAML sources would (the running kernel's catalogue, host.hpp).
TEST_F(IndexTest, DocsRoundTripAndDescribeAnUncataloguedKernelAsTheSourcesDo) {
  const CatalogueSources sources = load_sources(std::filesystem::path(PROBITY_TEST_FIXTURES) / "catalogue");
  const std::filesystem::path file = directory_.path() / "docs.idx";
  write_index(build_all_catalogues(sources), catalogue_docs(sources), "feedfacefeedface", file);
  const Index index = Index::open(file);
  ASSERT_TRUE(index.has_docs());
  const CatalogueDocs docs = index.docs();
  EXPECT_EQ(docs.event_releases, catalogue_docs(sources).event_releases);
  ASSERT_EQ(docs.providers.size(), sources.providers.size());
  for (const KernelSnapshot& kernel : sources.kernels) {
    KernelSnapshot uncatalogued = kernel;
    uncatalogued.release = kernel.release + "-other-build";
    SCOPED_TRACE(uncatalogued.release);
    expect_same(build_catalogue(docs, uncatalogued), build_catalogue(sources, uncatalogued));
  }

  // Past the checksum, garbage in the docs is an IndexError, never a crash.
  const std::string original = read_bytes(file);
  const std::filesystem::path damaged = directory_.path() / "damaged-docs.idx";
  std::size_t rejected = 0;
  for (std::size_t position = 0; position + 8 < original.size(); position += 7) {
    std::string bytes = original;
    bytes[position] = static_cast<char>(~bytes[position]);
    reseal(bytes);
    write_bytes(damaged, bytes);
    try {
      const Index opened = Index::open(damaged);
      if (opened.has_docs()) (void)opened.docs();
    } catch (const IndexError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0u);
}

TEST_F(IndexTest, AnIndexWithoutDocsSaysSoWhenAskedForThem) {
  const Index index = Index::open(write_sample());
  EXPECT_FALSE(index.has_docs());
  try {
    (void)index.docs();
    ADD_FAILURE() << "docs() of an index without docs did not throw";
  } catch (const IndexError& error) {
    EXPECT_NE(std::string(error.what()).find("no docs"), std::string::npos) << error.what();
  }
}

class HashSourcesTest : public ::testing::Test {
 protected:
  void write(const std::string& relative, const std::string& content) {
    const std::filesystem::path file = directory_.path() / relative;
    std::filesystem::create_directories(file.parent_path());
    write_bytes(file, content);
  }
  std::string hash() const { return hash_sources(directory_.path()); }

  test_support::ScratchDirectory directory_{"probity-index-test"};
};

TEST_F(HashSourcesTest, EmptyDirectoryIsTheFnvOffsetBasis) {
  EXPECT_EQ(hash(), "cbf29ce484222325");
}

TEST_F(HashSourcesTest, IsSixteenHexDigitsAndStable) {
  write("common.yaml", "common_fields: {}\n");
  write("providers/sched.yaml", "provider: sched\n");
  const std::string first = hash();
  ASSERT_EQ(first.size(), 16u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  EXPECT_EQ(hash(), first);
}

TEST_F(HashSourcesTest, ChangesWithContentAndPaths) {
  write("providers/sched.yaml", "provider: sched\n");
  const std::string original = hash();
  write("providers/sched.yaml", "provider: sched \n");
  const std::string edited = hash();
  EXPECT_NE(edited, original);
  std::filesystem::rename(directory_.path() / "providers/sched.yaml",
                          directory_.path() / "providers/sched2.yaml");
  EXPECT_NE(hash(), edited);
}

TEST_F(HashSourcesTest, MovingBytesBetweenFilesChangesTheHash) {
  write("a.yaml", "xy");
  write("b.yaml", "z");
  const std::string first = hash();
  write("a.yaml", "x");
  write("b.yaml", "yz");
  EXPECT_NE(hash(), first);
}

TEST_F(HashSourcesTest, OnlyYamlFilesCount) {
  write("providers/sched.yaml", "provider: sched\n");
  const std::string original = hash();
  write("README.md", "notes");
  write("providers/sched.yaml.swp", "junk");
  EXPECT_EQ(hash(), original);
}

TEST_F(HashSourcesTest, IndependentOfWhereTheTreeLives) {
  write("providers/sched.yaml", "provider: sched\n");
  test_support::ScratchDirectory other{"probity-index-test"};
  std::filesystem::create_directories(other.path() / "providers");
  write_bytes(other.path() / "providers/sched.yaml", "provider: sched\n");
  EXPECT_EQ(hash_sources(other.path()), hash());
}

TEST_F(HashSourcesTest, MissingDirectoryIsAnError) {
  EXPECT_THROW(hash_sources(directory_.path() / "absent"), IndexError);
}

}  // namespace
}  // namespace probity::catalogue
