// Sets an environment variable for one test (PROBITY_POLICY, PROBITY_KEYS,
// PROBITY_OS_RELEASE, ...), for the probity processes it starts, and unsets
// it when the test is done.
#pragma once

#include <stdlib.h>

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
