package transfer

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/sparekey/sparekey/vault"
)

// Google Authenticator's transfer payload, as the .proto would say it:
//
//	message MigrationPayload {
//	  repeated OtpParameters otp_parameters = 1;
//	  int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//	}
//	message OtpParameters {
//	  bytes secret = 1; string name = 2; string issuer = 3;
//	  Algorithm algorithm = 4;  // 0 unspecified (SHA1), 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//	  DigitCount digits = 5;    // 0 unspecified (6), 1 six, 2 eight
//	  OtpType type = 6;         // 0 unspecified (TOTP), 1 HOTP, 2 TOTP
//	  int64 counter = 7;
//	}
const (
	payloadOtpParameters = 1
	payloadVersion       = 2
	payloadBatchSize     = 3
	payloadBatchIndex    = 4
	payloadBatchID       = 5

	otpSecret    = 1
	otpName      = 2
	otpIssuer    = 3
	otpAlgorithm = 4
	otpDigits    = 5
	otpType      = 6
	otpCounter   = 7
)

type migrationPayload struct {
	params     []otpParameters
	version    int64
	batchSize  int64
	batchIndex int64
	batchID    int32
}

type otpParameters struct {
	secret                 []byte
	name, issuer           string
	algorithm, digits, typ uint64
	counter                uint64
}

// maxBatchSize bounds the batch size a payload may claim; Google
// Authenticator puts about ten accounts in each of at most a few dozen codes.
const maxBatchSize = 1000

var errBadPayload = errors.New("the data is not a Google Authenticator export payload")

func decodePayload(b []byte) (*migrationPayload, error) {
	p := &migrationPayload{}
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == payloadOtpParameters && typ == protowire.BytesType:
			op, err := decodeOtpParameters(v)
			if err != nil {
				return err
			}
			p.params = append(p.params, op)
		case num == payloadVersion && typ == protowire.VarintType:
			p.version = int64(x)
		case num == payloadBatchSize && typ == protowire.VarintType:
			p.batchSize = int64(x)
		case num == payloadBatchIndex && typ == protowire.VarintType:
			p.batchIndex = int64(x)
		case num == payloadBatchID && typ == protowire.VarintType:
			p.batchID = int32(x)
		case num >= payloadOtpParameters && num <= payloadBatchID:
			return errBadPayload // a known field with the wrong wire type
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func decodeOtpParameters(b []byte) (otpParameters, error) {
	var op otpParameters
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == otpSecret && typ == protowire.BytesType:
			op.secret = append([]byte(nil), v...)
		case num == otpName && typ == protowire.BytesType:
			op.name = string(v)
		case num == otpIssuer && typ == protowire.BytesType:
			op.issuer = string(v)
		case num == otpAlgorithm && typ == protowire.VarintType:
			op.algorithm = x
		case num == otpDigits && typ == protowire.VarintType:
			op.digits = x
		case num == otpType && typ == protowire.VarintType:
			op.typ = x
		case num == otpCounter && typ == protowire.VarintType:
			op.counter = x
		case num >= otpSecret && num <= otpCounter:
			return errBadPayload
		}
		return nil
	})
	return op, err
}

