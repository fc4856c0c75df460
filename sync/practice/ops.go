package practice

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

// maxDevicesPerUser is AWS's quota of MFA devices (any type) per IAM user
// and per root user.
const maxDevicesPerUser = 8

// maxVirtualDevices bounds the devices of an account, so a runaway script
// cannot grow the state file without end. Practice model: AWS's account
// quota is not documented for virtual devices.
const maxVirtualDevices = 1000

// operation binds an Action to its input decoder and its implementation.
type operation struct {
	svc     service
	mutates bool
	decode  func(*request) (any, *apiError)
	run     func(*call, any) (any, *apiError)
}

// call is one authenticated request being served; the server lock is held.
type call struct {
	st     *state
	now    time.Time
	key    *accessKey
	action string
	svc    service
	srv    *Server // for the Organization's other accounts; its lock is held
}

func (c *call) callerName() string { return c.key.Principal }
func (c *call) isRoot() bool       { return c.key.Principal == rootOwner }

func defineOp[In any](svc service, mutates bool, decode func(*params) In, run func(*call, In) (any, *apiError)) *operation {
	return &operation{
		svc:     svc,
		mutates: mutates,
		decode: func(r *request) (any, *apiError) {
			p := &params{v: r.Params}
			in := decode(p)
			return in, p.err()
		},
		run: func(c *call, in any) (any, *apiError) { return run(c, in.(In)) },
	}
}

var operations map[string]*operation

func init() {
	operations = map[string]*operation{
		"CreateVirtualMFADevice":   defineOp(iamService, true, decodeCreateDevice, (*call).createVirtualMFADevice),
		"EnableMFADevice":          defineOp(iamService, true, decodeCodes, (*call).enableMFADevice),
		"ResyncMFADevice":          defineOp(iamService, true, decodeCodes, (*call).resyncMFADevice),
		"DeactivateMFADevice":      defineOp(iamService, true, decodeDeactivate, (*call).deactivateMFADevice),
		"DeleteVirtualMFADevice":   defineOp(iamService, true, decodeSerial, (*call).deleteVirtualMFADevice),
		"ListMFADevices":           defineOp(iamService, false, decodeListMFA, (*call).listMFADevices),
		"ListVirtualMFADevices":    defineOp(iamService, false, decodeListVirtual, (*call).listVirtualMFADevices),
		"GetMFADevice":             defineOp(iamService, false, decodeGetMFA, (*call).getMFADevice),
		"TagMFADevice":             defineOp(iamService, true, decodeTag, (*call).tagMFADevice),
		"UntagMFADevice":           defineOp(iamService, true, decodeUntag, (*call).untagMFADevice),
		"ListMFADeviceTags":        defineOp(iamService, false, decodeListTags, (*call).listMFADeviceTags),
		"GetAccountSummary":        defineOp(iamService, false, decodeNothing, (*call).getAccountSummary),
		"GenerateCredentialReport": defineOp(iamService, true, decodeNothing, (*call).generateCredentialReport),
		"GetCredentialReport":      defineOp(iamService, false, decodeNothing, (*call).getCredentialReport),
		"GetUser":                  defineOp(iamService, false, decodeGetUser, (*call).getUser),
		"ListUsers":                defineOp(iamService, false, decodeListUsers, (*call).listUsers),
		"CreateUser":               defineOp(iamService, true, decodeCreateUser, (*call).createUser),
		"GetSessionToken":          defineOp(stsService, true, decodeSessionToken, (*call).getSessionToken),
		"GetCallerIdentity":        defineOp(stsService, false, decodeNothing, (*call).getCallerIdentity),
		"AssumeRole":               defineOp(stsService, true, decodeAssumeRole, (*call).assumeRole),
		"AssumeRoot":               defineOp(stsService, true, decodeAssumeRoot, (*call).assumeRoot),

		"GetLoginProfile":         defineOp(iamService, false, decodeUserOpt, (*call).getLoginProfile),
		"CreateLoginProfile":      defineOp(iamService, true, decodeCreateLoginProfile, (*call).createLoginProfile),
		"DeleteLoginProfile":      defineOp(iamService, true, decodeUserOpt, (*call).deleteLoginProfile),
		"ListAccessKeys":          defineOp(iamService, false, decodeUserOpt, (*call).listAccessKeys),
		"DeleteAccessKey":         defineOp(iamService, true, decodeDeleteAccessKey, (*call).deleteAccessKey),
		"ListSigningCertificates": defineOp(iamService, false, decodeUserOpt, (*call).listSigningCertificates),

		"ListOrganizationsFeatures":                     defineOp(iamService, false, decodeNothing, (*call).listOrganizationsFeatures),
		"EnableOrganizationsRootCredentialsManagement":  defineOp(iamService, true, decodeNothing, setFeature(FeatureRootCredentialsManagement, true)),
		"DisableOrganizationsRootCredentialsManagement": defineOp(iamService, true, decodeNothing, setFeature(FeatureRootCredentialsManagement, false)),
		"EnableOrganizationsRootSessions":               defineOp(iamService, true, decodeNothing, setFeature(FeatureRootSessions, true)),
		"DisableOrganizationsRootSessions":              defineOp(iamService, true, decodeNothing, setFeature(FeatureRootSessions, false)),

		"ListAccounts":         defineJSONOp(false, validateListAccounts, (*call).listAccounts),
		"DescribeAccount":      defineJSONOp(false, validateDescribeAccount, (*call).describeAccount),
		"DescribeOrganization": defineJSONOp(false, validateNothing, (*call).describeOrganization),
	}
}

