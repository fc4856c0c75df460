package practice

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AWS Organizations speaks the AWS JSON 1.1 protocol: POST / with
// X-Amz-Target: AWSOrganizationsV20161128.<Operation>, a JSON body, JSON
// answers (timestamps as epoch seconds) and errors as {"__type": CODE,
// "Message": ...} with the status in the HTTP line.

const organizationsTargetPrefix = "AWSOrganizationsV20161128."

var organizationsService = service{Name: "organizations", Version: "2016-11-28", JSON: true}

// parseJSONRequest binds an X-Amz-Target and body to a request; the body
// must be one JSON object (an empty body counts as {}).
func parseJSONRequest(target string, body []byte) (*request, *apiError) {
	action, ok := strings.CutPrefix(target, organizationsTargetPrefix)
	if !ok || action == "" {
		return nil, errorf(400, "UnknownOperationException", "X-Amz-Target %q names no operation of this endpoint.", sanitize(target))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, errorf(400, "SerializationException", "The request body is not a JSON object.")
	}
	return &request{Action: action, Body: body}, nil
}

// defineJSONOp binds a JSON operation: decode fills In from the body (the
// body is a JSON object; unknown members are ignored, as AWS does) and
// collects validation errors in p.
func defineJSONOp[In any](mutates bool, validate func(*In, *params), run func(*call, In) (any, *apiError)) *operation {
	return &operation{
		svc:     organizationsService,
		mutates: mutates,
		decode: func(r *request) (any, *apiError) {
			var in In
			if err := json.Unmarshal(r.Body, &in); err != nil {
				return nil, errorf(400, "SerializationException", "The request body does not match the shape of %s: %s", sanitize(r.Action), sanitize(err.Error()))
			}
			p := &params{}
			validate(&in, p)
			return in, p.err()
		},
		run: func(c *call, in any) (any, *apiError) { return run(c, in.(In)) },
	}
}

// jsonErrorCodes are the JSON protocol's names for the errors every
// service shares, where they differ from Query's.
var jsonErrorCodes = map[string]string{
	"AccessDenied":               "AccessDeniedException",
	"InvalidClientTokenId":       "UnrecognizedClientException",
	"SignatureDoesNotMatch":      "InvalidSignatureException",
	"ExpiredToken":               "ExpiredTokenException",
	"MissingAuthenticationToken": "MissingAuthenticationTokenException",
	"IncompleteSignature":        "IncompleteSignatureException",
	"Throttling":                 "TooManyRequestsException",
	"ServiceFailure":             "ServiceException",
	"ValidationError":            "InvalidInputException",
	"MalformedQueryString":       "SerializationException",
	"InvalidHttpRequest":         "SerializationException",
}

func writeJSONError(w http.ResponseWriter, requestID string, e *apiError) {
	code := e.Code
	if c, ok := jsonErrorCodes[code]; ok {
		code = c
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{code, e.Message})
	writeJSON(w, requestID, e.Status, b)
}

func writeJSONResult(w http.ResponseWriter, requestID string, result any) {
	if result == nil {
		result = struct{}{}
	}
	b, err := json.Marshal(result)
	if err != nil {
		writeJSONError(w, requestID, errService)
		return
	}
	writeJSON(w, requestID, http.StatusOK, b)
}

func writeJSON(w http.ResponseWriter, requestID string, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// epochTime is a JSON protocol timestamp: seconds since the epoch.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatInt(time.Time(t).Unix(), 10)), nil
}

// ---- errors ----

var (
	errOrgNotInUse = &apiError{400, "AWSOrganizationsNotInUseException",
		"Your account is not a member of an organization."}
	errOrgAccessDenied = &apiError{400, "AccessDeniedException",
		"You don't have permissions to access this resource."}
)

// organization is the Organization the caller's account belongs to and
// its management account, or errOrgNotInUse.
func (c *call) organization() (*orgState, *state, *apiError) {
	mgmt := c.srv.st
	if mgmt.Org == nil || (c.st != mgmt && c.st.Membership == nil) {
		return nil, nil, errOrgNotInUse
	}
	return mgmt.Org, mgmt, nil
}

// managementOnly is the organization for calls only its management
// account or its delegated administrator may make.
func (c *call) managementOnly() (*orgState, *state, *apiError) {
	o, mgmt, err := c.organization()
	if err != nil {
		return nil, nil, err
	}
	if !c.isAdministrator(o, mgmt) {
		return nil, nil, errOrgAccessDenied
	}
	return o, mgmt, nil
}

// isAdministrator: the caller's account is the management account or the
// delegated administrator.
func (c *call) isAdministrator(o *orgState, mgmt *state) bool {
	return c.st == mgmt || (o.DelegatedAdmin != "" && c.st.AccountID == o.DelegatedAdmin)
}

// ---- operations ----

