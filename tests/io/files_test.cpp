// Reading only regular files, and the one atomic file write: against real
// files, directories, FIFOs, devices and symbolic links in a scratch
// directory. No root needed.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "probity/io/files.hpp"
#include "support/scratch_directory.hpp"

namespace probity::io {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& file) {
  std::ifstream input(file, std::ios::binary);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

void write_plain(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

template <class Body>
std::string error_of(Body body) {
  try {
    body();
  } catch (const FileError& error) {
    return error.what();
  }
  return "no error";
}

class FilesTest : public ::testing::Test {
 protected:
  test_support::ScratchDirectory scratch_{"probity-files-test"};
  fs::path dir_ = scratch_.path();
};

TEST_F(FilesTest, ReadsARegularFileWithinTheLimit) {
  write_plain(dir_ / "a.txt", "hello\n");
  EXPECT_EQ(read_regular_file(dir_ / "a.txt", 6, "policy"), "hello\n");
  EXPECT_EQ(error_of([&] { read_regular_file(dir_ / "a.txt", 5, "policy"); }),
            "cannot read policy " + (dir_ / "a.txt").string() + ": it is larger than the limit of 5 bytes");
}

TEST_F(FilesTest, RefusesADirectoryAFifoAndADeviceAtOnce) {
  EXPECT_EQ(error_of([&] { read_regular_file(dir_, 100, "script"); }),
            "cannot read script " + dir_.string() + ": it is a directory");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(error_of([&] { read_regular_file(dir_ / "fifo", 100, "policy"); }),
            "cannot read policy " + (dir_ / "fifo").string() + ": it is a FIFO, not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "the FIFO blocked";
  EXPECT_EQ(error_of([&] { read_regular_file("/dev/zero", 100, "script"); }),
            "cannot read script /dev/zero: it is a character device, not a regular file");
  EXPECT_NE(error_of([&] { read_regular_file(dir_ / "missing", 100, "script"); }).find("No such file or directory"),
            std::string::npos);
}

TEST_F(FilesTest, FilesThatSayZeroBytesAreReadToTheEndUpToTheLimit) {
  EXPECT_FALSE(read_regular_file("/proc/self/status", 1 << 20, "").empty());
  EXPECT_NE(error_of([&] { read_regular_file("/proc/self/status", 10, ""); }).find("larger than the limit"),
            std::string::npos);
}

TEST_F(FilesTest, WritesANewFileAndReplacesARegularOneKeepingItsMode) {
  write_file_atomically(dir_ / "new.bin", std::string("one\0two", 7));
  EXPECT_EQ(contents(dir_ / "new.bin"), std::string("one\0two", 7));
  ASSERT_EQ(::chmod((dir_ / "new.bin").c_str(), 0640), 0);
  write_file_atomically(dir_ / "new.bin", "replaced");
  EXPECT_EQ(contents(dir_ / "new.bin"), "replaced");
  struct stat status {};
  ASSERT_EQ(::stat((dir_ / "new.bin").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0640U);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "left " << entry.path();
  }
}

TEST_F(FilesTest, NeverReplacesOrFollowsAnythingButARegularFile) {
  write_plain(dir_ / "target", "keep");
  fs::create_symlink(dir_ / "target", dir_ / "link");
  EXPECT_EQ(error_of([&] { write_file_atomically(dir_ / "link", "x"); }),
            "cannot write " + (dir_ / "link").string() + ": it is a symbolic link, not a regular file");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
  EXPECT_EQ(contents(dir_ / "target"), "keep");

  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { write_file_atomically(dir_ / "fifo", "x"); }).find("it is a FIFO"), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(dir_ / "fifo"));
  fs::create_directory(dir_ / "sub");
  EXPECT_NE(error_of([&] { write_file_atomically(dir_ / "sub", "x"); }).find("it is a directory"), std::string::npos);
  EXPECT_NE(error_of([&] { write_file_atomically("/dev/full", "x"); }).find("it is a character device"),
            std::string::npos);
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
  EXPECT_NE(error_of([&] { write_file_atomically(dir_ / "no" / "dir" / "f", "x"); }).find("No such file or directory"),
            std::string::npos);
}

TEST_F(FilesTest, OpensAStreamOnANewOrRegularFileOnly) {
  write_plain(dir_ / "old", "previous contents");
  const int fd = open_regular_file_for_writing(dir_ / "old");
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "new", 3), 3);
  ::close(fd);
  EXPECT_EQ(contents(dir_ / "old"), "new");
  const int created = open_regular_file_for_writing(dir_ / "created");
  ASSERT_GE(created, 0);
  ::close(created);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "created"));

  write_plain(dir_ / "target", "keep");
  fs::create_symlink(dir_ / "target", dir_ / "link");
  EXPECT_NE(error_of([&] { open_regular_file_for_writing(dir_ / "link"); }).find("symbolic link"), std::string::npos);
  EXPECT_EQ(contents(dir_ / "target"), "keep");
  fs::create_symlink(dir_ / "nowhere", dir_ / "dangling");
  EXPECT_NE(error_of([&] { open_regular_file_for_writing(dir_ / "dangling"); }).find("symbolic link"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { open_regular_file_for_writing(dir_ / "fifo"); }).find("FIFO"), std::string::npos);
  EXPECT_NE(error_of([&] { open_regular_file_for_writing("/dev/null"); }).find("character device"), std::string::npos);
  EXPECT_NE(error_of([&] { open_regular_file_for_writing(dir_); }).find("directory"), std::string::npos);
}

}  // namespace
}  // namespace probity::io
