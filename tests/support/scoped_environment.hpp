// Sets an environment variable for one test (PROBITY_POLICY, PROBITY_KEYS,
// PROBITY_OS_RELEASE, ...), for the probity processes it starts, and unsets
// it when the test is done.
#pragma once

#include <stdlib.h>

#include <fstream>
#include <string>

namespace probity::test_support {

class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnvironment() { ::unsetenv(name_); }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
};

}  // namespace probity::test_support

namespace probity::test_support {

// Whether this machine's /etc/os-release names Debian (ID or ID_LIKE): its
// installed vendor overlays then apply whatever $PROBITY_OS_RELEASE says.
inline bool host_is_debian_like() {
  std::ifstream file("/etc/os-release");
  for (std::string line; std::getline(file, line);) {
    if ((line.starts_with("ID=") || line.starts_with("ID_LIKE=")) && line.find("debian") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace probity::test_support
