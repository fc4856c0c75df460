package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sparekey/sparekey/vault"
)

// sdkPhraseExamples holds, for every phrase in sdkPhrases, a message it
// must recognise. Where the SDK can produce the failure here it does
// (TestSDKPhrasesFromRealSDK); the rest are AWS's documented messages.
var sdkPhraseExamples = []struct {
	phrase  string
	op      string
	err     error
	want    error
	comment string
}{
	{"resolve service endpoint", "GetCallerIdentity", errors.New("operation error STS: GetCallerIdentity, failed to resolve service endpoint, endpoint rule error, Invalid Configuration: Missing Region"), ErrRegion, "aws-sdk-go-v2 with no region"},
	{"Missing Region", "GetCallerIdentity", errors.New("endpoint rule error, Invalid Configuration: Missing Region"), ErrRegion, "the endpoint rules' own words"},
	{"resolve endpoint", "ListUsers", errors.New("operation error IAM: ListUsers, resolve endpoint: no partition for cn-nowhere-1"), ErrRegion, "older SDK releases"},
	{"ResolveEndpoint", "ListUsers", errors.New("ResolveEndpoint: unknown region"), ErrRegion, "middleware name"},
	{"failed to retrieve credentials", "GetCallerIdentity", errors.New("operation error STS: GetCallerIdentity, failed to retrieve credentials"), ErrCredentials, "credential chain"},
	{"get credentials", "GetCallerIdentity", errors.New("get identity: get credentials: no provider"), ErrCredentials, "signing middleware"},
	{"failed to refresh cached credentials", "GetCallerIdentity", errors.New("operation error STS: GetCallerIdentity, failed to refresh cached credentials, no EC2 IMDS role found"), ErrCredentials, "credentials cache"},
	{"no valid credential", "GetCallerIdentity", errors.New("no valid credential sources found"), ErrCredentials, "v1-style chain"},
	{"werkzeug", "GetCredentialReport", apiAnswer500("<title>werkzeug debugger</title>"), ErrUnsupported, "moto, lower case"},
	{"Werkzeug", "GetCredentialReport", apiAnswer500("Werkzeug Debugger"), ErrUnsupported, "moto's debugger page"},
	{"not yet implemented", "GetCredentialReport", apiAnswer500("The get_credential_report action has not yet implemented"), ErrUnsupported, "moto's plain message"},
	{"session credentials", "GetSessionToken", apiDenied("Cannot call GetSessionToken with session credentials"), ErrSessionCredentials, "STS"},
	{"MultiFactorAuthentication", "GetSessionToken", apiDenied("MultiFactorAuthentication failed with invalid MFA one time pass code."), ErrInvalidCode, "STS"},
	{"no identity-based policy allows", "ListUsers", apiDenied("User: arn:aws:iam::1:user/bob is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action"), ErrAccessDenied, "IAM"},
	{"no permissions boundary allows", "ListUsers", apiDenied("User: arn:aws:iam::1:user/bob is not authorized to perform: iam:ListUsers because no permissions boundary allows the iam:ListUsers action"), ErrAccessDenied, "IAM"},
}

func apiDenied(msg string) error {
	return &smithy.OperationError{ServiceID: "IAM", Err: &smithy.GenericAPIError{Code: "AccessDenied", Message: msg}}
}

// apiAnswer500 is a server error response as the SDK wraps it when a
// local server (moto) answers 500 with a page of its own instead of an
// AWS error document.
func apiAnswer500(body string) error {
	return &smithy.OperationError{ServiceID: "IAM", OperationName: "GetCredentialReport", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusInternalServerError}},
		Err:      errors.New(body),
	}}
}

// TestSDKPhrases checks every phrase of the table with a message holding
// it, and that no phrase is left without an example.
func TestSDKPhrases(t *testing.T) {
	covered := map[string]bool{}
	for _, ex := range sdkPhraseExamples {
		t.Run(ex.phrase, func(t *testing.T) {
			if ex.err == nil || !strings.Contains(ex.err.Error(), ex.phrase) {
				t.Fatalf("the example (%s) does not hold the phrase: %v", ex.comment, ex.err)
			}
			got := classify(ex.op, ex.err)
			if !errors.Is(got, ex.want) {
				t.Fatalf("classify(%q) = %v, want %v", ex.err, got, ex.want)
			}
		})
		covered[ex.phrase] = true
	}
	for p, phrases := range sdkPhrases {
		for _, s := range phrases {
			if !covered[s] {
				t.Errorf("phrase %q (class %d) has no example in sdkPhraseExamples", s, p)
			}
		}
	}
}

// TestSDKPhrasesFromRealSDK makes the SDK fail for real where it can
// without a network, so a rewording in a new release is caught.
func TestSDKPhrasesFromRealSDK(t *testing.T) {
	tests := []struct {
		name string
		opts sts.Options
		want error
	}{
		{"no region", sts.Options{Credentials: aws.AnonymousCredentials{}}, ErrRegion},
		{"no credentials", sts.Options{Region: "us-east-1", Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(
			func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{}, errors.New("no EC2 IMDS role found")
			}))}, ErrCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sts.New(tt.opts).GetCallerIdentity(context.Background(), nil)
			if err == nil {
				t.Fatal("the call succeeded")
			}
			if got := classify("GetCallerIdentity", err); !errors.Is(got, tt.want) {
				t.Fatalf("classify(%q) = %v, want %v", err, got, tt.want)
			}
		})
	}
}

func TestRemedyOfWrapped(t *testing.T) {
	inc := &IncompleteError{Flow: "replace", Step: "x", Err: errors.New("boom"), Fix: vault.RemedyResumeReplace}
	if got := vault.RemedyOf(fmt.Errorf("outer: %w", inc)); got != vault.RemedyResumeReplace {
		t.Fatalf("RemedyOf = %v", got)
	}
}

// TestGuidanceNamesNoCommand keeps commands out of the package's advice:
// the command line prints the remedy as a command, the window offers it
// as a button (vault.Remedy). Guidance naming `sparekey aws …` sent
// desktop users to a terminal.
func TestGuidanceNamesNoCommand(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	guidance := regexp.MustCompile(`Guidance(:| \+?=)\s*(fmt\.Sprintf\()?"[^"]*"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range guidance.FindAllString(string(src), -1) {
			if strings.Contains(m, "sparekey ") || strings.Contains(m, " --") {
				t.Errorf("%s: guidance names a command: %s", f, m)
			}
		}
	}
}
