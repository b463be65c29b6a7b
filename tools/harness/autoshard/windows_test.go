package autoshard

import (
	"testing"
	"time"
)

// windows measures what it says on deliveries made up by hand.
func TestWindows(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	d := func(shard, ms int, keys ...string) shardDelivery {
		s := map[string]float64{}
		for _, k := range keys {
			s[k] = 1
		}
		return shardDelivery{shard, delivery{at: at(ms), series: s}}
	}
	all := []shardDelivery{
		// a: shard 0 until 2000ms, shard 3 from 1500ms: both export it from 1500ms to 3000ms.
		d(0, 0, "a", "b", "c"), d(0, 1000, "a", "b", "c"), d(0, 2000, "a"),
		d(3, 1500, "a"), d(3, 2500, "a"), d(3, 3500, "a"),
		// b: shard 0 until 1000ms, shard 1 from 2700ms: 700ms past its schedule.
		d(1, 2700, "b"), d(1, 3700, "b"),
		// c, in the second phase: a handover from shard 0 to shard 2 (200ms of overlap).
		d(2, 1800, "c"), d(2, 2800, "c"),
	}
	ws := windows(all, time.Second, at(1700))
	if len(ws) != 2 {
		t.Fatalf("%d phases, want 2", len(ws))
	}
	first, second := ws[0], ws[1]
	if first.series != 3 || second.series != 0 {
		t.Errorf("series first delivered per phase: %d, %d; want 3, 0", first.series, second.series)
	}
	if first.dupKey != "a" || first.dup != 1500*time.Millisecond || first.dupShards != [2]int{0, 3} || first.dupSeries != 1 {
		t.Errorf("phase 1: %v; want a exported by shards 0 and 3 together for 1.5s", first)
	}
	if second.dupKey != "c" || second.dup != 200*time.Millisecond || second.dupSeries != 0 {
		t.Errorf("phase 2: %v; want c exported by two shards for 200ms (a handover, not counted as a duplicate)", second)
	}
	if second.missingKey != "b" || second.missing != 700*time.Millisecond || !second.missingAt.Equal(at(2700)) {
		t.Errorf("phase 2: %v; want b unexported 700ms past its schedule, up to 2700ms", second)
	}
}
