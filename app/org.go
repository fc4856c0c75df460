package app

// Organization chores: the readiness audit of every account of an AWS
// Organization and the recovery of a member account's root MFA through
// centralized root access. Both run from the connection's credentials,
// which must be the management account's or a delegated administrator's.

import (
	"context"
	"time"

	"github.com/sparekey/sparekey/sync/awsmfa"
)

// OrgAuditRequest tunes an organization-wide audit.
type OrgAuditRequest struct {
	// Role is assumed in each member account ("" = OrganizationAccountAccessRole).
	Role string
	// Profiles reach some accounts through their own profile (ID → profile).
	Profiles map[string]string
	// Concurrency is how many accounts are audited at once (0 = default).
	Concurrency int
	// Progress is called after each account, from the audit's goroutines.
	Progress func(awsmfa.OrgProgress)
}

// AWSOrganization returns the organization seen from the connection.
func (a *App) AWSOrganization(ctx context.Context, conn AWSConnection) (*awsmfa.Org, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.Organization()
}

// AWSOrgAudit audits every account of the connection's organization.
func (a *App) AWSOrgAudit(ctx context.Context, conn AWSConnection, req OrgAuditRequest) (*awsmfa.OrgReport, error) {
	org, err := a.AWSOrganization(ctx, conn)
	if err != nil {
		return nil, err
	}
	audit := awsmfa.AuditOptions{Vault: a.vaultIfOpen(), LastBackup: a.AutoBackupStatus().LastSuccess}
	if conn.Practice {
		audit.PollInterval = 50 * time.Millisecond // the local report is ready at once
	}
	return org.Audit(ctx, awsmfa.OrgAuditOptions{Role: req.Role, Profiles: req.Profiles, Concurrency: req.Concurrency, Audit: audit, Progress: req.Progress})
}

// AWSRootMFAPreview shows a member root's MFA devices, changing nothing.
func (a *App) AWSRootMFAPreview(ctx context.Context, conn AWSConnection, account string) (*awsmfa.RootMFAPlan, error) {
	org, err := a.AWSOrganization(ctx, conn)
	if err != nil {
		return nil, err
	}
	return org.PreviewRootMFA(ctx, account)
}

// AWSRootMFADeactivate removes the devices the plan showed from a member
// root, verifies they are gone and optionally allows password recovery.
func (a *App) AWSRootMFADeactivate(ctx context.Context, conn AWSConnection, plan *awsmfa.RootMFAPlan, allowPasswordRecovery bool) (*awsmfa.RootMFAResult, error) {
	org, err := a.AWSOrganization(ctx, conn)
	if err != nil {
		return nil, err
	}
	expect := plan.Devices
	if expect == nil {
		expect = []string{}
	}
	return org.DeactivateRootMFA(ctx, awsmfa.RootMFARequest{Account: plan.Account, Expect: expect, AllowPasswordRecovery: allowPasswordRecovery})
}
