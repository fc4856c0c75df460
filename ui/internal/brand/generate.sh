#!/bin/sh
# Fetches the pinned simple-icons npm package (CC0-1.0) and regenerates svg/
# and icons_table.go from brands.txt. Run by `go generate ./ui/internal/brand`;
# needs npm. Nothing is fetched at run time: the icons are embedded.
set -eu
VERSION=16.37.0
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "simple-icons@$VERSION" >/dev/null && tar -xzf "simple-icons-$VERSION.tgz")
go run ./gen -pkg "$tmp/package" -version "$VERSION"
