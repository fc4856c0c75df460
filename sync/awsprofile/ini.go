package awsprofile

import (
	"bytes"
	"strings"
)

// ConfigFile is ~/.aws/config held as its lines, so an edit changes the
// lines it means to and leaves every comment, blank line, odd spacing,
// line ending and section order exactly as it was. The SDK's parser and
// gopkg.in/ini.v1 both read into a model and write the model back, which
// loses formatting; this editor never writes a line it did not change.
type ConfigFile struct {
	lines []line
	// newline is what added lines end with: the file's own ("\r\n" for
	// a CRLF file).
	newline string
}

type lineKind int

const (
	lineOther   lineKind = iota // blank, comment, or text the AWS parsers skip
	lineSection                 // [name]
	lineKey                     // key = value at the start of a line
	lineNested                  // an indented line: a sub-property or a continuation
)

type line struct {
	text    string // the line without its line ending
	ending  string // "\n", "\r\n" or "" (last line without one)
	kind    lineKind
	section string // the section's name (for lineSection), trimmed
	key     string // the key, lower-cased as the AWS parsers do (for lineKey)
}

// ParseConfig reads an AWS config or credentials file. It never fails: a
// line it does not understand is kept as it is and never edited.
func ParseConfig(data []byte) *ConfigFile {
	f := &ConfigFile{newline: "\n"}
	rest := data
	for len(rest) > 0 {
		var text []byte
		ending := ""
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			text, rest = rest[:i], rest[i+1:]
			ending = "\n"
			if len(text) > 0 && text[len(text)-1] == '\r' {
				text, ending = text[:len(text)-1], "\r\n"
			}
		} else {
			text, rest = rest, nil
		}
		f.lines = append(f.lines, classify(string(text), ending))
	}
	if len(f.lines) > 0 && f.lines[0].ending == "\r\n" {
		f.newline = "\r\n"
	}
	return f
}

func classify(text, ending string) line {
	l := line{text: text, ending: ending}
	trimmed := strings.TrimSpace(text)
	switch {
	case trimmed == "", trimmed[0] == '#', trimmed[0] == ';':
	case text[0] == ' ' || text[0] == '\t':
		l.kind = lineNested
	case trimmed[0] == '[':
		if end := strings.IndexByte(trimmed, ']'); end > 0 {
			l.kind, l.section = lineSection, normalizeSection(trimmed[1:end])
		}
	default:
		if eq := strings.IndexByte(text, '='); eq > 0 {
			if key := strings.TrimSpace(text[:eq]); key != "" {
				l.kind, l.key = lineKey, strings.ToLower(key)
			}
		}
	}
	return l
}

// normalizeSection turns "profile   work " into "profile work": the AWS
// parsers split a section name on whitespace.
func normalizeSection(name string) string { return strings.Join(strings.Fields(name), " ") }

// Bytes is the file as it would be written.
func (f *ConfigFile) Bytes() []byte {
	var b bytes.Buffer
	for _, l := range f.lines {
		b.WriteString(l.text)
		b.WriteString(l.ending)
	}
	return b.Bytes()
}

// ProfileSection is the section name of profile in the config file:
// "default" or "profile NAME".
func ProfileSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// span is the lines [header, end) of a section.
type span struct{ header, end int }

// find returns the first section with the given name. The AWS CLI merges
// a repeated section; editing the first is as good as any and keeps the
// change where a person looks first.
func (f *ConfigFile) find(section string) (span, bool) {
	section = normalizeSection(section)
	for i, l := range f.lines {
		if l.kind != lineSection || l.section != section {
			continue
		}
		end := i + 1
		for end < len(f.lines) && f.lines[end].kind != lineSection {
			end++
		}
		return span{i, end}, true
	}
	return span{}, false
}

// HasSection reports whether the file has the section.
func (f *ConfigFile) HasSection(section string) bool {
	_, ok := f.find(section)
	return ok
}

// Get returns a top-level key of a section (not a nested sub-property).
func (f *ConfigFile) Get(section, key string) (string, bool) {
	s, ok := f.find(section)
	if !ok {
		return "", false
	}
	key = strings.ToLower(key)
	for _, l := range f.lines[s.header+1 : s.end] {
		if l.kind == lineKey && l.key == key {
			return strings.TrimSpace(l.text[strings.IndexByte(l.text, '=')+1:]), true
		}
	}
	return "", false
}

// Set gives a top-level key of a section a value, creating the section
// at the end of the file if it does not exist. An existing line keeps its
// spacing around "="; a new key goes after the section's last setting, so
// comments and blank lines that lead into the next section stay with it.
// It reports whether anything changed.
func (f *ConfigFile) Set(section, key, value string) bool {
	s, ok := f.find(section)
	if !ok {
		f.appendSection(section)
		s = span{len(f.lines) - 1, len(f.lines)}
	}
	lower := strings.ToLower(key)
	lastSetting := s.header
	for i := s.header + 1; i < s.end; i++ {
		l := &f.lines[i]
		switch l.kind {
		case lineKey:
			lastSetting = i
			if l.key != lower {
				continue
			}
			eq := strings.IndexByte(l.text, '=')
			after := l.text[eq+1:]
			pad := after[:len(after)-len(strings.TrimLeft(after, " \t"))]
			if pad == "" && after == "" && strings.HasSuffix(l.text[:eq], " ") {
				pad = " " // "key =" with no value yet: match its spacing
			}
			text := l.text[:eq+1] + pad + value
			if strings.TrimSpace(after) == value {
				return false
			}
			l.text = text
			return true
		case lineNested:
			lastSetting = i
		}
	}
	f.insert(lastSetting+1, key+" = "+value)
	return true
}

func (f *ConfigFile) appendSection(section string) {
	if n := len(f.lines); n > 0 {
		if f.lines[n-1].ending == "" {
			f.lines[n-1].ending = f.newline
		}
		if strings.TrimSpace(f.lines[n-1].text) != "" {
			f.lines = append(f.lines, line{ending: f.newline})
		}
	}
	f.lines = append(f.lines, line{text: "[" + section + "]", ending: f.newline, kind: lineSection, section: normalizeSection(section)})
}

// insert puts a new line at index i; the line before it gets a line
// ending if it was the file's unterminated last line.
func (f *ConfigFile) insert(i int, text string) {
	if i > 0 && f.lines[i-1].ending == "" {
		f.lines[i-1].ending = f.newline
	}
	f.lines = append(f.lines, line{})
	copy(f.lines[i+1:], f.lines[i:])
	f.lines[i] = classify(text, f.newline)
}
