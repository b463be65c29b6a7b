package engine

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
)

// Point is one data point as callers build and read records: a value and its labels. Keys are
// the labels after the Source's PrefixKeys; nil means the family's FamilyDesc.Keys.
type Point struct {
	Family int // index into the Source's Families
	Keys   []string
	Values []string
	Value  float64
}

// Record holds every point of one object version, packed for the snapshot: all label values (and
// the keys of points whose keys vary per object) back to back in one string, and two flat arrays
// without pointers, so that the garbage collector sees four objects per record and scans none of
// them. A snapshot slices values out of data without copying.
//
// A Record is immutable once built: handlers replace whole Records, never edit one, which is what
// lets a snapshot read without locks.
type Record struct {
	data   string   // prefix values, object labels, then each point's values (key, value pairs for kv points)
	ends   []uint32 // end offset in data of each string; string i is data[ends[i-1]:ends[i]]
	points []point
	prefix uint16 // number of prefix values
	labels uint16 // number of object labels, three strings each (see ObjectLabel)
}

type point struct {
	value  float64
	n      uint32 // values; for kv points, key/value pairs
	family uint16 // a Source has far fewer than 65,536 families
	kv     bool   // the keys are in data, before each value
}

// sameContent reports whether two records hold the same points (series and values): an object
// updated in a way no family reads (a status heartbeat, a resourceVersion) gets an equal record.
// Values compare by bits, so a NaN equals itself.
func sameContent(a, b *Record) bool {
	if a.data != b.data || a.prefix != b.prefix || a.labels != b.labels || !slices.Equal(a.ends, b.ends) || len(a.points) != len(b.points) {
		return false
	}
	for i := range a.points {
		p, q := &a.points[i], &b.points[i]
		if p.n != q.n || p.family != q.family || p.kv != q.kv || math.Float64bits(p.value) != math.Float64bits(q.value) {
			return false
		}
	}
	return true
}

// Len is the number of points.
func (r *Record) Len() int { return len(r.points) }

// Text is every string the record keeps of its object (label values, and keys that vary per
// object), back to back: besides the points' numbers, all it holds. For tests of invariant 6.
func (r *Record) Text() string { return r.data }

// Prefix returns the values of the Source's PrefixKeys (for a pod: namespace, pod, uid).
func (r *Record) Prefix() []string {
	out := make([]string, r.prefix)
	for i := range out {
		out[i] = r.str(i)
	}
	return out
}

// Points unpacks the points, in order, with their keys (fams are the Source's Families, for the
// keys the record does not hold). For tests and tools; the snapshot reads the packed form.
func (r *Record) Points(fams []FamilyDesc) []Point {
	out := make([]Point, len(r.points))
	s := r.first()
	for i, p := range r.points {
		out[i] = Point{Family: int(p.family), Value: p.value, Values: make([]string, p.n)}
		if p.kv {
			out[i].Keys = make([]string, p.n)
			for j := range int(p.n) {
				out[i].Keys[j], out[i].Values[j] = r.str(s), r.str(s+1)
				s += 2
			}
			continue
		}
		out[i].Keys = fams[p.family].Keys
		for j := range int(p.n) {
			out[i].Values[j] = r.str(s)
			s++
		}
	}
	return out
}

// PrefixLen is the number of prefix values (the Source's PrefixKeys the record has values for).
func (r *Record) PrefixLen() int { return int(r.prefix) }

// PrefixValue is prefix value i, sliced out of the record without copying.
func (r *Record) PrefixValue(i int) string { return r.str(i) }

// ObjectLabels is the number of object labels the record carries: Kubernetes labels of its object
// that every series of the object gets (RecordBuilder.ObjectLabel); 0 unless configured.
func (r *Record) ObjectLabels() int { return int(r.labels) }

// ObjectLabel is object label i: its key as a data point attribute under KSM's names
// (label_<sanitized key>), its key as a resource attribute under other schemas
// (k8s.<kind>.label.<key>), and its value, sliced out of the record without copying.
func (r *Record) ObjectLabel(i int) (pointKey, resourceKey, value string) {
	s := int(r.prefix) + 3*i
	return r.str(s), r.str(s + 1), r.str(s + 2)
}

