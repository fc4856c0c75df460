package transfer

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// 2FAS backup (.2fas). Schemas 1 to 4 are known; newer ones are read the
// same way, since 2FAS has only ever added fields.
type twofasFile struct {
	Services          []json.RawMessage `json:"services"`
	Groups            []twofasGroup     `json:"groups"`
	SchemaVersion     *int              `json:"schemaVersion"`
	ServicesEncrypted string            `json:"servicesEncrypted"`
	Reference         string            `json:"reference"`
}

type twofasGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type twofasService struct {
	Name    string     `json:"name"`
	Secret  *string    `json:"secret"`
	OTP     *twofasOTP `json:"otp"`
	GroupID string     `json:"groupId"`
	// Older schemas had the type at the top.
	Type string `json:"type"`
}

type twofasOTP struct {
	Label     string `json:"label"`
	Account   string `json:"account"`
	Issuer    string `json:"issuer"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	Algorithm string `json:"algorithm"`
	Counter   uint64 `json:"counter"`
	TokenType string `json:"tokenType"`
}

const (
	twofasIterations = 10000
	twofasKeyLen     = 32
	twofasNonceSize  = 12
)

func readTwoFAS(c *collector, data []byte, opts Options) error {
	var f twofasFile
	if err := json.Unmarshal(data, &f); err != nil {
		return jsonProblem(err, "")
	}
	services := f.Services
	if f.ServicesEncrypted != "" {
		c.res.Encrypted = true
		plain, err := openTwoFAS(&f, opts)
		if err != nil {
			return err
		}
		services = nil
		if err := json.Unmarshal(plain, &services); err != nil {
			return jsonProblem(err, "servicesEncrypted")
		}
	} else if f.Services == nil {
		return &FieldError{Field: "services", Reason: "is missing"}
	}
	groups := map[string]string{}
	for _, g := range f.Groups {
		groups[g.ID] = g.Name
	}
	for i, raw := range services {
		pos := fmt.Sprintf("service %d", i+1)
		var s twofasService
		if err := json.Unmarshal(raw, &s); err != nil {
			c.skip(pos, entryProblem(err, fmt.Sprintf("services[%d]", i)))
			continue
		}
		in, why := s.account(groups)
		if why != "" {
			c.skip(entryLabel(pos, in.Issuer, in.Name), why)
			continue
		}
		c.add(pos, in)
	}
	return nil
}

func (s *twofasService) account(groups map[string]string) (vault.Account, string) {
	otp := s.OTP
	if otp == nil {
		otp = &twofasOTP{}
	}
	in := vault.Account{Issuer: strings.TrimSpace(s.Name), Name: strings.TrimSpace(otp.Account)}
	if in.Issuer == "" {
		in.Issuer = strings.TrimSpace(otp.Issuer)
	}
	if in.Name == "" {
		in.Name = strings.TrimSpace(otp.Label)
		if i := strings.Index(in.Name, ":"); i >= 0 && strings.EqualFold(strings.TrimSpace(in.Name[:i]), in.Issuer) {
			in.Name = strings.TrimSpace(in.Name[i+1:])
		}
	}
	if s.Secret == nil {
		return in, "field \"secret\" is missing"
	}
	in.Secret = *s.Secret
	switch strings.ToUpper(otp.TokenType) {
	case "", "TOTP":
		in.Kind = vault.KindTOTP
	case "HOTP":
		in.Kind, in.Counter = vault.KindHOTP, otp.Counter
	case "STEAM":
		in.Kind = vault.KindSteam
	default:
		return in, fmt.Sprintf("token type %q is not supported (only TOTP, HOTP and Steam)", truncate(otp.TokenType, 16))
	}
	algo, err := vault.ParseAlgorithm(otp.Algorithm)
	if err != nil {
		return in, reason(err)
	}
	in.Algorithm = algo
	in.Digits = otp.Digits
	if in.Kind != vault.KindHOTP {
		in.Period = otp.Period
	}
	if name, ok := groups[s.GroupID]; ok && s.GroupID != "" {
		in.Tags = vault.NormalizeTags([]string{name})
	}
	return in, ""
}

// openTwoFAS checks the password against the encrypted reference (when the
// file has one), so a wrong password is told apart from a damaged file,
// then decrypts the services.
func openTwoFAS(f *twofasFile, opts Options) ([]byte, error) {
	services, err := splitTwoFAS(f.ServicesEncrypted, "servicesEncrypted")
	if err != nil {
		return nil, err
	}
	var reference *twofasSealed
	if f.Reference != "" {
		if reference, err = splitTwoFAS(f.Reference, "reference"); err != nil {
			return nil, err
		}
	}
	if opts.Password == nil {
		return nil, ErrPasswordRequired
	}
	password, err := opts.Password()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPasswordRequired, err)
	}
	keys := map[string][]byte{}
	keyFor := func(salt []byte) ([]byte, error) {
		if k, ok := keys[string(salt)]; ok {
			return k, nil
		}
		k, err := pbkdf2.Key(sha256.New, string(password), salt, twofasIterations, twofasKeyLen)
		if err != nil {
			return nil, err
		}
		keys[string(salt)] = k
		return k, nil
	}
	if reference != nil {
		key, err := keyFor(reference.salt)
		if err != nil {
			return nil, err
		}
		if _, err := openGCM(key, reference.iv, reference.sealed); err != nil {
			return nil, ErrWrongPassword
		}
	}
	key, err := keyFor(services.salt)
	if err != nil {
		return nil, err
	}
	plain, err := openGCM(key, services.iv, services.sealed)
	if err != nil {
		if reference != nil {
			return nil, fmt.Errorf("%w: the password is right but the services do not decrypt; the backup is damaged", ErrMalformed)
		}
		// Without a reference (older backups) the two cannot be told apart.
		return nil, fmt.Errorf("%w (or the backup is damaged)", ErrWrongPassword)
	}
	return plain, nil
}

type twofasSealed struct {
	sealed, salt, iv []byte
}

// splitTwoFAS reads "b64(ciphertext‖tag):b64(salt):b64(iv)".
func splitTwoFAS(s, field string) (*twofasSealed, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return nil, &FieldError{Field: field, Reason: "should be three base64 parts separated by ':'"}
	}
	var out [3][]byte
	for i, p := range parts {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(p))
		if err != nil {
			return nil, &FieldError{Field: field, Reason: fmt.Sprintf("part %d is not base64", i+1)}
		}
		out[i] = b
	}
	if len(out[0]) < 16 || len(out[1]) == 0 || len(out[2]) != twofasNonceSize {
		return nil, &FieldError{Field: field, Reason: "has parts of the wrong length"}
	}
	return &twofasSealed{sealed: out[0], salt: out[1], iv: out[2]}, nil
}
