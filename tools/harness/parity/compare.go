package parity

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kubestate/kubestate/internal/resources"
)

// Tolerance allows a family's values to differ by up to Abs, for values derived from the time an
// object was last written by something that keeps writing it while the two sides are read.
type Tolerance struct {
	Abs float64
	// Applies limits the tolerance to some series (nil: all of the family); the others are compared
	// exactly.
	Applies func(Series) bool
	Scope   string // which series Applies selects, for the report
	Why     string
}

// TimeDerived lists the families compared within a tolerance instead of exactly. Every other family is
// compared with exact float equality.
var TimeDerived = map[string]Tolerance{
	// kube-apiserver renews its identity Lease (kube-system/apiserver-<hash>) every 10s, so the two
	// sides may read different versions of it: renewTime moves between KSM's scrape and our snapshot.
	// Fixture leases are compared exactly (their renewTime has sub-second digits KSM truncates).
	"kube_lease_renew_time": {
		Abs: 120,
		Applies: func(s Series) bool {
			return s.Label("namespace") == "kube-system" && strings.HasPrefix(s.Label("lease"), "apiserver-")
		},
		Scope: `namespace="kube-system", lease="apiserver-*"`,
		Why:   "kube-apiserver renews its own identity lease every 10s; the scrape and the snapshot may see different renewals",
	},
}

// Diff is a series both sides emit (same name and labels) with different values.
type Diff struct{ KSM, Ours Series }

// FamilyResult is the comparison of one metric family.
type FamilyResult struct {
	Name      string
	Total     int // series KSM emits
	Matched   int // equal on both sides
	Missing   int // KSM emits, we do not (no series with the same labels)
	Extra     int // we emit, KSM does not
	Differing int // same labels, different value
	Tolerance *Tolerance

	MissingSeries   []Series
	ExtraSeries     []Series
	DifferingSeries []Diff
}

// OK reports whether the family matches completely.
func (f *FamilyResult) OK() bool { return f.Matched == f.Total && f.Extra == 0 }

// MetaDiff is a family whose type or help text differs between the two sides.
type MetaDiff struct {
	Family     string
	KSM, Ours  FamilyMeta
	KSMMissing bool // KSM does not declare the family at all
}

func (m MetaDiff) String() string {
	if m.KSMMissing {
		return fmt.Sprintf("%s: not declared by kube-state-metrics", m.Family)
	}
	var parts []string
	if m.KSM.Type != m.Ours.Type {
		parts = append(parts, fmt.Sprintf("type %q, kube-state-metrics %q", m.Ours.Type, m.KSM.Type))
	}
	if m.KSM.Help != m.Ours.Help {
		parts = append(parts, fmt.Sprintf("help %q, kube-state-metrics %q", m.Ours.Help, m.KSM.Help))
	}
	return m.Family + ": " + strings.Join(parts, "; ")
}

// Result is the comparison of one kubestate snapshot with one KSM scrape.
type Result struct {
	Families                                  []FamilyResult // by name
	Total, Matched, Missing, Extra, Differing int
	MetaDiffs                                 []MetaDiff
}

// OK reports full parity: every KSM series matched and nothing extra.
func (r *Result) OK() bool { return r.Matched == r.Total && r.Extra == 0 }

// Failing returns the families that do not match completely.
func (r *Result) Failing() []FamilyResult {
	var out []FamilyResult
	for _, f := range r.Families {
		if !f.OK() {
			out = append(out, f)
		}
	}
	return out
}

// Percent is the share of KSM series matched, never rounded up to 100 unless all matched.
func Percent(matched, total int) string {
	if total == 0 || matched == total {
		return "100.00"
	}
	p := math.Floor(float64(matched)*10000/float64(total)) / 100
	return fmt.Sprintf("%.2f", p)
}

// SummaryLine is the last line of `make parity`.
func SummaryLine(matched, total, extra int) string {
	return fmt.Sprintf("parity: %s%% of kube-state-metrics series matched (%d/%d), extra=%d", Percent(matched, total), matched, total, extra)
}

// Summary is SummaryLine for this result.
func (r *Result) Summary() string { return SummaryLine(r.Matched, r.Total, r.Extra) }

