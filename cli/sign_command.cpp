#include "sign_command.hpp"

#include <ostream>

#include "cli_error.hpp"
#include "probity/catalogue/signature.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::cli {

int run_sign(const std::vector<std::string>& arguments, std::ostream& out) {
  const io::AsInvokingUser as_user;  // keys and files are the user's, read and written with their rights
  try {
    if (arguments.front() == "keygen") {
      if (arguments.size() != 3) throw UsageError("usage: probity keygen PRIVATE.pem PUBLIC.pem");
      catalogue::generate_key_pair(arguments[1], arguments[2]);
      out << "probity: wrote the Ed25519 private key " << arguments[1] << " and its public key " << arguments[2]
          << " (install the public key in /etc/probity/keys/)\n";
      return 0;
    }
    std::string key;
    std::vector<std::string> files;
    for (std::size_t i = 1; i < arguments.size(); ++i) {
      if (arguments[i] == "--key" && i + 1 < arguments.size()) {
        key = arguments[++i];
      } else if (arguments[i].starts_with("--key=")) {
        key = arguments[i].substr(6);
      } else if (arguments[i].starts_with("-")) {
        throw UsageError("unknown option \"" + arguments[i] + "\"; usage: probity sign --key PRIVATE.pem FILE...");
      } else {
        files.push_back(arguments[i]);
      }
    }
    if (key.empty() || files.empty()) throw UsageError("usage: probity sign --key PRIVATE.pem FILE...");
    for (const std::string& file : files) {
      catalogue::sign_file(file, key);
      out << "probity: wrote " << catalogue::signature_file(file).string() << "\n";
    }
    return 0;
  } catch (const catalogue::SignatureError& error) {
    throw CliError(error.what());
  }
}

}  // namespace probity::cli