// first is the index of the first point's first string: after the prefix and the object labels.
func (r *Record) first() int { return int(r.prefix) + 3*int(r.labels) }

// sameObjectLabels reports whether a and b carry the same object labels.
func sameObjectLabels(a, b *Record) bool {
	return a.labels == b.labels && sameStrings(a, int(a.prefix), b, int(b.prefix), 3*int(a.labels))
}

// Cursor walks a record's points in order without allocating: the one read API of a record's
// points, for the batcher, the stale-series bookkeeping and the pull path's renderer alike. Points
// come in the order of their families (RecordBuilder.Build keeps them so).
//
//	for c := rec.Cursor(); !c.Done(); c.Next() { ... c.Family(), c.Value(), c.Label(j, keys) ... }
type Cursor struct {
	r *Record
	i int // current point
	s int // index of the current point's first string
}

// Cursor returns a cursor on the record's first point.
func (r *Record) Cursor() Cursor { return Cursor{r: r, s: r.first()} }

// Record is the record the cursor walks.
func (c *Cursor) Record() *Record { return c.r }

// Done reports whether the cursor is past the last point.
func (c *Cursor) Done() bool { return c.i >= len(c.r.points) }

// Next moves to the next point.
func (c *Cursor) Next() {
	c.s += c.r.points[c.i].strings()
	c.i++
}

// Family is the current point's family index.
func (c *Cursor) Family() int { return int(c.r.points[c.i].family) }

// Value is the current point's value.
func (c *Cursor) Value() float64 { return c.r.points[c.i].value }

// Labels is the number of labels of the current point after the prefix.
func (c *Cursor) Labels() int { return int(c.r.points[c.i].n) }

// Label returns label j of the current point; keys are its family's FamilyDesc.Keys, used unless
// the point carries its own keys.
func (c *Cursor) Label(j int, keys []string) (key, value string) {
	if c.r.points[c.i].kv {
		return c.r.str(c.s + 2*j), c.r.str(c.s + 2*j + 1)
	}
	return keys[j], c.r.str(c.s + j)
}

// sameSeries reports whether the current points of c and d are the same series (their records
// having the same prefix): family, kind and labels.
func (c *Cursor) sameSeries(d *Cursor) bool {
	p, q := &c.r.points[c.i], &d.r.points[d.i]
	return p.family == q.family && p.kv == q.kv && p.n == q.n && sameStrings(c.r, c.s, d.r, d.s, p.strings())
}

// seriesKey identifies the current point's series within its record: family, kind and label
// strings, each string length-prefixed so that no two label lists share a key.
func (c *Cursor) seriesKey() string {
	p := &c.r.points[c.i]
	k := make([]byte, 0, 64)
	k = append(k, byte(p.family>>8), byte(p.family))
	if p.kv {
		k = append(k, 1)
	}
	for j := range p.strings() {
		v := c.r.str(c.s + j)
		k = binary.AppendUvarint(k, uint64(len(v)))
		k = append(k, v...)
	}
	return string(k)
}

// strings is how many strings of the record's data the point holds.
func (p *point) strings() int {
	if p.kv {
		return 2 * int(p.n)
	}
	return int(p.n)
}

// prefixValues appends the prefix values to dst, sliced out of data without copying.
func (r *Record) prefixValues(dst []string) []string {
	start := uint32(0)
	for _, end := range r.ends[:r.prefix] {
		dst = append(dst, r.data[start:end])
		start = end
	}
	return dst
}

// sameStrings reports whether a's strings [i, i+n) equal b's strings [j, j+n).
func sameStrings(a *Record, i int, b *Record, j, n int) bool {
	for k := range n {
		if a.str(i+k) != b.str(j+k) {
			return false
		}
	}
	return true
}

// seriesSet is the set of seriesKeys of every point.
func (r *Record) seriesSet() map[string]struct{} {
	set := make(map[string]struct{}, len(r.points))
	for c := r.Cursor(); !c.Done(); c.Next() {
		set[c.seriesKey()] = struct{}{}
	}
	return set
}

