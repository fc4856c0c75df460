package awsmfa

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sparekey/sparekey/vault"
)

// DeviceType is told apart by the serial number's format.
type DeviceType string

const (
	DeviceVirtual  DeviceType = "virtual"  // arn:…:mfa/name
	DeviceHardware DeviceType = "hardware" // vendor serial, e.g. GAHT12345678
	DeviceFIDO     DeviceType = "fido"     // arn:…:u2f/user/…
)

// MaxDevicesPerIdentity is AWS's limit for a user and for root.
const MaxDevicesPerIdentity = 8

// TypeOfSerial classifies a device by its serial number.
func TypeOfSerial(serial string) DeviceType {
	switch {
	case strings.HasPrefix(serial, "arn:") && strings.Contains(serial, ":u2f/"):
		return DeviceFIDO
	case strings.HasPrefix(serial, "arn:") && strings.Contains(serial, ":mfa/"):
		return DeviceVirtual
	}
	return DeviceHardware
}

// Device is one MFA device as Sparekey shows it.
type Device struct {
	SerialNumber string     `json:"serial_number"`
	Type         DeviceType `json:"type"`
	UserName     string     `json:"user_name,omitempty"` // empty for root or unassigned
	Root         bool       `json:"root,omitempty"`
	Assigned     bool       `json:"assigned"`
	EnableDate   time.Time  `json:"enable_date,omitzero"`
	// HeldBy is the vault account holding this device's seed, if any.
	HeldBy string `json:"held_by,omitempty"` // vault account ID
	Held   bool   `json:"held"`
	// HeldUnknown: no vault was open, so Held=false means "cannot tell",
	// not "no".
	HeldUnknown bool `json:"held_unknown,omitempty"`
}

// HeldText answers "does Sparekey hold this device's seed" in the words
// the CLI and the window share: "yes", "no", or "unknown" when no vault
// was open to ask.
func (d Device) HeldText() string {
	switch {
	case d.Held:
		return "yes"
	case d.HeldUnknown:
		return "unknown"
	}
	return "no"
}

// Owner names who the device belongs to, for tables: the IAM user, or
// "(root)" or "(unassigned)" (in brackets, since an IAM user may be called
// root).
func (d Device) Owner() string {
	switch {
	case d.Root:
		return "(root)"
	case !d.Assigned:
		return "(unassigned)"
	}
	return d.UserName
}

// HeldSeeds indexes the vault's AWS-bound accounts by serial number.
func HeldSeeds(v *vault.Vault) map[string]*vault.Account {
	held := map[string]*vault.Account{}
	if v == nil {
		return held
	}
	for _, a := range v.Accounts() {
		if a.AWS != nil && a.AWS.SerialNumber != "" {
			held[a.AWS.SerialNumber] = a
		}
	}
	return held
}

func markHeld(devs []Device, v *vault.Vault) {
	held := HeldSeeds(v)
	for i := range devs {
		devs[i].HeldUnknown = v == nil
		if a, ok := held[devs[i].SerialNumber]; ok {
			devs[i].Held, devs[i].HeldBy = true, a.ID
		}
	}
}

// UserDevices lists the devices of userName ("" = the caller), marking those
// whose seed v holds (v may be nil).
func (c *Client) UserDevices(ctx context.Context, userName string, v *vault.Vault) ([]Device, error) {
	root := false
	if userName == "" {
		// AWS defaults to the caller, but not every server does: name it.
		id, err := c.WhoAmI(ctx)
		if err != nil {
			return nil, err
		}
		userName, root = id.UserName, id.Kind == PrincipalRoot
	}
	devs, err := c.listMFADevices(ctx, userName)
	if err != nil {
		return nil, err
	}
	for i := range devs {
		devs[i].Root = root
	}
	markHeld(devs, v)
	return devs, nil
}

