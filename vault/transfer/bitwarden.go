package transfer

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// Bitwarden's unencrypted JSON export. Only items with a TOTP are taken;
// passwords, cards and notes are none of an authenticator's business.
type bitwardenFile struct {
	Encrypted *bool             `json:"encrypted"`
	Folders   []bitwardenFolder `json:"folders"`
	Items     []json.RawMessage `json:"items"`
}

type bitwardenFolder struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type bitwardenItem struct {
	Name     string  `json:"name"`
	Notes    *string `json:"notes"`
	Favorite bool    `json:"favorite"`
	FolderID *string `json:"folderId"`
	Login    *struct {
		Username *string `json:"username"`
		TOTP     *string `json:"totp"`
	} `json:"login"`
}

func readBitwarden(c *collector, data []byte) error {
	var f bitwardenFile
	if err := json.Unmarshal(data, &f); err != nil {
		return jsonProblem(err, "")
	}
	if f.Encrypted != nil && *f.Encrypted {
		return fmt.Errorf("%w: in Bitwarden choose Export vault with the file format \".json\" (not \".json (Encrypted)\"), import that file, then delete it", ErrEncryptedExport)
	}
	if f.Items == nil {
		return &FieldError{Field: "items", Reason: "is missing"}
	}
	folders := map[string]string{}
	for _, fo := range f.Folders {
		folders[fo.ID] = fo.Name
	}
	for i, raw := range f.Items {
		pos := fmt.Sprintf("item %d", i+1)
		var it bitwardenItem
		if err := json.Unmarshal(raw, &it); err != nil {
			c.skip(pos, entryProblem(err, fmt.Sprintf("items[%d]", i)))
			continue
		}
		if it.Login == nil || it.Login.TOTP == nil || strings.TrimSpace(*it.Login.TOTP) == "" {
			continue
		}
		label := entryLabel(pos, it.Name, "")
		totp := strings.TrimSpace(*it.Login.TOTP)
		var username, note string
		if it.Login.Username != nil {
			username = strings.TrimSpace(*it.Login.Username)
		}
		if it.Notes != nil {
			note = strings.TrimSpace(*it.Notes)
		}
		var tags []string
		if it.FolderID != nil {
			if name, ok := folders[*it.FolderID]; ok {
				tags = []string{name}
			}
		}
		lower := strings.ToLower(totp)
		switch {
		case strings.HasPrefix(lower, "otpauth://"):
			a, err := vault.ParseURI(totp)
			if err != nil {
				c.skip(label, reason(err))
				continue
			}
			if a.Issuer == "" {
				a.Issuer = strings.TrimSpace(it.Name)
			}
			if a.Name == "" {
				a.Name = username
			}
			a.Note, a.Favorite, a.Tags = note, it.Favorite, vault.NormalizeTags(tags)
			if err := a.Validate(); err != nil {
				c.skip(label, reason(err))
				continue
			}
			c.keep(pos, a, linkLabel(totp))
		case strings.HasPrefix(lower, "otpauth-migration:"):
			c.skip(label, "holds a Google Authenticator export link; import that link on its own")
		default:
			// "steam://SECRET" is how Bitwarden stores Steam Guard; anything
			// else is a bare base32 secret for a 6-digit, 30 s TOTP.
			in := vault.Account{Issuer: it.Name, Name: username, Note: note, Favorite: it.Favorite, Tags: tags, Kind: vault.KindTOTP, Secret: totp}
			if strings.HasPrefix(lower, "steam://") {
				in.Kind, in.Secret = vault.KindSteam, totp[len("steam://"):]
			}
			c.add(pos, in)
		}
	}
	return nil
}
