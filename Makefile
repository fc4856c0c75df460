# Sparekey. `make run` and `make test` do all set-up on a fresh Debian machine:
# they install what is missing (apt-get as root, else sudo) before building.

GO        ?= go
# Build tags, shared with the scripts and tests (packaging/build-tags):
#   migrated_fynedo  UI updates from goroutines go through fyne.Do;
#   no_emoji         leaves out Fyne's 10 MB colour-emoji font: it is parsed
#                    once per text style at start-up (about 16 MB of live heap),
#                    an emoji in an account name draws from the system's
#                    fonts where one covers it;
#   no_metadata      skips Fyne's development fallback that re-reads
#                    FyneApp.toml from the working folder and rescales the
#                    512 px icon on every launch (the window icon is built in).
TAGS      := $(shell cat packaging/build-tags)
BIN       := bin/sparekey
# `make run` uses a vault of its own inside the checkout, never your real one.
RUN_HOME  ?= $(CURDIR)/.cache/run
FUZZTIME  ?= 20s
SHOTS     ?= $(CURDIR)/screenshots

# Fyne's GLFW driver needs cgo and these headers.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev libwayland-dev
# Real peers the tests run against, and the headless desktop they run in.
TEST_PKGS  := xvfb xdotool x11-apps imagemagick dbus dbus-x11 gnome-keyring libsecret-tools \
              age oathtool zbar-tools qrencode poppler-utils xclip hyperfine syncthing \
              lintian desktop-file-utils appstream rpm
# The aws CLI and moto_server come with the machine's Python.
PY_TOOLS   := aws moto_server

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build run test test-go deps test-deps fuzz bench bench-ui screenshots package clean check-go \
        windows-deps package-windows test-windows check-darwin

all: build

check-go:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/ (Debian's golang package is older)"; exit 1; }
	@$(GO) version | awk '{ split($$3, v, "[go.]"); if (v[3] < 1 || (v[3] == 1 && v[4] < 26)) { print "Go 1.26 or newer is needed, found " $$3; exit 1 } }'

# apt-get only runs when something is missing, so repeated builds stay offline.
define apt_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps: check-go
	$(call apt_install,$(BUILD_PKGS))

test-deps: deps
	$(call apt_install,$(TEST_PKGS))
	@for t in $(PY_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Python test peers:$$missing"; \
		python3 -m pip install --quiet 'awscli' 'moto[server]' || { echo "Could not install the aws CLI and moto_server with pip; install them (pip install awscli 'moto[server]') and run make test again."; exit 1; }; \
	fi

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

# Opens the app on a vault kept in .cache/run (created on first run), with the
# practice account available for AWS drills.
run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
		echo "No display found: run 'make run' from a desktop session (or see 'make screenshots' for a headless look)."; exit 1; fi
	SPAREKEY_HOME=$(RUN_HOME) ./$(BIN)

# The whole suite: race detector on everything but the GUI packages, all of it
# inside a private D-Bus session with an unlocked gnome-keyring and Xvfb.
# SPAREKEY_REQUIRE_PEERS=1 turns a missing peer into a failure, not a skip.
test: test-deps check-darwin
	SPAREKEY_REQUIRE_PEERS=1 packaging/test-session.sh $(MAKE) --no-print-directory test-go

test-go:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -race -count=1 -timeout 30m $$($(GO) list ./... | grep -v -e '/ui$$' -e '/ui/' -e '^github.com/sparekey/sparekey$$')
	$(GO) test -tags $(TAGS) -count=1 -timeout 20m ./ui/... .

# Runs every fuzz target for FUZZTIME each, then copies what the fuzzer
# found interesting from Go's cache into the package's testdata/fuzz, where
# it is committed and replayed by every plain `go test`.
fuzz: deps
	@cache=$$($(GO) env GOCACHE)/fuzz; \
	for pkg in $$($(GO) list ./...); do \
		dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
			echo "== $$pkg $$f"; \
			$(GO) test -tags $(TAGS) -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg || exit 1; \
			if [ -d "$$cache/$$pkg/$$f" ]; then \
				mkdir -p "$$dir/testdata/fuzz/$$f" && cp -n "$$cache/$$pkg/$$f"/* "$$dir/testdata/fuzz/$$f/" 2>/dev/null; \
			fi; \
		done; \
	done

bench: test-deps
	$(GO) test -tags $(TAGS) -run='^$$' -bench=. -benchmem -count=1 ./...
	packaging/test-session.sh packaging/bench-cli.sh

bench-ui: test-deps build
	packaging/test-session.sh packaging/bench-ui.sh

# Screenshots of the real window under Xvfb, written to ./screenshots.
screenshots: test-deps
	mkdir -p $(SHOTS)
	SPAREKEY_SCREENSHOTS=$(SHOTS) SPAREKEY_REQUIRE_PEERS=1 packaging/test-session.sh \
		$(GO) test -tags $(TAGS) -count=1 -run 'E2E' ./ui/...
	@ls $(SHOTS)

# dist/: the binary built once (reproducible, version and commit stamped),
# a tar.xz with `make install PREFIX=...`, a .deb and an .rpm from one nfpm
# definition, and SHA256SUMS. See packaging/release.sh.
package: deps
	packaging/release.sh

# Windows, cross-compiled here with Debian's mingw-w64, and run under wine
# for the test. See packaging/windows/build.sh and packaging/windows_test.go.
WINDOWS_PKGS := gcc-mingw-w64-x86-64 zip
WINE_PKGS    := wine wine64 xvfb xdotool x11-apps imagemagick oathtool

windows-deps: check-go
	$(call apt_install,$(WINDOWS_PKGS))

# dist/sparekey-VERSION-windows-amd64.zip: sparekey.exe, sparekey-cli.exe,
# README.txt and the licences, and dist/SHA256SUMS-windows.
package-windows: windows-deps
	packaging/windows/build.sh

# Builds the zip and runs it under wine on a private Xvfb: the command line
# in both vault modes (Credential Manager and passphrase) checked against
# oathtool, a backup and its restore, and the window with its codes (a
# screenshot, kept in SHOTS). wine is a smoke test, not proof of Windows.
test-windows: windows-deps
	$(call apt_install,$(WINE_PKGS))
	mkdir -p $(SHOTS)
	SPAREKEY_WINDOWS=1 SPAREKEY_SCREENSHOTS=$(SHOTS) SPAREKEY_REQUIRE_PEERS=1 \
		$(GO) test -count=1 -timeout 60m -run 'TestWindows' -v ./packaging/

# macOS cannot be linked here (Fyne needs cgo and Apple's SDK), but every
# package that does not need cgo there is vetted for darwin, tests
# included, so nothing Linux-only hides outside build-tagged files. Left
# out: main and ui, whose Fyne widgets use cgo on macOS.
check-darwin: check-go
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet -tags $(TAGS) \
		$$($(GO) list ./... | grep -v -e '^github.com/sparekey/sparekey$$' -e '/ui$$' -e '/ui/')

clean:
	rm -rf bin dist .cache
