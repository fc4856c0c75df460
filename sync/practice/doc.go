// Package practice is Sparekey's practice account: a local HTTP server that
// speaks the AWS IAM and STS Query protocol for every MFA-related operation,
// so people can rehearse enrolling, resyncing and recovering MFA devices (and
// Sparekey's own AWS client can be tested) without touching a real account.
//
// # Wire
//
// The wire format is AWS's: form-encoded requests signed with SigV4 (any
// region; the signature is verified with the caller's secret key over the
// body's own SHA-256, never a hash the request claims, so UNSIGNED-PAYLOAD
// is refused; the credential scope must name the operation's service, iam
// or sts; the request time must be within 15 minutes of the machine's
// clock, not Options.Now, so tests may pin the account's clock), XML
// responses in the IAM or STS namespace, <ErrorResponse> envelopes with
// Type/Code/Message and RequestId, an x-amzn-RequestId header, AWS's HTTP
// statuses and ValidationError messages in AWS's wording. IAM and STS share
// one endpoint and are told apart by Action. Operations: CreateVirtualMFADevice,
// EnableMFADevice, ResyncMFADevice, DeactivateMFADevice,
// DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices,
// GetMFADevice, TagMFADevice, UntagMFADevice, ListMFADeviceTags,
// GetAccountSummary, GenerateCredentialReport, GetCredentialReport, GetUser,
// ListUsers, CreateUser, GetLoginProfile, CreateLoginProfile,
// DeleteLoginProfile, ListAccessKeys, DeleteAccessKey,
// ListSigningCertificates, ListOrganizationsFeatures and the Enable/Disable
// OrganizationsRootCredentialsManagement/RootSessions calls; STS
// GetSessionToken, GetCallerIdentity, AssumeRole and AssumeRoot.
//
// Organizations speaks AWS JSON 1.1 on the same endpoint (X-Amz-Target:
// AWSOrganizationsV20161128.ListAccounts, credential scope
// "organizations"): ListAccounts (NextToken, MaxResults ≤ 20),
// DescribeAccount, DescribeOrganization; errors are {"__type", "Message"}
// with the JSON names of the shared errors (UnrecognizedClientException,
// InvalidSignatureException, TooManyRequestsException, ServiceException,
// AccessDeniedException, InvalidInputException).
//
// # Organization
//
// With Options.MemberAccounts (`practice serve --accounts N`) the practice
// account is the management account of an Organization of N members
// (ids 200000000001…), each a full practice account from the same preset
// with its own users, devices, keys and root, and an
// OrganizationAccountAccessRole trusting the management account. A request
// acts in the account of the key that signed it. Followed from AWS's API
// reference:
//
//   - ListAccounts and DescribeAccount answer the management account only
//     (members: AccessDeniedException); DescribeOrganization answers every
//     member; outside an organization, AWSOrganizationsNotInUseException.
//   - AssumeRole: the root user may not assume roles; the refusal of a
//     role's trust says only "not authorized to perform: sts:AssumeRole on
//     resource", so a missing role and a refusing one look alike; a
//     SerialNumber + TokenCode is checked and spent like GetSessionToken's
//     (same drift and replay rules); DurationSeconds defaults to an hour,
//     capped by the role's MaxSessionDuration and, for callers with
//     temporary credentials (role chaining, GetSessionToken sessions), by
//     an hour; a chained session carries no MFA, a GetSessionToken session
//     with MFA passes its MFA on.
//   - AssumeRoot: only IAM users and roles of the management account (or
//     of the delegated administrator), never a root user, only with
//     centralized root access on (RootCredentialsManagement for the IAM
//     tasks, RootSessions for S3 and SQS), only into a member; DurationSeconds ≤ 900 (the default). The
//     session acts as the member's root under the task policy: audit (Get/
//     List of login profile, access keys, MFA devices, signing
//     certificates, GetUser, GetAccountSummary), delete (those plus
//     DeactivateMFADevice, DeleteLoginProfile, DeleteAccessKey,
//     DeleteSigningCertificate) or create password (CreateLoginProfile);
//     naming an IAM user is refused. The lists (TaskPolicyActions) follow
//     the managed root-task policies' purpose as AWS describes it; their
//     exact policy documents were not at hand to compare.
//   - ListOrganizationsFeatures from a member is
//     AccountNotManagementOrDelegatedAdministratorException, enable/disable
//     CallerIsNotManagementAccountException; no organization is
//     OrganizationNotFoundException.
//
// Practice model: a role's trust is a list of trusted accounts plus the
// aws:MultiFactorAuthPresent and sts:ExternalId conditions, its
// permissions all actions or a list (RoleSpec); one delegated
// administrator (SetDelegatedAdministrator) stands for both IAM's and
// Organizations' and may list accounts, read the root access features and
// AssumeRoot into the other members; the refusals of AssumeRoot are
// AccessDenied in our own words; a suspended member's keys are InvalidClientTokenId and its roles
// cannot be assumed; a user under the self-manage-MFA policy may call
// AssumeRole when the request carries a valid code; Options.Latency
// delays every call outside the lock, so calls overlap as against AWS.
//
// # Presets
//
// A fresh account (PresetDefault) has the root user without MFA; IAM user
// "practice-admin" with every permission (AdminCredentials); "alice" with
// one enabled virtual device "arn:aws:iam::ACCOUNT:mfa/alice" whose seed
// tests and drills get from Server.Seed; and "bob" without MFA. Every user
// and root has one access key. PresetRootWithDevice adds an enabled virtual
// device "root-account-mfa-device" on the root user.
//
// # Documented by AWS, and followed
//
//   - RFC 6238 codes (SHA1, 30 s, 6 digits); Enable and Resync take two
//     consecutive codes; a wrong pair is InvalidAuthenticationCode.
//   - At most 8 MFA devices per IAM user and per root user (LimitExceeded).
//   - A created but never enabled virtual device stays Unassigned;
//     re-creating its name is EntityAlreadyExists; deleting an assigned
//     device is DeleteConflict; the device ARN is mfa/<path><name>.
//   - Root MFA cannot be enabled through the API. EnableMFADevice needs a
//     UserName and no user name denotes root, so the practice account
//     answers what AWS answers for a name that is not an IAM user:
//     NoSuchEntity. DeactivateMFADevice without UserName acts on the
//     caller, which lets root deactivate its own device, as AWS allows.
//   - Root's ARN is arn:aws:iam::ACCOUNT:root and its UserId the account
//     id; root sessions last at most an hour (longer requests are shortened);
//     DurationSeconds is 900–129600; GetSessionToken refuses session
//     credentials; AccountMFAEnabled is 1 when root has MFA.
//   - One credential report per 4 hours; its first row is <root_account>.
//
// # Practice model (AWS does not document it)
//
//   - Enable and Resync search ±10 steps for the consecutive pair and record
//     the device's drift; authentication accepts ±1 step around it; a step
//     accepted once is refused again (replay). AWS's delay of about 10 s
//     before a new device authenticates is not modelled.
//   - The root device preset and Server.EnableRootDevice stand in for the
//     console, the only place AWS enables root MFA.
//   - Where AWS names the root user in output (ListMFADevices UserName,
//     User elements), the practice account uses the account id and omits
//     Path and UserName; some messages (NoSuchEntity for devices,
//     DeleteConflict, report errors) are plausible wording, not verified.
//   - Credential reports: STARTED, then in progress until the next
//     GenerateCredentialReport (COMPLETE) or 5 s of server clock.
//   - Non-admin users carry the IAM guide's self-manage-MFA policy (see
//     policy.go); GetMFADevice also answers for virtual devices.
//   - EntityTemporarilyUnmodifiable and ConcurrentModification never occur.
//
// # Scenario controls
//
// Clock drift (SetDrift), a lost phone (LoseDevice), injected faults
// (InjectFault: Throttling 400, ServiceFailure 500, AccessDenied 403, or a
// hang until the client gives up; in Organizations TooManyRequestsException,
// ServiceException, AccessDeniedException), latency (SetLatency), presets
// (Reset), and for an Organization SuspendAccount, PutRole, DeleteRole (a
// member invited without OrganizationAccountAccessRole),
// EnableRootDeviceIn, SetRootAccessFeatures and RemoveRootCredentials are
// Go methods on *Server and an admin
// endpoint under /_practice/, a path AWS never uses. The endpoint hands out
// every practice key and seed, so it wants the token made at start
// (Server.AdminToken, sent as Authorization: Bearer), answers only loopback
// clients addressing a loopback name with the server's port (no DNS
// rebinding), refuses any request with an Origin header (web pages) and
// POSTs that are not application/json (HTML forms). AdminClient talks to
// it; `sparekey practice serve` keeps the token in a 0600 access file
// (WriteAdminAccess) where `sparekey practice` drill commands find it.
//
// # State
//
// With Options.StatePath the account lives in a JSON file written 0600 and
// atomically (temporary file, fsync, rename) after every change; it holds
// the practice account's seeds and keys, which are secrets of the practice
// account only. Without it the account lives in memory.
package practice