type jsonAccount struct {
	ID              string    `json:"Id"`
	Arn             string    `json:"Arn"`
	Email           string    `json:"Email"`
	Name            string    `json:"Name"`
	Status          string    `json:"Status"`
	State           string    `json:"State"`
	JoinedMethod    string    `json:"JoinedMethod"`
	JoinedTimestamp epochTime `json:"JoinedTimestamp"`
}

func (c *call) accountJSON(o *orgState, mgmt, st *state) jsonAccount {
	a := jsonAccount{
		ID:  st.AccountID,
		Arn: "arn:aws:organizations::" + mgmt.AccountID + ":account/" + o.ID + "/" + st.AccountID,
	}
	if m := st.Membership; m != nil {
		a.Email, a.Name, a.Status, a.JoinedMethod, a.JoinedTimestamp = m.Email, m.Name, m.Status, m.JoinedMethod, epochTime(m.Joined)
	} else {
		a.Email, a.Name, a.Status, a.JoinedMethod, a.JoinedTimestamp = o.Email, "management", AccountActive, "CREATED", epochTime(o.Created)
	}
	a.State = a.Status
	return a
}

type listAccountsInput struct {
	NextToken  *string
	MaxResults *int
}

func validateListAccounts(in *listAccountsInput, p *params) {
	if in.NextToken != nil {
		p.check("nextToken", *in.NextToken, stringRule{0, 100000, "", nil})
	}
	if n := in.MaxResults; n != nil && (*n < 1 || *n > 20) {
		constraint := "Member must have value greater than or equal to 1"
		if *n > 20 {
			constraint = "Member must have value less than or equal to 20"
		}
		p.fail(strconv.Itoa(*n), "maxResults", constraint)
	}
}

// listAccounts pages through the accounts by id, management account
// included, 20 at most per page (AWS's maximum for MaxResults).
func (c *call) listAccounts(in listAccountsInput) (any, *apiError) {
	o, mgmt, err := c.managementOnly()
	if err != nil {
		return nil, err
	}
	all := c.srv.accountsLocked()
	sortAccounts(all)
	pg := page{MaxItems: 20}
	if in.MaxResults != nil {
		pg.MaxItems = *in.MaxResults
	}
	if in.NextToken != nil {
		pg.Marker = *in.NextToken
	}
	items, lr, perr := paginate(all, func(st *state) string { return st.AccountID }, pg)
	if perr != nil {
		return nil, errorf(400, "InvalidInputException", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
	}
	out := struct {
		Accounts  []jsonAccount
		NextToken string `json:",omitempty"`
	}{Accounts: []jsonAccount{}, NextToken: lr.Marker}
	for _, st := range items {
		out.Accounts = append(out.Accounts, c.accountJSON(o, mgmt, st))
	}
	return out, nil
}

func sortAccounts(all []*state) {
	sort.Slice(all, func(i, j int) bool { return all[i].AccountID < all[j].AccountID })
}

type describeAccountInput struct{ AccountId *string }

func validateDescribeAccount(in *describeAccountInput, p *params) {
	if in.AccountId == nil {
		p.failNull("accountId")
		return
	}
	if len(*in.AccountId) != 12 || strings.Trim(*in.AccountId, "0123456789") != "" {
		p.fail(*in.AccountId, "accountId", `Member must satisfy regular expression pattern: ^\d{12}$`)
	}
}

func (c *call) describeAccount(in describeAccountInput) (any, *apiError) {
	o, mgmt, err := c.managementOnly()
	if err != nil {
		return nil, err
	}
	st := c.srv.accountLocked(*in.AccountId)
	if st == nil {
		return nil, errorf(400, "AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	return struct{ Account jsonAccount }{c.accountJSON(o, mgmt, st)}, nil
}

type noJSONInput struct{}

func validateNothing(*noJSONInput, *params) {}

// describeOrganization answers every account of the Organization, members
// included, as AWS does.
func (c *call) describeOrganization(noJSONInput) (any, *apiError) {
	o, mgmt, err := c.organization()
	if err != nil {
		return nil, err
	}
	type policyType struct{ Type, Status string }
	return struct {
		Organization struct {
			Id, Arn, FeatureSet                                   string
			MasterAccountArn, MasterAccountId, MasterAccountEmail string
			AvailablePolicyTypes                                  []policyType
		}
	}{Organization: struct {
		Id, Arn, FeatureSet                                   string
		MasterAccountArn, MasterAccountId, MasterAccountEmail string
		AvailablePolicyTypes                                  []policyType
	}{
		Id: o.ID, Arn: "arn:aws:organizations::" + mgmt.AccountID + ":organization/" + o.ID, FeatureSet: "ALL",
		MasterAccountArn: "arn:aws:organizations::" + mgmt.AccountID + ":account/" + o.ID + "/" + mgmt.AccountID,
		MasterAccountId:  mgmt.AccountID, MasterAccountEmail: o.Email,
		AvailablePolicyTypes: []policyType{{"SERVICE_CONTROL_POLICY", "ENABLED"}},
	}}, nil
}
