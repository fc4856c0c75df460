// Package awsprofile reads AWS role profiles (role_arn, source_profile,
// mfa_serial, role chains) from the shared config files, assumes their
// roles from one MFA session of the chain's source identity, caches the
// role sessions, and edits ~/.aws/config without disturbing its
// formatting. It knows nothing of the vault or the window: the MFA
// session itself comes from the caller (app, through sync/awsmfa).
package awsprofile
