package cli

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// Two computers, one vault, with the real thing: two Syncthing instances on
// 127.0.0.1 (no discovery, relays, NAT, usage or crash reporting, upgrades)
// keep one folder holding a passphrase-mode vault in step. Apart, each side
// changes the vault with the real sparekey binary; together again,
// Syncthing keeps one version and writes the other as a .sync-conflict-
// copy, `sparekey conflicts merge` folds it in, and both sides end with the
// same accounts.

const syncFolderID = "sparekey-vault"

// syncIgnores keeps what belongs to one computer out of the folder's sync:
// the lock file (a lock means nothing on the other computer), the previous
// version kept for a repair, and save's temporary files. The README gives
// the same list.
const syncIgnores = "vault.age.lock\nvault.age.prev\n.vault.age.tmp-*\n"

// syncPeer is one computer: a Syncthing instance and the sparekey home
// beside it.
type syncPeer struct {
	t      *testing.T
	name   string
	stHome string // Syncthing's config and database
	folder string // the synced folder, holding the vault
	id     string // Syncthing device ID
	listen string // tcp://127.0.0.1:PORT
	gui    string // http://127.0.0.1:PORT
	apiKey string
	logs   testenv.Buffer
	cmd    *exec.Cmd
	cli    *cliHome // sparekey, with SPAREKEY_VAULT in the folder
	other  *syncPeer
}

func newSyncPeer(t *testing.T, bin, name string) *syncPeer {
	t.Helper()
	root := t.TempDir()
	key := make([]byte, 16)
	rand.Read(key)
	p := &syncPeer{t: t, name: name, stHome: filepath.Join(root, "syncthing"), folder: filepath.Join(root, "Sync"),
		listen: "tcp://" + testenv.FreeAddr(t), gui: "http://" + testenv.FreeAddr(t), apiKey: hex.EncodeToString(key)}
	for _, d := range []string{filepath.Join(p.folder, ".stfolder"), p.stHome} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(p.folder, ".stignore"), []byte(syncIgnores), 0o600); err != nil {
		t.Fatal(err)
	}
	p.syncthing(bin, "generate", "--home="+p.stHome, "--no-default-folder")
	p.id = strings.TrimSpace(p.syncthing(bin, "--device-id", "--home="+p.stHome))
	passFile := filepath.Join(root, "passphrase")
	if err := os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.cli = newCLIHome(t, cleanEnv("SPAREKEY_PASSPHRASE_FILE="+passFile))
	p.cli.vault = filepath.Join(p.folder, "vault.age")
	p.cli.env = append(p.cli.env, "SPAREKEY_VAULT="+p.cli.vault)
	return p
}

