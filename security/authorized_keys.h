#pragma once
// Who may connect when CURVE is on: public key -> name. The name is what the ZAP handler
// reports as User-Id and what `ack` records as `by`.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace floorwatch::security {

/// The authorized public keys (Z85) and their names. Plain value type.
class AuthorizedKeys {
 public:
  /// Adds a key; false when the key is already listed (under any name).
  bool add(const std::string& public_key, const std::string& name);
  /// The name of a listed key.
  std::optional<std::string> name_of(const std::string& public_key) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::map<std::string, std::string> names_;  // Z85 public key -> name
};

/// Parses a file of `NAME Z85-PUBLIC-KEY` lines (blank lines and `#` comments ignored). A bad
/// line throws KeyFileError `FILE:LINE: problem`; `file_name` only names the source.
AuthorizedKeys parse_authorized_keys(const std::string& text, const std::string& file_name);

/// Loads `path`: a directory of public certificates (every `NAME.key` in it; the name is the
/// file name without `.key`; a `.key_secret` there is an error) or a file of lines as above.
/// Throws KeyFileError.
AuthorizedKeys load_authorized_keys(const std::filesystem::path& path);

}  // namespace floorwatch::security
