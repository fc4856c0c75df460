package packaging

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
)

const (
	appID   = "io.github.sparekey.Sparekey"
	secret  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	account = "Example:alice@example.com"
)

// release is one run of release.sh on a copy of the working tree.
type release struct {
	dist    string // the copy's dist folder
	version string
	commit  string
}

func (r release) file(t *testing.T, pattern string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(r.dist, pattern))
	if len(matches) != 1 {
		t.Fatalf("want one %s in %s, found %v", pattern, r.dist, matches)
	}
	return matches[0]
}

// TestRelease builds the release twice, from two copies of the tree at
// different paths, checks the two are byte-identical, then checks and
// installs what the first one made. It costs two binary builds (with a warm
// build cache, a minute or two), so SPAREKEY_SKIP_PACKAGING=1 skips it.
func TestRelease(t *testing.T) {
	if os.Getenv("SPAREKEY_SKIP_PACKAGING") == "1" {
		t.Skip("SPAREKEY_SKIP_PACKAGING=1: not building the release packages")
	}
	if testing.Short() {
		t.Skip("-short: not building the release packages")
	}
	for _, tool := range []string{"git", "go", "xz", "dpkg", "dpkg-deb", "lintian", "oathtool",
		"desktop-file-validate", "appstreamcli", "rpm", "make"} {
		testenv.Tool(t, tool)
	}
	root := testenv.RepoRoot()
	commit := gitOutput(t, root, "rev-parse", "HEAD")
	epoch := gitOutput(t, root, "log", "-1", "--format=%ct")

	// Both copies are taken before either build: the tree may be edited
	// meanwhile. The second sits deeper, under another name, so no path can
	// hide in the output.
	firstTree := copyTree(t, root, filepath.Join(t.TempDir(), "first"))
	secondTree := copyTree(t, root, filepath.Join(t.TempDir(), "elsewhere", "second-copy"))
	first := buildRelease(t, firstTree, commit, epoch, "")
	t.Run("reproducible", func(t *testing.T) {
		var cache string
		if os.Getenv("SPAREKEY_REPRO_COLD") == "1" {
			cache = t.TempDir() // a cold build too: minutes, not seconds
		}
		other := buildRelease(t, secondTree, commit, epoch, cache)
		want := readFile(t, filepath.Join(first.dist, "SHA256SUMS"))
		if got := readFile(t, filepath.Join(other.dist, "SHA256SUMS")); got != want {
			t.Errorf("two builds of %s differ:\n%s\nversus\n%s", commit, want, got)
		}
	})
	t.Run("metadata", func(t *testing.T) { checkMetadata(t, root) })
	t.Run("lintian", func(t *testing.T) {
		out, err := exec.Command("lintian", "--fail-on", "error", "--allow-root", first.file(t, "*.deb")).CombinedOutput()
		if err != nil {
			t.Fatalf("lintian found errors: %v\n%s", err, out)
		}
		t.Logf("lintian (warnings and below):\n%s", out)
	})
	t.Run("deb", func(t *testing.T) { checkDeb(t, first) })
	t.Run("rpm", func(t *testing.T) { checkRPM(t, first) })
	t.Run("tarball", func(t *testing.T) { checkTarball(t, first) })
}

func checkMetadata(t *testing.T, root string) {
	desktop := filepath.Join(root, "packaging", appID+".desktop")
	if out, err := exec.Command("desktop-file-validate", desktop).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("desktop-file-validate: %v\n%s", err, out)
	}
	metainfo := filepath.Join(root, "packaging", appID+".metainfo.xml")
	out, err := exec.Command("appstreamcli", "validate", "--no-net", metainfo).CombinedOutput()
	if err != nil {
		t.Errorf("appstreamcli validate: %v\n%s", err, out)
	}
	// Infos are allowed: appstream 0.16 does not know the <developer> tag
	// that newer validators (Flathub's) require.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "W:") || strings.HasPrefix(line, "E:") {
			t.Errorf("appstreamcli validate: %s", line)
		}
	}
}