// eachField walks a protobuf message, handing each field to f (bytes fields
// as v, varints as x) and skipping unknown ones, as protobuf readers must.
func eachField(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errBadPayload
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errBadPayload
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

func encodePayload(p *migrationPayload) []byte {
	var b []byte
	for _, op := range p.params {
		var m []byte
		m = protowire.AppendTag(m, otpSecret, protowire.BytesType)
		m = protowire.AppendBytes(m, op.secret)
		m = protowire.AppendTag(m, otpName, protowire.BytesType)
		m = protowire.AppendString(m, op.name)
		m = protowire.AppendTag(m, otpIssuer, protowire.BytesType)
		m = protowire.AppendString(m, op.issuer)
		m = protowire.AppendTag(m, otpAlgorithm, protowire.VarintType)
		m = protowire.AppendVarint(m, op.algorithm)
		m = protowire.AppendTag(m, otpDigits, protowire.VarintType)
		m = protowire.AppendVarint(m, op.digits)
		m = protowire.AppendTag(m, otpType, protowire.VarintType)
		m = protowire.AppendVarint(m, op.typ)
		if op.counter != 0 {
			m = protowire.AppendTag(m, otpCounter, protowire.VarintType)
			m = protowire.AppendVarint(m, op.counter)
		}
		b = protowire.AppendTag(b, payloadOtpParameters, protowire.BytesType)
		b = protowire.AppendBytes(b, m)
	}
	for _, f := range []struct {
		num protowire.Number
		v   uint64
	}{
		{payloadVersion, uint64(p.version)},
		{payloadBatchSize, uint64(p.batchSize)},
		{payloadBatchIndex, uint64(p.batchIndex)},
		{payloadBatchID, uint64(int64(p.batchID))},
	} {
		b = protowire.AppendTag(b, f.num, protowire.VarintType)
		b = protowire.AppendVarint(b, f.v)
	}
	return b
}

// parseMigrationURI extracts and decodes the payload of an
// otpauth-migration://offline?data=… link.
func parseMigrationURI(s string) (*migrationPayload, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "otpauth-migration") {
		return nil, errors.New("is not a valid otpauth-migration:// link")
	}
	if !strings.EqualFold(u.Host, "offline") {
		return nil, fmt.Errorf("has an unknown kind %q (Google Authenticator writes otpauth-migration://offline)", truncate(u.Host, 24))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New("has a malformed query (bad %-escape)")
	}
	data := q.Get("data")
	if data == "" {
		return nil, errors.New("has no data= parameter")
	}
	// Some tools copy the base64 without URL-escaping it: '+' then arrives
	// as a space.
	data = strings.ReplaceAll(data, " ", "+")
	raw, err := decodeBase64(data)
	if err != nil {
		return nil, errors.New("has data that is not base64")
	}
	p, err := decodePayload(raw)
	if err != nil {
		return nil, errors.New("has data that is not a Google Authenticator export (it may be cut short)")
	}
	return p, nil
}

func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// readMigrationURI imports every account of one Google Authenticator
// export link and records its batch part.
func readMigrationURI(c *collector, pos, line string) {
	p, err := parseMigrationURI(line)
	if err != nil {
		c.skip(pos, "the Google Authenticator export link "+err.Error())
		return
	}
	if p.batchSize > 1 || p.batchIndex > 0 {
		if p.batchSize < 1 || p.batchSize > maxBatchSize || p.batchIndex < 0 || p.batchIndex >= p.batchSize {
			c.skip(pos, fmt.Sprintf("the Google Authenticator export claims to be code %d of %d, which cannot be", p.batchIndex+1, p.batchSize))
		} else {
			c.res.Batches = append(c.res.Batches, BatchPart{BatchID: p.batchID, Index: int(p.batchIndex), Size: int(p.batchSize), Source: c.res.Source})
		}
	}
	for i, op := range p.params {
		entry := pos
		if len(p.params) > 1 || strings.HasPrefix(pos, "line") {
			entry = fmt.Sprintf("%s, account %d", pos, i+1)
		}
		in, why := op.account()
		if why != "" {
			c.skip(entryLabel(entry, in.Issuer, in.Name), why)
			continue
		}
		c.add(entry, in)
	}
}

