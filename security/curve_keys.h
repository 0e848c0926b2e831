#pragma once
// CURVE key pairs and their files, in the ZeroMQ/czmq certificate text format (ZPL):
//   curve
//       public-key = "Z85..."
//       secret-key = "Z85..."      (secret file only)
// The public certificate is NAME.key, the secret one NAME.key_secret (mode 0600).
#include <filesystem>
#include <stdexcept>
#include <string>

namespace floorwatch::security {

/// A key file or authorized-keys problem, worded `FILE:LINE: problem` (or `FILE: problem`).
class KeyFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A CURVE key pair, both keys Z85-encoded (40 characters). Plain value type.
struct KeyPair {
  std::string public_key;
  std::string secret_key;  ///< empty when only the public certificate was read
};

/// A fresh key pair from libsodium's random source (zmq_curve_keypair). Throws
/// std::runtime_error when libzmq was built without CURVE.
KeyPair generate_key_pair();

/// True for 40 characters of the Z85 alphabet that decode to 32 bytes.
bool is_z85_key(const std::string& text);

/// True for names usable as key names (`by` of an ack, metric labels): 1-64 characters of
/// letters, digits and `. _ @ -`, starting with a letter or digit.
bool is_valid_key_name(const std::string& name);

/// Certificate text; `secret` adds the secret key (the .key_secret file). `name` goes into
/// the `metadata` section for people reading the file.
std::string format_certificate(const KeyPair& keys, const std::string& name, bool secret);

/// Parses certificate text. `file_name` only names the source in errors. Requires a valid
/// public key; requires the secret key (and checks that it matches) when `need_secret`.
KeyPair parse_certificate(const std::string& text, const std::string& file_name, bool need_secret);

/// Reads NAME.key (public certificate). Throws KeyFileError.
std::string read_public_key_file(const std::filesystem::path& path);
/// Reads NAME.key_secret. Refuses a file readable or writable by "others" (mode & 007) like
/// ssh does. Throws KeyFileError.
KeyPair read_key_pair_file(const std::filesystem::path& path);

/// The two files keygen writes. Plain value type.
struct KeyFilePaths {
  std::filesystem::path public_file;  ///< DIR/NAME.key
  std::filesystem::path secret_file;  ///< DIR/NAME.key_secret, mode 0600
};
/// Writes `keys` as DIR/NAME.key and DIR/NAME.key_secret; never overwrites (KeyFileError if
/// either exists). The secret file is created 0600 before anything is written into it.
KeyFilePaths write_key_files(const KeyPair& keys, const std::filesystem::path& directory,
                             const std::string& name);

}  // namespace floorwatch::security
