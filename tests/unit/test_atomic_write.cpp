// atomic_write.h on the real file system: contents written, old files replaced whole, nothing
// but the targets left in the directory (no temporaries, on success or failure), errors naming
// the path and the system's reason, and the set writer's all-or-nothing promise.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>

#include "atomic_write.h"

namespace filterlens {
namespace {

namespace fs = std::filesystem;

class AtomicWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("filterlens-atomic-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static std::set<std::string> names(const fs::path& d) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(d)) out.insert(e.path().filename().string());
    return out;
  }
  static std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

  fs::path dir_;
};

TEST_F(AtomicWrite, WritesAndReplacesWholeFiles) {
  const std::string path = (dir_ / "w.bin").string();
  ASSERT_TRUE(write_file_atomic(path, bytes("first version")));
  EXPECT_EQ(read(path), "first version");
  ASSERT_TRUE(write_file_atomic(path, bytes("2nd")));
  EXPECT_EQ(read(path), "2nd");
  ASSERT_TRUE(write_file_atomic(path, nullptr, 0));
  EXPECT_EQ(read(path), "");
  EXPECT_EQ(names(dir_), std::set<std::string>{"w.bin"});
}

TEST_F(AtomicWrite, FailureNamesThePathAndTheCauseAndKeepsTheOldFile) {
  const std::string missing = (dir_ / "no-such-dir" / "w.bin").string();
  Status s = write_file_atomic(missing, bytes("x"));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("'" + missing + "'"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("No such file or directory"), std::string::npos) << s.error();

  // A directory cannot be replaced by a file: the rename fails, the directory and its content
  // stay, and the temporary is gone.
  fs::create_directories(dir_ / "taken" / "inside");
  s = write_file_atomic((dir_ / "taken").string(), bytes("x"));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("taken"), std::string::npos) << s.error();
  EXPECT_TRUE(fs::is_directory(dir_ / "taken" / "inside"));
  EXPECT_EQ(names(dir_), std::set<std::string>{"taken"});
}

// A rename replaces whatever has the name: a pipe, a link, a device (the CLI's `train --out
// /dev/null`, run as root, turned /dev/null into a 421 KB file). Such targets are refused with
// nothing written and left as they were; a regular file behind a link is not touched.
TEST_F(AtomicWrite, TargetsThatAreNotRegularFilesAreRefusedAndKept) {
  // (Node's file system under the wasm tests makes a regular file for mkfifo: the pipe is
  // checked natively, where the CLI writes; the link and the device everywhere.)
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
#if defined(__EMSCRIPTEN__)
  const bool real_fifo = false;
#else
  const bool real_fifo = true;
#endif
  const fs::path target = dir_ / "real.bin";
  ASSERT_TRUE(write_file_atomic(target.string(), bytes("kept")));
  const fs::path link = dir_ / "link.bin";
  fs::create_symlink(target, link);
  for (const auto& [path, what] : {std::pair{fifo, "a pipe"}, std::pair{link, "a symbolic link"},
                                   std::pair{fs::path("/dev/null"), "a device"}}) {
    if (path == fifo && !real_fifo) continue;
    Status s = write_file_atomic(path.string(), bytes("new"));
    ASSERT_FALSE(s) << path;
    EXPECT_NE(s.error().find(what), std::string::npos) << s.error();
    EXPECT_NE(s.error().find(path.string()), std::string::npos) << s.error();
  }
  if (real_fifo) {
    EXPECT_TRUE(fs::is_fifo(fifo));
  }
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(target), "kept");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // The same in a set: refused before any file of the set is renamed.
  Status s = write_files_atomic(dir_.string(), {{"a.npy", bytes("1")}, {"link.bin", bytes("2")}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("a symbolic link"), std::string::npos) << s.error();
  EXPECT_EQ(names(dir_), (std::set<std::string>{"pipe", "real.bin", "link.bin"}));
  EXPECT_EQ(read(target), "kept");
}

// The CLI protects its inputs: `filterlens-cli D/figure.png --out D` replaced the photo with its
// own figure. Refused before any rename, by the same file under any path.
TEST_F(AtomicWrite, ASetDoesNotReplaceAFileItProtects) {
  ASSERT_TRUE(write_file_atomic((dir_ / "figure.png").string(), bytes("the photo")));
  AtomicFileSet set(dir_.string());
  set.protect((dir_ / "." / "figure.png").string(), "the input image");
  set.protect((dir_ / "missing.npy").string(), "the bank file read");  // nothing to protect
  ASSERT_TRUE(set.add("gray.npy", bytes("g")));
  ASSERT_TRUE(set.add("figure.png", bytes("a figure")));
  Status s = set.commit();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("it is the input image"), std::string::npos) << s.error();
  EXPECT_EQ(read(dir_ / "figure.png"), "the photo");
  EXPECT_FALSE(fs::exists(dir_ / "gray.npy"));
  AtomicFileSet other(dir_.string());
  other.protect((dir_ / "missing.npy").string(), "the bank file read");
  ASSERT_TRUE(other.add("missing.npy", bytes("m")));
  ASSERT_TRUE(other.commit());  // it did not exist when protected
}

