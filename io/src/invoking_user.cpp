#include "probity/io/invoking_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace probity::io {
namespace {

std::optional<unsigned long> id_from_environment(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  unsigned long value = 0;
  const std::string_view view(text);
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc{} || end != view.data() + view.size()) return std::nullopt;
  return value;
}

// setgroups(2) for this thread alone: glibc's wrapper applies it to every
// thread of the process, which must keep root's.
int set_thread_groups(const std::vector<gid_t>& groups) {
  return static_cast<int>(::syscall(SYS_setgroups, groups.size(), groups.data()));
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("probity: cannot take the invoking user's file access (") + what +
                           "): " + std::strerror(errno));
}

}  // namespace

std::optional<InvokingUser> invoking_user() {
  if (::getuid() != 0 || ::geteuid() != 0) return std::nullopt;
  std::optional<unsigned long> uid = id_from_environment("SUDO_UID");
  std::optional<unsigned long> gid = uid ? id_from_environment("SUDO_GID") : std::nullopt;
  if (!uid) uid = id_from_environment("PKEXEC_UID");
  if (!uid || *uid == 0) return std::nullopt;
  InvokingUser user;
  user.uid = static_cast<uid_t>(*uid);
  const passwd* entry = ::getpwuid(user.uid);
  user.gid = gid ? static_cast<gid_t>(*gid) : entry != nullptr ? entry->pw_gid : static_cast<gid_t>(*uid);
  if (entry != nullptr) {
    int count = 32;
    for (int attempt = 0; attempt < 4; ++attempt) {
      user.groups.resize(static_cast<std::size_t>(count));
      const int previous = count;
      if (::getgrouplist(entry->pw_name, user.gid, user.groups.data(), &count) >= 0) break;
      if (count <= previous) count = previous * 2;
    }
    user.groups.resize(static_cast<std::size_t>(count));
  } else {
    user.groups = {user.gid};
  }
  return user;
}

AsInvokingUser::AsInvokingUser() {
  const std::optional<InvokingUser> user = invoking_user();
  if (!user) return;
  const int count = ::getgroups(0, nullptr);
  if (count < 0) fail("getgroups");
  saved_groups_.resize(static_cast<std::size_t>(count));
  if (::getgroups(count, saved_groups_.data()) < 0) fail("getgroups");
  // Groups first, while still root; then the group and user ids.
  if (set_thread_groups(user->groups) != 0) fail("setgroups");
  saved_fsgid_ = static_cast<gid_t>(::setfsgid(user->gid));
  saved_fsuid_ = static_cast<uid_t>(::setfsuid(user->uid));
  switched_ = true;
  // setfsuid reports no error: asking again returns the id now in force.
  if (static_cast<uid_t>(::setfsuid(user->uid)) != user->uid || static_cast<gid_t>(::setfsgid(user->gid)) != user->gid) {
    restore();
    errno = EPERM;
    fail("setfsuid");
  }
}

AsInvokingUser::~AsInvokingUser() { restore(); }

void AsInvokingUser::restore() noexcept {
  if (!switched_) return;
  switched_ = false;
  ::setfsuid(saved_fsuid_);
  ::setfsgid(saved_fsgid_);
  set_thread_groups(saved_groups_);
}

}  // namespace probity::io
