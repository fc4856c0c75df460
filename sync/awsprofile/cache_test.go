package awsprofile

import (
	"errors"
	"testing"
	"time"
)

type mapKeyring map[string]string

func (m mapKeyring) Get(name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", errors.New("not found")
	}
	return v, nil
}
func (m mapKeyring) Set(name, secret string) error { m[name] = secret; return nil }
func (m mapKeyring) Delete(name string) error      { delete(m, name); return nil }

func TestRoleCache(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	chain := &Chain{Profile: "prod", Source: "base", Roles: []Role{{Profile: "prod", RoleARN: "arn:aws:iam::1:role/Prod"}}}
	moved := &Chain{Profile: "prod", Source: "base", Roles: []Role{{Profile: "prod", RoleARN: "arn:aws:iam::1:role/Other"}}}
	tests := []struct {
		name    string
		expires time.Duration
		ask     *Chain
		hit     bool
	}{
		{"fresh", time.Hour, chain, true},
		{"inside the CLI's refresh window", 9 * time.Minute, chain, false},
		{"expired", -time.Minute, chain, false},
		{"role_arn changed since", time.Hour, moved, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := mapKeyring{}
			rc := RoleCache{Keyring: kr, Now: func() time.Time { return now }}
			c := Credentials{AccessKeyID: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: now.Add(tt.expires)}
			if err := rc.Put(chain, c); err != nil {
				t.Fatal(err)
			}
			if got, ok := rc.Get(tt.ask); ok != tt.hit || (ok && got != c) {
				t.Fatalf("Get = %v, %v", got, ok)
			}
			rc.Forget("prod")
			if _, ok := rc.Get(chain); ok {
				t.Fatal("Forget left the entry")
			}
		})
	}
	kr := mapKeyring{RoleSessionKeyName("prod"): "{not json"}
	if _, ok := (RoleCache{Keyring: kr}).Get(chain); ok {
		t.Fatal("a damaged entry was used")
	}
	if _, ok := (RoleCache{}).Get(chain); ok {
		t.Fatal("no keyring, yet a hit")
	}
}
