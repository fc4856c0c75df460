// Command benchfloor is the floor of packaging/bench-ui.sh: a Fyne window
// with one label, from this module and its build tags, measured the same
// way as Sparekey, so each figure can be read against what Fyne itself
// costs on the machine. With the argument "tick" its label changes once a
// second: the least repaint a countdown needs.
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/ui/internal/benchprobe"
)

func main() {
	a := fyneapp.NewWithID("io.github.sparekey.BenchHello")
	w := a.NewWindow("Hello")
	label := widget.NewLabel("hello")
	w.SetContent(container.NewStack(label, benchprobe.FirstFrame()))
	w.Resize(fyne.NewSize(520, 680))
	if len(os.Args) > 1 && os.Args[1] == "tick" {
		go func() {
			for i := 0; ; i++ {
				time.Sleep(time.Second)
				fyne.Do(func() { label.SetText(fmt.Sprintf("hello %d", i%30)) })
			}
		}()
	}
	w.ShowAndRun()
}
