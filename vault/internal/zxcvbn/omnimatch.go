package zxcvbn

import (
	_ "embed"
	"regexp"
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/match"
)

func Omnimatch(password string, userInputs []string) (matches []*match.Match) {
	dictMatcher := defaultDictionaries().withDict("user_inputs", buildRankedDict(userInputs))

	matchers := []match.Matcher{
		dictMatcher,
		reverseDictionnaryMatch{dm: dictMatcher},
		l33tMatch{dm: dictMatcher, table: l33tTable},
		spatialMatch{graphs: defaultGraphs},
		repeatMatch{},
		sequenceMatch{},
		regexpMatch{regexes: defaultRegexpMatch},
		dateMatch{},
	}

	for _, m := range matchers {
		matches = append(matches, m.Matches(password)...)
	}
	match.Sort(matches)
	return matches
}

// The ranked dictionaries hold about 94,000 words in maps: building them
// takes tens of milliseconds and about 10 MB, which upstream pays in
// package init on every start of every program that links it. Here they
// are built on the first estimate instead, from word lists embedded as
// text, which costs nothing until read: the words stay in the binary's
// read-only data and only the maps are allocated.
var (
	loadDictionaries           sync.Once
	defaultRankedDictionnaries dictionaryMatch
)

func defaultDictionaries() dictionaryMatch {
	loadDictionaries.Do(func() { defaultRankedDictionnaries = loadDefaultDictionnaries() })
	return defaultRankedDictionnaries
}

var (
	defaultGraphs      = loadDefaultAdjacencyGraphs()
	defaultRegexpMatch = []struct {
		Name   string
		Regexp *regexp.Regexp
	}{
		{
			Name:   "recent_year",
			Regexp: regexp.MustCompile(`19\d\d|200\d|201\d`),
		},
	}
	l33tTable = map[string][]string{
		"a": {"4", "@"},
		"b": {"8"},
		"c": {"(", "{", "[", "<"},
		"e": {"3"},
		"g": {"6", "9"},
		"i": {"1", "!", "|"},
		"l": {"1", "|", "7"},
		"o": {"0"},
		"s": {"$", "5"},
		"t": {"+", "7"},
		"x": {"%"},
		"z": {"2"},
	}
)

// The lists are upstream's frequency.FrequencyLists, one word a line, most
// frequent first (a word's rank is its line number).
var (
	//go:embed lists/passwords.txt
	passwordsList string
	//go:embed lists/english_wikipedia.txt
	englishWikipediaList string
	//go:embed lists/female_names.txt
	femaleNamesList string
	//go:embed lists/surnames.txt
	surnamesList string
	//go:embed lists/us_tv_and_film.txt
	usTVAndFilmList string
	//go:embed lists/male_names.txt
	maleNamesList string
)

// frequencyLists returns the lists by upstream's names.
func frequencyLists() map[string][]string {
	words := func(list string) []string { return strings.Split(strings.TrimSuffix(list, "\n"), "\n") }
	return map[string][]string{
		"passwords":         words(passwordsList),
		"english_wikipedia": words(englishWikipediaList),
		"female_names":      words(femaleNamesList),
		"surnames":          words(surnamesList),
		"us_tv_and_film":    words(usTVAndFilmList),
		"male_names":        words(maleNamesList),
	}
}

func loadDefaultDictionnaries() dictionaryMatch {
	rd := make(map[string]rankedDictionnary)
	for n, list := range frequencyLists() {
		rd[n] = buildRankedDict(list)
	}
	return dictionaryMatch{
		rankedDictionaries: rd,
	}
}

func loadDefaultAdjacencyGraphs() []*adjacency.Graph {
	return []*adjacency.Graph{
		adjacency.Graphs["qwerty"],
		adjacency.Graphs["dvorak"],
		adjacency.Graphs["keypad"],
		adjacency.Graphs["mac_keypad"],
	}

}
