package practice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SigV4 verification, enough for the Query protocol as the AWS CLI and SDKs
// send it: header-signed requests (not presigned URLs), with the body hashed
// here, the request time within 15 minutes of the server's wall clock, and
// the credential scope naming the service of the operation.

// authHeader is a parsed "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…" Authorization header.
type authHeader struct {
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

func (a *authHeader) scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// parseAuthHeader returns nil, nil when there is no Authorization header.
func parseAuthHeader(h string) (*authHeader, *apiError) {
	if h == "" {
		return nil, nil
	}
	rest, ok := strings.CutPrefix(h, sigV4Algorithm+" ")
	if !ok {
		return nil, errorf(400, "IncompleteSignature", "Authorization header requires the %s algorithm", sigV4Algorithm)
	}
	a := &authHeader{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" || f[0] == "" {
				return nil, errorf(400, "IncompleteSignature", "Credential should be scoped to a valid region, not %s", sanitizeScope(v))
			}
			a.AccessKeyID, a.Date, a.Region, a.Service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKeyID == "" || len(a.SignedHeaders) == 0 || a.Signature == "" {
		return nil, errorf(400, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	return a, nil
}

// sanitizeScope drops the access key id from an echoed credential scope.
func sanitizeScope(v string) string {
	if _, rest, ok := strings.Cut(v, "/"); ok {
		return sanitize(rest)
	}
	return ""
}

// requestWindow is how far a request's X-Amz-Date may stray from the
// server's clock, as in AWS: outside it a captured request is worthless.
const requestWindow = 15 * time.Minute

// amzDateFormat is ISO 8601 basic format, the only one SigV4 signs.
const amzDateFormat = "20060102T150405Z"

// unsignedPayload is what S3 clients put in X-Amz-Content-Sha256 to skip
// hashing the body; the Query APIs always sign the body.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// validRegion is the shape of a region name (us-east-1, eu-central-1,
// us-gov-west-1, cn-north-1); any such region is accepted.
var validRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// checkSignedRequest checks what does not need the secret key: the request
// time against wall (within requestWindow), the credential scope against
// the request time and the service the operation belongs to, that the Host
// is signed, and that X-Amz-Content-Sha256, when sent, is the body's hash.
// It returns the request time.
func checkSignedRequest(r *http.Request, body []byte, a *authHeader, svc service, wall time.Time) (string, *apiError) {
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		amzDate = r.Header.Get("Date")
	}
	if amzDate == "" {
		return "", errorf(400, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return "", errorf(400, "IncompleteSignature", "Date must be in ISO-8601 'basic format' (like 20060102T150405Z), not '%s'.", sanitize(amzDate))
	}
	if amzDate[:8] != a.Date {
		return "", errorf(403, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", sanitize(a.Date), amzDate[:8], amzDate)
	}
	wall = wall.UTC()
	if earliest := wall.Add(-requestWindow); signedAt.Before(earliest) {
		return "", errorf(403, "SignatureDoesNotMatch", "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, earliest.Format(amzDateFormat), wall.Format(amzDateFormat))
	}
	if latest := wall.Add(requestWindow); signedAt.After(latest) {
		return "", errorf(403, "SignatureDoesNotMatch", "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, latest.Format(amzDateFormat), wall.Format(amzDateFormat))
	}
	if a.Service != svc.Name {
		return "", errorf(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '%s'.", svc.Name)
	}
	if !validRegion.MatchString(a.Region) {
		return "", errorf(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '%s'.", sanitize(a.Region))
	}
	if !slices.Contains(a.SignedHeaders, "host") {
		return "", errorf(400, "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	switch sent := r.Header.Get("X-Amz-Content-Sha256"); sent {
	case "", payloadHash(body):
	case unsignedPayload:
		return "", errorf(403, "SignatureDoesNotMatch", "X-Amz-Content-Sha256 is UNSIGNED-PAYLOAD, but %s requests must sign their body: send the body's SHA-256 instead.", strings.ToUpper(svc.Name))
	default:
		return "", errorf(403, "SignatureDoesNotMatch", "X-Amz-Content-Sha256 is not the SHA-256 of the request body: the body was changed after it was signed.")
	}
	return amzDate, nil
}

func payloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// verifySignature recomputes the signature of r (whose body is body and
// whose request time checkSignedRequest returned as amzDate) with secret
// and compares it in constant time. The payload hash is always computed
// from the body, never taken from the request, so a captured signature
// cannot carry another body.
func verifySignature(r *http.Request, body []byte, amzDate string, a *authHeader, secret string) bool {
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(canonicalURI(r.URL) + "\n")
	canon.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, name := range a.SignedHeaders {
		canon.WriteString(name + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	canon.WriteString("\n" + strings.Join(a.SignedHeaders, ";") + "\n" + payloadHash(body))

	canonHash := sha256.Sum256([]byte(canon.String()))
	stringToSign := sigV4Algorithm + "\n" + amzDate + "\n" + a.scope() + "\n" + hex.EncodeToString(canonHash[:])

	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	key = hmacSHA256(key, a.Region)
	key = hmacSHA256(key, a.Service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, stringToSign))
	return hmac.Equal([]byte(want), []byte(a.Signature))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	// Non-S3 services encode each path segment twice; the SDKs sign the
	// escaped path escaped once more.
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = awsEscape(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// awsEscape is SigV4's URI encoding: everything but unreserved characters
// percent-encoded, upper-case hex.
func awsEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	case "content-length":
		vals = append([]string(nil), r.Header.Values("Content-Length")...)
		if len(vals) == 0 && r.ContentLength >= 0 {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		vals = append([]string(nil), r.Header.Values(name)...)
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}
