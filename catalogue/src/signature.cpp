// Ed25519 through OpenSSL's EVP API; every OpenSSL object is owned by a
// unique_ptr with its free function.
#include "probity/catalogue/signature.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/io/files.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t ed25519_signature_size = 64;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextFree>;
using File = std::unique_ptr<std::FILE, FileClose>;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

File open_file(const fs::path& file, const char* mode) {
  File handle(std::fopen(file.c_str(), mode));
  if (!handle) {
    throw SignatureError(file.string() + ": " + std::error_code(errno, std::generic_category()).message());
  }
  return handle;
}

std::vector<unsigned char> read_bytes(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw SignatureError(file.string() + ": cannot read it");
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const unsigned char* data, std::size_t size) {
  try {
    io::write_file_atomically(file, {reinterpret_cast<const char*>(data), size});
  } catch (const io::FileError& error) {
    throw SignatureError(error.what());
  }
}

Pkey read_private_key(const fs::path& file) {
  const File handle = open_file(file, "r");
  Pkey key(PEM_read_PrivateKey(handle.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    throw SignatureError(file.string() + ": not an Ed25519 private key in PEM form (make one with: openssl genpkey -algorithm ed25519 -out " +
                         file.string() + ")");
  }
  return key;
}

Pkey read_public_key(const fs::path& file) {
  const File handle = open_file(file, "r");
  Pkey key(PEM_read_PUBKEY(handle.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return nullptr;
  return key;
}

bool verifies(EVP_PKEY* key, const std::vector<unsigned char>& signature, const std::vector<unsigned char>& data) {
  DigestContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key) != 1) return false;
  const int result = EVP_DigestVerify(context.get(), signature.data(), signature.size(), data.data(), data.size());
  ERR_clear_error();
  return result == 1;
}

}  // namespace

fs::path signature_file(const fs::path& file) { return fs::path(file.string() + ".sig"); }

void generate_key_pair(const fs::path& private_key, const fs::path& public_key) {
  PkeyContext context(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 || EVP_PKEY_keygen(context.get(), &raw) != 1) {
    throw SignatureError("cannot generate an Ed25519 key: " + openssl_error());
  }
  const Pkey key(raw);
  {
    const File handle = open_file(private_key, "w");
    fs::permissions(private_key, fs::perms::owner_read | fs::perms::owner_write);
    if (PEM_write_PrivateKey(handle.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      throw SignatureError(private_key.string() + ": cannot write the private key: " + openssl_error());
    }
  }
  const File handle = open_file(public_key, "w");
  if (PEM_write_PUBKEY(handle.get(), key.get()) != 1) {
    throw SignatureError(public_key.string() + ": cannot write the public key: " + openssl_error());
  }
}

void sign_file(const fs::path& file, const fs::path& private_key) {
  const Pkey key = read_private_key(private_key);
  const std::vector<unsigned char> data = read_bytes(file);
  DigestContext context(EVP_MD_CTX_new());
  std::vector<unsigned char> signature(ed25519_signature_size);
  std::size_t size = signature.size();
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), signature.data(), &size, data.data(), data.size()) != 1) {
    throw SignatureError(file.string() + ": cannot sign it: " + openssl_error());
  }
  write_bytes(signature_file(file), signature.data(), size);
}

fs::path verify_signature(const fs::path& file, const fs::path& keys) {
  const fs::path signature_path = signature_file(file);
  std::error_code error;
  if (!fs::exists(signature_path, error)) {
    throw SignatureError(file.string() + " is not signed: there is no " + signature_path.string() +
                         " (the site policy requires signatures; sign it with probity sign --key KEY.pem " +
                         file.string() + ")");
  }
  const std::vector<unsigned char> signature = read_bytes(signature_path);
  if (signature.size() != ed25519_signature_size) {
    throw SignatureError(file.string() + ": its signature " + signature_path.string() + " is " +
                         std::to_string(signature.size()) + " bytes, not the 64 of an Ed25519 signature");
  }
  std::vector<fs::path> key_files;
  for (fs::directory_iterator it(keys, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".pem") key_files.push_back(it->path());
  }
  std::sort(key_files.begin(), key_files.end());
  if (key_files.empty()) {
    throw SignatureError(file.string() + ": no public key to check its signature against: no *.pem in " +
                         keys.string());
  }
  const std::vector<unsigned char> data = read_bytes(file);
  for (const fs::path& key_file : key_files) {
    try {
      require_root_owned(key_file, "key");
    } catch (const CatalogueError& refused) {
      throw SignatureError(refused.diagnostics().front().where.file + ": " + refused.diagnostics().front().message);
    }
    const Pkey key = read_public_key(key_file);
    if (key && verifies(key.get(), signature, data)) return key_file;
  }
  throw SignatureError(file.string() + ": its signature " + signature_path.string() +
                       " does not match it under any key in " + keys.string() +
                       " (the file was changed after it was signed, or signed with a key not trusted here)");
}

}  // namespace probity::catalogue
