package transfer

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// FreeOTP+ JSON backup. Secrets are Java byte arrays (signed, -128…127).
//
// FreeOTP stores an HOTP token's counter as the last counter it used; the
// next code it shows is for counter+1. Sparekey's Counter is the counter of
// the next code to issue, so one is added: a FreeOTP+ token at 49 is an
// account at 50 (the reference accounts agree).
type freeOTPFile struct {
	Tokens []json.RawMessage `json:"tokens"`
}

type freeOTPToken struct {
	Algo      string   `json:"algo"`
	Counter   uint64   `json:"counter"`
	Digits    int      `json:"digits"`
	IssuerExt string   `json:"issuerExt"`
	IssuerInt string   `json:"issuerInt"`
	Label     string   `json:"label"`
	Period    int      `json:"period"`
	Secret    *[]int64 `json:"secret"`
	Type      *string  `json:"type"`
}

func readFreeOTPPlus(c *collector, data []byte) error {
	var f freeOTPFile
	if err := json.Unmarshal(data, &f); err != nil {
		return jsonProblem(err, "")
	}
	if f.Tokens == nil {
		return &FieldError{Field: "tokens", Reason: "is missing"}
	}
	for i, raw := range f.Tokens {
		pos := fmt.Sprintf("token %d", i+1)
		var t freeOTPToken
		if err := json.Unmarshal(raw, &t); err != nil {
			c.skip(pos, entryProblem(err, fmt.Sprintf("tokens[%d]", i)))
			continue
		}
		in, why := t.account()
		if why != "" {
			c.skip(entryLabel(pos, in.Issuer, in.Name), why)
			continue
		}
		c.add(pos, in)
	}
	return nil
}

func (t *freeOTPToken) account() (vault.Account, string) {
	in := vault.Account{Issuer: strings.TrimSpace(t.IssuerExt), Name: strings.TrimSpace(t.Label), Digits: t.Digits}
	if in.Issuer == "" {
		in.Issuer = strings.TrimSpace(t.IssuerInt)
	}
	if t.Type == nil {
		return in, "field \"type\" is missing"
	}
	if t.Secret == nil {
		return in, "field \"secret\" is missing"
	}
	raw := make([]byte, len(*t.Secret))
	for i, v := range *t.Secret {
		if v < -128 || v > 255 {
			return in, "secret is not a list of bytes"
		}
		raw[i] = byte(v)
	}
	if len(raw) == 0 {
		return in, "secret is empty"
	}
	in.Secret = vault.SecretFromBytes(raw)
	algo, err := vault.ParseAlgorithm(t.Algo)
	if err != nil {
		return in, reason(err)
	}
	in.Algorithm = algo
	switch strings.ToUpper(*t.Type) {
	case "TOTP":
		in.Kind, in.Period = vault.KindTOTP, t.Period
	case "HOTP":
		if t.Counter == ^uint64(0) {
			return in, "counter is out of range"
		}
		in.Kind, in.Counter = vault.KindHOTP, t.Counter+1
	case "STEAM":
		in.Kind, in.Period = vault.KindSteam, t.Period
	default:
		return in, fmt.Sprintf("type %q is not supported (only TOTP, HOTP and Steam)", truncate(*t.Type, 16))
	}
	return in, ""
}
