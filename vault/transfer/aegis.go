package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/scrypt"

	"github.com/sparekey/sparekey/vault"
)

// Aegis vault file (beemdevelopment/Aegis docs/vault.md).
type aegisFile struct {
	Version *int            `json:"version"`
	Header  *aegisHeader    `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisSlot struct {
	Type      int          `json:"type"`
	UUID      string       `json:"uuid"`
	Key       string       `json:"key"`
	KeyParams *aegisParams `json:"key_params"`
	N         int          `json:"n"`
	R         int          `json:"r"`
	P         int          `json:"p"`
	Salt      string       `json:"salt"`
	Repaired  bool         `json:"repaired,omitempty"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisDB struct {
	Version int             `json:"version"`
	Entries json.RawMessage `json:"entries"`
	Groups  []aegisGroup    `json:"groups"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type     *string    `json:"type"`
	UUID     string     `json:"uuid"`
	Name     string     `json:"name"`
	Issuer   string     `json:"issuer"`
	Note     string     `json:"note"`
	Favorite bool       `json:"favorite"`
	Group    string     `json:"group"`  // before database version 3
	Groups   []string   `json:"groups"` // group UUIDs since version 3
	Info     *aegisInfo `json:"info"`
}

type aegisInfo struct {
	Secret  *string `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  int     `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

const (
	aegisSlotRaw      = 0
	aegisSlotPassword = 1
)

func readAegis(c *collector, data []byte, opts Options) error {
	var f aegisFile
	if err := json.Unmarshal(data, &f); err != nil {
		return jsonProblem(err, "")
	}
	if f.Header == nil {
		return &FieldError{Field: "header", Reason: "is missing"}
	}
	db := bytes.TrimSpace(f.DB)
	switch {
	case len(db) == 0 || string(db) == "null":
		return &FieldError{Field: "db", Reason: "is missing"}
	case db[0] == '"':
		c.res.Encrypted = true
		plain, err := openAegis(f.Header, db, opts)
		if err != nil {
			return err
		}
		db = plain
	case db[0] != '{':
		return &FieldError{Field: "db", Reason: "should be an object (plain vault) or text (encrypted vault)"}
	}
	var content aegisDB
	if err := json.Unmarshal(db, &content); err != nil {
		return jsonProblem(err, "db")
	}
	if len(content.Entries) == 0 || string(content.Entries) == "null" {
		return &FieldError{Field: "db.entries", Reason: "is missing"}
	}
	groups := map[string]string{}
	for _, g := range content.Groups {
		groups[g.UUID] = g.Name
	}
	// Decoding all entries at once is a pass fewer over the file; only when
	// some entry has a field of the wrong type are they decoded one by one,
	// to name it and keep the others.
	var entries []aegisEntry
	if json.Unmarshal(content.Entries, &entries) == nil {
		for i := range entries {
			e := &entries[i]
			pos := fmt.Sprintf("entry %d", i+1)
			in, why := e.account(groups)
			if why != "" {
				c.skip(entryLabel(pos, e.Issuer, e.Name), why)
				continue
			}
			c.add(pos, in)
		}
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(content.Entries, &raws); err != nil {
		return jsonProblem(err, "db.entries")
	}
	for i, raw := range raws {
		pos := fmt.Sprintf("entry %d", i+1)
		var e aegisEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.skip(pos, entryProblem(err, fmt.Sprintf("db.entries[%d]", i)))
			continue
		}
		in, why := e.account(groups)
		if why != "" {
			c.skip(entryLabel(pos, e.Issuer, e.Name), why)
			continue
		}
		c.add(pos, in)
	}
	return nil
}

func (e *aegisEntry) account(groups map[string]string) (vault.Account, string) {
	in := vault.Account{Issuer: e.Issuer, Name: e.Name, Note: e.Note, Favorite: e.Favorite}
	if e.Type == nil {
		return in, "field \"type\" is missing"
	}
	if e.Info == nil {
		return in, "field \"info\" is missing"
	}
	if e.Info.Secret == nil {
		return in, "field \"info.secret\" is missing"
	}
	switch strings.ToLower(*e.Type) {
	case "totp":
		in.Kind = vault.KindTOTP
	case "hotp":
		in.Kind = vault.KindHOTP
	case "steam":
		in.Kind = vault.KindSteam
	case "yandex", "motp":
		return in, fmt.Sprintf("type %q is not supported (only TOTP, HOTP and Steam)", *e.Type)
	default:
		return in, fmt.Sprintf("type %q is unknown", truncate(*e.Type, 16))
	}
	algo, err := vault.ParseAlgorithm(e.Info.Algo)
	if err != nil {
		return in, reason(err)
	}
	in.Algorithm = algo
	in.Secret = *e.Info.Secret
	in.Digits = e.Info.Digits
	if in.Kind == vault.KindHOTP {
		if e.Info.Counter != nil {
			in.Counter = *e.Info.Counter
		}
	} else {
		in.Period = e.Info.Period
	}
	if e.Group != "" {
		in.Tags = append(in.Tags, e.Group)
	}
	for _, id := range e.Groups {
		if name, ok := groups[id]; ok {
			in.Tags = append(in.Tags, name)
		}
	}
	in.Tags = vault.NormalizeTags(in.Tags)
	return in, ""
}

// scrypt limits: Aegis uses N=2^15, r=8, p=1. A file may claim anything,
// and N·r sets the memory scrypt takes (128·N·r bytes), so claims far past
// Aegis's own are refused rather than obeyed.
// A variable only so that fuzzing can lower it.
var maxScryptNR = 1 << 21 // 256 MiB

const maxScryptP = 16

// openAegis unwraps the master key with the first password slot that
// accepts the password, then decrypts the database.
func openAegis(h *aegisHeader, db []byte, opts Options) ([]byte, error) {
	var ctB64 string
	if err := json.Unmarshal(db, &ctB64); err != nil {
		return nil, &FieldError{Field: "db", Reason: "is not valid text"}
	}
	ct, err := base64.StdEncoding.DecodeString(ctB64)
	if err != nil {
		return nil, &FieldError{Field: "db", Reason: "is not base64"}
	}
	if h.Params == nil {
		return nil, &FieldError{Field: "header.params", Reason: "is missing (an encrypted vault needs its nonce and tag)"}
	}
	nonce, tag, err := h.Params.decode("header.params")
	if err != nil {
		return nil, err
	}
	var slots []aegisSlot
	for _, s := range h.Slots {
		if s.Type == aegisSlotPassword {
			slots = append(slots, s)
		}
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("%w: this Aegis vault has no password slot (only biometric or raw keys); in Aegis set a password, then export again", ErrEncryptedExport)
	}
	if opts.Password == nil {
		return nil, ErrPasswordRequired
	}
	password, err := opts.Password()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPasswordRequired, err)
	}
	var master []byte
	for i, s := range slots {
		field := fmt.Sprintf("header.slots[%d]", i)
		key, err := s.unwrap(password, field)
		if errors.Is(err, errNotThisSlot) {
			continue
		}
		if err != nil {
			return nil, err
		}
		master = key
		break
	}
	if master == nil {
		return nil, ErrWrongPassword
	}
	plain, err := openGCM(master, nonce, append(ct, tag...))
	if err != nil {
		return nil, fmt.Errorf("%w: the password is right but the vault content does not decrypt; the export is damaged", ErrMalformed)
	}
	return plain, nil
}

var errNotThisSlot = errors.New("slot does not open with this password")

func (s *aegisSlot) unwrap(password []byte, field string) ([]byte, error) {
	if s.N < 2 || s.N&(s.N-1) != 0 || s.R < 1 || s.P < 1 || s.P > maxScryptP || s.N*s.R > maxScryptNR {
		return nil, &FieldError{Field: field, Reason: fmt.Sprintf("has scrypt parameters N=%d r=%d p=%d that Aegis never writes", s.N, s.R, s.P)}
	}
	salt, err := hex.DecodeString(s.Salt)
	if err != nil || len(salt) == 0 {
		return nil, &FieldError{Field: field + ".salt", Reason: "is not hex"}
	}
	wrapped, err := hex.DecodeString(s.Key)
	if err != nil || len(wrapped) != 32 {
		return nil, &FieldError{Field: field + ".key", Reason: "is not a 32-byte hex key"}
	}
	if s.KeyParams == nil {
		return nil, &FieldError{Field: field + ".key_params", Reason: "is missing"}
	}
	nonce, tag, err := s.KeyParams.decode(field + ".key_params")
	if err != nil {
		return nil, err
	}
	kek, err := scrypt.Key(password, salt, s.N, s.R, s.P, 32)
	if err != nil {
		return nil, &FieldError{Field: field, Reason: "has unusable scrypt parameters"}
	}
	master, err := openGCM(kek, nonce, append(wrapped, tag...))
	if err != nil {
		return nil, errNotThisSlot
	}
	return master, nil
}

func (p *aegisParams) decode(field string) (nonce, tag []byte, err error) {
	nonce, err = hex.DecodeString(p.Nonce)
	if err != nil || len(nonce) != 12 {
		return nil, nil, &FieldError{Field: field + ".nonce", Reason: "is not a 12-byte hex nonce"}
	}
	tag, err = hex.DecodeString(p.Tag)
	if err != nil || len(tag) != 16 {
		return nil, nil, &FieldError{Field: field + ".tag", Reason: "is not a 16-byte hex tag"}
	}
	return nonce, tag, nil
}

func openGCM(key, nonce, sealed []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, nonce, sealed, nil)
}

// ExportAegis writes accounts as an unencrypted Aegis vault (database
// version 3: tags become groups), which Aegis and most other apps import.
// The output holds every secret in plain text.
func ExportAegis(w io.Writer, accts []*vault.Account) error {
	type info struct {
		Secret  string  `json:"secret"`
		Algo    string  `json:"algo"`
		Digits  int     `json:"digits"`
		Period  int     `json:"period,omitempty"`
		Counter *uint64 `json:"counter,omitempty"`
	}
	type entry struct {
		Type     string   `json:"type"`
		UUID     string   `json:"uuid"`
		Name     string   `json:"name"`
		Issuer   string   `json:"issuer"`
		Note     string   `json:"note"`
		Favorite bool     `json:"favorite"`
		Icon     *string  `json:"icon"`
		Info     info     `json:"info"`
		Groups   []string `json:"groups"`
	}
	type db struct {
		Version int          `json:"version"`
		Entries []entry      `json:"entries"`
		Groups  []aegisGroup `json:"groups"`
	}
	type file struct {
		Version int `json:"version"`
		Header  struct {
			Slots  []aegisSlot  `json:"slots"`
			Params *aegisParams `json:"params"`
		} `json:"header"`
		DB db `json:"db"`
	}
	out := file{Version: 1, DB: db{Version: 3, Entries: []entry{}, Groups: []aegisGroup{}}}
	groupIDs := map[string]string{}
	for _, a := range accts {
		e := entry{
			Type: string(a.Kind), UUID: newUUID(), Name: a.Name, Issuer: a.Issuer, Note: a.Note, Favorite: a.Favorite,
			Info:   info{Secret: a.Secret, Algo: string(a.Algorithm), Digits: a.Digits},
			Groups: []string{},
		}
		if a.Kind == vault.KindHOTP {
			counter := a.Counter
			e.Info.Counter = &counter
		} else {
			e.Info.Period = a.Period
		}
		for _, t := range a.Tags {
			id, ok := groupIDs[t]
			if !ok {
				id = newUUID()
				groupIDs[t] = id
				out.DB.Groups = append(out.DB.Groups, aegisGroup{UUID: id, Name: t})
			}
			e.Groups = append(e.Groups, id)
		}
		out.DB.Entries = append(out.DB.Entries, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	return enc.Encode(out)
}

// newUUID returns a random (version 4) UUID, the identifiers Aegis uses.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("transfer: no randomness available: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
