package practice

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The AWS Query protocol: form-encoded requests, XML responses.

const (
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	iamVersion   = "2010-05-08"
	stsVersion   = "2011-06-15"

	// maxBody bounds a request body; real Query requests are a few KB.
	maxBody = 1 << 20
)

// apiError is an AWS error as it goes on the wire.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// validation reports a parameter error, which AWS answers only after it
// authenticated the request.
func (e *apiError) validation() bool { return e.Code == "ValidationError" }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errors every AWS Query service shares.
var (
	errMissingAuth = &apiError{403, "MissingAuthenticationToken",
		"Request is missing Authentication Token"}
	errInvalidToken = &apiError{403, "InvalidClientTokenId",
		"The security token included in the request is invalid."}
	errExpiredToken = &apiError{403, "ExpiredToken",
		"The security token included in the request is expired"}
	errSignature = &apiError{403, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	errThrottling = &apiError{400, "Throttling", "Rate exceeded"}
	errService    = &apiError{500, "ServiceFailure",
		"The request processing has failed because of an unknown error, exception or failure."}
)

// service is IAM or STS: the namespace and version of an operation.
type service struct {
	Name      string // "iam", "sts" or "organizations", as in IAM action names
	Namespace string
	Version   string
	// JSON marks a service of the AWS JSON 1.1 protocol (X-Amz-Target,
	// JSON bodies, __type errors) rather than Query/XML.
	JSON bool
}

var (
	iamService = service{Name: "iam", Namespace: iamNamespace, Version: iamVersion}
	stsService = service{Name: "sts", Namespace: stsNamespace, Version: stsVersion}
)

// request is a parsed Query request before it is bound to an operation.
type request struct {
	Action  string
	Version string
	Params  url.Values
	Body    []byte // the JSON body of a JSON protocol request
}

// parseForm parses a form-encoded Query body (or query string). It is strict
// where Go's url.ParseQuery is lenient in ways AWS is not: a malformed
// escape is an error rather than a silently dropped pair.
func parseForm(body []byte) (*request, *apiError) {
	if len(body) > maxBody {
		return nil, errorf(413, "RequestEntityTooLarge", "Request body must be at most %d bytes", maxBody)
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errorf(400, "MalformedQueryString", "The query string is malformed: %s", sanitize(err.Error()))
	}
	req := &request{Params: vals, Action: vals.Get("Action"), Version: vals.Get("Version")}
	if req.Action == "" {
		return nil, errorf(400, "MissingAction", "The request is missing an action or a required parameter.")
	}
	return req, nil
}

// sanitize keeps a message printable and short: request text echoed back
// must not break the XML or flood a terminal.
func sanitize(s string) string {
	const max = 256
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			b.WriteRune('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// params reads typed values out of a request and collects AWS-style
// validation messages.
type params struct {
	v      url.Values
	errors []string
}

func (p *params) fail(value, member, constraint string) {
	p.errors = append(p.errors, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", sanitize(value), member, constraint))
}

func (p *params) failNull(member string) {
	p.errors = append(p.errors, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", member))
}

// err is the ValidationError for everything collected so far, or nil.
func (p *params) err() *apiError {
	switch n := len(p.errors); n {
	case 0:
		return nil
	case 1:
		return errorf(400, "ValidationError", "1 validation error detected: %s", p.errors[0])
	default:
		return errorf(400, "ValidationError", "%d validation errors detected: %s", n, strings.Join(p.errors, "; "))
	}
}

// memberName is how AWS names a member in validation messages: the first
// letter lower case ("SerialNumber" → "serialNumber").
func memberName(param string) string {
	if param == "" {
		return param
	}
	return strings.ToLower(param[:1]) + param[1:]
}

// stringRule is the constraint of a string shape.
type stringRule struct {
	min, max int    // in characters; max 0 = unbounded
	pattern  string // AWS's text for the pattern, "" = none
	match    func(rune) bool
}

var (
	ruleSerial     = stringRule{9, 256, `[\w+=/:,.@-]+`, isSerialRune}
	ruleCode       = stringRule{6, 6, `[\d]+`, isDigit}
	ruleDeviceName = stringRule{1, 0, `[\w+=,.@-]+`, isNameRune}
	ruleUserName   = stringRule{1, 128, `[\w+=,.@-]+`, isNameRune}
	ruleNewUser    = stringRule{1, 64, `[\w+=,.@-]+`, isNameRune}
	ruleMarker     = stringRule{1, 320, `[\u0020-\u00FF]+`, func(r rune) bool { return r >= 0x20 && r <= 0xff }}
	rulePath       = stringRule{1, 512, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, nil}
	rulePathPrefix = stringRule{1, 512, `\u002F[\u0021-\u007F]*`, nil}
	ruleTagKey     = stringRule{1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, isTagRune}
	ruleTagValue   = stringRule{0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, isTagRune}
	ruleSTSSerial  = stringRule{9, 256, `[\w+=/:,.@-]*`, isSerialRune}
	ruleTokenCode  = stringRule{6, 6, `[\d]*`, isDigit}
)

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
func isWord(r rune) bool {
	return r == '_' || isDigit(r) || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}
func isNameRune(r rune) bool   { return isWord(r) || strings.ContainsRune("+=,.@-", r) }
func isSerialRune(r rune) bool { return isWord(r) || strings.ContainsRune("+=/:,.@-", r) }
func isTagRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) ||
		strings.ContainsRune("_.:/=+-@", r)
}

func isValidPath(s string) bool {
	if s == "/" {
		return true
	}
	if len(s) < 3 || s[0] != '/' || s[len(s)-1] != '/' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func isValidPathPrefix(s string) bool {
	if s == "" || s[0] != '/' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7f {
			return false
		}
	}
	return true
}

// check validates a present value against a rule, recording violations the
// way AWS words them (length before pattern).
func (p *params) check(member, value string, r stringRule) {
	n := len([]rune(value))
	if n < r.min {
		p.fail(value, member, fmt.Sprintf("Member must have length greater than or equal to %d", r.min))
	}
	if r.max > 0 && n > r.max {
		p.fail(value, member, fmt.Sprintf("Member must have length less than or equal to %d", r.max))
	}
	if r.pattern == "" {
		return
	}
	ok := true
	switch r.pattern {
	case rulePath.pattern:
		ok = isValidPath(value)
	case rulePathPrefix.pattern:
		ok = isValidPathPrefix(value)
	default:
		for _, c := range value {
			if !r.match(c) {
				ok = false
				break
			}
		}
	}
	if !ok && value != "" {
		p.fail(value, member, "Member must satisfy regular expression pattern: "+r.pattern)
	}
}

// str reads an optional string parameter; present reports whether it was
// sent at all.
func (p *params) str(name string, r stringRule) (value string, present bool) {
	vs, ok := p.v[name]
	if !ok {
		return "", false
	}
	value = vs[0]
	p.check(memberName(name), value, r)
	return value, true
}

// required reads a required string parameter.
func (p *params) required(name string, r stringRule) string {
	v, ok := p.str(name, r)
	if !ok {
		p.failNull(memberName(name))
	}
	return v
}

// integer reads an optional integer parameter within [min, max].
func (p *params) integer(name string, min, max int) (int, bool) {
	vs, ok := p.v[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil {
		p.fail(vs[0], memberName(name), "Member must be an integer")
		return 0, false
	}
	if n < min {
		p.fail(vs[0], memberName(name), fmt.Sprintf("Member must have value greater than or equal to %d", min))
	}
	if n > max {
		p.fail(vs[0], memberName(name), fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
	return n, true
}

// enum reads an optional enumerated parameter.
func (p *params) enum(name string, allowed ...string) (string, bool) {
	vs, ok := p.v[name]
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if vs[0] == a {
			return a, true
		}
	}
	p.fail(vs[0], memberName(name), "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
	return "", false
}

// list reads a Query list "Name.member.N" (N from 1, contiguous) of strings.
func (p *params) list(name string, max int) ([]string, bool) {
	var out []string
	for i := 1; ; i++ {
		vs, ok := p.v[name+".member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		out = append(out, vs[0])
	}
	// An empty list is sent as "Name=" by the SDKs.
	_, empty := p.v[name]
	if len(out) > max {
		p.errors = append(p.errors, fmt.Sprintf("Value '[%s]' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
			sanitize(strings.Join(out, ", ")), memberName(name), max))
	}
	return out, len(out) > 0 || empty
}

// tags reads "Tags.member.N.Key" / ".Value".
func (p *params) tags(name string) ([]tag, bool) {
	var out []tag
	for i := 1; ; i++ {
		prefix := name + ".member." + strconv.Itoa(i)
		k, hasKey := p.v[prefix+".Key"]
		v, hasValue := p.v[prefix+".Value"]
		if !hasKey && !hasValue {
			break
		}
		t := tag{}
		member := memberName(name) + "." + strconv.Itoa(i) + ".member."
		if hasKey {
			t.Key = k[0]
			p.check(member+"key", t.Key, ruleTagKey)
		} else {
			p.failNull(member + "key")
		}
		if hasValue {
			t.Value = v[0]
			p.check(member+"value", t.Value, ruleTagValue)
		} else {
			p.failNull(member + "value")
		}
		out = append(out, t)
	}
	_, empty := p.v[name]
	if len(out) > 50 {
		p.errors = append(p.errors, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 50", memberName(name)))
	}
	return out, len(out) > 0 || empty
}

// newRequestID is a random UUID (version 4), as AWS request ids are.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// isoTime is a timestamp as AWS writes it: ISO 8601, UTC, whole seconds.
type isoTime time.Time

func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

// members is a Query list: <Name><member>…</member></Name>, and <Name/> when
// empty (AWS always sends list elements; omitting one would make the CLI
// print no key at all).
type members[T any] []T

func (m members[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for i := range m {
		if err := e.EncodeElement(m[i], xml.StartElement{Name: xml.Name{Local: "member"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// writeResult writes a success response: <OpResponse><OpResult>…</OpResult>
// <ResponseMetadata>…</ResponseMetadata></OpResponse>. A nil result is an
// operation without output: only ResponseMetadata.
func writeResult(w http.ResponseWriter, svc service, op, requestID string, result any) {
	if svc.JSON {
		writeJSONResult(w, requestID, result)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	fmt.Fprintf(&buf, "<%sResponse xmlns=\"%s\">\n", op, svc.Namespace)
	if result != nil {
		enc := xml.NewEncoder(&buf)
		enc.Indent("  ", "  ")
		buf.WriteString("  ")
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}}); err != nil {
			writeError(w, svc, requestID, errService)
			return
		}
		enc.Close()
		buf.WriteString("\n")
	}
	fmt.Fprintf(&buf, "  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n", requestID, op)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

type xmlError struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type xmlErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Error     xmlError `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

// writeError writes AWS's error envelope. Type is Sender for 4xx and
// Receiver for 5xx.
func writeError(w http.ResponseWriter, svc service, requestID string, e *apiError) {
	if svc.JSON {
		writeJSONError(w, requestID, e)
		return
	}
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	b, _ := xml.MarshalIndent(xmlErrorResponse{
		Xmlns:     svc.Namespace,
		Error:     xmlError{Type: typ, Code: e.Code, Message: e.Message},
		RequestID: requestID,
	}, "", "  ")
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(xml.Header)+len(b)+1))
	w.WriteHeader(e.Status)
	w.Write([]byte(xml.Header))
	w.Write(b)
	w.Write([]byte("\n"))
}
