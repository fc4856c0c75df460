package cli

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// 'aws audit' gave per-identity readiness in Markdown only: the JSON and
// CSV carry the same scores and next actions as 'sparekey ready'.
func TestAWSAuditJSONAndCSVCarryReadiness(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	want := te.ready()

	var got struct {
		Account   string                  `json:"account"`
		Score     int                     `json:"score"`
		Readiness []app.IdentityReadiness `json:"readiness"`
	}
	out := te.ok("aws", "--practice", "audit", "--json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("audit --json: %v\n%s", err, out)
	}
	if got.Account == "" || len(got.Readiness) != len(want.Identities) {
		t.Fatalf("audit --json: account %q, %d identities, want %d:\n%s", got.Account, len(got.Readiness), len(want.Identities), out)
	}
	for i, id := range want.Identities {
		if g := got.Readiness[i]; g.Name() != id.Name() || g.Score != id.Score {
			t.Errorf("audit --json identity %d = %s %d, ready says %s %d", i, g.Name(), g.Score, id.Name(), id.Score)
		}
	}

	rows, err := csv.NewReader(strings.NewReader(te.ok("aws", "--practice", "audit", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if !strings.HasSuffix(header, ",finding,readiness_score,next_action,next_command") {
		t.Fatalf("csv header: %s", header)
	}
	scored := 0
	for _, row := range rows[1:] {
		name := row[1]
		if name == awsmfa.RootUser {
			name = "root"
		}
		id, cmd := want.identity(name)
		if id.Name() == "" {
			if row[7] != "" {
				t.Errorf("row %v is no identity but has a score", row)
			}
			continue
		}
		scored++
		if row[7] != strconv.Itoa(id.Score) || row[9] != cmd {
			t.Errorf("csv row %v, want score %d and command %q", row, id.Score, cmd)
		}
	}
	if scored != len(want.Identities) {
		t.Errorf("%d csv rows carry a score, want %d", scored, len(want.Identities))
	}
}
