package cli

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// auditWithReadiness is the audit's JSON: the report's own fields, as
// before, plus the per-identity readiness 'sparekey ready' computes.
type auditWithReadiness struct {
	*awsmfa.AuditReport
	Readiness []app.IdentityReadiness `json:"readiness"`
}

// readinessFor finds an identity of the audited account by the user
// column of the audit's CSV (awsmfa.RootUser for the root user).
func readinessFor(r *app.Readiness, account, user string) (app.IdentityReadiness, bool) {
	for _, id := range r.Identities {
		if id.AccountID != "" && account != "" && id.AccountID != account {
			continue
		}
		if (user == awsmfa.RootUser && id.Root) || (!id.Root && user != "" && id.UserName == user) {
			return id, true
		}
	}
	return app.IdentityReadiness{}, false
}

// addReadinessColumns extends the audit's CSV with each identity's
// readiness score, next action and the command that does it; rows about
// devices rather than identities leave them empty.
func addReadinessColumns(auditCSV []byte, r *app.Readiness, conn app.AWSConnection) ([]byte, error) {
	rows, err := csv.NewReader(bytes.NewReader(auditCSV)).ReadAll()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cw := csv.NewWriter(&out)
	for i, row := range rows {
		if i == 0 {
			row = append(row, "readiness_score", "next_action", "next_command")
		} else {
			score, next, command := "", "", ""
			// The audit escapes a name a spreadsheet would run as a
			// formula with a leading quote; the identity is the name.
			user := row[1]
			if rest, ok := strings.CutPrefix(user, "'"); ok && rest != "" && strings.ContainsRune("=+-@", rune(rest[0])) {
				user = rest
			}
			if id, ok := readinessFor(r, row[0], user); ok {
				score, next = strconv.Itoa(id.Score), "nothing left to do"
				if id.Next != nil {
					next, command = id.Next.Title, readyCommand(*id.Next, conn)
				}
			}
			row = append(row, score, csvCell(next), csvCell(command))
		}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return out.Bytes(), cw.Error()
}

// writeAuditWithReadiness writes the audit as CSV or JSON with the same
// per-identity scores the Markdown report has.
func writeAuditWithReadiness(e *Env, a *app.App, conn app.AWSConnection, rep *awsmfa.AuditReport, format string, w *bytes.Buffer) error {
	r, err := a.Readiness(e.Context(), conn, app.ReadinessOptions{Audit: rep})
	if err != nil {
		return err
	}
	if format == "json" {
		return (&Env{Out: w}).printJSON(auditWithReadiness{AuditReport: rep, Readiness: r.Identities})
	}
	var plain bytes.Buffer
	if err := rep.WriteCSV(&plain); err != nil {
		return err
	}
	withScores, err := addReadinessColumns(plain.Bytes(), r, conn)
	if err != nil {
		return err
	}
	_, err = w.Write(withScores)
	return err
}
