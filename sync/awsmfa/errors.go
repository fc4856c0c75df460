package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sparekey/sparekey/vault"
)

// Sentinel errors: what callers (the CLI, the UI) must tell apart. An *Error
// matches its kind with errors.Is.
var (
	ErrInvalidCode        = errors.New("the MFA codes were not accepted")
	ErrDeviceExists       = errors.New("an MFA device with this name already exists")
	ErrDeviceLimit        = errors.New("the identity already has the maximum of 8 MFA devices")
	ErrMFARequired        = errors.New("access denied; an MFA session is probably required")
	ErrAccessDenied       = errors.New("access denied")
	ErrThrottled          = errors.New("AWS is throttling requests")
	ErrServiceFailure     = errors.New("AWS reported an internal failure")
	ErrNetwork            = errors.New("AWS could not be reached")
	ErrCredentials        = errors.New("the AWS credentials are missing, invalid or expired")
	ErrRegion             = errors.New("the AWS region or partition is wrong or missing")
	ErrNoSuchEntity       = errors.New("no such user or device")
	ErrDeleteConflict     = errors.New("the device is still assigned")
	ErrBusy               = errors.New("the device is being modified")
	ErrSessionCredentials = errors.New("session credentials cannot request another session")
	ErrInvalidInput       = errors.New("AWS refused the request as invalid")
	ErrUnsupported        = errors.New("the server does not implement this operation")
)

// Error is an AWS failure turned into something a person can act on. Its
// message never holds secrets: AWS messages are passed through redact, which
// strips anything shaped like a one-time code or a seed.
type Error struct {
	Op       string // the AWS operation, e.g. "EnableMFADevice"
	Code     string // the AWS error code, when AWS answered
	Kind     error  // one of the sentinel errors above
	Guidance string // what to do next, in plain words, naming no command
	// Fix is the action that follows the guidance; each front end offers
	// it its own way (a command to run, a button, a tab).
	Fix vault.Remedy
	// Args is what Fix acts on, when known: the device, its user, the
	// vault account (vault.RemedyArgsOf finds it).
	Args vault.RemedyArgs
	Err  error // the underlying SDK error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Code != "" {
		b.WriteString(" (" + e.Code)
		if msg := e.awsMessage(); msg != "" {
			b.WriteString(": " + msg)
		}
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) awsMessage() string {
	var api smithy.APIError
	if errors.As(e.Err, &api) {
		return redact(api.ErrorMessage())
	}
	return ""
}

// Remedy is what to do about e (vault.RemedyOf finds it).
func (e *Error) Remedy() vault.Remedy { return e.Fix }

// RemedyArgs is what the remedy acts on, when e knows it.
func (e *Error) RemedyArgs() vault.RemedyArgs { return e.Args }

// Is lets errors.Is(err, ErrInvalidCode) work on an *Error.
func (e *Error) Is(target error) bool { return e.Kind == target }
func (e *Error) Unwrap() error        { return e.Err }

// GuidanceOf returns the advice attached to err, or "".
func GuidanceOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Guidance
	}
	return ""
}

var (
	otpLike    = regexp.MustCompile(`\b\d{6,8}\b`)
	base32Like = regexp.MustCompile(`[A-Z2-7]{24,}`)
	secretLike = regexp.MustCompile(`(?i)(secret|token|password)[^ ,;]*[=:]\s*\S+`)
)

// redact removes what could be a code, a seed or a credential from a server
// message. Servers echo inputs in validation messages.
func redact(s string) string {
	s = otpLike.ReplaceAllString(s, "[redacted]")
	s = base32Like.ReplaceAllString(s, "[redacted]")
	s = secretLike.ReplaceAllString(s, "$1=[redacted]")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// classify wraps an SDK error from operation op in an *Error. Context
// cancellation is returned as is: it is the caller's decision, not AWS's.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code = api.ErrorCode()
		e.Kind, e.Guidance, e.Fix = classifyCode(op, e.Code, api.ErrorMessage())
		if e.Kind == ErrServiceFailure || e.Kind == ErrThrottled {
			e.Guidance += " Sparekey already retried with backoff."
		}
		return e
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
		e.Kind, e.Guidance = ErrServiceFailure, "AWS answered with a server error (HTTP "+fmt.Sprint(respErr.HTTPStatusCode())+") even after retries; wait a minute and try again. If it keeps happening against a local server, that server may not implement "+op+"."
		if respErr.HTTPStatusCode() == 500 && sdkPhraseIn(err.Error(), phraseUnimplemented) {
			e.Kind = ErrUnsupported
		}
		return e
	}
	var region *aws.MissingRegionError
	var quota *retry.MaxAttemptsError
	var sendErr *smithyhttp.RequestSendError
	var netErr net.Error
	switch {
	case errors.As(err, &region), sdkPhraseIn(err.Error(), phraseEndpoint):
		e.Kind, e.Guidance = ErrRegion, "Set a region (AWS_REGION or region= in the profile); IAM is global but China and GovCloud accounts need a region of their partition (cn-north-1, us-gov-west-1)."
	case sdkPhraseIn(err.Error(), phraseNoCredentials):
		e.Kind, e.Guidance = ErrCredentials, "No usable AWS credentials were found. Configure a profile with the aws tool (aws configure, or aws sso login) and choose it, or try Sparekey on the built-in practice account."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &sendErr), errors.As(err, &netErr), errors.As(err, &quota):
		e.Kind, e.Guidance = ErrNetwork, "Check the network connection (and the endpoint address if you set one), then try again. Sparekey retried with backoff before giving up."
	default:
		e.Kind, e.Guidance = ErrServiceFailure, "An unexpected error happened while talking to AWS; try again."
	}
	return e
}

