package awsmfa

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sparekey/sparekey/vault"
)

// CredentialReportRow is the part of one credential report line the audit uses.
type CredentialReportRow struct {
	User            string
	Arn             string
	PasswordEnabled bool // "not_supported" for root counts as false
	MFAActive       bool
	AccessKeys      int // active access keys
}

// RootUser is the name the credential report gives the root user.
const RootUser = "<root_account>"

// ErrBadReport: the credential report is not the CSV AWS documents.
var ErrBadReport = errors.New("the credential report is not in the expected format")

// ParseCredentialReport reads the CSV of GetCredentialReport. Columns are
// found by header name, so added or reordered columns do not matter; user
// and mfa_active are required.
func ParseCredentialReport(data []byte) ([]CredentialReportRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: no header: %v", ErrBadReport, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	userCol, ok1 := col["user"]
	mfaCol, ok2 := col["mfa_active"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%w: the header lacks user or mfa_active", ErrBadReport)
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []CredentialReportRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrBadReport, line, err)
		}
		if userCol >= len(rec) || mfaCol >= len(rec) {
			return nil, fmt.Errorf("%w: line %d is too short", ErrBadReport, line)
		}
		row := CredentialReportRow{
			User:            rec[userCol],
			Arn:             field(rec, "arn"),
			PasswordEnabled: field(rec, "password_enabled") == "true",
			MFAActive:       rec[mfaCol] == "true",
		}
		for _, k := range []string{"access_key_1_active", "access_key_2_active"} {
			if field(rec, k) == "true" {
				row.AccessKeys++
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// AuditOptions tune an audit.
type AuditOptions struct {
	// Vault, if set, tells which devices Sparekey holds seeds for.
	Vault *vault.Vault
	// LastBackup is when the vault was last backed up; held seeds created
	// after it are not in any backup (zero: never backed up).
	LastBackup time.Time
	// Progress is called as the audit advances; stage is "report",
	// "devices" or "orphans", done/total count users for "devices".
	Progress func(stage string, done, total int)
	// PollInterval between GetCredentialReport attempts (default 2 s).
	PollInterval time.Duration
	// ReportTimeout bounds waiting for the report (default 2 min).
	ReportTimeout time.Duration
}

// UserFinding is one user's MFA situation.
type UserFinding struct {
	UserName        string `json:"user_name"`
	Devices         int    `json:"devices"`
	HeldDevices     int    `json:"held_devices"`
	PasswordEnabled bool   `json:"password_enabled"`
	AccessKeys      int    `json:"access_keys"`
}

// StaleSeed is a seed Sparekey holds that no backup contains yet.
type StaleSeed struct {
	SerialNumber string    `json:"serial_number"`
	Label        string    `json:"label"`
	Created      time.Time `json:"created"`
}

// ScoreItem is one deduction from the readiness score.
type ScoreItem struct {
	Reason string  `json:"reason"`
	Points float64 `json:"points"`
}

// AuditReport is the readiness of one account.
type AuditReport struct {
	Account      string        `json:"account"`
	Connection   string        `json:"connection"`
	Generated    time.Time     `json:"generated"`
	Users        []UserFinding `json:"users"`
	RootMFA      bool          `json:"root_mfa"`
	WithoutMFA   []string      `json:"users_without_mfa"`
	SingleDevice []string      `json:"users_with_single_device"`
	Orphans      []Device      `json:"orphans"`
	HeldDevices  int           `json:"held_devices"`
	// HeldUnknown: the audit ran without a vault, so HeldDevices and
	// StaleSeeds say nothing.
	HeldUnknown      bool        `json:"held_unknown,omitempty"`
	StaleSeeds       []StaleSeed `json:"stale_seeds"`
	LastBackup       time.Time   `json:"last_backup,omitzero"`
	Score            int         `json:"score"`
	Deductions       []ScoreItem `json:"deductions"`
	Warnings         []string    `json:"warnings,omitempty"`
	DevicesInAccount int         `json:"mfa_devices_in_account"`
}

// Audit examines the account: credential report, every user's devices (at
// most Concurrency calls at once), the account summary and orphans, then
// scores it (see Score).
func (c *Client) Audit(ctx context.Context, opts AuditOptions) (*AuditReport, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{Account: id.Account, Connection: c.opts.Label, Generated: c.now().UTC(), LastBackup: opts.LastBackup}

	progress("report", 0, 1)
	report, err := c.credentialReport(ctx, opts)
	if err != nil {
		rep.Warnings = append(rep.Warnings, "no credential report ("+err.Error()+"); password and root details are missing")
	}
	byUser := map[string]CredentialReportRow{}
	for _, r := range report {
		byUser[r.User] = r
		if r.User == RootUser && r.MFAActive {
			rep.RootMFA = true
		}
	}
	progress("report", 1, 1)

	sum, err := c.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		rep.Warnings = append(rep.Warnings, "no account summary: "+classify("GetAccountSummary", err).Error())
	} else {
		if sum.SummaryMap[string(types.SummaryKeyTypeAccountMFAEnabled)] == 1 {
			rep.RootMFA = true
		}
		rep.DevicesInAccount = int(sum.SummaryMap[string(types.SummaryKeyTypeMFADevicesInUse)])
	}

	users, err := c.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = aws.ToString(u.UserName)
	}
	progress("devices", 0, len(names))
	perUser, err := c.devicesOfUsers(ctx, names, func(done, total int) { progress("devices", done, total) })
	if err != nil {
		return nil, err
	}
	held := HeldSeeds(opts.Vault)
	rep.HeldUnknown = opts.Vault == nil
	for i, name := range names {
		f := UserFinding{UserName: name, Devices: len(perUser[i])}
		for _, d := range perUser[i] {
			if _, ok := held[d.SerialNumber]; ok {
				f.HeldDevices++
			}
		}
		if r, ok := byUser[name]; ok {
			f.PasswordEnabled, f.AccessKeys = r.PasswordEnabled, r.AccessKeys
		}
		rep.Users = append(rep.Users, f)
		switch f.Devices {
		case 0:
			rep.WithoutMFA = append(rep.WithoutMFA, name)
		case 1:
			rep.SingleDevice = append(rep.SingleDevice, name)
		}
	}

	progress("orphans", 0, 1)
	if rep.Orphans, err = c.Orphans(ctx, opts.Vault); err != nil {
		rep.Warnings = append(rep.Warnings, "could not list unassigned devices: "+err.Error())
	}
	progress("orphans", 1, 1)

	for serial, a := range held {
		if a.AWS.AccountID != id.Account || !usable(a) {
			continue
		}
		rep.HeldDevices++
		if opts.LastBackup.IsZero() || a.Created.After(opts.LastBackup) {
			rep.StaleSeeds = append(rep.StaleSeeds, StaleSeed{SerialNumber: serial, Label: a.Label(), Created: a.Created})
		}
	}
	slices.SortFunc(rep.StaleSeeds, func(a, b StaleSeed) int { return strings.Compare(a.SerialNumber, b.SerialNumber) })
	rep.Score, rep.Deductions = Score(rep)
	return rep, nil
}

