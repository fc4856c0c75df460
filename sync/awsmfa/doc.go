// Package awsmfa is Sparekey's client of the AWS IAM and STS APIs for MFA
// devices: it lists devices, enrolls Sparekey as a virtual MFA device,
// resyncs and replaces devices, cleans up orphans, audits an account's
// readiness and obtains MFA sessions (including for credential_process).
//
// # Design
//
// A Client talks to one account through the AWS SDK for Go v2, configured the
// standard way (profiles, SSO, environment, custom endpoints) or pointed at
// the practice account or moto with explicit keys and an endpoint URL. Every
// AWS failure comes back as an *Error whose Kind is one of this package's
// sentinel errors and whose Guidance tells a person what to do; server
// messages are redacted so codes and seeds never reach a log.
//
// The flows keep three invariants, whatever fails and wherever:
//
//   - no seed is lost: a device's seed is saved in the vault before the
//     device is enabled, and removed only once the device is deleted;
//   - an identity never has zero working devices during a replacement: the
//     new device is enabled and listed before the old one is deactivated;
//   - nothing is orphaned silently: a failed flow undoes what it created or
//     returns an *IncompleteError listing exactly what is left.
//
// Enabling uses the codes of steps t-1 and t, both already visible, so
// enrollment never waits for the next 30-second period. Replacements are
// journaled (a small 0600 JSON file written atomically) and Resume finishes
// or rolls back one that was interrupted.
//
// Throttling, 5xx answers and network errors are retried by the SDK's
// standard retryer with exponential backoff, bounded by Options.MaxAttempts.
package awsmfa
