package practice

import (
	"encoding/xml"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeRequest feeds arbitrary form bodies to the Query parser and the
// operations' input decoders: they must never panic, must accept only
// inputs that satisfy the constraints the operations rely on, and must
// answer everything else with a 4xx error whose envelope is valid XML.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		"Action=EnableMFADevice&Version=2010-05-08&UserName=bob&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fbob&AuthenticationCode1=123456&AuthenticationCode2=654321",
		"Action=CreateVirtualMFADevice&Version=2010-05-08&VirtualMFADeviceName=phone&Path=%2Fteam%2F&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Action=ListVirtualMFADevices&Version=2010-05-08&AssignmentStatus=Unassigned&MaxItems=2&Marker=YWJj",
		"Action=UntagMFADevice&Version=2010-05-08&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fx&TagKeys.member.1=a&TagKeys.member.2=b",
		"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fa&TokenCode=000000",
		"Action=ListUsers&Version=2010-05-08&PathPrefix=%2F&MaxItems=1000",
		"Action=DeactivateMFADevice&SerialNumber=GAHT12345678",
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Action=Nope&Version=1",
		"Action=EnableMFADevice&AuthenticationCode1=%FF%FE&AuthenticationCode2=%00",
		"a=%zz",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		action, in, err := decodeRequest(body)
		if err != nil {
			if err.Status < 400 || err.Status >= 500 {
				t.Fatalf("decode error with status %d: %v", err.Status, err)
			}
			if !utf8.ValidString(err.Message) || strings.IndexFunc(err.Message, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
				t.Fatalf("unprintable message %q", err.Message)
			}
			rec := httptest.NewRecorder()
			writeError(rec, iamService, "req", err)
			var e xmlErrorResponse
			if xerr := xml.Unmarshal(rec.Body.Bytes(), &e); xerr != nil {
				t.Fatalf("error envelope is not XML: %v\n%s", xerr, rec.Body)
			}
			if e.Error.Code != err.Code {
				t.Fatalf("envelope code %q, want %q", e.Error.Code, err.Code)
			}
			return
		}
		if operations[action] == nil {
			t.Fatalf("accepted unknown action %q", action)
		}
		switch in := in.(type) {
		case codesInput:
			for _, c := range []string{in.Code1, in.Code2} {
				if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
					t.Fatalf("accepted code %q", c)
				}
			}
			checkSerial(t, in.Serial)
		case createDeviceInput:
			if in.Name == "" || !isValidPath(in.Path) || len(in.Tags) > maxTags {
				t.Fatalf("accepted %+v", in)
			}
		case serialInput:
			checkSerial(t, in.Serial)
		case listVirtualInput:
			if in.MaxItems < 1 || in.MaxItems > 1000 || (in.Status != "Any" && in.Status != "Assigned" && in.Status != "Unassigned") {
				t.Fatalf("accepted %+v", in)
			}
		case sessionInput:
			if in.Duration != 0 && (in.Duration < 900 || in.Duration > 129600) {
				t.Fatalf("accepted duration %d", in.Duration)
			}
		case untagInput:
			if len(in.Keys) > maxTags {
				t.Fatalf("accepted %d keys", len(in.Keys))
			}
		}
	})
}

func checkSerial(t *testing.T, s string) {
	t.Helper()
	if len(s) < 9 || len(s) > 256 {
		t.Fatalf("accepted serial %q", s)
	}
	for _, r := range s {
		if !isSerialRune(r) {
			t.Fatalf("accepted serial %q", s)
		}
	}
}