// Compare matches ours against ksm: series are equal when name, label set (order-free) and value
// are; values of families in tolerances may differ by the tolerance. Series with the same name and
// labels repeated on a side are matched as a multiset.
func Compare(ksm, ours *Set, tolerances map[string]Tolerance) *Result {
	type sides struct {
		name      string
		ksm, ours []Series
	}
	byKey := map[string]*sides{}
	var keys []string
	get := func(s Series) *sides {
		k := s.Key()
		e, ok := byKey[k]
		if !ok {
			e = &sides{name: s.Name}
			byKey[k] = e
			keys = append(keys, k)
		}
		return e
	}
	for _, s := range ksm.Series {
		e := get(s)
		e.ksm = append(e.ksm, s)
	}
	for _, s := range ours.Series {
		e := get(s)
		e.ours = append(e.ours, s)
	}
	slices.Sort(keys)

	fams := map[string]*FamilyResult{}
	fam := func(name string) *FamilyResult {
		f, ok := fams[name]
		if !ok {
			f = &FamilyResult{Name: name}
			if t, ok := tolerances[name]; ok {
				f.Tolerance = &t
			}
			fams[name] = f
		}
		return f
	}
	for _, k := range keys {
		e := byKey[k]
		f := fam(e.name)
		f.Total += len(e.ksm)
		tol := 0.0
		if t := f.Tolerance; t != nil {
			// Every series of a key has the same name and labels; any one stands for all.
			s := Series{}
			if len(e.ksm) > 0 {
				s = e.ksm[0]
			} else if len(e.ours) > 0 {
				s = e.ours[0]
			}
			if t.Applies == nil || t.Applies(s) {
				tol = t.Abs
			}
		}
		restK, restO := matchValues(e.ksm, e.ours, tol)
		f.Matched += len(e.ksm) - len(restK)
		n := min(len(restK), len(restO))
		for i := 0; i < n; i++ {
			f.DifferingSeries = append(f.DifferingSeries, Diff{KSM: restK[i], Ours: restO[i]})
		}
		f.Differing += n
		f.MissingSeries = append(f.MissingSeries, restK[n:]...)
		f.Missing += len(restK) - n
		f.ExtraSeries = append(f.ExtraSeries, restO[n:]...)
		f.Extra += len(restO) - n
	}

	r := &Result{}
	for _, f := range fams {
		r.Families = append(r.Families, *f)
		r.Total += f.Total
		r.Matched += f.Matched
		r.Missing += f.Missing
		r.Extra += f.Extra
		r.Differing += f.Differing
	}
	slices.SortFunc(r.Families, func(a, b FamilyResult) int { return strings.Compare(a.Name, b.Name) })

	var names []string
	for name := range ours.Families {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		o := ours.Families[name]
		k, ok := ksm.Families[name]
		switch {
		case !ok:
			r.MetaDiffs = append(r.MetaDiffs, MetaDiff{Family: name, Ours: o, KSMMissing: true})
		// A text page loses a help text's trailing blanks (the reader trims each line).
		case k.Type != o.Type || k.Help != strings.TrimRight(o.Help, " \t"):
			r.MetaDiffs = append(r.MetaDiffs, MetaDiff{Family: name, KSM: k, Ours: o})
		}
	}
	return r
}

// matchValues pairs equal values (within tol) of two series lists with the same key and returns
// what is left on each side. NaN equals NaN.
func matchValues(ksm, ours []Series, tol float64) (restK, restO []Series) {
	if len(ksm) == 1 && len(ours) == 1 {
		if equal(ksm[0].Value, ours[0].Value, tol) {
			return nil, nil
		}
		return ksm, ours
	}
	k := slices.Clone(ksm)
	o := slices.Clone(ours)
	byValue := func(a, b Series) int { return cmp.Compare(a.Value, b.Value) }
	slices.SortFunc(k, byValue)
	slices.SortFunc(o, byValue)
	i, j := 0, 0
	for i < len(k) && j < len(o) {
		switch {
		case equal(k[i].Value, o[j].Value, tol):
			i++
			j++
		case cmp.Less(k[i].Value, o[j].Value):
			restK = append(restK, k[i])
			i++
		default:
			restO = append(restO, o[j])
			j++
		}
	}
	restK = append(restK, k[i:]...)
	restO = append(restO, o[j:]...)
	return restK, restO
}

func equal(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	return tol > 0 && math.Abs(a-b) <= tol
}

// ResourcesWithoutSeries names the resources none of whose families has a KSM series in r: a
// comparison that covers every resource must find each one on KSM's side.
func ResourcesWithoutSeries(r *Result) []string {
	seen := map[string]bool{}
	for _, f := range r.Families {
		if f.Total > 0 {
			seen[f.Name] = true
		}
	}
	var out []string
	for _, m := range resources.All {
		found := false
		for _, fi := range m.FamilyInfo() {
			if seen[fi.Name] {
				found = true
				break
			}
		}
		if !found {
			out = append(out, m.ResourceName())
		}
	}
	return out
}