func (c *Client) listMFADevices(ctx context.Context, userName string) ([]Device, error) {
	in := &iam.ListMFADevicesInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	var devs []Device
	p := iam.NewListMFADevicesPaginator(c.iam, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("ListMFADevices", err)
		}
		for _, d := range page.MFADevices {
			devs = append(devs, Device{
				SerialNumber: aws.ToString(d.SerialNumber),
				Type:         TypeOfSerial(aws.ToString(d.SerialNumber)),
				UserName:     aws.ToString(d.UserName),
				Assigned:     true,
				EnableDate:   aws.ToTime(d.EnableDate),
			})
		}
	}
	return devs, nil
}

// Users lists every IAM user name in the account.
func (c *Client) Users(ctx context.Context) ([]types.User, error) {
	var users []types.User
	p := iam.NewListUsersPaginator(c.iam, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("ListUsers", err)
		}
		users = append(users, page.Users...)
	}
	return users, nil
}

// Concurrency bounds parallel per-user calls (audit, all devices).
const Concurrency = 8

// AllDevices lists the devices of every user (admin), plus the root user's
// virtual device when visible, sorted by user then serial. progress, if not
// nil, is called after each user.
func (c *Client) AllDevices(ctx context.Context, v *vault.Vault, progress func(done, total int)) ([]Device, error) {
	users, err := c.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = aws.ToString(u.UserName)
	}
	perUser, err := c.devicesOfUsers(ctx, names, progress)
	if err != nil {
		return nil, err
	}
	var devs []Device
	for _, d := range perUser {
		devs = append(devs, d...)
	}
	// Root's virtual device appears only in ListVirtualMFADevices.
	virt, err := c.virtualDevices(ctx, types.AssignmentStatusTypeAssigned)
	if err != nil {
		return nil, err
	}
	for _, d := range virt {
		if d.Root {
			devs = append(devs, d)
		}
	}
	slices.SortFunc(devs, func(a, b Device) int {
		if a.UserName != b.UserName {
			return strings.Compare(a.UserName, b.UserName)
		}
		return strings.Compare(a.SerialNumber, b.SerialNumber)
	})
	markHeld(devs, v)
	return devs, nil
}

// devicesOfUsers lists devices for each user with at most Concurrency calls
// in flight. The result is indexed like names.
func (c *Client) devicesOfUsers(ctx context.Context, names []string, progress func(done, total int)) ([][]Device, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([][]Device, len(names))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     int
	)
	next := make(chan int)
	for range min(Concurrency, max(len(names), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				devs, err := c.listMFADevices(ctx, names[i])
				// Progress is reported under the lock so callers see
				// serialized, increasing counts.
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				out[i] = devs
				done++
				if progress != nil && err == nil {
					progress(done, len(names))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range names {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Orphans lists virtual devices assigned to nobody: leftovers of enrollments
// that never finished. They block re-creating a device with the same name.
func (c *Client) Orphans(ctx context.Context, v *vault.Vault) ([]Device, error) {
	devs, err := c.virtualDevices(ctx, types.AssignmentStatusTypeUnassigned)
	if err != nil {
		return nil, err
	}
	markHeld(devs, v)
	return devs, nil
}

func (c *Client) virtualDevices(ctx context.Context, status types.AssignmentStatusType) ([]Device, error) {
	var devs []Device
	p := iam.NewListVirtualMFADevicesPaginator(c.iam, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("ListVirtualMFADevices", err)
		}
		for _, d := range page.VirtualMFADevices {
			dev := Device{
				SerialNumber: aws.ToString(d.SerialNumber),
				Type:         DeviceVirtual,
				EnableDate:   aws.ToTime(d.EnableDate),
			}
			if d.User != nil && (aws.ToString(d.User.UserName) != "" || aws.ToString(d.User.Arn) != "") {
				dev.Assigned = true
				dev.UserName = aws.ToString(d.User.UserName)
				if _, _, kind, _ := ParseARN(aws.ToString(d.User.Arn)); kind == PrincipalRoot {
					dev.Root, dev.UserName = true, ""
				}
			}
			// moto ignores AssignmentStatus; filter here as well.
			if (status == types.AssignmentStatusTypeUnassigned && dev.Assigned) ||
				(status == types.AssignmentStatusTypeAssigned && !dev.Assigned) {
				continue
			}
			devs = append(devs, dev)
		}
	}
	return devs, nil
}
