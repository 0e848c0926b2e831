# floorwatch — the two commands of the quick start, and a few helpers.
#   make demo   install what is missing, build, run daemon + simulator, show the floor live
#   make test   install what is missing, build, run every test (unit, integration, fuzz smoke)
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo bench sanitize clean format package

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@ninja -C $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure --timeout 900

# A Debian package of the programs, units and config for /usr: $(BUILD_DIR)/floorwatch_*.deb
# (packaging/README.md). Install it with `dpkg -i` or `apt install ./FILE.deb`.
package: build
	@cd $(BUILD_DIR) && cpack -G DEB

demo: build
	@scripts/demo $(BUILD_DIR)

bench: build
	@scripts/run-benchmarks $(BUILD_DIR)

# ASan + UBSan build and test run, in its own build directory (CI runs it after `make test`).
# The fuzz targets are left out (clang builds them with ASan+UBSan already), and the benchmarks.
sanitize:
	@$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_FLAGS="-DFLOORWATCH_SANITIZE=ON -DFLOORWATCH_FUZZ=OFF -DFLOORWATCH_BENCH=OFF"

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