// checkDeb installs the .deb into a scratch root with dpkg (never into this
// machine's own), uses the installed program, and removes it again.
func checkDeb(t *testing.T, r release) {
	deb := r.file(t, "*.deb")
	fields := commandOutput(t, "", "dpkg-deb", "--field", deb, "Depends", "Recommends")
	for _, want := range []string{"libc6 (>= 2.34)", "libgl1", "libwayland-client0", "libx11-6", "gnome-keyring"} {
		if !strings.Contains(fields, want) {
			t.Errorf("the .deb does not declare %q:\n%s", want, fields)
		}
	}
	scratch := t.TempDir()
	admin := filepath.Join(scratch, "var", "lib", "dpkg")
	for _, dir := range []string{"info", "updates", "triggers"} {
		mustMkdir(t, filepath.Join(admin, dir))
	}
	for _, file := range []string{"status", "available"} {
		mustWrite(t, filepath.Join(admin, file), "")
	}
	dpkg := func(args ...string) {
		t.Helper()
		// The scratch root has none of the libraries installed: dependencies
		// are checked above, not here.
		commandOutput(t, "", "dpkg", append([]string{"--root=" + scratch, "--log=/dev/null",
			"--force-not-root", "--force-depends", "--force-script-chrootless"}, args...)...)
	}
	dpkg("--install", deb)
	for _, path := range []string{"usr/bin/sparekey", "usr/share/applications/" + appID + ".desktop",
		"usr/share/metainfo/" + appID + ".metainfo.xml", "usr/share/icons/hicolor/128x128/apps/" + appID + ".png",
		"usr/share/man/man1/sparekey.1.gz", "usr/share/man/man1/sparekey-code.1.gz", "usr/share/doc/sparekey/copyright"} {
		if _, err := os.Stat(filepath.Join(scratch, path)); err != nil {
			t.Errorf("the .deb did not install %s: %v", path, err)
		}
	}
	home := t.TempDir()
	useInstalled(t, filepath.Join(scratch, "usr", "bin", "sparekey"), home, r)

	dpkg("--purge", "sparekey")
	var left []string
	filepath.WalkDir(scratch, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(scratch, path)
		if err != nil || rel == "." || rel == "var" || rel == "var/lib" || strings.HasPrefix(rel, "var/lib/dpkg") {
			return err
		}
		left = append(left, rel)
		return nil
	})
	if len(left) > 0 {
		t.Errorf("dpkg --purge left these behind: %v", left)
	}
	if _, err := os.Stat(filepath.Join(home, "data", "vault.age")); err != nil {
		t.Errorf("removing the package must never touch the user's vault: %v", err)
	}
}

// useInstalled runs the installed binary as a user would from the command
// line: version, a new vault in passphrase mode, an account, a code.
func useInstalled(t *testing.T, bin, home string, r release) {
	t.Helper()
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "SPAREKEY_HOME="+home, "LANG=C.UTF-8")
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s%s", bin, strings.Join(args, " "), err, out.String(), errOut.String())
		}
		return out.String()
	}
	want := "sparekey " + r.version + " (commit " + r.commit + ")\n"
	if got := run("", "--version"); got != want {
		t.Errorf("--version = %q, want %q", got, want)
	}
	passFile := filepath.Join(t.TempDir(), "passphrase")
	if err := os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run("", "init", "--no-keyring", "--passphrase-file", passFile)
	run("otpauth://totp/"+account+"?secret="+secret+"&issuer=Example\n", "add", "-", "--no-keyring", "--passphrase-file", passFile)
	// A code is compared with oathtool's for the windows around it, so a
	// 30-second boundary between the two commands cannot fail the test.
	before := oathtoolCodes(t)
	got := strings.TrimSpace(run("", "code", "alice", "--no-keyring", "--passphrase-file", passFile))
	after := oathtoolCodes(t)
	if !slices.Contains(before, got) && !slices.Contains(after, got) {
		t.Errorf("installed sparekey printed code %q, oathtool gives %v then %v", got, before, after)
	}
}

// oathtoolCodes returns the current TOTP code and its neighbours.
func oathtoolCodes(t *testing.T) []string {
	out := commandOutput(t, "", "oathtool", "--totp", "--base32", "--window=1", secret)
	return strings.Fields(out)
}