TEST_F(AtomicWrite, SetIsWrittenIntoANewDirectory) {
  const fs::path out = dir_ / "a" / "b";
  ASSERT_TRUE(
      write_files_atomic(out.string(), {{"one.npy", bytes("1")}, {"two.png", bytes("22")}}));
  EXPECT_EQ(names(out), (std::set<std::string>{"one.npy", "two.png"}));
  EXPECT_EQ(read(out / "two.png"), "22");
}

TEST_F(AtomicWrite, SetIsAllOrNothing) {
  // The second target is a non-empty directory, so its rename fails after the first file was
  // renamed into place: the first is taken back and no temporary stays.
  fs::create_directories(dir_ / "b.png" / "keep");
  Status s = write_files_atomic(dir_.string(), {{"a.npy", bytes("1")}, {"b.png", bytes("2")}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("b.png"), std::string::npos) << s.error();
  EXPECT_EQ(names(dir_), std::set<std::string>{"b.png"});
  EXPECT_TRUE(fs::is_directory(dir_ / "b.png" / "keep"));

  // Over a previous set: a directory in the way of one file fails it, and every file of the
  // previous set stays as it was (the CLI's second run into the same folder).
  const fs::path out = dir_ / "out";
  ASSERT_TRUE(write_files_atomic(
      out.string(), {{"a.npy", bytes("old a")}, {"b.png", bytes("old b")}, {"c.png", bytes("c")}}));
  fs::remove(out / "b.png");
  fs::create_directories(out / "b.png");
  s = write_files_atomic(
      out.string(),
      {{"a.npy", bytes("new a")}, {"b.png", bytes("new b")}, {"c.png", bytes("new c")}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("b.png"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("Is a directory"), std::string::npos) << s.error();
  EXPECT_EQ(names(out), (std::set<std::string>{"a.npy", "b.png", "c.png"}));
  EXPECT_EQ(read(out / "a.npy"), "old a");
  EXPECT_EQ(read(out / "c.png"), "c");
  fs::remove(out / "b.png");

  // Replacing a set keeps the previous files under a second name only until it is in place.
  {
    AtomicFileSet set(out.string());
    ASSERT_TRUE(set.add("a.npy", reinterpret_cast<const std::uint8_t*>("newer a"), 7));
    ASSERT_TRUE(set.add("c.png", reinterpret_cast<const std::uint8_t*>("newer c"), 7));
    ASSERT_TRUE(set.commit());
  }
  EXPECT_EQ(read(out / "a.npy"), "newer a");
  EXPECT_EQ(read(out / "c.png"), "newer c");
  EXPECT_EQ(names(out), (std::set<std::string>{"a.npy", "c.png"})) << "no links left behind";

  // A directory that cannot be created (a file is in the way) is reported as such.
  std::ofstream(dir_ / "file") << "x";
  s = write_files_atomic((dir_ / "file" / "sub").string(), {{"a.npy", bytes("1")}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("cannot create directory"), std::string::npos) << s.error();

  s = write_files_atomic(dir_.string(), {{"../escape", bytes("1")}});
  EXPECT_FALSE(s);
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "escape"));
}

// Fails the n-th rename of a commit (counting from 1) with EIO; the others are std::rename.
int g_renames = 0, g_fail_at = 0;
int failing_rename(const char* from, const char* to) {
  if (++g_renames == g_fail_at) {
    errno = EIO;
    return -1;
  }
  return std::rename(from, to);
}

TEST_F(AtomicWrite, ARenameFailingHalfWayPutsThePreviousSetBack) {
  // Whether this file system makes hard links (node's file system under the wasm tests does not):
  // without them the files already renamed are removed instead of put back.
  std::ofstream(dir_ / "probe") << "x";
  const bool links = ::link((dir_ / "probe").c_str(), (dir_ / "probe.link").c_str()) == 0;
  fs::remove(dir_ / "probe");
  fs::remove(dir_ / "probe.link");
  const fs::path out = dir_ / "out";
  for (int fail_at : {1, 2, 3}) {
    ASSERT_TRUE(
        write_files_atomic(out.string(), {{"a.npy", bytes("old a")}, {"b.png", bytes("old b")}}));
    g_renames = 0;
    g_fail_at = fail_at;
    detail::commit_rename = failing_rename;
    const Status s = write_files_atomic(
        out.string(),
        {{"a.npy", bytes("new a")}, {"new.png", bytes("new")}, {"b.png", bytes("new b")}});
    detail::commit_rename = std::rename;
    ASSERT_FALSE(s) << fail_at;
    const char* failed[] = {"a.npy", "new.png", "b.png"};
    EXPECT_NE(s.error().find(failed[fail_at - 1]), std::string::npos) << s.error();
    // The previous set, whole (the first rename failed, or links kept it); the name it did not
    // have is not there; no temporaries or links are left.
    if (links || fail_at == 1) {
      EXPECT_EQ(names(out), (std::set<std::string>{"a.npy", "b.png"})) << fail_at;
      EXPECT_EQ(read(out / "a.npy"), "old a") << fail_at;
    } else {
      EXPECT_EQ(names(out), (std::set<std::string>{"b.png"})) << fail_at;
    }
    EXPECT_EQ(read(out / "b.png"), "old b") << fail_at;
  }
}

}  // namespace
}  // namespace filterlens
