#!/bin/sh
# Builds the Windows release into dist/ (or $DIST), cross-compiled with
# Debian's mingw-w64: sparekey.exe (GUI subsystem: no console window on a
# double-click; it borrows the console it was started from, main_windows.go)
# and sparekey-cli.exe (the same program for the console subsystem, which
# shells wait for), each with the icon, manifest and version resources
# (go-winres), zipped with a README and the licences, and SHA256SUMS-windows.
#
# Outside a git checkout, set SPAREKEY_COMMIT and SOURCE_DATE_EPOCH.
set -eu
cd "$(dirname "$0")/../.."
umask 022
export LC_ALL=C TZ=UTC

command -v x86_64-w64-mingw32-gcc >/dev/null || {
	echo "build.sh: x86_64-w64-mingw32-gcc is missing: apt-get install gcc-mingw-w64-x86-64 (make package-windows does)" >&2
	exit 1
}
script=build.sh
. packaging/release-common.sh
release_stamp
dist=${DIST:-dist}

name=sparekey-$version-windows-amd64
mkdir -p "$dist"
rm -rf "$dist/$name" "$dist/$name.zip"
mkdir "$dist/$name"
stage=$(cd "$dist/$name" && pwd)

tags=$(cat packaging/build-tags)
ldflags="-s -w -buildid= -X github.com/sparekey/sparekey/app.Version=$version -X github.com/sparekey/sparekey/app.Commit=$SPAREKEY_COMMIT"
export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
go build -tags "$tags" -trimpath -buildvcs=false -ldflags "$ldflags -H windowsgui" -o "$stage/sparekey.exe" .
go build -tags "$tags" -trimpath -buildvcs=false -ldflags "$ldflags" -o "$stage/sparekey-cli.exe" .
# Resources are patched into the built files, so no generated .syso ever
# sits in the source tree where a Linux build could trip over it.
for exe in sparekey sparekey-cli; do
	GOOS= GOARCH= CGO_ENABLED= go tool go-winres patch --in packaging/windows/winres.json --no-backup \
		--product-version "$version" --file-version "$version" "$stage/$exe.exe"
done

# Windows' own line ends, so Notepad on an old Windows shows lines too.
crlf() { sed 's/\r*$/\r/' "$1" > "$2"; }
crlf packaging/windows/README.txt "$stage/README.txt"
crlf LICENSE "$stage/LICENSE.txt"
third_party_notices "$tags" > "$dist/third-party.tmp"
crlf "$dist/third-party.tmp" "$stage/THIRD-PARTY.txt"
rm "$dist/third-party.tmp"

find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# -X: no extra (Unix owner and time) fields; names sorted: the same bytes
# from the same commit.
(cd "$dist" && find "$name" -type f | sort | zip -q -X -9 "$name.zip" -@)
rm -rf "$stage"
(cd "$dist" && sha256sum -- "$name.zip" > SHA256SUMS-windows)
ls -l "$dist/$name.zip"