// account converts Google's parameters, or says why it cannot.
func (op otpParameters) account() (vault.Account, string) {
	in := vault.Account{Issuer: strings.TrimSpace(op.issuer), Name: strings.TrimSpace(op.name)}
	// Google puts "Issuer:account" in name, with or without an issuer.
	if i := strings.Index(in.Name, ":"); i >= 0 {
		prefix := strings.TrimSpace(in.Name[:i])
		if in.Issuer == "" {
			in.Issuer, in.Name = prefix, strings.TrimSpace(in.Name[i+1:])
		} else if strings.EqualFold(prefix, in.Issuer) {
			in.Name = strings.TrimSpace(in.Name[i+1:])
		}
	}
	if len(op.secret) == 0 {
		return in, "secret is empty"
	}
	in.Secret = vault.SecretFromBytes(op.secret)
	switch op.algorithm {
	case 0, 1:
		in.Algorithm = vault.SHA1
	case 2:
		in.Algorithm = vault.SHA256
	case 3:
		in.Algorithm = vault.SHA512
	case 4:
		return in, "algorithm MD5 is not supported (no other authenticator uses it)"
	default:
		return in, fmt.Sprintf("algorithm %d is unknown", op.algorithm)
	}
	switch op.digits {
	case 0, 1:
		in.Digits = 6
	case 2:
		in.Digits = 8
	default:
		return in, fmt.Sprintf("digits setting %d is unknown", op.digits)
	}
	switch op.typ {
	case 0, 2:
		in.Kind, in.Period = vault.KindTOTP, vault.DefaultPeriod
	case 1:
		in.Kind, in.Counter = vault.KindHOTP, op.counter
	default:
		return in, fmt.Sprintf("type %d is unknown", op.typ)
	}
	return in, ""
}

// GoogleBatchSize is how many accounts go in one transfer QR code, as
// Google Authenticator itself does: more makes the code too dense to scan
// from a screen.
const GoogleBatchSize = 10

// GoogleExport is a set of Google Authenticator transfer links, one per QR
// code, plus the accounts Google Authenticator cannot hold.
type GoogleExport struct {
	URIs []string
	// NotExportable lists accounts left out and why (a 20 s period, 7
	// digits, Steam): Google Authenticator only has 6 or 8 digits and 30 s.
	NotExportable []Problem
}

// GoogleMigration builds transfer links for accounts, batchSize accounts a
// link (0 means GoogleBatchSize), sharing a random batch id.
func GoogleMigration(accts []*vault.Account, batchSize int) (*GoogleExport, error) {
	if batchSize <= 0 {
		batchSize = GoogleBatchSize
	}
	out := &GoogleExport{}
	var params []otpParameters
	for i, a := range accts {
		op, why := googleParameters(a)
		if why != "" {
			out.NotExportable = append(out.NotExportable, Problem{Entry: entryLabel(fmt.Sprintf("account %d", i+1), a.Issuer, a.Name), Reason: why})
			continue
		}
		params = append(params, op)
	}
	if len(params) == 0 {
		return out, nil
	}
	var idb [4]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return nil, fmt.Errorf("no randomness for the batch id: %w", err)
	}
	batchID := int32(binary.BigEndian.Uint32(idb[:]) & 0x7fffffff)
	n := (len(params) + batchSize - 1) / batchSize
	for i := 0; i < n; i++ {
		chunk := params[i*batchSize : min((i+1)*batchSize, len(params))]
		p := &migrationPayload{params: chunk, version: 1, batchSize: int64(n), batchIndex: int64(i), batchID: batchID}
		data := base64.StdEncoding.EncodeToString(encodePayload(p))
		out.URIs = append(out.URIs, "otpauth-migration://offline?data="+url.QueryEscape(data))
	}
	return out, nil
}

func googleParameters(a *vault.Account) (otpParameters, string) {
	op := otpParameters{name: a.Name, issuer: a.Issuer}
	switch a.Kind {
	case vault.KindTOTP:
		op.typ = 2
		if a.Period != vault.DefaultPeriod {
			return op, fmt.Sprintf("has a %d-second period; Google Authenticator only has 30 seconds", a.Period)
		}
	case vault.KindHOTP:
		op.typ, op.counter = 1, a.Counter
	default:
		return op, "is a Steam account; Google Authenticator cannot show Steam codes"
	}
	switch a.Digits {
	case 6:
		op.digits = 1
	case 8:
		op.digits = 2
	default:
		return op, fmt.Sprintf("has %d-digit codes; Google Authenticator only has 6 or 8", a.Digits)
	}
	switch a.Algorithm {
	case vault.SHA1:
		op.algorithm = 1
	case vault.SHA256:
		op.algorithm = 2
	case vault.SHA512:
		op.algorithm = 3
	}
	raw, err := a.SecretBytes()
	if err != nil {
		return op, "has an unreadable secret"
	}
	op.secret = raw
	return op, ""
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
