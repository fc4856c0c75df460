package practice

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"sort"
	"time"
)

// Credential reports. AWS generates at most one report per 4 hours; a
// request within that time gets the existing one.
//
// Practice model (AWS documents the states, not the timing): the first
// GenerateCredentialReport answers STARTED and the report is "in progress"
// until GenerateCredentialReport is called again (which answers COMPLETE)
// or reportBuildTime has passed on the server's clock. GetCredentialReport
// meanwhile answers ReportInProgress, as AWS does, so clients must poll.
const (
	reportLifetime  = 4 * time.Hour
	reportBuildTime = 5 * time.Second
)

var reportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// reportTime is the credential report's timestamp format.
func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

func (c *call) generateCredentialReport(noInput) (any, *apiError) {
	type result struct {
		State       string
		Description string `xml:",omitempty"`
	}
	r := c.st.Report
	if r != nil && c.now.Sub(r.Started) < reportLifetime {
		if !r.Complete {
			r.Complete = true
		}
		return result{State: "COMPLETE"}, nil
	}
	c.st.Report = &credentialReport{Started: c.now.UTC().Truncate(time.Second), CSV: c.buildReport()}
	return result{State: "STARTED", Description: "No report exists. Starting a new report generation task"}, nil
}

func (c *call) getCredentialReport(noInput) (any, *apiError) {
	r := c.st.Report
	switch {
	case r == nil:
		return nil, errorf(410, "ReportNotPresent", "Credential report not present. Call GenerateCredentialReport to generate a report.")
	case c.now.Sub(r.Started) >= reportLifetime:
		return nil, errorf(410, "ReportExpired", "Credential report has expired. Call GenerateCredentialReport to generate a new report.")
	case !r.Complete && c.now.Sub(r.Started) < reportBuildTime:
		return nil, errorf(404, "ReportInProgress", "Credential report generation is in progress. Try again later.")
	}
	return struct {
		Content       string
		ReportFormat  string
		GeneratedTime isoTime
	}{base64.StdEncoding.EncodeToString([]byte(r.CSV)), "text/csv", isoTime(r.Started)}, nil
}

func (c *call) buildReport() string {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(reportColumns)
	row := func(principal, arn string, created time.Time, password [4]string) {
		rec := []string{principal, arn, reportTime(created), password[0], password[1], password[2], password[3]}
		rec = append(rec, boolText(len(c.st.devicesOf(principal)) > 0))
		keys := c.longTermKeys(principal)
		for i := 0; i < 2; i++ {
			if i >= len(keys) {
				rec = append(rec, "false", "N/A", "N/A", "N/A", "N/A")
				continue
			}
			k := keys[i]
			used, region, service := "N/A", "N/A", "N/A"
			if !k.LastUsed.IsZero() {
				used, region, service = reportTime(k.LastUsed), k.LastUsedRegion, k.LastUsedService
			}
			rec = append(rec, "true", reportTime(k.Created), used, region, service)
		}
		rec = append(rec, "false", "N/A", "false", "N/A")
		w.Write(rec)
	}
	// The root row comes first and is named <root_account>; root has a
	// console password whose use AWS reports as no_information here.
	row(rootOwner, c.st.rootArn(), c.st.Created, [4]string{"not_supported", "no_information", "not_supported", "not_supported"})
	for _, u := range c.st.sortedUsers() {
		row(u.Name, c.st.userArn(u), u.Created, [4]string{"false", "N/A", "N/A", "N/A"})
	}
	w.Flush()
	return buf.String()
}

func (c *call) longTermKeys(principal string) []*accessKey {
	var out []*accessKey
	for _, k := range c.st.Keys {
		if k.Principal == principal && !k.isSession() {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