// Operations lists the AWS actions the practice account implements.
func Operations() []string {
	out := make([]string, 0, len(operations))
	for name := range operations {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func lookupOperation(req *request, scope service) (*operation, *apiError) {
	op := operations[req.Action]
	version := req.Version
	if version == "" {
		version = scope.Version
	}
	if scope.JSON {
		if op == nil || !op.svc.JSON {
			return nil, errorf(400, "UnknownOperationException", "The operation %s is not one of %s.", sanitize(req.Action), scope.Name)
		}
		return op, nil
	}
	if op == nil || op.svc.JSON || req.Version != "" && req.Version != op.svc.Version {
		return nil, errorf(400, "InvalidAction", "Could not find operation %s for version %s", sanitize(req.Action), sanitize(version))
	}
	return op, nil
}

// decodeRequest turns a form body into an operation's typed input; it is
// what the fuzzer exercises.
func decodeRequest(body []byte) (string, any, *apiError) {
	req, err := parseForm(body)
	if err != nil {
		return "", nil, err
	}
	op, err := lookupOperation(req, iamService)
	if err != nil {
		return req.Action, nil, err
	}
	in, err := op.decode(req)
	return req.Action, in, err
}

// ---- inputs ----

type page struct {
	Marker   string
	MaxItems int
}

func decodePage(p *params) page {
	pg := page{MaxItems: 100}
	pg.Marker, _ = p.str("Marker", ruleMarker)
	if n, ok := p.integer("MaxItems", 1, 1000); ok {
		pg.MaxItems = n
	}
	return pg
}

type noInput struct{}

func decodeNothing(*params) noInput { return noInput{} }

type createDeviceInput struct {
	Name, Path string
	Tags       []tag
}

func decodeCreateDevice(p *params) createDeviceInput {
	in := createDeviceInput{Path: "/"}
	if path, ok := p.str("Path", rulePath); ok {
		in.Path = path
	}
	in.Name = p.required("VirtualMFADeviceName", ruleDeviceName)
	in.Tags, _ = p.tags("Tags")
	return in
}

type codesInput struct {
	UserName, Serial, Code1, Code2 string
}

func decodeCodes(p *params) codesInput {
	return codesInput{
		UserName: p.required("UserName", ruleUserName),
		Serial:   p.required("SerialNumber", ruleSerial),
		Code1:    p.required("AuthenticationCode1", ruleCode),
		Code2:    p.required("AuthenticationCode2", ruleCode),
	}
}

type deactivateInput struct {
	UserName string // "" = the caller
	Serial   string
}

func decodeDeactivate(p *params) deactivateInput {
	in := deactivateInput{}
	in.UserName, _ = p.str("UserName", ruleUserName)
	in.Serial = p.required("SerialNumber", ruleSerial)
	return in
}

type serialInput struct{ Serial string }

func decodeSerial(p *params) serialInput {
	return serialInput{Serial: p.required("SerialNumber", ruleSerial)}
}

type listMFAInput struct {
	UserName string
	page
}

func decodeListMFA(p *params) listMFAInput {
	in := listMFAInput{}
	in.UserName, _ = p.str("UserName", ruleUserName)
	in.page = decodePage(p)
	return in
}

type listVirtualInput struct {
	Status string
	page
}

func decodeListVirtual(p *params) listVirtualInput {
	in := listVirtualInput{Status: "Any"}
	if st, ok := p.enum("AssignmentStatus", "Assigned", "Unassigned", "Any"); ok {
		in.Status = st
	}
	in.page = decodePage(p)
	return in
}

type getMFAInput struct{ Serial, UserName string }

func decodeGetMFA(p *params) getMFAInput {
	in := getMFAInput{Serial: p.required("SerialNumber", ruleSerial)}
	in.UserName, _ = p.str("UserName", ruleNewUser)
	return in
}

type tagInput struct {
	Serial string
	Tags   []tag
}

func decodeTag(p *params) tagInput {
	in := tagInput{Serial: p.required("SerialNumber", ruleSerial)}
	var ok bool
	if in.Tags, ok = p.tags("Tags"); !ok {
		p.failNull("tags")
	}
	return in
}

type untagInput struct {
	Serial string
	Keys   []string
}

func decodeUntag(p *params) untagInput {
	in := untagInput{Serial: p.required("SerialNumber", ruleSerial)}
	var ok bool
	if in.Keys, ok = p.list("TagKeys", 50); !ok {
		p.failNull("tagKeys")
	}
	for i, k := range in.Keys {
		p.check(fmt.Sprintf("tagKeys.%d.member", i+1), k, ruleTagKey)
	}
	return in
}

type listTagsInput struct {
	Serial string
	page
}

func decodeListTags(p *params) listTagsInput {
	return listTagsInput{Serial: p.required("SerialNumber", ruleSerial), page: decodePage(p)}
}

type getUserInput struct{ UserName string }

func decodeGetUser(p *params) getUserInput {
	in := getUserInput{}
	in.UserName, _ = p.str("UserName", ruleUserName)
	return in
}

type listUsersInput struct {
	PathPrefix string
	page
}

func decodeListUsers(p *params) listUsersInput {
	in := listUsersInput{PathPrefix: "/"}
	if pp, ok := p.str("PathPrefix", rulePathPrefix); ok {
		in.PathPrefix = pp
	}
	in.page = decodePage(p)
	return in
}

type createUserInput struct {
	UserName, Path string
	Tags           []tag
}

func decodeCreateUser(p *params) createUserInput {
	in := createUserInput{Path: "/"}
	if path, ok := p.str("Path", rulePath); ok {
		in.Path = path
	}
	in.UserName = p.required("UserName", ruleNewUser)
	in.Tags, _ = p.tags("Tags")
	return in
}

type sessionInput struct {
	Duration  int // 0 = default
	Serial    string
	TokenCode string
}

func decodeSessionToken(p *params) sessionInput {
	in := sessionInput{}
	in.Duration, _ = p.integer("DurationSeconds", 900, 129600)
	in.Serial, _ = p.str("SerialNumber", ruleSTSSerial)
	in.TokenCode, _ = p.str("TokenCode", ruleTokenCode)
	return in
}

// ---- outputs ----

type xmlUser struct {
	Path             string   `xml:"Path,omitempty"`
	UserName         string   `xml:"UserName,omitempty"`
	UserID           string   `xml:"UserId"`
	Arn              string   `xml:"Arn"`
	CreateDate       isoTime  `xml:"CreateDate"`
	PasswordLastUsed *isoTime `xml:"PasswordLastUsed,omitempty"`
	Tags             *members[xmlTag]
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlMFADevice struct {
	UserName     string  `xml:"UserName"`
	SerialNumber string  `xml:"SerialNumber"`
	EnableDate   isoTime `xml:"EnableDate"`
}

type xmlVirtualDevice struct {
	SerialNumber     string   `xml:"SerialNumber"`
	Base32StringSeed string   `xml:"Base32StringSeed,omitempty"`
	QRCodePNG        string   `xml:"QRCodePNG,omitempty"`
	User             *xmlUser `xml:"User,omitempty"`
	EnableDate       *isoTime `xml:"EnableDate,omitempty"`
	Tags             *members[xmlTag]
}

func xmlTags(ts []tag) *members[xmlTag] {
	if len(ts) == 0 {
		return nil
	}
	m := make(members[xmlTag], len(ts))
	for i, t := range ts {
		m[i] = xmlTag(t)
	}
	return &m
}

// userXML describes a principal as AWS does in User elements. Practice
// model (unverified): the root user has no Path or UserName, its UserId is
// the account id.
func (c *call) userXML(principal string) *xmlUser {
	if principal == rootOwner {
		return &xmlUser{UserID: c.st.AccountID, Arn: c.st.rootArn(), CreateDate: isoTime(c.st.Created)}
	}
	u := c.st.Users[principal]
	if u == nil {
		return nil
	}
	return &xmlUser{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: c.st.userArn(u), CreateDate: isoTime(u.Created)}
}

// ownerName is the UserName AWS reports for a device's owner. Practice
// model (unverified): for the root user, the account id.
func (c *call) ownerName(principal string) string {
	if principal == rootOwner {
		return c.st.AccountID
	}
	return principal
}

// ---- errors with AWS's wording ----

func noSuchUser(name string) *apiError {
	return errorf(404, "NoSuchEntity", "The user with name %s cannot be found.", name)
}

func noSuchDevice(serial string) *apiError {
	return errorf(404, "NoSuchEntity", "VirtualMFADevice with serial number %s doesn't exist.", serial)
}

func noSuchAssignedDevice(serial string) *apiError {
	return errorf(404, "NoSuchEntity", "MFA Device with serial number %s does not exist.", serial)
}

var errInvalidCode = &apiError{403, "InvalidAuthenticationCode", "Authentication code for device is not valid."}

// ---- IAM: MFA devices ----

func (c *call) createVirtualMFADevice(in createDeviceInput) (any, *apiError) {
	serial := c.st.deviceSerial(in.Name, in.Path)
	if len(serial) > 256 {
		return nil, errorf(400, "InvalidInput", "The serial number %s would be longer than 256 characters; use a shorter path or name.", serial)
	}
	if c.st.Devices[serial] != nil {
		return nil, errorf(409, "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.")
	}
	if len(c.st.Devices) >= maxVirtualDevices {
		return nil, errorf(409, "LimitExceeded", "Cannot exceed quota for VirtualMFADevicesPerAccount: %d", maxVirtualDevices)
	}
	if err := checkTags(nil, in.Tags); err != nil {
		return nil, err
	}
	d := c.st.addDevice(in.Name, in.Path, c.now)
	d.Tags = mergeTags(nil, in.Tags)
	png, err := qrPNG(d.Name, c.st.AccountID, d.Seed)
	if err != nil {
		return nil, errService
	}
	return struct {
		VirtualMFADevice xmlVirtualDevice
	}{xmlVirtualDevice{
		SerialNumber:     d.Serial,
		Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(d.Seed)),
		QRCodePNG:        base64.StdEncoding.EncodeToString(png),
		Tags:             xmlTags(d.Tags),
	}}, nil
}

// EnrollmentURI is the otpauth URI AWS puts in a virtual device's QR code:
// otpauth://totp/<device name>@<account>?secret=<Base32StringSeed>.
func EnrollmentURI(deviceName, account, seed string) string {
	return "otpauth://totp/" + url.PathEscape(deviceName+"@"+account) + "?secret=" + seed
}

func qrPNG(name, account, seed string) ([]byte, error) {
	return qrcode.Encode(EnrollmentURI(name, account, seed), qrcode.Medium, 256)
}

// targetUser resolves the UserName of Enable/Resync: an existing IAM user.
// The API cannot name the root user, so root MFA is out of its reach.
func (c *call) targetUser(name string) (*iamUser, *apiError) {
	u := c.st.Users[name]
	if u == nil {
		return nil, noSuchUser(name)
	}
	return u, nil
}

func (c *call) enableMFADevice(in codesInput) (any, *apiError) {
	u, err := c.targetUser(in.UserName)
	if err != nil {
		return nil, err
	}
	d := c.st.Devices[in.Serial]
	if d == nil {
		return nil, noSuchDevice(in.Serial)
	}
	if d.Owner != "" {
		return nil, errorf(409, "EntityAlreadyExists", "MFA Device is already in use.")
	}
	if len(c.st.devicesOf(u.Name)) >= maxDevicesPerUser {
		return nil, errorf(409, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: %d", maxDevicesPerUser)
	}
	drift, ok := d.findPair(c.now, in.Code1, in.Code2)
	if !ok {
		return nil, errInvalidCode
	}
	d.enroll(c.now, drift)
	d.Owner = u.Name
	d.EnableDate = c.now.UTC().Truncate(time.Second)
	return nil, nil
}

func (c *call) resyncMFADevice(in codesInput) (any, *apiError) {
	u, err := c.targetUser(in.UserName)
	if err != nil {
		return nil, err
	}
	d := c.st.Devices[in.Serial]
	if d == nil || d.Owner != u.Name {
		return nil, noSuchAssignedDevice(in.Serial)
	}
	drift, ok := d.findPair(c.now, in.Code1, in.Code2)
	if !ok {
		return nil, errInvalidCode
	}
	d.enroll(c.now, drift)
	return nil, nil
}

func (c *call) deactivateMFADevice(in deactivateInput) (any, *apiError) {
	owner := c.callerName()
	if in.UserName == "" && c.key.isRoleSession() {
		return nil, errNonUserCaller
	}
	if in.UserName != "" {
		u, err := c.targetUser(in.UserName)
		if err != nil {
			return nil, err
		}
		owner = u.Name
	}
	d := c.st.Devices[in.Serial]
	if d == nil || d.Owner != owner {
		return nil, noSuchAssignedDevice(in.Serial)
	}
	d.Owner, d.EnableDate, d.Drift = "", time.Time{}, 0
	return nil, nil
}

func (c *call) deleteVirtualMFADevice(in serialInput) (any, *apiError) {
	d := c.st.Devices[in.Serial]
	if d == nil {
		return nil, noSuchDevice(in.Serial)
	}
	if d.Owner != "" {
		return nil, errorf(409, "DeleteConflict", "MFA Device is still in use.")
	}
	delete(c.st.Devices, in.Serial)
	return nil, nil
}

type listResult struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func (c *call) listMFADevices(in listMFAInput) (any, *apiError) {
	owner := c.callerName()
	if in.UserName == "" && c.key.isRoleSession() {
		return nil, errNonUserCaller
	}
	if in.UserName != "" {
		u := c.st.Users[in.UserName]
		if u == nil {
			return nil, noSuchUser(in.UserName)
		}
		owner = u.Name
	}
	devs := c.st.devicesOf(owner)
	pageDevs, lr, err := paginate(devs, func(d *mfaDevice) string { return d.EnableDate.Format(time.RFC3339) + " " + d.Serial }, in.page)
	if err != nil {
		return nil, err
	}
	out := struct {
		MFADevices members[xmlMFADevice]
		listResult
	}{MFADevices: members[xmlMFADevice]{}, listResult: lr}
	for _, d := range pageDevs {
		out.MFADevices = append(out.MFADevices, xmlMFADevice{UserName: c.ownerName(owner), SerialNumber: d.Serial, EnableDate: isoTime(d.EnableDate)})
	}
	return out, nil
}

func (c *call) listVirtualMFADevices(in listVirtualInput) (any, *apiError) {
	var devs []*mfaDevice
	for _, d := range c.st.sortedDevices() {
		if in.Status == "Assigned" && d.Owner == "" || in.Status == "Unassigned" && d.Owner != "" {
			continue
		}
		devs = append(devs, d)
	}
	pageDevs, lr, err := paginate(devs, func(d *mfaDevice) string { return d.Serial }, in.page)
	if err != nil {
		return nil, err
	}
	out := struct {
		VirtualMFADevices members[xmlVirtualDevice]
		listResult
	}{VirtualMFADevices: members[xmlVirtualDevice]{}, listResult: lr}
	for _, d := range pageDevs {
		x := xmlVirtualDevice{SerialNumber: d.Serial}
		if d.Owner != "" {
			x.User = c.userXML(d.Owner)
			t := isoTime(d.EnableDate)
			x.EnableDate = &t
		}
		out.VirtualMFADevices = append(out.VirtualMFADevices, x)
	}
	return out, nil
}

// getMFADevice answers for assigned devices. Practice model: AWS documents
// GetMFADevice for FIDO security keys; the practice account has only
// virtual devices and answers for those rather than refusing everything.
func (c *call) getMFADevice(in getMFAInput) (any, *apiError) {
	owner := c.callerName()
	if in.UserName == "" && c.key.isRoleSession() {
		return nil, errNonUserCaller
	}
	if in.UserName != "" {
		if c.st.Users[in.UserName] == nil {
			return nil, noSuchUser(in.UserName)
		}
		owner = in.UserName
	}
	d := c.st.Devices[in.Serial]
	if d == nil || d.Owner != owner {
		return nil, noSuchAssignedDevice(in.Serial)
	}
	return struct {
		UserName     string  `xml:"UserName"`
		SerialNumber string  `xml:"SerialNumber"`
		EnableDate   isoTime `xml:"EnableDate"`
	}{c.ownerName(owner), d.Serial, isoTime(d.EnableDate)}, nil
}

// ---- tags ----

const maxTags = 50

// checkTags rejects duplicate keys (case-insensitive, as IAM compares them)
// and a result beyond the 50-tag quota.
func checkTags(existing, add []tag) *apiError {
	seen := map[string]bool{}
	for _, t := range add {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return errorf(400, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	if len(mergeTags(existing, add)) > maxTags {
		return errorf(409, "LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return nil
}

// mergeTags sets add over existing (keys compared case-insensitively),
// sorted by key.
func mergeTags(existing, add []tag) []tag {
	out := append([]tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func (c *call) tagMFADevice(in tagInput) (any, *apiError) {
	d := c.st.Devices[in.Serial]
	if d == nil {
		return nil, noSuchDevice(in.Serial)
	}
	if err := checkTags(d.Tags, in.Tags); err != nil {
		return nil, err
	}
	d.Tags = mergeTags(d.Tags, in.Tags)
	return nil, nil
}

func (c *call) untagMFADevice(in untagInput) (any, *apiError) {
	d := c.st.Devices[in.Serial]
	if d == nil {
		return nil, noSuchDevice(in.Serial)
	}
	var kept []tag
	for _, t := range d.Tags {
		drop := false
		for _, k := range in.Keys {
			drop = drop || strings.EqualFold(t.Key, k)
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	d.Tags = kept
	return nil, nil
}

func (c *call) listMFADeviceTags(in listTagsInput) (any, *apiError) {
	d := c.st.Devices[in.Serial]
	if d == nil {
		return nil, noSuchDevice(in.Serial)
	}
	ts, lr, err := paginate(d.Tags, func(t tag) string { return t.Key }, in.page)
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags members[xmlTag]
		listResult
	}{Tags: members[xmlTag]{}, listResult: lr}
	for _, t := range ts {
		out.Tags = append(out.Tags, xmlTag(t))
	}
	return out, nil
}

// ---- pagination ----

// paginate returns the page of items (sorted by key) starting at the
// marker. Markers are opaque to callers: base64 of the first key of the
// next page.
func paginate[T any](items []T, key func(T) string, pg page) ([]T, listResult, *apiError) {
	start := 0
	if pg.Marker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(pg.Marker)
		if err != nil {
			return nil, listResult{}, errorf(400, "InvalidInput", "Marker is not valid; pass the Marker of the previous response unchanged.")
		}
		from := string(raw)
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) >= from })
	}
	end := min(start+pg.MaxItems, len(items))
	lr := listResult{}
	if end < len(items) {
		lr.IsTruncated = true
		lr.Marker = base64.RawURLEncoding.EncodeToString([]byte(key(items[end])))
	}
	return items[start:end], lr, nil
}

// ---- account ----

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

func (c *call) getAccountSummary(noInput) (any, *apiError) {
	inUse, rootMFA := 0, 0
	for _, d := range c.st.Devices {
		if d.Owner != "" {
			inUse++
		}
		if d.Owner == rootOwner {
			rootMFA = 1
		}
	}
	rootKeys := 0
	if c.st.longTermKey(rootOwner) != nil {
		rootKeys = 1
	}
	m := map[string]int{
		"Users": len(c.st.Users), "UsersQuota": 5000,
		"Groups": 0, "GroupsQuota": 300,
		"Roles": 0, "RolesQuota": 1000,
		"Policies": 0, "PoliciesQuota": 1500,
		"PolicySizeQuota": 6144, "PolicyVersionsInUse": 0, "PolicyVersionsInUseQuota": 10000,
		"ServerCertificates": 0, "ServerCertificatesQuota": 20,
		"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240,
		"GroupsPerUserQuota": 10, "SigningCertificatesPerUserQuota": 2, "AccessKeysPerUserQuota": 2,
		"AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10, "AttachedPoliciesPerUserQuota": 10,
		"VersionsPerPolicyQuota": 5, "InstanceProfiles": 0, "InstanceProfilesQuota": 1000,
		"Providers": 0, "GlobalEndpointTokenVersion": 1, "AssumeRolePolicySizeQuota": 2048,
		"MFADevices": len(c.st.Devices), "MFADevicesInUse": inUse,
		"AccountMFAEnabled": rootMFA, "AccountAccessKeysPresent": rootKeys,
		"AccountPasswordPresent": boolInt(c.st.loginProfileOf(rootOwner) != nil), "AccountSigningCertificatesPresent": 0,
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := struct {
		Entries []summaryEntry `xml:"SummaryMap>entry"`
	}{}
	for _, k := range keys {
		out.Entries = append(out.Entries, summaryEntry{k, m[k]})
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *call) getUser(in getUserInput) (any, *apiError) {
	principal := c.callerName()
	if in.UserName == "" && c.key.isRoleSession() {
		return nil, errNonUserCaller
	}
	if in.UserName != "" {
		if c.st.Users[in.UserName] == nil {
			return nil, noSuchUser(in.UserName)
		}
		principal = in.UserName
	}
	u := c.userXML(principal)
	if principal != rootOwner {
		u.Tags = xmlTags(c.st.Users[principal].Tags)
	}
	return struct{ User *xmlUser }{u}, nil
}

func (c *call) listUsers(in listUsersInput) (any, *apiError) {
	var users []*iamUser
	for _, u := range c.st.sortedUsers() {
		if strings.HasPrefix(u.Path, in.PathPrefix) {
			users = append(users, u)
		}
	}
	pageUsers, lr, err := paginate(users, func(u *iamUser) string { return u.Name }, in.page)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users members[xmlUser]
		listResult
	}{Users: members[xmlUser]{}, listResult: lr}
	for _, u := range pageUsers {
		out.Users = append(out.Users, *c.userXML(u.Name))
	}
	return out, nil
}

// maxUsers bounds the users of a practice account (AWS's quota is 5000).
const maxUsers = 5000

func (c *call) createUser(in createUserInput) (any, *apiError) {
	for name := range c.st.Users {
		if strings.EqualFold(name, in.UserName) {
			return nil, errorf(409, "EntityAlreadyExists", "User with name %s already exists.", in.UserName)
		}
	}
	if len(c.st.Users) >= maxUsers {
		return nil, errorf(409, "LimitExceeded", "Cannot exceed quota for UsersPerAccount: %d", maxUsers)
	}
	if err := checkTags(nil, in.Tags); err != nil {
		return nil, err
	}
	u := c.st.addUser(in.UserName, in.Path, c.now)
	u.Tags = mergeTags(nil, in.Tags)
	x := c.userXML(u.Name)
	x.Tags = xmlTags(u.Tags)
	return struct{ User *xmlUser }{x}, nil
}
