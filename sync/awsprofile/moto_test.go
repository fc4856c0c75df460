package awsprofile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sparekey/sparekey/app/testenv"
)

func startMoto(t testing.TB) string { return testenv.StartMoto(t) }

func callerARN(t *testing.T, endpoint string, c Credentials) string {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(endpoint) }).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Arn)
}

// TestAssumeChainMoto assumes a two-role chain against moto_server, an
// independent implementation of STS, and checks that role_session_name
// reaches AWS (it names the assumed-role identity).
func TestAssumeChainMoto(t *testing.T) {
	endpoint := startMoto(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAADMINEXAMPLE0001", "moto-admin", "")))
	if err != nil {
		t.Fatal(err)
	}
	admin := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(endpoint) })
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	for _, name := range []string{"Jump", "Target"} {
		if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	files := writeTestFiles(t, fmt.Sprintf(`[profile base]
region = us-east-1
[profile jump]
role_arn = arn:aws:iam::123456789012:role/Jump
source_profile = base
role_session_name = alice-jump
external_id = ext-7
duration_seconds = 900
[profile target]
role_arn = arn:aws:iam::123456789012:role/Target
source_profile = jump
role_session_name = alice-target
`), "[base]\naws_access_key_id = AKIABASEEXAMPLE00001\naws_secret_access_key = x\n")
	ch, err := Resolve(ctx, "target", files)
	if err != nil {
		t.Fatal(err)
	}
	source := Credentials{AccessKeyID: "AKIABASEEXAMPLE00001", SecretAccessKey: "x", SessionToken: "from-get-session-token"}
	got, err := ch.Assume(ctx, source, AssumeOptions{Files: files, EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.AccessKeyID, "ASIA") || got.SessionToken == "" || !got.Expiration.After(time.Now()) {
		t.Fatalf("role credentials: %s %q", got.AccessKeyID, got)
	}
	if arn := callerARN(t, endpoint, got); arn != "arn:aws:sts::123456789012:assumed-role/Target/alice-target" {
		t.Fatalf("caller = %s", arn)
	}
	if strings.Contains(fmt.Sprint(got)+fmt.Sprintf("%#v", got), got.SecretAccessKey) {
		t.Fatal("formatting the credentials printed the secret")
	}
}

// TestAssumeRefused: an account that refuses the role gives ErrRoleDenied
// naming the profile and the role, and what to check; a revoked or
// expired MFA session gives ErrSourceExpired on the first role only (the
// caller then gets a new session), never on a later role of a chain.
// moto trusts everyone, so the refusals come from a server answering
// exactly as STS does (the Query protocol's ErrorResponse).
func TestAssumeRefused(t *testing.T) {
	tests := []struct {
		name, profile, code, message string
		want                         error
	}{
		{"denied", "admin", "AccessDenied", "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/Admin", ErrRoleDenied},
		{"denied in a chain", "deep", "AccessDenied", "User: arn:aws:sts::444455556666:assumed-role/Admin/x is not authorized to perform: sts:AssumeRole", ErrRoleDenied},
		{"expired session", "admin", "ExpiredToken", "The security token included in the request is expired", ErrSourceExpired},
		{"revoked session", "admin", "InvalidClientTokenId", "The security token included in the request is invalid.", ErrSourceExpired},
		{"throttled", "admin", "Throttling", "Rate exceeded", ErrAssumeRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				w.Header().Set("Content-Type", "text/xml")
				if tt.profile == "deep" && calls == 1 {
					fmt.Fprint(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAFIRSTHOP</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId><Arn>arn:aws:sts::444455556666:assumed-role/Admin/x</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>`)
					return
				}
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`, tt.code, tt.message)
			}))
			defer srv.Close()
			files := writeTestFiles(t, "[profile admin]\nrole_arn = arn:aws:iam::444455556666:role/Admin\nsource_profile = base\n[profile deep]\nrole_arn = arn:aws:iam::777788889999:role/Deep\nsource_profile = admin\n", testCredentials)
			ch, err := Resolve(context.Background(), tt.profile, files)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ch.Assume(context.Background(), Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t"}, AssumeOptions{Files: files, EndpointURL: srv.URL})
			var re *RoleError
			if !errors.Is(err, tt.want) || !errors.As(err, &re) || re.Profile != tt.profile {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == ErrRoleDenied && !strings.Contains(err.Error(), "not authorized") {
				t.Fatalf("the message lost AWS's words: %v", err)
			}
			if re.Chained && !strings.Contains(err.Error(), "carries no MFA") {
				t.Fatalf("a chained refusal does not explain chaining: %v", err)
			}
		})
	}
}
