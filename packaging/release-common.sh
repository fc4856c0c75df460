# release-common.sh: what the Linux and Windows release scripts share,
# sourced from the repository root by packaging/release.sh and
# packaging/windows/build.sh. $script names the caller in messages.

# release_stamp sets version (from FyneApp.toml), SPAREKEY_COMMIT and
# SOURCE_DATE_EPOCH. Outside a git checkout (a `git archive` copy) the
# caller sets SPAREKEY_COMMIT and SOURCE_DATE_EPOCH itself.
release_stamp() {
	version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
	if [ -z "${SPAREKEY_COMMIT:-}" ]; then
		SPAREKEY_COMMIT=$(git rev-parse HEAD 2>/dev/null) || {
			echo "$script: not a git checkout: set SPAREKEY_COMMIT (and SOURCE_DATE_EPOCH) to the commit this tree comes from" >&2
			exit 1
		}
		# A build from a tree with uncommitted changes must not pass for the commit.
		[ -z "$(git status --porcelain --untracked-files=no)" ] || SPAREKEY_COMMIT="$SPAREKEY_COMMIT-dirty"
	fi
	# Every timestamp in the packages is the commit's, not the build's.
	: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null)}"
	export SOURCE_DATE_EPOCH
}

# third_party_notices TAGS prints the licence of every module compiled in
# with TAGS: the MIT and BSD licences ask for their notices to travel with
# the binary.
third_party_notices() {
	go list -deps -tags "$1" \
		-f '{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}' . | sort -u |
		while read -r path modversion dir; do
			license=$(ls "$dir"/LICENSE* "$dir"/COPYING* 2>/dev/null | head -n 1)
			[ -n "$license" ] || { echo "$script: $path has no licence file" >&2; exit 1; }
			printf '%s %s\n\n' "$path" "$modversion"
			cat "$license"
			printf '\n\n'
		done
}
