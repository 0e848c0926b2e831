// main() for the fuzz targets when clang's libFuzzer is not available: replays every file of
// the given directories (the seed corpus) through LLVMFuzzerTestOneInput, plus deterministic
// truncations and byte flips of each, so `make test` still exercises the parsers on odd input.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  std::uint32_t random = 1;  // fixed LCG: the same mutations on every run
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-", 0) == 0 || !std::filesystem::is_directory(arg)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(arg)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      const std::string seed = content.str();
      run(seed);
      ++inputs;
      for (int mutation = 0; mutation < 200 && !seed.empty(); ++mutation) {
        random = random * 1664525u + 1013904223u;
        std::string mutated = seed.substr(0, random % (seed.size() + 1));
        for (int flip = 0; flip < 4 && !mutated.empty(); ++flip) {
          random = random * 1664525u + 1013904223u;
          mutated[random % mutated.size()] = static_cast<char>(random >> 24);
        }
        run(mutated);
        ++inputs;
      }
    }
  }
  std::printf("replayed %zu inputs (no libFuzzer: seed corpus plus fixed mutations)\n", inputs);
  return inputs > 0 ? 0 : 1;
}
