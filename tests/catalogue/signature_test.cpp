// Detached Ed25519 signatures: sign, verify, and every way verification fails.
#include "probity/catalogue/signature.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using test_support::ScratchDirectory;

class Signature : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(keys());
    generate_key_pair(scratch_.path() / "private.pem", keys() / "site.pem");
    file_ = scratch_.write("overlay.yaml", "vendor: acme\nreleases: ['*']\n");
  }
  fs::path keys() const { return scratch_.path() / "keys"; }
  std::string failure(const fs::path& file) {
    try {
      verify_signature(file, keys());
    } catch (const SignatureError& error) {
      return error.what();
    }
    return "";
  }

  ScratchDirectory scratch_{"probity-signature"};
  fs::path file_;
};

TEST_F(Signature, ASignedFileVerifies) {
  sign_file(file_, scratch_.path() / "private.pem");
  EXPECT_EQ(fs::file_size(signature_file(file_)), 64u);
  EXPECT_EQ(verify_signature(file_, keys()), keys() / "site.pem");
}

TEST_F(Signature, ATamperedFileIsRefusedNamingTheFile) {
  sign_file(file_, scratch_.path() / "private.pem");
  std::ofstream(file_, std::ios::app) << "# changed\n";
  const std::string message = failure(file_);
  EXPECT_NE(message.find(file_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("changed after it was signed"), std::string::npos) << message;
}

TEST_F(Signature, AnUnsignedFileIsRefused) {
  const std::string message = failure(file_);
  EXPECT_NE(message.find("is not signed"), std::string::npos) << message;
  EXPECT_NE(message.find(signature_file(file_).string()), std::string::npos) << message;
}

TEST_F(Signature, AnotherKeysSignatureIsRefused) {
  generate_key_pair(scratch_.path() / "other.pem", scratch_.path() / "other.pub");
  sign_file(file_, scratch_.path() / "other.pem");
  EXPECT_NE(failure(file_).find("does not match"), std::string::npos);
}

TEST_F(Signature, ATruncatedSignatureIsRefused) {
  scratch_.write("overlay.yaml.sig", "short");
  EXPECT_NE(failure(file_).find("not the 64 of an Ed25519 signature"), std::string::npos) << failure(file_);
}

TEST_F(Signature, NoKeysIsRefused) {
  sign_file(file_, scratch_.path() / "private.pem");
  fs::remove(keys() / "site.pem");
  EXPECT_NE(failure(file_).find("no public key"), std::string::npos) << failure(file_);
}

TEST_F(Signature, AWritableKeyIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: keys must be owned by root";
  sign_file(file_, scratch_.path() / "private.pem");
  ASSERT_EQ(::chmod((keys() / "site.pem").c_str(), 0666), 0);
  EXPECT_NE(failure(file_).find("writable"), std::string::npos) << failure(file_);
}

TEST_F(Signature, APrivateKeyThatIsNoKeyIsAClearError) {
  const fs::path bogus = scratch_.write("bogus.pem", "not a key\n");
  try {
    sign_file(file_, bogus);
    FAIL();
  } catch (const SignatureError& error) {
    EXPECT_NE(std::string(error.what()).find("openssl genpkey -algorithm ed25519"), std::string::npos);
  }
}

}  // namespace
}  // namespace probity::catalogue
