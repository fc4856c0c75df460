package transfer_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
)

// TestMetadataMapping checks that what other apps keep beside the seed
// (groups, folders, notes, pins, favourites, trash) arrives as Sparekey's
// tags, notes and favourites.
func TestMetadataMapping(t *testing.T) {
	ente := func(display string) string {
		return "otpauth://totp/Ente:x?secret=JBSWY3DPEHPK3PXP&codeDisplay=" + url.QueryEscape(display)
	}
	cases := []struct {
		name     string
		data     string
		tags     []string
		note     string
		favorite bool
		skipped  int
	}{
		{"ente pinned with tags and note", ente(`{"pinned":true,"trashed":false,"tags":["work"," work ","mail"],"note":" spare phone "}`), []string{"work", "mail"}, "spare phone", true, 0},
		{"ente trashed is left out", ente(`{"trashed":true}`) + "\n" + "otpauth://totp/Other:y?secret=KRSXG5DTMVRXEZLU", nil, "", false, 1},
		{"ente unreadable display keeps the account", ente(`{not json`), nil, "", false, 0},
		{"aegis groups (database v3)", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[
			{"type":"totp","uuid":"u","name":"x","issuer":"A","note":"n","favorite":true,"groups":["g1","g2","unknown"],"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}],
			"groups":[{"uuid":"g1","name":"Work"},{"uuid":"g2","name":"Cloud"}]}}`, []string{"Work", "Cloud"}, "n", true, 0},
		{"aegis group (database v1)", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":1,"entries":[
			{"type":"totp","name":"x","issuer":"A","group":"Personal","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}]}}`, []string{"Personal"}, "", false, 0},
		{"2fas group", `{"services":[{"name":"A","secret":"JBSWY3DPEHPK3PXP","groupId":"g","otp":{"account":"x"}}],"groups":[{"id":"g","name":"Banks"}],"schemaVersion":4}`, []string{"Banks"}, "", false, 0},
		{"bitwarden folder, notes, favourite", `{"encrypted":false,"folders":[{"id":"f","name":"Shopping"}],"items":[
			{"name":"Shop","folderId":"f","notes":"n","favorite":true,"login":{"username":"me","totp":"JBSWY3DPEHPK3PXP"}}]}`, []string{"Shopping"}, "n", true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := transfer.ImportBytes("meta", []byte(tc.data), transfer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Skipped) != tc.skipped || len(res.Accounts) == 0 {
				t.Fatalf("%d accounts, skipped %v", len(res.Accounts), res.Skipped)
			}
			a := res.Accounts[0]
			if !slices.Equal(a.Tags, tc.tags) || a.Note != tc.note || a.Favorite != tc.favorite {
				t.Errorf("tags %q note %q favourite %v; want %q %q %v", a.Tags, a.Note, a.Favorite, tc.tags, tc.note, tc.favorite)
			}
			if tc.skipped == 1 && (a.Issuer != "Other" || res.Skipped[0].Reason != "is in Ente's trash, so it was left out") {
				t.Errorf("trash: kept %s, skipped %v", a.Label(), res.Skipped)
			}
		})
	}
}

// TestBitwardenEntries covers the three ways Bitwarden stores a TOTP.
func TestBitwardenEntries(t *testing.T) {
	res, err := transfer.ImportBytes("bw.json", []byte(`{"encrypted":false,"items":[
		{"name":"Link without issuer","login":{"username":"u","totp":"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&digits=8"}},
		{"name":"Steam","login":{"totp":"steam://KRSXG5DTMVRXEZLU"}},
		{"name":"Bare","login":{"username":"bob","totp":"jbsw y3dp ehpk 3pxq"}}]}`), transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		issuer, name string
		kind         vault.Kind
		digits       int
	}{{"Link without issuer", "alice", vault.KindTOTP, 8}, {"Steam", "", vault.KindSteam, 5}, {"Bare", "bob", vault.KindTOTP, 6}}
	if len(res.Accounts) != len(want) {
		t.Fatalf("%d accounts, skipped %v", len(res.Accounts), res.Skipped)
	}
	for i, w := range want {
		a := res.Accounts[i]
		if a.Issuer != w.issuer || a.Name != w.name || a.Kind != w.kind || a.Digits != w.digits {
			t.Errorf("%d: %s|%s|%s|%d, want %v", i, a.Issuer, a.Name, a.Kind, a.Digits, w)
		}
	}
}