func classifyCode(op, code, msg string) (kind error, guidance string, fix vault.Remedy) {
	switch code {
	case "InvalidAuthenticationCode":
		return ErrInvalidCode, "The codes did not match what AWS expects: the device is probably out of sync or this computer's clock is off. Check the clock, then resync the device.", vault.RemedyResync
	case "EntityAlreadyExists":
		if op == "EnableMFADevice" {
			return ErrDeviceExists, "The device is already enabled for a user.", vault.RemedyNone
		}
		return ErrDeviceExists, "A virtual MFA device with this name already exists, usually an unassigned leftover (an orphan) of an earlier attempt. Delete the orphan or choose another name.", vault.RemedyDeleteOrphans
	case "LimitExceeded":
		return ErrDeviceLimit, "An IAM user or the root user can have at most 8 MFA devices. Remove one you no longer use before adding another.", vault.RemedyListDevices
	case "DeleteConflict":
		return ErrDeleteConflict, "Deactivate the device (remove it from its user) before deleting it.", vault.RemedyNone
	case "NoSuchEntity":
		return ErrNoSuchEntity, "The user or device does not exist (any more); refresh the device list.", vault.RemedyListDevices
	case "EntityTemporarilyUnmodifiable", "ConcurrentModification":
		return ErrBusy, "Another change to this device is in progress; wait a few seconds and try again.", vault.RemedyNone
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		switch {
		case sdkPhraseIn(msg, phraseSessionCredentials):
			return ErrSessionCredentials, "These credentials are already a session; an MFA session must be requested with long-term access keys. Use a profile with access keys.", vault.RemedyNone
		case sdkPhraseIn(msg, phraseMFADenied):
			return ErrInvalidCode, "AWS did not accept the MFA code for this device. Check this computer's clock, make sure the device belongs to this user, and resync it if needed.", vault.RemedyResync
		case sdkPhraseIn(msg, phraseNoPolicy):
			return ErrAccessDenied, "These credentials lack the permission for " + op + ". Ask an administrator, or use an administrator's profile.", vault.RemedyNone
		}
		return ErrMFARequired, "AWS denied the request. Accounts often require MFA for everything except managing your own device: get an MFA session first, or ask an administrator for the permission.", vault.RemedyMFASession
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return ErrThrottled, "AWS is rate-limiting requests; wait a minute and try again.", vault.RemedyNone
	case "ServiceFailure", "ServiceFailureException", "InternalFailure", "InternalError", "ServiceUnavailable":
		return ErrServiceFailure, "AWS reported an internal failure; wait a minute and try again.", vault.RemedyNone
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		return ErrCredentials, "The session credentials have expired. Refresh them (aws sso login, or a new MFA session) and try again.", vault.RemedyMFASession
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "IncompleteSignature", "MissingAuthenticationToken", "InvalidAccessKeyId":
		return ErrCredentials, "AWS does not recognise these credentials: the keys may be wrong or deleted, or they belong to another partition (aws-cn, aws-us-gov) than the endpoint. Check the profile and its region.", vault.RemedyNone
	case "ValidationError", "InvalidInput", "MalformedInput":
		return ErrInvalidInput, "AWS refused a value in the request (a name, a path or a code format).", vault.RemedyNone
	case "ReportNotPresent", "ReportExpired", "ReportInProgress":
		return ErrNoSuchEntity, "The credential report is not ready; generate it again.", vault.RemedyNone
	case "InvalidAction", "NotImplemented":
		return ErrUnsupported, "The server does not implement " + op + ".", vault.RemedyNone
	}
	return ErrServiceFailure, "AWS returned an unexpected error; try again, and check the account's permissions.", vault.RemedyNone
}

// sdkPhrase is a class of SDK or server failure that comes with no error
// type or code of its own, only words in its message. They are all kept
// here, each with an example of the real message in errors_test.go, so a
// change of wording in a new SDK release fails a test instead of silently
// falling through to "unexpected error".
type sdkPhrase int

const (
	// phraseEndpoint: the SDK could not resolve an endpoint (region or
	// partition missing or wrong).
	phraseEndpoint sdkPhrase = iota
	// phraseNoCredentials: the credential chain found nothing usable.
	phraseNoCredentials
	// phraseUnimplemented: a local server (moto) answered 500 for an
	// operation it does not implement.
	phraseUnimplemented
	// phraseSessionCredentials: STS refuses a session from a session.
	phraseSessionCredentials
	// phraseMFADenied: an explicit deny on a missing or wrong MFA code.
	phraseMFADenied
	// phraseNoPolicy: IAM's "no policy allows" denial.
	phraseNoPolicy
)

var sdkPhrases = map[sdkPhrase][]string{
	phraseEndpoint:           {"resolve service endpoint", "resolve endpoint", "ResolveEndpoint", "Missing Region"},
	phraseNoCredentials:      {"failed to retrieve credentials", "get credentials", "failed to refresh cached credentials", "no valid credential"},
	phraseUnimplemented:      {"werkzeug", "Werkzeug", "not yet implemented"},
	phraseSessionCredentials: {"session credentials"},
	phraseMFADenied:          {"MultiFactorAuthentication"},
	phraseNoPolicy:           {"no identity-based policy allows", "no permissions boundary allows"},
}

// sdkPhraseIn reports whether msg holds one of p's phrases.
func sdkPhraseIn(msg string, p sdkPhrase) bool {
	for _, s := range sdkPhrases[p] {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
