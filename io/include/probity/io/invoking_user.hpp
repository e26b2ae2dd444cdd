// Files named on the command line are opened with the rights of whoever
// named them. A site may let operators run probity as root through sudo so
// that it can reach tracefs; that must not also let them read /etc/shadow as
// a "script" or replace /etc/passwd with "-o". While an AsInvokingUser is
// alive, the calling thread's file access (setfsuid/setfsgid and its
// supplementary groups) is checked as the invoking user's, and files it
// creates are that user's.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace probity::io {

struct InvokingUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary, as the group database gives them
};

// The non-root user on whose behalf this root process runs, if any: taken
// from SUDO_UID/SUDO_GID (set by sudo itself, which a user it runs cannot
// choose) or PKEXEC_UID, and only when the real user is root. nullopt when
// probity runs as its own user or as root for root.
std::optional<InvokingUser> invoking_user();

class AsInvokingUser {
 public:
  AsInvokingUser();  // does nothing unless invoking_user() names someone
  ~AsInvokingUser();
  AsInvokingUser(const AsInvokingUser&) = delete;
  AsInvokingUser& operator=(const AsInvokingUser&) = delete;

 private:
  void restore() noexcept;

  bool switched_ = false;
  uid_t saved_fsuid_ = 0;
  gid_t saved_fsgid_ = 0;
  std::vector<gid_t> saved_groups_;
};

// fn() with the invoking user's file access.
template <typename Fn>
decltype(auto) as_invoking_user(Fn&& fn) {
  const AsInvokingUser guard;
  return fn();
}

}  // namespace probity::io
