package awsmfa

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteMarkdown renders the organization report for people: a summary,
// one table row per account, then what went wrong where.
func (r *OrgReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	title := "this organization"
	if r.OrganizationID != "" {
		title = "organization " + mdEscape(r.OrganizationID)
	}
	fmt.Fprintf(&b, "# MFA readiness of %s\n\n", title)
	audited, failed, skipped := r.Counts()
	fmt.Fprintf(&b, "Connection: %s (account %s)  \nGenerated: %s  \n", mdEscape(r.Connection), r.CallerAccount, r.Generated.Format(time.RFC3339))
	if r.ManagementAccount != "" {
		fmt.Fprintf(&b, "Management account: %s  \n", r.ManagementAccount)
	}
	fmt.Fprintf(&b, "Accounts: %d; audited %d, failed %d, skipped %d  \n", len(r.Accounts), audited, failed, skipped)
	if avg := r.AverageScore(); avg >= 0 {
		fmt.Fprintf(&b, "**Average score: %d / 100**\n\n", avg)
	} else {
		b.WriteString("\n")
	}
	if r.CentralizedRoot {
		b.WriteString("Centralized root access is on: member root users were examined in audit-only root sessions.\n\n")
	} else if r.FeaturesNote != "" {
		fmt.Fprintf(&b, "Note: %s.\n\n", mdEscape(r.FeaturesNote))
	}
	b.WriteString("| Account | Name | Status | Score | Root | Users | Without MFA | Single device | Reached through |\n|---|---|---|---:|---|---:|---:|---:|---|\n")
	for i := range r.Accounts {
		a := &r.Accounts[i]
		score, users, without, single := "–", "–", "–", "–"
		if a.Report != nil {
			score = strconv.Itoa(a.Report.Score)
			users, without, single = strconv.Itoa(len(a.Report.Users)), strconv.Itoa(len(a.Report.WithoutMFA)), strconv.Itoa(len(a.Report.SingleDevice))
		}
		status := string(a.Status)
		if a.Failure != nil {
			status += " (" + string(a.Failure.Reason) + ")"
		}
		root := "–"
		if a.Root != nil {
			root = a.Root.Summary()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.ID, mdEscape(a.Name), status, score, root, users, without, single, mdEscape(a.Access))
	}
	var problems []string
	for i := range r.Accounts {
		a := &r.Accounts[i]
		if a.Failure != nil {
			line := fmt.Sprintf("%s (%s), %s: %s", a.ID, mdEscape(a.Name), a.Failure.Step, mdEscape(a.Failure.Message))
			if a.Failure.Guidance != "" {
				line += " — " + mdEscape(a.Failure.Guidance)
			}
			problems = append(problems, line)
		}
		if a.Root != nil && a.Root.Note != "" {
			problems = append(problems, fmt.Sprintf("%s (%s), root: %s", a.ID, mdEscape(a.Name), mdEscape(a.Root.Note)))
		}
		if a.Report != nil {
			for _, w := range a.Report.Warnings {
				problems = append(problems, fmt.Sprintf("%s (%s): %s", a.ID, mdEscape(a.Name), mdEscape(w)))
			}
		}
	}
	if len(problems) > 0 {
		b.WriteString("\n## Problems\n\n")
		for _, p := range problems {
			b.WriteString("- " + p + "\n")
		}
	}
	var weak []string
	for i := range r.Accounts {
		a := &r.Accounts[i]
		if a.Report == nil || len(a.Report.Deductions) == 0 {
			continue
		}
		var reasons []string
		for _, d := range a.Report.Deductions {
			reasons = append(reasons, fmt.Sprintf("−%g %s", d.Points, d.Reason))
		}
		weak = append(weak, fmt.Sprintf("%s (%s): %s", a.ID, mdEscape(a.Name), mdEscape(strings.Join(reasons, "; "))))
	}
	if len(weak) > 0 {
		b.WriteString("\n## Deductions by account\n\n")
		for _, s := range weak {
			b.WriteString("- " + s + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// OrgCSVHeader is the first line of WriteCSV.
var OrgCSVHeader = []string{"account_id", "name", "email", "state", "status", "score", "root", "root_source", "users", "users_without_mfa", "users_single_device", "unassigned_devices", "reached_through", "failure_reason", "failure_step", "failure"}

// WriteCSV renders one line per account, for spreadsheets.
func (r *OrgReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(OrgCSVHeader)
	for i := range r.Accounts {
		a := &r.Accounts[i]
		score, users, without, single, orphans := "", "", "", "", ""
		if a.Report != nil {
			score = strconv.Itoa(a.Report.Score)
			users, without, single = strconv.Itoa(len(a.Report.Users)), strconv.Itoa(len(a.Report.WithoutMFA)), strconv.Itoa(len(a.Report.SingleDevice))
			orphans = strconv.Itoa(len(a.Report.Orphans))
		}
		root, source := "", ""
		if a.Root != nil {
			root, source = a.Root.Summary(), string(a.Root.Source)
		}
		reason, step, msg := "", "", ""
		if a.Failure != nil {
			reason, step, msg = string(a.Failure.Reason), a.Failure.Step, a.Failure.Message
		}
		_ = cw.Write([]string{a.ID, csvSafe(a.Name), csvSafe(a.Email), a.State, string(a.Status), score, root, source, users, without, single, orphans, csvSafe(a.Access), reason, step, csvSafe(msg)})
	}
	cw.Flush()
	return cw.Error()
}
