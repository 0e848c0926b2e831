#include "security/authorized_keys.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "security/curve_keys.h"

namespace floorwatch::security {

bool AuthorizedKeys::add(const std::string& public_key, const std::string& name) {
  return names_.emplace(public_key, name).second;
}

std::optional<std::string> AuthorizedKeys::name_of(const std::string& public_key) const {
  const auto found = names_.find(public_key);
  if (found == names_.end()) return std::nullopt;
  return found->second;
}

AuthorizedKeys parse_authorized_keys(const std::string& text, const std::string& file_name) {
  AuthorizedKeys keys;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    const auto fail = [&](const std::string& problem) {
      throw KeyFileError(file_name + ":" + std::to_string(line_number) + ": " + problem);
    };
    std::istringstream fields(line);
    std::string name, key, extra;
    fields >> name;
    if (name.empty() || name[0] == '#') continue;
    fields >> key >> extra;
    if (key.empty()) fail("expected `NAME PUBLIC-KEY`, got only \"" + name + "\"");
    if (!extra.empty())
      fail("expected `NAME PUBLIC-KEY`, got more after the key: \"" + extra + "\"");
    if (!is_valid_key_name(name))
      fail("name \"" + name + "\": use 1-64 letters, digits and . _ @ -");
    if (!is_z85_key(key))
      fail("public key of \"" + name + "\" must be 40 Z85 characters, got \"" + key + "\"");
    if (!keys.add(key, name))
      fail("the key of \"" + name + "\" is listed already as \"" + *keys.name_of(key) + "\"");
  }
  return keys;
}

AuthorizedKeys load_authorized_keys(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
      const auto extension = entry.path().extension();
      if (extension == ".key_secret")
        throw KeyFileError(entry.path().string() +
                           ": a secret key in the authorized-keys directory; only public "
                           "NAME.key certificates belong there");
      if (extension == ".key" && entry.is_regular_file()) files.push_back(entry.path());
    }
    if (error) throw KeyFileError(path.string() + ": " + error.message());
    std::sort(files.begin(), files.end());  // deterministic errors and duplicates
    AuthorizedKeys keys;
    for (const auto& file : files) {
      const std::string name = file.stem().string();
      if (!is_valid_key_name(name))
        throw KeyFileError(file.string() + ": name \"" + name +
                           "\" (the file name): use 1-64 letters, digits and . _ @ -");
      const std::string key = read_public_key_file(file);
      if (!keys.add(key, name))
        throw KeyFileError(file.string() + ": the same key is listed already as \"" +
                           *keys.name_of(key) + "\"");
    }
    return keys;
  }
  std::ifstream file(path);
  if (!file) throw KeyFileError(path.string() + ": cannot read the file or directory");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_authorized_keys(text.str(), path.string());
}

}  // namespace floorwatch::security
