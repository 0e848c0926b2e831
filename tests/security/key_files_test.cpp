// CURVE key files as `floorwatchctl keygen` writes them and every program reads them
// (ZeroMQ/czmq certificate format), and the authorized-keys list the daemon admits.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "security/authorized_keys.h"
#include "security/curve_keys.h"
#include "security/socket_security.h"
#include "support/temp_dir.h"

using namespace floorwatch::security;
using floorwatch::test::TempDir;

namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const KeyFileError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

}  // namespace

TEST_CASE("a key pair is written as a public and a private certificate and read back",
          "[security]") {
  TempDir dir;
  const KeyPair keys = generate_key_pair();
  const KeyFilePaths paths = write_key_files(keys, dir.file("keys"), "alice");
  CHECK(paths.public_file == std::filesystem::path(dir.file("keys")) / "alice.key");
  CHECK(paths.secret_file == std::filesystem::path(dir.file("keys")) / "alice.key_secret");

  // The czmq text format, so zcert/zauth tools and other ZeroMQ programs read it too.
  const std::string public_text = read_text(paths.public_file);
  CHECK(public_text.find("curve\n    public-key = \"" + keys.public_key + "\"") !=
        std::string::npos);
  CHECK(public_text.find("secret-key") == std::string::npos);
  CHECK(read_text(paths.secret_file).find("    secret-key = \"" + keys.secret_key + "\"") !=
        std::string::npos);

  struct stat info {};
  REQUIRE(stat(paths.secret_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  CHECK(read_public_key_file(paths.public_file) == keys.public_key);
  const KeyPair read_back = read_key_pair_file(paths.secret_file);
  CHECK(read_back.public_key == keys.public_key);
  CHECK(read_back.secret_key == keys.secret_key);
}

TEST_CASE("keygen never overwrites a key and refuses names that cannot be labels", "[security]") {
  TempDir dir;
  write_key_files(generate_key_pair(), dir.file("k"), "bob");
  CHECK_THAT(error_of([&] { write_key_files(generate_key_pair(), dir.file("k"), "bob"); }),
             Catch::Contains("bob.key") && Catch::Contains("already exists"));
  CHECK_THAT(error_of([&] { write_key_files(generate_key_pair(), dir.file("k"), "../x"); }),
             Catch::Contains("key name \"../x\""));
}

TEST_CASE("a secret key file readable by others is refused", "[security]") {
  TempDir dir;
  const auto paths = write_key_files(generate_key_pair(), dir.file("k"), "carol");
  chmod(paths.secret_file.c_str(), 0644);
  CHECK_THAT(error_of([&] { read_key_pair_file(paths.secret_file); }),
             Catch::Contains("carol.key_secret") && Catch::Contains("chmod 600"));
}

TEST_CASE("certificate mistakes name the file and line", "[security]") {
  const KeyPair keys = generate_key_pair();
  const KeyPair other = generate_key_pair();
  CHECK(error_of([&] {
          parse_certificate("curve\n    public-key = \"not-a-key\"\n", "a.key", false);
        }) == "a.key:2: public-key must be 40 Z85 characters (a CURVE key), got \"not-a-key\"");
  CHECK_THAT(error_of([&] { parse_certificate("metadata\n", "b.key", false); }),
             Catch::StartsWith("b.key: no public-key"));
  // A public certificate given where the secret one belongs.
  CHECK_THAT(
      error_of([&] { parse_certificate(format_certificate(keys, "x", false), "c.key", true); }),
      Catch::Contains("c.key: no secret-key") && Catch::Contains("NAME.key_secret"));
  // Keys from two different pairs: the file was edited by hand.
  const std::string mixed = "curve\n    public-key = \"" + other.public_key +
                            "\"\n    secret-key = \"" + keys.secret_key + "\"\n";
  CHECK(error_of([&] { parse_certificate(mixed, "d.key_secret", true); }) ==
        "d.key_secret:2: public-key does not belong to the secret-key");
}

TEST_CASE("an authorized-keys file maps each public key to its name", "[security]") {
  const KeyPair alice = generate_key_pair();
  const KeyPair board = generate_key_pair();
  const AuthorizedKeys keys = parse_authorized_keys(
      "# supervisors\n"
      "alice " +
          alice.public_key +
          "\n"
          "\n"
          "  floor-1\t" +
          board.public_key + "\n",
      "authorized_keys");
  CHECK(keys.size() == 2);
  CHECK(keys.name_of(alice.public_key) == "alice");
  CHECK(keys.name_of(board.public_key) == "floor-1");
  CHECK_FALSE(keys.name_of(generate_key_pair().public_key).has_value());
}

TEST_CASE("a bad authorized-keys line is an error naming file:line", "[security]") {
  const std::string key = generate_key_pair().public_key;
  const auto error_for = [](const std::string& text) {
    return error_of([&] { parse_authorized_keys(text, "/etc/floorwatch/authorized_keys"); });
  };
  CHECK(error_for("alice " + key + "\nbob\n") ==
        "/etc/floorwatch/authorized_keys:2: expected `NAME PUBLIC-KEY`, got only \"bob\"");
  CHECK(error_for("# c\n\nbob tooshort\n") ==
        "/etc/floorwatch/authorized_keys:3: public key of \"bob\" must be 40 Z85 characters, got "
        "\"tooshort\"");
  CHECK_THAT(error_for("alice " + key + " extra\n"),
             Catch::StartsWith("/etc/floorwatch/authorized_keys:1: expected `NAME PUBLIC-KEY`"));
  CHECK_THAT(error_for("al/ice " + key + "\n"),
             Catch::StartsWith("/etc/floorwatch/authorized_keys:1: name \"al/ice\""));
  CHECK(error_for("alice " + key + "\nbob " + key + "\n") ==
        "/etc/floorwatch/authorized_keys:2: the key of \"bob\" is listed already as \"alice\"");
}

TEST_CASE("an authorized-keys directory admits each NAME.key under its file name", "[security]") {
  TempDir dir;
  const auto collector = write_key_files(generate_key_pair(), dir.file("made"), "pbx-collector");
  const auto ctl = write_key_files(generate_key_pair(), dir.file("made"), "maria");
  std::filesystem::create_directories(dir.file("authorized"));
  std::filesystem::copy_file(collector.public_file,
                             std::filesystem::path(dir.file("authorized")) / "pbx-collector.key");
  std::filesystem::copy_file(ctl.public_file,
                             std::filesystem::path(dir.file("authorized")) / "maria.key");
  dir.write("authorized/README", "not a key: ignored\n");

  const AuthorizedKeys keys = load_authorized_keys(dir.file("authorized"));
  CHECK(keys.size() == 2);
  CHECK(keys.name_of(read_public_key_file(collector.public_file)) == "pbx-collector");
  CHECK(keys.name_of(read_public_key_file(ctl.public_file)) == "maria");

  // A secret key does not belong there: someone copied the wrong file.
  std::filesystem::copy_file(ctl.secret_file,
                             std::filesystem::path(dir.file("authorized")) / "maria.key_secret");
  CHECK_THAT(error_of([&] { load_authorized_keys(dir.file("authorized")); }),
             Catch::Contains("maria.key_secret") && Catch::Contains("only public"));
}

TEST_CASE("a file of lines or a directory: the same loader", "[security]") {
  TempDir dir;
  const KeyPair key = generate_key_pair();
  const auto path = dir.write("authorized_keys", "ops " + key.public_key + "\n");
  CHECK(load_authorized_keys(path).name_of(key.public_key) == "ops");
  CHECK_THAT(error_of([&] { load_authorized_keys(dir.file("missing")); }),
             Catch::Contains("missing: cannot read"));
}

TEST_CASE("loopback endpoints are told apart from network ones", "[security]") {
  CHECK(is_loopback_endpoint("tcp://127.0.0.1:5570"));
  CHECK(is_loopback_endpoint("tcp://127.0.0.1:*"));
  CHECK(is_loopback_endpoint("tcp://localhost:5570"));
  CHECK(is_loopback_endpoint("tcp://[::1]:5570"));
  CHECK(is_loopback_endpoint("tcp://lo:5570"));
  CHECK(is_loopback_endpoint("ipc:///run/floorwatch/ingest"));
  CHECK(is_loopback_endpoint("tcp://127.0.0.1:9464"));
  CHECK_FALSE(is_loopback_endpoint("tcp://*:5570"));
  CHECK_FALSE(is_loopback_endpoint("tcp://0.0.0.0:5570"));
  CHECK_FALSE(is_loopback_endpoint("tcp://10.0.0.5:5570"));
  CHECK_FALSE(is_loopback_endpoint("tcp://eth0:5570"));
}

TEST_CASE("client keys come in pairs: both files or neither", "[security]") {
  CHECK_FALSE(load_client_security("", "").curve());
  CHECK_THAT(error_of([] { load_client_security("daemon.key", ""); }),
             Catch::Contains("--curve-key NAME.key_secret"));
}