func (c *Client) credentialReport(ctx context.Context, opts AuditOptions) ([]CredentialReportRow, error) {
	interval, timeout := opts.PollInterval, opts.ReportTimeout
	if interval <= 0 {
		interval = 2 * time.Second
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	deadline := c.now().Add(timeout)
	polls := int(timeout/interval) + 1
	for poll := 1; ; poll++ {
		gen, err := c.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		// LimitExceeded: a report was generated recently; fetch it.
		if err != nil && !errors.Is(classify("GenerateCredentialReport", err), ErrDeviceLimit) {
			return nil, classify("GenerateCredentialReport", err)
		}
		if err != nil || gen.State == types.ReportStateTypeComplete {
			out, err := c.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
			if err == nil {
				return ParseCredentialReport(out.Content)
			}
			var code string
			if e, ok := classify("GetCredentialReport", err).(*Error); ok {
				code = e.Code
			}
			if code != "ReportInProgress" && code != "ReportNotPresent" {
				return nil, classify("GetCredentialReport", err)
			}
		}
		if !c.now().Before(deadline) || poll >= polls {
			return nil, errors.New("the credential report was not ready in time")
		}
		if err := c.opts.Sleep(ctx, interval); err != nil {
			return nil, err
		}
	}
}

// Score is the readiness score from 0 to 100. It starts at 100 and deducts:
//
//   - 30 if the root user has no MFA;
//   - 40 × the share of IAM users without any MFA device;
//   - 15 × the share of IAM users with a single device (one loss locks them out);
//   - 2 per unassigned (orphaned) virtual device, at most 5;
//   - 10 × the share of Sparekey-held seeds that no backup contains yet.
//
// The result is rounded and clamped to 0…100.
func Score(r *AuditReport) (int, []ScoreItem) {
	var items []ScoreItem
	deduct := func(points float64, format string, args ...any) {
		if points > 0 {
			items = append(items, ScoreItem{Reason: fmt.Sprintf(format, args...), Points: math.Round(points*10) / 10})
		}
	}
	if !r.RootMFA {
		deduct(30, "the root user has no MFA")
	}
	if n := len(r.Users); n > 0 {
		deduct(40*float64(len(r.WithoutMFA))/float64(n), "%d of %d users have no MFA device", len(r.WithoutMFA), n)
		deduct(15*float64(len(r.SingleDevice))/float64(n), "%d of %d users have a single MFA device", len(r.SingleDevice), n)
	}
	deduct(min(5, 2*float64(len(r.Orphans))), "%d unassigned virtual devices", len(r.Orphans))
	if r.HeldDevices > 0 {
		deduct(10*float64(len(r.StaleSeeds))/float64(r.HeldDevices), "%d of %d seeds held by Sparekey are in no backup", len(r.StaleSeeds), r.HeldDevices)
	}
	score := 100.0
	for _, it := range items {
		score -= it.Points
	}
	return int(math.Round(max(0, min(100, score)))), items
}

// WriteMarkdown renders the report for people.
// HeldSummary is the report's line on held seeds, shared by every place
// that shows a report.
func (r *AuditReport) HeldSummary() string {
	if r.HeldUnknown {
		return "Seeds held by Sparekey: unknown (no vault was open)"
	}
	return fmt.Sprintf("Seeds held by Sparekey: %d; not in any backup: %d", r.HeldDevices, len(r.StaleSeeds))
}

func (r *AuditReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# MFA readiness of AWS account %s\n\n", r.Account)
	fmt.Fprintf(&b, "Connection: %s  \nGenerated: %s  \n**Score: %d / 100**\n\n", r.Connection, r.Generated.Format(time.RFC3339), r.Score)
	if len(r.Deductions) > 0 {
		b.WriteString("## Deductions\n\n")
		for _, d := range r.Deductions {
			fmt.Fprintf(&b, "- −%g: %s\n", d.Points, d.Reason)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(&b, "- Root user MFA: %s\n", yesNo(r.RootMFA))
	fmt.Fprintf(&b, "- IAM users: %d; without MFA: %d; with a single device: %d\n", len(r.Users), len(r.WithoutMFA), len(r.SingleDevice))
	fmt.Fprintf(&b, "- Unassigned virtual devices: %d\n", len(r.Orphans))
	fmt.Fprintf(&b, "- %s\n\n", r.HeldSummary())
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n", title)
		for _, s := range items {
			fmt.Fprintf(&b, "- %s\n", mdEscape(s))
		}
		b.WriteString("\n")
	}
	list("Users without MFA", r.WithoutMFA)
	list("Users with a single device", r.SingleDevice)
	list("Unassigned virtual devices (nobody can sign in with them; delete them)", r.OrphanSerials())
	list("Seeds not yet in a backup", r.StaleSeedNames())
	list("Warnings", r.Warnings)
	if len(r.Users) > 0 {
		b.WriteString("## Users\n\n| User | MFA devices | Held by Sparekey | Console password | Active access keys |\n|---|---:|---:|---|---:|\n")
		for _, u := range r.Users {
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %d |\n", mdEscape(u.UserName), u.Devices, u.HeldDevices, yesNo(u.PasswordEnabled), u.AccessKeys)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV renders one line per user, for spreadsheets.
func (r *AuditReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"account", "user", "mfa_devices", "held_by_sparekey", "password_enabled", "active_access_keys", "finding"})
	_ = cw.Write([]string{r.Account, RootUser, "", "", "", "", map[bool]string{true: "ok", false: "root without MFA"}[r.RootMFA]})
	for _, u := range r.Users {
		finding := "ok"
		switch u.Devices {
		case 0:
			finding = "no MFA"
		case 1:
			finding = "single device"
		}
		_ = cw.Write([]string{r.Account, csvSafe(u.UserName), strconv.Itoa(u.Devices), strconv.Itoa(u.HeldDevices), strconv.FormatBool(u.PasswordEnabled), strconv.Itoa(u.AccessKeys), finding})
	}
	for _, d := range r.Orphans {
		_ = cw.Write([]string{r.Account, "", "", strconv.FormatBool(d.Held), "", "", "unassigned device " + d.SerialNumber})
	}
	cw.Flush()
	return cw.Error()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;").Replace(s)
}

// csvSafe stops spreadsheet formula injection through user names.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// OrphanSerials lists the unassigned virtual devices by serial.
func (r *AuditReport) OrphanSerials() []string {
	var out []string
	for _, d := range r.Orphans {
		out = append(out, d.SerialNumber)
	}
	return out
}

// StaleSeedNames names the held seeds no backup holds yet, as
// "label (serial)", for every report view to show the same way.
func (r *AuditReport) StaleSeedNames() []string {
	var out []string
	for _, s := range r.StaleSeeds {
		out = append(out, s.Label+" ("+s.SerialNumber+")")
	}
	return out
}
