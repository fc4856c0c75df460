package practice

import (
	"fmt"
	"sort"
)

// Permissions. Practice model: the root user and "practice-admin" may do
// everything. Every other IAM user carries the IAM User Guide's
// self-manage-MFA policy ("BlockMostAccessUnlessSignedInWithMFA"):
//
//   - whatever the action, a user may only name themselves as UserName
//     (their own user and MFA devices);
//   - without MFA present (long-term keys, or a session obtained without a
//     code) only the actions in allowedWithoutMFA pass; the rest are
//     explicitly denied — including DeactivateMFADevice, which the guide
//     allows only with MFA;
//   - with MFA present (a GetSessionToken session made with a valid code)
//     everything else passes, as if the user had other permissions too.
//
// STS GetCallerIdentity needs no permission, as in AWS.
var allowedWithoutMFA = map[string]bool{
	"iam:CreateVirtualMFADevice": true,
	"iam:EnableMFADevice":        true,
	"iam:GetUser":                true,
	"iam:ListMFADevices":         true,
	"iam:ListUsers":              true,
	"iam:ListVirtualMFADevices":  true,
	"iam:ResyncMFADevice":        true,
	"sts:GetSessionToken":        true,
}

// MFAFreeActions lists the actions a practice user may call without MFA
// present (the self-manage-MFA policy's exceptions), as "service:Action".
func MFAFreeActions() []string {
	out := make([]string, 0, len(allowedWithoutMFA))
	for a := range allowedWithoutMFA {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (c *call) authorize(input any) *apiError {
	action := c.svc.Name + ":" + c.action
	switch {
	case c.action == "GetCallerIdentity":
		return nil
	case c.key.TaskPolicy != "":
		// An AssumeRoot session: its task policy, on its own root user.
		if !taskAllows(c.key.TaskPolicy, action) || targetUserName(input) != "" {
			return errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no session policy allows the %s action",
				c.st.rootArn(), action, c.resourceOf(input, nil), action)
		}
		return nil
	case c.isRoot():
		return nil
	case c.key.isRoleSession():
		if r := c.st.Roles[c.key.Role]; r != nil && r.allows(action) {
			return nil
		}
		if c.action == "AssumeRole" {
			return nil // assumeRole answers with the role in the message
		}
		return errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			c.st.callerArn(c.key), action, c.resourceOf(input, nil), action)
	case c.action == "AssumeRole":
		// assumeRole decides: a valid code in the request counts as MFA.
		return nil
	}
	u := c.st.Users[c.callerName()]
	if u == nil || u.Admin {
		return nil
	}
	self := c.st.userArn(u)
	if target := targetUserName(input); target != "" && target != u.Name {
		return errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
			self, action, c.st.principalArn(target), action)
	}
	if !c.key.MFAPresent && !allowedWithoutMFA[action] {
		return errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s with an explicit deny in an identity-based policy",
			self, action, c.resourceOf(input, u))
	}
	return nil
}

// targetUserName is the UserName an input names, "" for none.
func targetUserName(input any) string {
	switch in := input.(type) {
	case codesInput:
		return in.UserName
	case deactivateInput:
		return in.UserName
	case listMFAInput:
		return in.UserName
	case getUserInput:
		return in.UserName
	case getMFAInput:
		return in.UserName
	case userOptInput:
		return in.UserName
	case createLoginProfileInput:
		return in.UserName
	case deleteAccessKeyInput:
		return in.UserName
	}
	return ""
}

// resourceOf is the ARN an action acts on, as AccessDenied messages name it.
func (c *call) resourceOf(input any, caller *iamUser) string {
	switch in := input.(type) {
	case createDeviceInput:
		return c.st.deviceSerial(in.Name, in.Path)
	case serialInput:
		return in.Serial
	case tagInput:
		return in.Serial
	case untagInput:
		return in.Serial
	case listTagsInput:
		return in.Serial
	case deactivateInput, codesInput, listMFAInput, getUserInput, getMFAInput, userOptInput, createLoginProfileInput, deleteAccessKeyInput:
		if caller == nil {
			return c.st.callerArn(c.key)
		}
		return c.st.userArn(caller)
	case listUsersInput:
		return fmt.Sprintf("arn:aws:iam::%s:user/", c.st.AccountID)
	}
	return "*"
}
