// Package practice is Sparekey's practice account: a local HTTP server that
// speaks the AWS IAM and STS Query protocol for every MFA-related operation,
// so people can rehearse enrolling, resyncing and recovering MFA devices (and
// Sparekey's own AWS client can be tested) without touching a real account.
//
// The wire format is AWS's exactly: form-encoded requests signed with SigV4,
// XML responses in the IAM or STS namespace, <ErrorResponse> envelopes with
// Type/Code/Message, a RequestId element and an x-amzn-RequestId header, and
// AWS's HTTP statuses. IAM and STS share one endpoint and are told apart by
// Action. Callers are identified by the access key id in the Authorization
// header and the signature is verified with that principal's secret key.
//
// What AWS documents is followed; where AWS documents nothing the behaviour
// is a "practice model", labelled so in the comments of the code that
// implements it:
//
//   - Codes are RFC 6238 (SHA1, 30 s, 6 digits). Enable and Resync search
//     ±10 steps for two consecutive codes and record the device's drift;
//     authentication accepts ±1 step around the recorded drift; a step that
//     was already used is rejected (replay).
//   - The root user cannot enable MFA through the API (AWS: console only).
//     The API has no way to name the root user in EnableMFADevice, so the
//     practice account answers as AWS does for any name that is not an IAM
//     user: NoSuchEntity. A root device can be set up with the root preset
//     (PresetRootWithDevice) or Server.EnableRootDevice, standing in for the
//     console.
//   - Non-admin IAM users carry the IAM guide's self-manage-MFA policy:
//     without MFA present only the MFA self-service actions pass; with MFA
//     present (a session from GetSessionToken with a code) everything passes.
//
// Scenario controls (clock drift, a lost device, injected faults, presets)
// are Go methods on *Server and an admin endpoint under /_practice/, a path
// AWS never uses; AdminClient talks to it.
package practice
