package family

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/kubestate/kubestate/internal/engine"
)

// Text renders a record's points as KSM's exposition lines ("name{k="v",...} value"), in emission
// order, keeping only the named families (all when none are named). Golden tests compare it with
// KSM's expected output.
func Text(src engine.Source, rec *engine.Record, families ...string) string {
	var b bytes.Buffer
	fams := src.Families()
	keys := src.PrefixKeys()
	prefix := rec.Prefix()
	for _, p := range rec.Points(fams) {
		name := fams[p.Family].Name
		if len(families) > 0 && !contains(families, name) {
			continue
		}
		b.WriteString(name)
		b.WriteByte('{')
		first := true
		write := func(k, v string) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(k)
			b.WriteString(`="`)
			b.WriteString(escape(v))
			b.WriteByte('"')
		}
		for i, k := range keys {
			write(k, prefix[i])
		}
		for i, k := range p.Keys {
			write(k, p.Values[i])
		}
		b.WriteString("} ")
		b.WriteString(strconv.FormatFloat(p.Value, 'g', -1, 64))
		b.WriteByte('\n')
	}
	return b.String()
}

var escaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func escape(s string) string { return escaper.Replace(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
