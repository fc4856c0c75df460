package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// pathData is an SVG's d="…" attribute.
var pathData = regexp.MustCompile(` d="([^"]*)"`)

// spellOutArcs rewrites every path's data with each number written out and
// separated. Simple Icons minifies arc flags ("a1 1 0 00.5.5"), which the
// SVG grammar allows but Fyne's SVG renderer cannot read: such a mark drew
// nothing at all.
func spellOutArcs(svg []byte) ([]byte, error) {
	var failed error
	out := pathData.ReplaceAllFunc(svg, func(m []byte) []byte {
		d, err := normalizePath(string(pathData.FindSubmatch(m)[1]))
		if err != nil && failed == nil {
			failed = err
		}
		return []byte(` d="` + d + `"`)
	})
	return out, failed
}

var number = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`)

func normalizePath(d string) (string, error) {
	var b strings.Builder
	cmd := byte(0)
	arg := 0 // the index of the next argument of an arc command
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case strings.IndexByte("MmLlHhVvCcSsQqTtAaZz", c) >= 0:
			cmd, arg = c, 0
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			i++
			continue
		}
		if cmd == 0 {
			return d, fmt.Errorf("path data starts with %q", c)
		}
		var tok string
		if (cmd == 'a' || cmd == 'A') && (arg%7 == 3 || arg%7 == 4) {
			if c != '0' && c != '1' {
				return d, fmt.Errorf("arc flag %q", c)
			}
			tok = string(c)
		} else {
			tok = number.FindString(d[i:])
			if tok == "" {
				return d, fmt.Errorf("unexpected %q in path data", c)
			}
			if _, err := strconv.ParseFloat(tok, 64); err != nil {
				return d, err
			}
		}
		b.WriteByte(' ')
		b.WriteString(tok)
		i += len(tok)
		arg++
	}
	return b.String(), nil
}
