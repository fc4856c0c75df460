package ui

import (
	"context"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsprofile"
)

// cliProfilesView is the AWS window's "CLI profiles" tab: the profiles of
// the aws tool's config file, and setup-profile for each, with the same
// preview and backup as the command.
type cliProfilesView struct {
	w    *awsWindow
	list *fyne.Container
	// plan is the change on preview, written only on confirm.
	plan *app.ProfileSetupPlan
}

// cliProfile is one [profile …] section, as far as Sparekey cares.
type cliProfile struct {
	name              string
	mfaSerial         string
	credentialProcess string
}

func (w *awsWindow) cliProfilesTab() fyne.CanvasObject {
	v := &cliProfilesView{w: w, list: container.NewVBox()}
	w.cliProfiles = v
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), v.reload)
	intro := para("Profiles in the aws tool's config file. \"Set up…\" fills a profile's mfa_serial with your device whose seed Sparekey holds and writes a profile whose credential_process asks Sparekey for MFA sessions, as 'sparekey aws setup-profile' does: you see the change first, and the old file is kept beside it.")
	v.reload()
	return container.NewBorder(container.NewVBox(intro, container.NewHBox(reload)), nil, nil, nil, container.NewVScroll(v.list))
}

// configPath is the file the aws tool reads, as setup-profile edits it.
func cliConfigPath() string { return awsprofile.DefaultFiles().Config[0] }

// readCLIProfiles lists the config file's profiles in file order; a file
// that does not exist has none.
func readCLIProfiles(path string) ([]cliProfile, error) {
	data, err := readIfPresent(path)
	if err != nil {
		return nil, err
	}
	cf := awsprofile.ParseConfig(data)
	var out []cliProfile
	for _, name := range profileSections(path, true) {
		section := awsprofile.ProfileSection(name)
		p := cliProfile{name: name}
		p.mfaSerial, _ = cf.Get(section, "mfa_serial")
		p.credentialProcess, _ = cf.Get(section, "credential_process")
		out = append(out, p)
	}
	return out, nil
}

func readIfPresent(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return data, err
}

func (v *cliProfilesView) reload() {
	path := cliConfigPath()
	profiles, err := readCLIProfiles(path)
	if err != nil {
		setObjects(v.list, para("Cannot read "+breakablePaths(path)+": "+err.Error()))
		return
	}
	if len(profiles) == 0 {
		setObjects(v.list, para("No profiles in "+breakablePaths(path)+" yet. Add one with 'aws configure --profile NAME', then reload."))
		return
	}
	objs := []fyne.CanvasObject{para("From " + breakablePaths(path))}
	for _, p := range profiles {
		objs = append(objs, v.row(p))
	}
	setObjects(v.list, objs...)
}

func (v *cliProfilesView) row(p cliProfile) fyne.CanvasObject {
	mfa := "no MFA device"
	if p.mfaSerial != "" {
		mfa = "MFA device " + breakableARN(p.mfaSerial)
	}
	from := "credentials not from Sparekey"
	if p.credentialProcess != "" {
		from = "credential_process: " + p.credentialProcess
	}
	name := widget.NewLabelWithStyle(p.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	facts := para(mfa + " · " + from)
	// A plain button, not the task bar's: rows are rebuilt on every
	// reload, and preview refuses while a chore runs instead.
	setUp := widget.NewButtonWithIcon("Set up…", theme.SettingsIcon(), func() { v.preview(p.name) })
	return container.NewBorder(nil, nil, nil, container.NewVBox(setUp), container.NewVBox(name, facts))
}

// preview plans the change off the UI goroutine and shows it.
func (v *cliProfilesView) preview(profile string) {
	if v.w.running {
		return
	}
	v.w.run("Preparing profile "+profile, false, func(ctx context.Context, _ app.AWSConnection) (func(), error) {
		// The profile is its own connection: its keys or its source's
		// are what ask AWS for the device.
		plan, err := v.w.u.core.PlanAWSProfileSetup(ctx, app.AWSConnection{Profile: profile}, app.ProfileSetupRequest{Profile: profile})
		if err != nil {
			return nil, err
		}
		return func() { v.showPlan(plan) }, nil
	})
}

func (v *cliProfilesView) showPlan(plan *app.ProfileSetupPlan) {
	if !plan.Changed() {
		v.w.status.SetText("Profile " + plan.As + " already gets its credentials from Sparekey with device " + plan.MFASerial + ".")
		return
	}
	v.plan = plan
	diff := widget.NewLabelWithStyle(plan.Diff, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	scroll := container.NewScroll(diff)
	scroll.SetMinSize(fyne.NewSize(560, 260))
	body := container.NewBorder(para("Changes to "+breakablePaths(plan.ConfigPath)+" (the old file is kept beside it):"), nil, nil, nil, scroll)
	d := dialog.NewCustomConfirm("Set up profile "+plan.As, "Write", "Cancel", body, func(ok bool) {
		if ok {
			v.write()
		} else {
			v.plan = nil
		}
	}, v.w.win)
	d.Show()
}

func (v *cliProfilesView) write() {
	plan := v.plan
	v.plan = nil
	if plan == nil {
		return
	}
	backup, err := v.w.u.core.ApplyAWSProfileSetup(plan)
	if err != nil {
		v.w.fail("Writing "+plan.ConfigPath, err.Error())
		return
	}
	msg := "Wrote " + plan.ConfigPath + "."
	if backup != "" {
		msg += " The old file is kept as " + backup + "."
	}
	v.w.status.Importance = widget.SuccessImportance
	v.w.status.SetText(msg + " Try it: aws sts get-caller-identity --profile " + plan.As)
	v.reload()
}
