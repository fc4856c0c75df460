// Command mangen writes Sparekey's manual pages, one per command, from the
// cobra command tree, so the pages can never drift from --help. It is run by
// packaging/release.sh and is not part of the shipped binary.
//
//	go run ./packaging/mangen -out DIR -version 0.1.0
//
// Pages are written gzip-compressed (name.1.gz), as Debian and Fedora install
// them. The page date comes from SOURCE_DATE_EPOCH when set, and the gzip
// header carries no name or time, so two runs give identical bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/sparekey/sparekey/app/cli"
)

func main() {
	out := flag.String("out", "", "folder to write the pages to (created if missing)")
	version := flag.String("version", "", "version named in each page's footer")
	flag.Parse()
	if *out == "" || *version == "" {
		fmt.Fprintln(os.Stderr, "usage: mangen -out DIR -version VERSION")
		os.Exit(2)
	}
	if err := writePages(*out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
}

func writePages(dir, version string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cli.NewRoot(&cli.Env{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	header := &doc.GenManHeader{Title: "SPAREKEY", Section: "1", Source: "Sparekey " + version, Manual: "Sparekey Manual"}
	return walk(root, func(cmd *cobra.Command) error {
		// The "auto generated on <date>" trailer would make each page
		// change with the build day.
		cmd.DisableAutoGenTag = true
		var page bytes.Buffer
		if err := doc.GenMan(cmd, header, &page); err != nil {
			return fmt.Errorf("page for %q: %w", cmd.CommandPath(), err)
		}
		name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + ".1.gz"
		return writeGzip(filepath.Join(dir, name), page.Bytes())
	})
}

// walk visits cmd and every sub-command a user can run, skipping the ones
// cobra hides from --help (and the built-in help topic).
func walk(cmd *cobra.Command, visit func(*cobra.Command) error) error {
	if !cmd.IsAvailableCommand() && cmd.HasParent() || cmd.IsAdditionalHelpTopicCommand() {
		return nil
	}
	if err := visit(cmd); err != nil {
		return err
	}
	for _, sub := range cmd.Commands() {
		if err := walk(sub, visit); err != nil {
			return err
		}
	}
	return nil
}

func writeGzip(path string, data []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
