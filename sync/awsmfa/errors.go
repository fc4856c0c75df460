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
	Guidance string // what to do next, in plain words
	Err      error  // the underlying SDK error
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
		e.Kind, e.Guidance = classifyCode(op, e.Code, api.ErrorMessage())
		if e.Kind == ErrServiceFailure || e.Kind == ErrThrottled {
			e.Guidance += " Sparekey already retried with backoff."
		}
		return e
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
		e.Kind, e.Guidance = ErrServiceFailure, "AWS answered with a server error (HTTP "+fmt.Sprint(respErr.HTTPStatusCode())+") even after retries; wait a minute and try again. If it keeps happening against a local server, that server may not implement "+op+"."
		if respErr.HTTPStatusCode() == 500 && isMoto(err) {
			e.Kind = ErrUnsupported
		}
		return e
	}
	var region *aws.MissingRegionError
	var quota *retry.MaxAttemptsError
	var sendErr *smithyhttp.RequestSendError
	var netErr net.Error
	switch {
	case errors.As(err, &region), strings.Contains(err.Error(), "resolve endpoint"), strings.Contains(err.Error(), "ResolveEndpoint"):
		e.Kind, e.Guidance = ErrRegion, "Set a region (AWS_REGION or region= in the profile); IAM is global but China and GovCloud accounts need a region of their partition (cn-north-1, us-gov-west-1)."
	case strings.Contains(err.Error(), "failed to retrieve credentials"), strings.Contains(err.Error(), "get credentials"),
		strings.Contains(err.Error(), "failed to refresh cached credentials"), strings.Contains(err.Error(), "no valid credential"):
		e.Kind, e.Guidance = ErrCredentials, "No usable AWS credentials were found. Configure a profile (aws configure, aws sso login --profile P) and pass --profile, or use --practice to try Sparekey on the built-in practice account."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &sendErr), errors.As(err, &netErr), errors.As(err, &quota):
		e.Kind, e.Guidance = ErrNetwork, "Check the network connection (and --endpoint-url if you set one), then try again. Sparekey retried with backoff before giving up."
	default:
		e.Kind, e.Guidance = ErrServiceFailure, "An unexpected error happened while talking to AWS; try again."
	}
	return e
}

func isMoto(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "werkzeug") || strings.Contains(err.Error(), "not yet implemented")
}

func classifyCode(op, code, msg string) (kind error, guidance string) {
	switch code {
	case "InvalidAuthenticationCode":
		return ErrInvalidCode, "The codes did not match what AWS expects: the device is probably out of sync or this computer's clock is off. Check the clock, then resync the device (sparekey aws resync)."
	case "EntityAlreadyExists":
		if op == "EnableMFADevice" {
			return ErrDeviceExists, "The device is already enabled for a user."
		}
		return ErrDeviceExists, "A virtual MFA device with this name already exists, usually an unassigned leftover of an earlier attempt. List and delete it (sparekey aws orphans --delete) or choose another name."
	case "LimitExceeded":
		return ErrDeviceLimit, "An IAM user or the root user can have at most 8 MFA devices. Remove one you no longer use before adding another."
	case "DeleteConflict":
		return ErrDeleteConflict, "Deactivate the device (remove it from its user) before deleting it."
	case "NoSuchEntity":
		return ErrNoSuchEntity, "The user or device does not exist (any more); refresh the device list."
	case "EntityTemporarilyUnmodifiable", "ConcurrentModification":
		return ErrBusy, "Another change to this device is in progress; wait a few seconds and try again."
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		switch {
		case strings.Contains(msg, "session credentials"):
			return ErrSessionCredentials, "These credentials are already a session; an MFA session must be requested with long-term access keys. Use a profile with access keys."
		case strings.Contains(msg, "MultiFactorAuthentication"):
			return ErrInvalidCode, "AWS did not accept the MFA code for this device. Check this computer's clock, make sure the device belongs to this user, and resync it if needed."
		case strings.Contains(msg, "no identity-based policy allows"), strings.Contains(msg, "no permissions boundary allows"):
			return ErrAccessDenied, "These credentials lack the permission for " + op + ". Ask an administrator, or use an administrator's profile (--profile)."
		}
		return ErrMFARequired, "AWS denied the request. Accounts often require MFA for everything except managing your own device: get an MFA session first (sparekey aws session --profile P) or ask an administrator for the permission."
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return ErrThrottled, "AWS is rate-limiting requests; wait a minute and try again."
	case "ServiceFailure", "ServiceFailureException", "InternalFailure", "InternalError", "ServiceUnavailable":
		return ErrServiceFailure, "AWS reported an internal failure; wait a minute and try again."
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		return ErrCredentials, "The session credentials have expired. Refresh them (aws sso login, or sparekey aws session) and try again."
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "IncompleteSignature", "MissingAuthenticationToken", "InvalidAccessKeyId":
		return ErrCredentials, "AWS does not recognise these credentials: the keys may be wrong or deleted, or they belong to another partition (aws-cn, aws-us-gov) than the endpoint. Check the profile and its region."
	case "ValidationError", "InvalidInput", "MalformedInput":
		return ErrInvalidInput, "AWS refused a value in the request (a name, a path or a code format)."
	case "ReportNotPresent", "ReportExpired", "ReportInProgress":
		return ErrNoSuchEntity, "The credential report is not ready; generate it again."
	case "InvalidAction", "NotImplemented":
		return ErrUnsupported, "The server does not implement " + op + "."
	}
	return ErrServiceFailure, "AWS returned an unexpected error; try again, and check the account's permissions."
}
