package csvimport

import (
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func readAll(t *testing.T, data string, opts Options) ([]Record, *Reader, error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(data), opts)
	if err != nil {
		return nil, nil, err
	}
	var out []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r, nil
		}
		if err != nil {
			return out, r, err
		}
		out = append(out, rec)
	}
}

func latin1(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMessyFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		data     string
		encoding string
		want     []map[string]string
		lines    []int
	}{
		{"UTF-8 with BOM, semicolons", "\uFEFFNom;Prénom\nDupont;Élise\n", "utf-8",
			[]map[string]string{{"nom": "Dupont", "prenom": "Élise"}}, []int{2}},
		{"Windows-1252, commas, CRLF", latin1(t, "Nom,Prénom\r\nLefèvre,Chloé\r\n"), "windows-1252",
			[]map[string]string{{"nom": "Lefèvre", "prenom": "Chloé"}}, []int{2}},
		{"quoted separators and line breaks", "Nom;Adresse\n\"Martin; fils\";\"12 rue\nde Lille\"\nB;C\n", "utf-8",
			[]map[string]string{{"nom": "Martin; fils", "adresse": "12 rue\nde Lille"}, {"nom": "B", "adresse": "C"}}, []int{2, 4}},
		{"blank lines and empty records", "a;b\n\n;\nx;y\n\n", "utf-8",
			[]map[string]string{{"a": "x", "b": "y"}}, []int{4}},
		{"extra and missing columns", "a;b\n1;2;3;4\n5\n", "utf-8",
			[]map[string]string{{"a": "1", "b": "2"}, {"a": "5"}}, []int{2, 3}},
		{"header variants", " Date de naissance ;NOM  DE  FAMILLE;Classe (division)\n01/02/2012;Durand;4e B\n", "utf-8",
			[]map[string]string{{"date_de_naissance": "01/02/2012", "nom_de_famille": "Durand", "classe_division": "4e B"}}, []int{2}},
		{"tabs", "a\tb\n1\t2\n", "utf-8", []map[string]string{{"a": "1", "b": "2"}}, []int{2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, r, err := readAll(t, c.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Encoding != c.encoding {
				t.Errorf("encoding %s, want %s", r.Encoding, c.encoding)
			}
			if len(recs) != len(c.want) {
				t.Fatalf("%d records, want %d: %+v", len(recs), len(c.want), recs)
			}
			for i, rec := range recs {
				for k, v := range c.want[i] {
					if rec.Fields[k] != v {
						t.Errorf("record %d %s = %q, want %q", i, k, rec.Fields[k], v)
					}
				}
				if rec.Line != c.lines[i] {
					t.Errorf("record %d on line %d, want %d", i, rec.Line, c.lines[i])
				}
			}
		})
	}
}

func TestRefusedFiles(t *testing.T) {
	t.Parallel()
	long := "a;b\n" + strings.Repeat("1;2\n", 1000)
	cases := []struct {
		name string
		data string
		opts Options
		want Error
	}{
		{"empty", "", Options{}, Error{Code: CodeEmpty}},
		{"only blanks", "\n\n  \n", Options{}, Error{Code: CodeEmpty}},
		{"BOM only", "\uFEFF", Options{}, Error{Code: CodeEmpty}},
		{"binary", "PK\x03\x04\x00\x00garbage", Options{}, Error{Code: CodeNotCSV}},
		{"null bytes", "a;b\n\x00\x01;2\n", Options{}, Error{Code: CodeNotText}},
		{"no header", ";;\n1;2;3\n", Options{}, Error{Code: CodeNoHeader}},
		{"too large", long, Options{MaxBytes: 1000}, Error{Code: CodeTooLarge, Value: "0"}},
		{"too large, in megabytes", "a;b\n" + strings.Repeat("1;2\n", 1<<19), Options{MaxBytes: 2 << 20}, Error{Code: CodeTooLarge, Value: "2"}},
		// Within the sample the encoding is guessed from, Latin-1 wins, and the UTF-8 accents mix.
		{"mixed: Latin-1 soon after UTF-8", "Nom;Prénom\nDupont;Élise\n" + latin1(t, "Lefèvre;Chloé\n"), Options{}, Error{Code: CodeMixedInWindows1252, Line: 1}},
		{"mixed: Latin-1 far after UTF-8", "Nom;Prénom\n" + strings.Repeat("Dupont;Élise\n", 10000) + latin1(t, "Lefèvre;Chloé\n"), Options{}, Error{Code: CodeMixedInUTF8, Line: 10002}},
		{"mixed: UTF-8 accents in a Latin-1 file", latin1(t, "Nom;Prénom\nLefèvre;Chloé\n") + "Dupont;Élise\n", Options{}, Error{Code: CodeMixedInWindows1252, Line: 3}},
		{"unknown encoding", "a;b\n1;2\n", Options{Encoding: "ebcdic"}, Error{Code: CodeUnknownEncoding, Value: "ebcdic"}},
		{"unclosed quote", "a;b\n\"1;2\n3;4\n", Options{}, Error{Code: CodeQuotes, Line: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readAll(t, c.data, c.opts)
			var fe *Error
			if !errors.As(err, &fe) || *fe != c.want {
				t.Errorf("error %#v, want %#v", err, c.want)
			}
		})
	}
	// The error's text, for logs, names the code and the line.
	if got := (&Error{Code: CodeQuotes, Line: 12}).Error(); got != "csvimport: quotes at line 12" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Code: CodeUnknownEncoding, Value: "ebcdic"}).Error(); got != "csvimport: unknown_encoding: ebcdic" {
		t.Errorf("Error() = %q", got)
	}
}

func TestChosenEncoding(t *testing.T) {
	t.Parallel()
	recs, _, err := readAll(t, latin1(t, "nom\nGaël\n"), Options{Encoding: "latin-1"})
	if err != nil || recs[0].Fields["nom"] != "Gaël" {
		t.Errorf("latin-1 chosen: %v %v", recs, err)
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Identifiant_de_l_etablissement": "identifiant_de_l_etablissement", " Nom établissement ": "nom_etablissement",
		"Date de naissance": "date_de_naissance", "N° INE": "n_ine", "Cœur": "coeur", "__x__": "x",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReader: no input, however malformed, panics or loops; the seeds are in testdata.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"a;b\n1;2\n", "\uFEFFx,y\r\n\"q\"\"q\",2\r\n", "a;b\n\"unclosed\n", "\xff\xfe\x00a", "a\tb\n\n\n1\t2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(strings.NewReader(string(data)), Options{MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			if _, err := r.Next(); err != nil {
				return
			}
		}
		t.Fatal("more than 10,000 records from a fuzz input")
	})
}
