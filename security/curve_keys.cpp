#include "security/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <zmq.h>

namespace floorwatch::security {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw KeyFileError(path.string() + ": cannot read the file");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw KeyFileError(path.string() + ": " + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
}

// O_EXCL: an existing key is never overwritten (it may be the only copy of a secret).
void create_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    throw KeyFileError(path.string() + ": " +
                       (errno == EEXIST ? std::string("already exists (not overwritten)")
                                        : std::string(std::strerror(errno))));
  try {
    ::fchmod(fd, mode);  // the umask must not widen or narrow what we asked for
    write_all(fd, text, path);
    if (::fsync(fd) != 0) throw KeyFileError(path.string() + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace

KeyPair generate_key_pair() {
  char public_key[41] = {};
  char secret_key[41] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0)
    throw std::runtime_error(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()) +
                             " (libzmq built without CURVE?)");
  return KeyPair{public_key, secret_key};
}

bool is_z85_key(const std::string& text) {
  if (text.size() != 40) return false;
  std::uint8_t decoded[32];
  return zmq_z85_decode(decoded, text.c_str()) != nullptr;
}

bool is_valid_key_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' && c != '-'))) return false;
  }
  return true;
}

std::string format_certificate(const KeyPair& keys, const std::string& name, bool secret) {
  std::string text =
      secret ? "#   ****  floorwatch CURVE secret certificate: keep it private (mode 0600)  ****\n"
               "#   ZeroMQ/czmq certificate format; give the matching .key file to the peer.\n"
             : "#   ****  floorwatch CURVE public certificate  ****\n"
               "#   ZeroMQ/czmq certificate format; safe to share. Authorize it by copying it\n"
               "#   into the daemon's authorized_keys directory (docs/security.md).\n";
  text += "\nmetadata\n    name = \"" + name + "\"\ncurve\n    public-key = \"" + keys.public_key +
          "\"\n";
  if (secret) text += "    secret-key = \"" + keys.secret_key + "\"\n";
  return text;
}

KeyPair parse_certificate(const std::string& text, const std::string& file_name, bool need_secret) {
  KeyPair keys;
  std::string section;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  int public_line = 0;
  auto fail = [&](int at, const std::string& problem) -> void {
    throw KeyFileError(file_name + ":" + std::to_string(at) + ": " + problem);
  };
  while (std::getline(lines, line)) {
    ++line_number;
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    const bool indented = line[0] == ' ' || line[0] == '\t';
    const auto equals = content.find('=');
    if (!indented) {
      if (equals != std::string::npos)
        fail(line_number, "expected a section name, got \"" + content + "\"");
      section = content;
      continue;
    }
    if (equals == std::string::npos) continue;  // nested sections (czmq allows them): not ours
    const std::string key = trim(content.substr(0, equals));
    std::string value = trim(content.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (section != "curve") continue;  // metadata is for people
    if (key != "public-key" && key != "secret-key")
      fail(line_number,
           "unknown key \"" + key + "\" in section curve (allowed: public-key, secret-key)");
    if (!is_z85_key(value))
      fail(line_number, key + " must be 40 Z85 characters (a CURVE key), got \"" + value + "\"");
    if (key == "public-key") {
      keys.public_key = value;
      public_line = line_number;
    } else {
      keys.secret_key = value;
    }
  }
  if (keys.public_key.empty())
    throw KeyFileError(file_name +
                       ": no public-key in a `curve` section (not a CURVE certificate)");
  if (need_secret) {
    if (keys.secret_key.empty())
      throw KeyFileError(file_name +
                         ": no secret-key in the `curve` section (this is a public certificate; "
                         "give the NAME.key_secret file)");
    char derived[41] = {};
    if (zmq_curve_public(derived, keys.secret_key.c_str()) != 0 || keys.public_key != derived)
      fail(public_line, "public-key does not belong to the secret-key");
  }
  return keys;
}

std::string read_public_key_file(const std::filesystem::path& path) {
  return parse_certificate(read_text(path), path.string(), false).public_key;
}

KeyPair read_key_pair_file(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw KeyFileError(path.string() + ": cannot read the file (" + std::strerror(errno) + ")");
  if ((info.st_mode & 0007) != 0)
    throw KeyFileError(path.string() +
                       ": secret key file is accessible by others; chmod 600 (or 640) it");
  return parse_certificate(read_text(path), path.string(), true);
}

KeyFilePaths write_key_files(const KeyPair& keys, const std::filesystem::path& directory,
                             const std::string& name) {
  if (!is_valid_key_name(name))
    throw KeyFileError(
        "key name \"" + name +
        "\": use 1-64 letters, digits and . _ @ - (starting with a letter or digit)");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw KeyFileError(directory.string() + ": " + error.message());
  KeyFilePaths paths{directory / (name + ".key"), directory / (name + ".key_secret")};
  if (std::filesystem::exists(paths.public_file))
    throw KeyFileError(paths.public_file.string() + ": already exists (not overwritten)");
  create_file(paths.secret_file, format_certificate(keys, name, true), 0600);
  create_file(paths.public_file, format_certificate(keys, name, false), 0644);
  return paths;
}

}  // namespace floorwatch::security