func (r *Record) str(i int) string {
	start := uint32(0)
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.data[start:r.ends[i]]
}

// NewRecord packs prefix values and points into a Record.
func NewRecord(prefix []string, points []Point) *Record {
	var b RecordBuilder
	for _, p := range points {
		if p.Keys != nil {
			b.AddKV(p.Family, p.Value, p.Keys, p.Values)
		} else {
			b.Add(p.Family, p.Value, p.Values)
		}
	}
	return b.Build(prefix)
}

// RecordBuilder collects one object's points and packs them into a Record. It is scratch space:
// Reset and reuse it for the next object.
type RecordBuilder struct {
	strs   []string
	points []point
	labels []string // object labels, three strings each
}

// Reset forgets the points and object labels collected so far (and the strings they referenced).
func (b *RecordBuilder) Reset() {
	clear(b.strs)
	clear(b.labels)
	b.strs, b.points, b.labels = b.strs[:0], b.points[:0], b.labels[:0]
}

// ObjectLabel collects a label of the object that every series of it carries: pointKey is its
// data point attribute under KSM's names, resourceKey its resource attribute under other
// schemas. Where a series has an attribute of the same key already, that one is kept.
func (b *RecordBuilder) ObjectLabel(pointKey, resourceKey, value string) {
	b.labels = append(b.labels, pointKey, resourceKey, value)
}

// Add collects a point whose keys are its family's FamilyDesc.Keys, one value per key.
func (b *RecordBuilder) Add(family int, value float64, values []string) {
	b.strs = append(b.strs, values...)
	b.points = append(b.points, point{value: value, family: uint16(family), n: uint32(len(values))})
}

// AddKV collects a point whose keys vary per object (labels and annotations families); keys and
// values pair up one to one.
func (b *RecordBuilder) AddKV(family int, value float64, keys, values []string) {
	for i, k := range keys {
		b.strs = append(b.strs, k, values[i])
	}
	b.points = append(b.points, point{value: value, family: uint16(family), n: uint32(len(keys)), kv: true})
}

// Build packs the prefix values and the points collected since Reset into a new Record. Points
// keep the order they were added in, except that they are grouped by family (a stable sort by
// family index), which readers that write family by family rely on.
func (b *RecordBuilder) Build(prefix []string) *Record {
	b.sortByFamily()
	size := 0
	for _, s := range prefix {
		size += len(s)
	}
	for _, s := range b.labels {
		size += len(s)
	}
	for _, s := range b.strs {
		size += len(s)
	}
	var data strings.Builder
	data.Grow(size)
	ends := make([]uint32, 0, len(prefix)+len(b.labels)+len(b.strs))
	for _, list := range [...][]string{prefix, b.labels, b.strs} {
		for _, s := range list {
			data.WriteString(s)
			ends = append(ends, uint32(data.Len()))
		}
	}
	return &Record{data: data.String(), ends: ends, points: slices.Clone(b.points), prefix: uint16(len(prefix)), labels: uint16(len(b.labels) / 3)}
}

// sortByFamily orders the points (and their strings) by family, stably. Tables emit families in
// order, so this is a check that finds them sorted; hand-built records may not be.
func (b *RecordBuilder) sortByFamily() {
	if slices.IsSortedFunc(b.points, func(x, y point) int { return int(x.family) - int(y.family) }) {
		return
	}
	type span struct {
		p     point
		first int // index in strs of the point's first string
	}
	spans := make([]span, len(b.points))
	s := 0
	for i, p := range b.points {
		spans[i] = span{p, s}
		s += p.strings()
	}
	slices.SortStableFunc(spans, func(x, y span) int { return int(x.p.family) - int(y.p.family) })
	strs := make([]string, 0, len(b.strs))
	for i, sp := range spans {
		b.points[i] = sp.p
		strs = append(strs, b.strs[sp.first:sp.first+sp.p.strings()]...)
	}
	b.strs = strs
}