func checkRPM(t *testing.T, r release) {
	rpm := r.file(t, "*.rpm")
	requires := commandOutput(t, "", "rpm", "-qp", "--requires", rpm)
	for _, want := range []string{"libGL.so.1()(64bit)", "libwayland-client.so.0()(64bit)", "libX11.so.6()(64bit)", "libc.so.6(GLIBC_2.34)(64bit)"} {
		if !strings.Contains(requires, want) {
			t.Errorf("the rpm does not require %q:\n%s", want, requires)
		}
	}
	files := commandOutput(t, "", "rpm", "-qp", "--list", rpm)
	for _, want := range []string{"/usr/bin/sparekey", "/usr/share/applications/" + appID + ".desktop",
		"/usr/share/man/man1/sparekey.1.gz", "/usr/share/licenses/sparekey/LICENSE"} {
		if !strings.Contains(files, want+"\n") {
			t.Errorf("the rpm does not hold %s:\n%s", want, files)
		}
	}
	if strings.Contains(files, "/usr/share/lintian") || strings.Contains(files, "changelog.Debian") {
		t.Errorf("the rpm carries Debian-only files:\n%s", files)
	}
}

// checkTarball unpacks the archive and installs it the way its Makefile
// says, into a scratch prefix, then uninstalls it.
func checkTarball(t *testing.T, r release) {
	archive := r.file(t, "*.tar.xz")
	unpacked := t.TempDir()
	commandOutput(t, "", "tar", "-C", unpacked, "-xJf", archive)
	top := filepath.Join(unpacked, strings.TrimSuffix(filepath.Base(archive), ".tar.xz"))
	prefix := filepath.Join(t.TempDir(), "prefix")
	commandOutput(t, top, "make", "install", "PREFIX="+prefix)
	for _, path := range []string{"bin/sparekey", "share/applications/" + appID + ".desktop",
		"share/icons/hicolor/48x48/apps/" + appID + ".png", "share/metainfo/" + appID + ".metainfo.xml",
		"share/man/man1/sparekey.1.gz"} {
		if _, err := os.Stat(filepath.Join(prefix, path)); err != nil {
			t.Errorf("make install did not install %s: %v", path, err)
		}
	}
	if got := commandOutput(t, "", filepath.Join(prefix, "bin", "sparekey"), "--version"); !strings.Contains(got, r.commit) {
		t.Errorf("installed --version = %q, want commit %s", got, r.commit)
	}
	commandOutput(t, top, "make", "uninstall", "PREFIX="+prefix)
	filepath.WalkDir(prefix, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("make uninstall left %s", path)
		}
		return err
	})
}

// copyTree copies the working tree as the go command sees it (tracked and
// untracked files, less what .gitignore leaves out) to dir.
func copyTree(t *testing.T, root, dir string) string {
	t.Helper()
	list := commandOutput(t, root, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, name := range strings.Split(list, "\x00") {
		if name == "" {
			continue
		}
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or not a file
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		mustMkdir(t, filepath.Dir(dst))
		if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildRelease runs release.sh in tree; gocache, when set, replaces the
// build cache.
func buildRelease(t *testing.T, tree, commit, epoch, gocache string) release {
	t.Helper()
	cmd := exec.Command(filepath.Join(tree, "packaging", "release.sh"))
	cmd.Env = append(os.Environ(), "SPAREKEY_COMMIT="+commit, "SOURCE_DATE_EPOCH="+epoch, "DIST=dist")
	if gocache != "" {
		cmd.Env = append(cmd.Env, "GOCACHE="+gocache)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh in %s: %v\n%s", tree, err, out)
	}
	toml := readFile(t, filepath.Join(tree, "FyneApp.toml"))
	var version string
	for _, line := range strings.Split(toml, "\n") {
		if v, ok := strings.CutPrefix(line, "Version = "); ok {
			version = strings.Trim(v, `"`)
		}
	}
	return release{dist: filepath.Join(tree, "dist"), version: version, commit: commit}
}

func gitOutput(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(commandOutput(t, dir, "git", args...))
}

func commandOutput(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
