package backup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
)

func TestVerifyFailsOnUnreadableEntries(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	doc := `{"format":"sparekey-backup","version":1,"count":2,"accounts":[
	  {"uri":"","issuer":"Good","name":"one","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30},
	  {"uri":"","issuer":"Broken","name":"two","secret":"0189!!","kind":"totp","algorithm":"SHA1","digits":6,"period":30}]}`
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, id.Recipient())
	w.Write([]byte(doc))
	w.Close()
	path := filepath.Join(dir, "b.age")
	os.WriteFile(path, buf.Bytes(), 0o600)
	log := &VerifyLog{Path: filepath.Join(dir, "verified.json")}

	o, cmp, err := Verify(path, Unlock{Identities: []age.Identity{id}}, nil, log, nil)
	if !errors.Is(err, ErrUnreadableEntries) || o == nil || cmp.Invalid != 1 || cmp.Complete() {
		t.Fatalf("Verify = %v, %+v, %v", o, cmp, err)
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Errorf("the error does not name the file: %v", err)
	}
	rec, ok := log.Lookup(path, Hash(buf.Bytes()))
	if !ok || rec.OK || rec.Problem == "" {
		t.Errorf("recorded %+v (found %v), want a failed drill", rec, ok)
	}
}
