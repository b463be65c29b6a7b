package engine

import (
	"encoding/binary"
	"math"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// lastExported remembers, for every Store slot, what a consumer may hold of it: the record the last
// snapshot delivered whole exported, and the records of the snapshots since that were not delivered
// whole (cut by the deadline or with a refused batch) but whose batches may have reached a consumer.
// A series of any of them that the current record does not hold gets a stale point. It belongs to one
// snapshot at a time (the engine's cycles never overlap).
type lastExported struct {
	prev, spare map[*Store][]*Record
	// pending[st][slot] are the records, other than prev's, that snapshots not delivered whole
	// loaded for the slot since the last whole one; at most maxPending per slot.
	pending map[*Store]map[int][]*Record
	// srcs is the Source of each store met, so that the series of a removed source's stores
	// (Engine.RemoveSource) are ended with that source's families; gone are those stores, marked
	// by the last snapshot and forgotten once one is delivered whole.
	srcs map[*Store]Source
	gone []*Store
}

// maxPending bounds the records remembered per slot while no snapshot is delivered whole (a long
// outage while an object keeps changing): beyond it the oldest are forgotten, and a series only they
// held is ended by the consumer's own expiry rather than by a stale point.
const maxPending = 4

// newLastExported starts with nothing exported.
func newLastExported() *lastExported {
	return &lastExported{prev: map[*Store][]*Record{}, spare: map[*Store][]*Record{}, pending: map[*Store]map[int][]*Record{}, srcs: map[*Store]Source{}}
}

// heldRecords is what the last snapshot delivered whole left a consumer holding of one store: its
// records by slot, and the slots that snapshots since may have delivered other records for.
type heldRecords struct {
	prev    []*Record
	pending map[int][]*Record
}

func (l *lastExported) held(st *Store) heldRecords {
	return heldRecords{prev: l.prev[st], pending: l.pending[st]}
}

// holds reports whether a consumer holds r, the record of slot i, already: the last snapshot
// delivered whole had r, or a record with the same content, in that slot (sent by it or, unchanged,
// by an earlier one), and no snapshot since may have delivered another record for the slot.
func (h heldRecords) holds(i int, r *Record) bool {
	if i >= len(h.prev) || h.prev[i] == nil || (h.prev[i] != r && !sameContent(h.prev[i], r)) {
		return false
	}
	_, pending := h.pending[i]
	return !pending
}

// staleValue is the value of a stale point: Prometheus' staleness marker, the value the remote-write
// exporter writes for such points, so that a consumer that ignores the flag still sees no number
// (the Collector's Prometheus receiver leaves the value empty, which reads as 0).
var staleValue = math.Float64frombits(0x7ff0000000000002)

// staleLead is how long before the snapshot's time its stale points are stamped: one millisecond,
// Prometheus' resolution, so that the stale point of a series that is live again in the same
// snapshot (an object deleted and created again under the same labels) is a sample of its own and
// not a second value for the live point's timestamp, which a TSDB refuses. The previous snapshot is
// a whole collection interval earlier, so the stale point still follows every earlier sample.
const staleLead = pcommon.Timestamp(1e6)

func staleTimestamp(now pcommon.Timestamp) pcommon.Timestamp {
	if now <= staleLead {
		return now
	}
	return now - staleLead
}

// markVanished adds a stale point for every series a consumer may hold of st (see lastExported)
// that cur, the records st holds now (slot i is element i), does not. A record is compared with
// what st holds now of the same object: the record in its slot, or, if the object was deleted and
// created again under the same identity (it then takes another slot), its record there, so that
// a series it still has is not ended (a KSM scrape shows it throughout).
func (l *lastExported) markVanished(b *batcher, st *Store, cur []*Record) {
	prev, pend := l.prev[st], l.pending[st]
	var objects map[string]*Record // object identity -> its record now, built on first need
	now := func(p *Record, slot int) *Record {
		var q *Record
		if slot < len(cur) {
			q = cur[slot]
		}
		if q == p || (q != nil && sameStrings(p, 0, q, 0, int(p.prefix))) {
			return q
		}
		if objects == nil {
			objects = make(map[string]*Record, len(cur))
			for _, r := range cur {
				if r != nil {
					objects[r.identity()] = r
				}
			}
		}
		return objects[p.identity()]
	}
	for i, p := range prev {
		if _, several := pend[i]; several {
			continue // below
		}
		if p == nil {
			continue
		}
		if q := now(p, i); p != q {
			b.vanished(p, q, nil)
		}
	}
	var cands [maxPending + 1]*Record
	for i, recs := range pend {
		c := cands[:0]
		if i < len(prev) && prev[i] != nil {
			c = append(c, prev[i])
		}
		c = append(c, recs...)
		// Versions of one object share series: mark each of those once. Records of different
		// objects (a slot reused) share none, and need no bookkeeping.
		var seen map[string]struct{}
		for j := 1; j < len(c) && seen == nil; j++ {
			for k := range j {
				if sameStrings(c[j], 0, c[k], 0, int(c[j].prefix)) {
					seen = map[string]struct{}{}
					break
				}
			}
		}
		for _, r := range c {
			if q := now(r, i); r != q {
				b.vanished(r, q, seen)
			}
		}
	}
}

// markGone adds a stale point for every series a consumer may hold of a store that is no longer
// snapshotted (its source was removed): every record of it is compared with nothing.
func (l *lastExported) markGone(b *batcher, live map[*Store]bool) {
	l.gone = l.gone[:0]
	for st := range l.prev {
		if !live[st] {
			l.gone = append(l.gone, st)
		}
	}
	for st := range l.pending {
		if !live[st] && !slices.Contains(l.gone, st) {
			l.gone = append(l.gone, st)
		}
	}
	for _, st := range l.gone {
		src := l.srcs[st]
		if src == nil {
			continue
		}
		b.source(src, nil) // removed sources are custom resources: KSM names only
		seen := map[string]struct{}{}
		for _, r := range l.prev[st] {
			if r != nil {
				b.vanished(r, nil, seen)
			}
		}
		for _, recs := range l.pending[st] {
			for _, r := range recs {
				b.vanished(r, nil, seen)
			}
		}
	}
}

// identity is the record's prefix values (its object's identity), encoded unambiguously.
func (r *Record) identity() string {
	var buf [8]string
	return prefixKey(r.prefixValues(buf[:0]))
}

// visit is a store a snapshot walked (its records are in lastExported.spare), with the number of
// records the snapshot had added before it.
type visit struct {
	st    *Store
	first int
}

// cycleDone records what a snapshot loaded from the stores it visited: delivered whole, it is what
// the next snapshot compares with. Otherwise the records whose points went into a batch handed on
// before the deadline (numbered below handed) may have reached a consumer: they are remembered
// beside the last whole snapshot's until one is delivered whole again, and stale points lost with a
// refused batch are sent again.
func (l *lastExported) cycleDone(visited []visit, whole bool, handed int) {
	if whole {
		for _, st := range l.gone {
			delete(l.prev, st)
			delete(l.spare, st)
			delete(l.pending, st)
			delete(l.srcs, st)
		}
		l.gone = nil
		l.prev, l.spare = l.spare, l.prev
		clear(l.pending)
		return
	}
	for _, v := range visited {
		prev := l.prev[v.st]
		n := v.first
		for i, r := range l.spare[v.st] {
			if r == nil {
				continue
			}
			if n >= handed {
				break // this record and every later one never left the snapshot
			}
			n++
			if i < len(prev) && prev[i] == r {
				continue
			}
			pend := l.pending[v.st]
			if pend == nil {
				pend = map[int][]*Record{}
				l.pending[v.st] = pend
			}
			recs := pend[i]
			if slices.Contains(recs, r) {
				continue
			}
			if len(recs) == maxPending {
				recs = append(recs[:0], recs[1:]...)
			}
			pend[i] = append(recs, r)
		}
	}
}

// vanished adds a stale point for every series of prev that cur (the same slot's record now; nil
// if the slot is empty) does not hold. With seen, a series already in seen is skipped and every
// series marked is added to it.
func (b *batcher) vanished(prev, cur *Record, seen map[string]struct{}) {
	var prefixBuf [8]string
	prefix := prev.prefixValues(prefixBuf[:0])
	if cur != nil && (!sameStrings(prev, 0, cur, 0, int(prev.prefix)) || !sameObjectLabels(prev, cur)) {
		// Another object now, or the object's labels changed: every series carries those, so
		// none of prev's series is in cur.
		cur = nil
	}
	var inCur map[string]struct{} // cur's series, built on the first point not found in place
	var cc Cursor
	if cur != nil {
		cc = cur.Cursor()
	}
	for pc := prev.Cursor(); !pc.Done(); pc.Next() {
		found := false
		if cur != nil {
			// Records of one object mostly keep their points in order: look in place first.
			if !cc.Done() && pc.sameSeries(&cc) {
				found = true
			} else {
				if inCur == nil {
					inCur = cur.seriesSet()
				}
				_, found = inCur[pc.seriesKey()]
			}
		}
		if !found && seen != nil {
			k := prefixKey(prefix) + prev.objectLabelsKey() + pc.seriesKey()
			_, found = seen[k]
			seen[k] = struct{}{}
		}
		if !found {
			b.stale += b.point(prefix, &pc, true)
		}
		if cur != nil && !cc.Done() {
			cc.Next()
		}
	}
}

// objectLabelsKey encodes the record's object labels unambiguously (length-prefixed): two
// versions of an object with other labels have other series.
func (r *Record) objectLabelsKey() string {
	if r.labels == 0 {
		return "\x00"
	}
	k := binary.AppendUvarint(make([]byte, 0, 64), uint64(r.labels))
	for i := range 3 * int(r.labels) {
		v := r.str(int(r.prefix) + i)
		k = binary.AppendUvarint(k, uint64(len(v)))
		k = append(k, v...)
	}
	return string(k)
}

// prefixKey encodes prefix values unambiguously (length-prefixed), to tell series of different
// objects apart.
func prefixKey(prefix []string) string {
	k := make([]byte, 0, 64)
	for _, v := range prefix {
		k = binary.AppendUvarint(k, uint64(len(v)))
		k = append(k, v...)
	}
	return string(k)
}
