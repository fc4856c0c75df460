package transfer_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault/transfer"
)

func password(p string) transfer.Options {
	return transfer.Options{Password: func() ([]byte, error) { return []byte(p), nil }}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(testenv.Fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportFailures(t *testing.T) {
	aegisPlain := readFixture(t, "aegis_plain.json")
	aegisEnc := readFixture(t, "aegis_encrypted.json")
	twofasEnc := readFixture(t, "2fas_authenticator_encrypted_v4.2fas")
	cases := []struct {
		name   string
		data   []byte
		opts   transfer.Options
		is     error
		phrase string // a part of the message the user needs
	}{
		{"truncated aegis", aegisPlain[:len(aegisPlain)/2], transfer.Options{}, transfer.ErrMalformed, "cut short"},
		{"truncated 2fas", twofasEnc[:100], transfer.Options{}, transfer.ErrMalformed, "cut short"},
		{"aegis wrong password", aegisEnc, password("nope"), transfer.ErrWrongPassword, "wrong password"},
		{"aegis no password", aegisEnc, transfer.Options{}, transfer.ErrPasswordRequired, "encrypted"},
		{"aegis password callback fails", aegisEnc, transfer.Options{Password: func() ([]byte, error) { return nil, errors.New("cancelled") }}, transfer.ErrPasswordRequired, "cancelled"},
		{"2fas wrong password", twofasEnc, password("nope"), transfer.ErrWrongPassword, "wrong password"},
		{"2fas no password", twofasEnc, transfer.Options{}, transfer.ErrPasswordRequired, "encrypted"},
		{"aegis biometric only", bytes.Replace(aegisEnc, []byte(`"type": 1`), []byte(`"type": 2`), 1), password("test"), transfer.ErrEncryptedExport, "password slot"},
		{"aegis hostile scrypt", bytes.Replace(aegisEnc, []byte(`"n": 32768`), []byte(`"n": 1073741824`), 1), password("test"), transfer.ErrMalformed, "header.slots[0]"},
		{"aegis damaged db", bytes.Replace(aegisEnc, []byte(`"db": "RtGf`), []byte(`"db": "AAAA`), 1), password("test"), transfer.ErrMalformed, "damaged"},
		{"aegis no db", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":null}`), transfer.Options{}, transfer.ErrMalformed, `"db"`},
		{"aegis mistyped entries", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":"x"}}`), transfer.Options{}, transfer.ErrMalformed, "db.entries"},
		{"aegis no header", []byte(`{"version":1,"header":null,"db":{}}`), transfer.Options{}, transfer.ErrMalformed, `"header"`},
		{"2fas mistyped services", []byte(`{"services":{"a":1},"schemaVersion":4}`), transfer.Options{}, transfer.ErrMalformed, "services"},
		{"2fas missing services", []byte(`{"schemaVersion":4,"groups":[]}`), transfer.Options{}, transfer.ErrMalformed, `"services"`},
		{"2fas broken encrypted field", []byte(`{"services":[],"schemaVersion":4,"servicesEncrypted":"abc"}`), password("x"), transfer.ErrMalformed, "servicesEncrypted"},
		{"bitwarden encrypted", []byte(`{"encrypted":true,"passwordProtected":true,"data":"2.abc"}`), transfer.Options{}, transfer.ErrEncryptedExport, "(not \".json (Encrypted)\")"},
		{"ente encrypted", []byte(`{"version":1,"kdfParams":{"memLimit":1,"opsLimit":1,"salt":"x"},"encryptedData":"x","encryptionNonce":"x"}`), transfer.Options{}, transfer.ErrEncryptedExport, "Plain text"},
		{"bitwarden no items", []byte(`{"encrypted":false,"folders":[]}`), transfer.Options{}, transfer.ErrMalformed, `"items"`},
		{"freeotp mistyped tokens", []byte(`{"tokenOrder":[],"tokens":"x"}`), transfer.Options{}, transfer.ErrMalformed, "tokens"},
		{"unknown text", []byte("hello\nworld\n"), transfer.Options{}, transfer.ErrUnknownFormat, "Aegis"},
		{"unknown json", []byte(`{"accounts":[]}`), transfer.Options{}, transfer.ErrUnknownFormat, "2FAS"},
		{"json list", []byte(`[1,2]`), transfer.Options{}, transfer.ErrUnknownFormat, "FreeOTP+"},
		{"comments only", []byte("# nothing\n\n"), transfer.Options{}, transfer.ErrUnknownFormat, "comments"},
		{"empty", []byte("  \n"), transfer.Options{}, transfer.ErrEmpty, "empty"},
		{"broken JSON", []byte(`{"header": {,}`), transfer.Options{}, transfer.ErrMalformed, "byte"},
		{"picture without a QR code", blankPNG(t), transfer.Options{}, transfer.ErrNoQRCode, "no QR code"},
		{"damaged picture", []byte("\x89PNG\r\n\x1a\nnot really"), transfer.Options{}, nil, "PNG"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const file = "/home/user/Downloads/export-file"
			res, err := transfer.ImportBytes(file, tc.data, tc.opts)
			if err == nil {
				t.Fatalf("no error; got %d accounts, skipped %v", len(res.Accounts), res.Skipped)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %q", err, tc.is)
			}
			var te *transfer.Error
			if !errors.As(err, &te) || te.File != file || !strings.HasPrefix(err.Error(), file) {
				t.Errorf("error %q does not name the file first", err)
			}
			if !strings.Contains(err.Error(), tc.phrase) {
				t.Errorf("error %q does not say %q", err, tc.phrase)
			}
			assertNoSecrets(t, err.Error())
		})
	}
}

// assertNoSecrets fails when any reference secret appears in s.
func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, a := range allSeven {
		if strings.Contains(s, a.Secret) || strings.Contains(strings.ToLower(s), strings.ToLower(a.Secret[:12])) {
			t.Errorf("message reveals the secret of %s: %q", a.Issuer, s)
		}
	}
}

func TestPasswordAskedOnlyForEncryptedFiles(t *testing.T) {
	for _, f := range []string{"aegis_plain.json", "2fas_authenticator_plain_v4.2fas", "plain.txt"} {
		opts := transfer.Options{Password: func() ([]byte, error) {
			t.Errorf("%s: password asked for a plain file", f)
			return nil, errors.New("no")
		}}
		if _, err := transfer.ImportFile(testenv.Fixture(t, f), opts); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestOversizeFileRefusedBeforeReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: costs no disk, but Stat reports 65 MiB.
	if err := f.Truncate(transfer.MaxFileSize + 1<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = transfer.ImportFile(path, transfer.Options{})
	if !errors.Is(err, transfer.ErrTooLarge) || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want ErrTooLarge naming the file", err)
	}
	// A stream gives no size up front: it is cut at the limit instead.
	_, err = transfer.Import("stdin", endless{}, transfer.Options{})
	if !errors.Is(err, transfer.ErrTooLarge) {
		t.Errorf("stream: got %v, want ErrTooLarge", err)
	}
}

type endless struct{}

var spaces = bytes.Repeat([]byte{' '}, 1<<20)

func (endless) Read(p []byte) (int, error) {
	return copy(p, spaces), nil
}

func TestUnreadableFile(t *testing.T) {
	_, err := transfer.ImportFile(filepath.Join(t.TempDir(), "missing.2fas"), transfer.Options{})
	if err == nil || !strings.Contains(err.Error(), "missing.2fas") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
	_, err = transfer.ImportFile(t.TempDir(), transfer.Options{})
	if err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder: got %v", err)
	}
}

// TestInvalidEntriesAreSkippedNotFatal mixes broken entries with good ones
// in every format: the good ones come in, each broken one is named with a
// reason, and no reason quotes a secret.
func TestInvalidEntriesAreSkippedNotFatal(t *testing.T) {
	cases := []struct {
		name    string
		data    string
		good    int
		reasons []string // one per skipped entry, in order
	}{
		{"uri list", `# my codes
otpauth://totp/Good:one?secret=JBSWY3DPEHPK3PXP
otpauth://totp/Bad:secret?secret=JBSWY3DPEHPK3PX1!!
not a link at all

otpauth://hotp/Bad:digits?secret=JBSWY3DPEHPK3PXP&digits=12
otpauth://totp/Good:two?secret=KRSXG5DTMVRXEZLU&period=60
otpauth-migration://offline?data=%%%`, 2, []string{"line 3 (Bad:secret): secret has characters no key contains", "line 4: is not an otpauth:// link", "line 6 (Bad:digits): digits", "line 8: the Google Authenticator export link has a malformed query"}},
		{"aegis", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[
{"type":"totp","name":"ok","issuer":"Good","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
{"type":"totp","name":"b","issuer":"BadSecret","info":{"secret":"JBSWY3DPEHPK3PX1","algo":"SHA1","digits":6,"period":30}},
{"type":"totp","name":"c","issuer":"Mistyped","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":"six","period":30}},
{"type":"yandex","name":"d","issuer":"Yandex","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA256","digits":8,"period":30}},
{"type":"totp","name":"e","issuer":"NoInfo"},
{"type":"totp","name":"f","issuer":"BadAlgo","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"period":30}}
]}}`, 1, []string{"entry 2 (BadSecret / b): secret has characters no key contains", `entry 3: field "db.entries[2].info.digits" should be a number, not string`, `entry 4 (Yandex / d): type "yandex" is not supported`, `entry 5 (NoInfo / e): field "info" is missing`, "entry 6 (BadAlgo / f): algorithm"}},
		{"2fas", `{"services":[
{"name":"Good","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"a","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}},
{"name":"BadSecret","secret":"0000","otp":{"account":"b"}},
{"name":"NoSecret","otp":{"account":"c"}},
{"name":"Weird","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"d","tokenType":"YANDEX"}}
],"groups":[],"schemaVersion":7}`, 1, []string{"service 2 (BadSecret / b): secret has characters no key contains", `service 3 (NoSecret / c): field "secret" is missing`, `service 4 (Weird / d): token type "YANDEX" is not supported`}},
		{"bitwarden", `{"encrypted":false,"items":[
{"name":"Password only","login":{"username":"x","password":"y","totp":null}},
{"name":"Bare","login":{"username":"me","totp":"JBSW Y3DP EHPK 3PXP"}},
{"name":"Broken","login":{"totp":"otpauth://totp/x?secret=1111"}},
{"name":"BrokenBare","login":{"totp":"11111111"}}
]}`, 1, []string{"item 3 (Broken): secret has characters no key contains", "item 4 (BrokenBare): secret has characters no key contains"}},
		{"freeotp+", `{"tokens":[
{"algo":"SHA1","digits":6,"issuerExt":"Good","label":"a","period":30,"secret":[1,2,3,4,5,6,7,8,9,10],"type":"TOTP"},
{"algo":"SHA1","digits":6,"issuerExt":"Big","label":"b","period":30,"secret":[1,2,999],"type":"TOTP"},
{"algo":"SHA1","digits":6,"issuerExt":"NoType","label":"c","period":30,"secret":[1,2]},
{"algo":"SHA1","digits":6,"issuerExt":"Str","label":"d","period":30,"secret":"AAAA","type":"TOTP"}
]}`, 1, []string{"token 2 (Big / b): secret is not a list of bytes", `token 3 (NoType / c): field "type" is missing`, `token 4: field "tokens[3].secret" should be a list, not string`}},
		{"google", "otpauth-migration://offline?data=" + badGooglePayload(), 1, []string{"line 1, account 2 (MD5 / m): algorithm MD5 is not supported"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := transfer.ImportBytes("mixed", []byte(tc.data), transfer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Accounts) != tc.good {
				t.Errorf("imported %d, want %d", len(res.Accounts), tc.good)
			}
			if len(res.Skipped) != len(tc.reasons) {
				t.Fatalf("skipped %q, want %d", res.Skipped, len(tc.reasons))
			}
			for i, p := range res.Skipped {
				msg := p.Entry + ": " + p.Reason
				if !strings.HasPrefix(msg, tc.reasons[i]) {
					t.Errorf("problem %d = %q, want it to start with %q", i, msg, tc.reasons[i])
				}
				if p.Source != "mixed" || !strings.HasPrefix(p.String(), "mixed: ") {
					t.Errorf("problem %q does not name the file", p)
				}
				for _, secret := range []string{"JBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PXP", "KRSXG5DTMVRXEZLU", "11111111"} {
					if strings.Contains(msg, secret) {
						t.Errorf("problem %q reveals a secret", msg)
					}
				}
			}
		})
	}
}

func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// badGooglePayload hand-encodes (independently of the package's encoder) a
// migration payload with one good account and one MD5 account.
func badGooglePayload() string {
	param := func(secret []byte, name, issuer string, algo uint64) []byte {
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, secret)
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendString(m, name)
		m = protowire.AppendTag(m, 3, protowire.BytesType)
		m = protowire.AppendString(m, issuer)
		m = protowire.AppendTag(m, 4, protowire.VarintType)
		m = protowire.AppendVarint(m, algo)
		m = protowire.AppendTag(m, 99, protowire.VarintType) // unknown fields are skipped
		m = protowire.AppendVarint(m, 7)
		return m
	}
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, param([]byte("0123456789"), "ok@example.com", "Good", 1))
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, param([]byte("9876543210"), "m", "MD5", 4))
	return url.QueryEscape(base64.StdEncoding.EncodeToString(b))
}