func (p *syncPeer) syncthing(bin string, args ...string) string {
	p.t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = syncthingEnv(p.stHome)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("syncthing %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func syncthingEnv(home string) []string {
	return cleanEnv("HOME="+home, "STNODEFAULTFOLDER=1", "STNOUPGRADE=1", "STNORESTART=1")
}

// writeConfig writes the whole config.xml: this device and the other
// with static addresses, the one folder shared by both, and every way of
// reaching beyond 127.0.0.1 turned off.
func (p *syncPeer) writeConfig(other *syncPeer) {
	p.t.Helper()
	guiAddr := strings.TrimPrefix(p.gui, "http://")
	config := fmt.Sprintf(`<configuration version="36">
    <folder id="%[1]s" label="Sparekey" path="%[2]s" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="%[3]s" introducedBy=""></device>
        <device id="%[4]s" introducedBy=""></device>
        <markerName>.stfolder</markerName>
        <maxConflicts>10</maxConflicts>
    </folder>
    <device id="%[3]s" name="%[5]s" compression="metadata" introducer="false">
        <address>%[6]s</address>
    </device>
    <device id="%[4]s" name="%[7]s" compression="metadata" introducer="false">
        <address>%[8]s</address>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>%[9]s</address>
        <apikey>%[10]s</apikey>
    </gui>
    <options>
        <listenAddress>%[6]s</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
`, syncFolderID, p.folder, p.id, other.id, p.name, p.listen, other.name, other.listen, guiAddr, p.apiKey)
	if err := os.WriteFile(filepath.Join(p.stHome, "config.xml"), []byte(config), 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// start runs Syncthing until the test ends (or the test binary dies:
// Pdeathsig) and waits for its REST API.
func (p *syncPeer) start(bin string) {
	p.t.Helper()
	p.cmd = exec.Command(bin, "serve", "--home="+p.stHome, "--no-browser", "--no-restart", "--no-upgrade",
		"--gui-address="+p.gui, "--gui-apikey="+p.apiKey)
	p.cmd.Env = syncthingEnv(p.stHome)
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	p.t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
	})
	p.waitFor("Syncthing's REST API to answer", func() (bool, string) {
		var ping map[string]string
		err := p.rest("GET", "/rest/system/ping", &ping)
		return err == nil && ping["ping"] == "pong", fmt.Sprint(err)
	})
}

// rest calls the REST API; out, if not nil, receives the JSON answer.
func (p *syncPeer) rest(method, path string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, p.gui+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", p.apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, body)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func (p *syncPeer) mustREST(method, path string) {
	p.t.Helper()
	if err := p.rest(method, path, nil); err != nil {
		p.t.Fatalf("%s: %v\n%s", p.name, err, p.logs.String())
	}
}

// waitFor polls cond for up to two minutes; the last state it reported
// and both logs explain a timeout.
func (p *syncPeer) waitFor(what string, cond func() (bool, string)) {
	p.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			logs := p.name + "'s Syncthing log:\n" + p.logs.String()
			if p.other != nil {
				logs += "\n" + p.other.name + "'s Syncthing log:\n" + p.other.logs.String()
			}
			p.t.Fatalf("gave up waiting for %s; last seen: %s\n%s", what, state, logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// idle reports whether this side has nothing left to pull or scan and
// knows the other side has everything too.
func (p *syncPeer) idle(other *syncPeer) (bool, string) {
	var status struct {
		State          string `json:"state"`
		NeedTotalItems int    `json:"needTotalItems"`
	}
	var completion struct {
		Completion float64 `json:"completion"`
		NeedItems  int     `json:"needItems"`
	}
	if err := p.rest("GET", "/rest/db/status?folder="+syncFolderID, &status); err != nil {
		return false, err.Error()
	}
	if err := p.rest("GET", "/rest/db/completion?folder="+syncFolderID+"&device="+other.id, &completion); err != nil {
		return false, err.Error()
	}
	state := fmt.Sprintf("%s: %s, needs %d; %s at %.0f%%, needs %d", p.name, status.State, status.NeedTotalItems, other.name, completion.Completion, completion.NeedItems)
	return status.State == "idle" && status.NeedTotalItems == 0 && completion.Completion == 100 && completion.NeedItems == 0, state
}

// files lists the synced files of the folder with a hash of each.
func (p *syncPeer) files() map[string]string {
	entries, err := os.ReadDir(p.folder)
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || name == ".stignore" || strings.HasPrefix(name, ".syncthing.") || ignoredBySync(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(p.folder, name))
		if err != nil {
			continue // replaced this moment: the next look sees it
		}
		sum := sha256.Sum256(data)
		out[name] = hex.EncodeToString(sum[:8])
	}
	return out
}

func ignoredBySync(name string) bool {
	for _, pattern := range strings.Fields(syncIgnores) {
		if ok, _ := filepath.Match(pattern, name); ok {
			return true
		}
	}
	return false
}

// settle has both sides rescan, then waits until both are idle, each
// knows the other is complete, and the two folders hold the same files.
// until, if not nil, must also hold of the files.
func settle(a, b *syncPeer, until func(files map[string]string) bool) map[string]string {
	a.t.Helper()
	a.mustREST("POST", "/rest/db/scan?folder="+syncFolderID)
	b.mustREST("POST", "/rest/db/scan?folder="+syncFolderID)
	var files map[string]string
	a.waitFor("both computers to be in step", func() (bool, string) {
		okA, stateA := a.idle(b)
		okB, stateB := b.idle(a)
		fa, fb := a.files(), b.files()
		same := fmt.Sprint(fa) == fmt.Sprint(fb)
		files = fa
		state := fmt.Sprintf("%s; %s; files %v / %v", stateA, stateB, fa, fb)
		return okA && okB && same && (until == nil || until(fa)), state
	})
	return files
}

func vaultConflictCopies(files map[string]string) []string {
	var out []string
	for name := range files {
		if _, ok := vault.ConflictCopyOf("vault.age", name); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func (p *syncPeer) accounts() map[string]accountView {
	p.t.Helper()
	var views []accountView
	if err := json.Unmarshal([]byte(p.cli.ok("", "--no-keyring", "list", "--json")), &views); err != nil {
		p.t.Fatal(err)
	}
	out := map[string]accountView{}
	for _, v := range views {
		out[v.Issuer] = v
	}
	return out
}

func TestTwoComputersThroughSyncthing(t *testing.T) {
	if testing.Short() {
		t.Skip("two Syncthing instances take a while")
	}
	st := testenv.Tool(t, "syncthing")
	desk, laptop := newSyncPeer(t, st, "desk"), newSyncPeer(t, st, "laptop")
	desk.other, laptop.other = laptop, desk
	desk.writeConfig(laptop)
	laptop.writeConfig(desk)

	// The vault starts on the desk, its key file (passphrase mode) beside it.
	desk.cli.ok("", "--no-keyring", "init", "--passphrase")
	for _, u := range []string{
		"otpauth://hotp/Counter:me?secret=JBSWY3DPEHPK3PXP&issuer=Counter&counter=0",
		"otpauth://totp/Both:me?secret=GEZDGNBVGY3TQOJQ&issuer=Both",
		"otpauth://totp/Gone:me?secret=KRSXG5CTMVRXEZLU&issuer=Gone",
	} {
		desk.cli.ok(u+"\n", "--no-keyring", "add", "-")
	}
	began := time.Now()
	desk.start(st)
	laptop.start(st)
	settle(desk, laptop, func(files map[string]string) bool {
		_, ok := files["vault.age"]
		_, key := files["vault.age.key"]
		return ok && key
	})
	t.Logf("started and first sync: %s", time.Since(began).Round(time.Millisecond))
	if got := laptop.accounts(); len(got) != 3 {
		t.Fatalf("the laptop's first copy of the vault: %v", got)
	}

	// Apart: both computers change the vault.
	desk.mustREST("POST", "/rest/system/pause")
	laptop.mustREST("POST", "/rest/system/pause")
	desk.cli.ok("otpauth://totp/Desk:me?secret=MFRGGZDFMZTWQ2LK&issuer=Desk\n", "--no-keyring", "add", "-")
	desk.cli.ok("", "--no-keyring", "remove", "--yes", "Gone")
	desk.cli.ok("", "--no-keyring", "code", "Counter")
	laptop.cli.ok("otpauth://totp/Laptop:me?secret=ONSWG4TFOQ&issuer=Laptop\n", "--no-keyring", "add", "-")
	for range 3 {
		laptop.cli.ok("", "--no-keyring", "code", "Counter")
	}

	// Together again: Syncthing keeps one version and the other as a copy.
	began = time.Now()
	desk.mustREST("POST", "/rest/system/resume")
	laptop.mustREST("POST", "/rest/system/resume")
	files := settle(desk, laptop, func(files map[string]string) bool { return len(vaultConflictCopies(files)) > 0 })
	copies := vaultConflictCopies(files)
	t.Logf("Syncthing's conflict copies: %v (%s after resuming)", copies, time.Since(began).Round(time.Millisecond))
	if _, errOut, _ := desk.cli.run("", "--no-keyring", "list"); !strings.Contains(errOut, "sparekey conflicts merge") {
		t.Errorf("list did not point at the conflict copy: %q", errOut)
	}
	out := desk.cli.ok("", "--no-keyring", "conflicts", "merge")
	t.Logf("sparekey conflicts merge:\n%s", out)
	began = time.Now()

	files = settle(desk, laptop, func(files map[string]string) bool { return len(vaultConflictCopies(files)) == 0 })
	t.Logf("the merge reached both computers in %s", time.Since(began).Round(time.Millisecond))
	if left := vaultConflictCopies(files); len(left) > 0 {
		t.Fatalf("conflict copies left: %v", left)
	}
	want := []string{"Both", "Counter", "Desk", "Laptop"}
	for _, p := range []*syncPeer{desk, laptop} {
		got := p.accounts()
		var names []string
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %v, want %v (the union, minus Gone deleted on the desk)", p.name, names, want)
		}
		if c := got["Counter"].Counter; c == nil || *c != 3 {
			t.Errorf("%s: HOTP counter %v, want 3 (the higher of 1 and 3)", p.name, c)
		}
		if copies, err := vault.ConflictCopies(p.cli.vault); err != nil || len(copies) > 0 {
			t.Errorf("%s: conflict copies %v %v", p.name, copies, err)
		}
	}
	// The next code on either computer is one neither has shown.
	wantCode := oath(t, "--hotp", "--base32", "--counter=3", "JBSWY3DPEHPK3PXP")[0]
	if got := strings.TrimSpace(laptop.cli.ok("", "--no-keyring", "code", "Counter")); got != wantCode {
		t.Errorf("the laptop's next code %s, want %s (counter 3)", got, wantCode)
	}
}
