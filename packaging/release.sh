#!/bin/sh
# Builds the Linux release into dist/: the archive the fyne tool makes
# (binary, .desktop file, icon) plus our AppStream metadata, and checksums.
# The fyne CLI is pinned in go.mod as a tool (go tool fyne).
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
build=$(git rev-list --count HEAD 2>/dev/null || echo 1)
rm -rf dist && mkdir -p dist/stage
go build -tags "$(cat packaging/build-tags)" -trimpath \
	-ldflags "-s -w -X github.com/sparekey/sparekey/app.Version=$version" -o dist/stage/sparekey .
# --app-build keeps FyneApp.toml unchanged (fyne package would bump it).
(cd dist/stage && go tool fyne package --os linux --exe sparekey --src ../.. \
	--name Sparekey --app-version "$version" --app-build "$build" --release --icon ../../packaging/icon.png)
archive=$(ls dist/stage/*.tar.xz)
mkdir -p dist/extra/usr/local/share/metainfo
cp packaging/io.github.sparekey.Sparekey.metainfo.xml dist/extra/usr/local/share/metainfo/
tar -C dist/stage -xJf "$archive" && rm "$archive"
cp -r dist/extra/usr dist/stage/ && rm -rf dist/extra
tar -C dist/stage -cJf "dist/sparekey-$version-linux-amd64.tar.xz" --exclude=./sparekey usr Makefile 2>/dev/null ||
	tar -C dist/stage -cJf "dist/sparekey-$version-linux-amd64.tar.xz" usr
rm -rf dist/stage
(cd dist && sha256sum ./*.tar.xz > SHA256SUMS)
ls -l dist
