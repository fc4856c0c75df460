// Package packaging holds Sparekey's release files (packaging/release.sh,
// the nfpm definition, desktop metadata, icons) and the tests that build the
// real packages and install them into scratch folders. It has no code of its
// own: the man page generator is the separate command packaging/mangen.
package packaging
