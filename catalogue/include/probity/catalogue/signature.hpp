// Detached Ed25519 signatures (OpenSSL's EVP API) of overlays and compiled
// objects: FILE.sig next to FILE holds the 64-byte signature of FILE's bytes,
// the same as `openssl pkeyutl -sign -rawin` makes, so the file formats never
// change. Public keys are PEM files (*.pem) in the keys directory
// (/etc/probity/keys, or $PROBITY_KEYS).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace probity::catalogue {

// what() names the file and the reason, on one line.
class SignatureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// FILE -> FILE.sig
std::filesystem::path signature_file(const std::filesystem::path& file);

// Writes a new Ed25519 key pair as PEM: the private key (mode 0600) and its public key.
void generate_key_pair(const std::filesystem::path& private_key, const std::filesystem::path& public_key);

// Signs `file` with the PEM private key, writing signature_file(file).
void sign_file(const std::filesystem::path& file, const std::filesystem::path& private_key);

// Returns the public key that verifies `file`'s signature; throws
// SignatureError when there is no signature, it is malformed, or no key in
// `keys` verifies it (the file was changed after signing, or signed with a key
// not trusted here). Key files must be owned by root and not group- or
// world-writable.
std::filesystem::path verify_signature(const std::filesystem::path& file, const std::filesystem::path& keys);

}  // namespace probity::catalogue
