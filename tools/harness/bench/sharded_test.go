package bench

import (
	"strings"
	"testing"
	"time"
)

func TestCheckShardSum(t *testing.T) {
	for _, c := range []struct {
		name      string
		unsharded float64
		shards    []float64
		wantErr   string
	}{
		{"exact", 1000, []float64{300, 330, 370}, ""},
		{"within 0.5%", 100000, []float64{33000, 33000, 33600}, ""},
		{"one shard short", 100000, []float64{33000, 33000, 30000}, "33000 + 33000 + 30000 = 96000 per cycle, the unsharded instance 100000 (means over the steady window; differ by 4.00%"},
		{"duplicates", 1000, []float64{500, 500, 500}, "= 1500 per cycle"},
		{"nothing unsharded", 0, []float64{0, 0, 0}, "the unsharded instance 0"},
		{"no shards", 1000, nil, "no shards"},
	} {
		err := CheckShardSum("kubestate", c.unsharded, c.shards, 0.005)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wantErr)
		}
	}
}

func TestShardedCheckNamesTheSide(t *testing.T) {
	s := Sharded{Result: Result{KSM: Summary{MeanPerCycle: 900}, Kubestate: Summary{MeanPerCycle: 900}},
		KSMShards:       []Summary{{MeanPerCycle: 300}, {MeanPerCycle: 300}, {MeanPerCycle: 200}},
		KubestateShards: []Summary{{MeanPerCycle: 300}, {MeanPerCycle: 300}, {MeanPerCycle: 300}}}
	if err := s.Check(0.005); err == nil || !strings.HasPrefix(err.Error(), "kube-state-metrics: ") {
		t.Fatalf("KSM's shards short: error %v, want one naming kube-state-metrics", err)
	}
	s.KSMShards[2].MeanPerCycle = 300
	if err := s.Check(0.005); err != nil {
		t.Fatal(err)
	}
	s.KubestateShards[0].MeanPerCycle = 0
	if err := s.Check(0.005); err == nil || !strings.HasPrefix(err.Error(), "kubestate: ") {
		t.Fatalf("kubestate shard empty: error %v, want one naming kubestate", err)
	}
}

func TestShardedLine(t *testing.T) {
	mb := uint64(1e6)
	s := Sharded{Result: Result{Pods: 50000,
		KSM:       Summary{CPUTotal: 100 * time.Second, CPUSteady: 40 * time.Second, RSSSteady: 1600 * mb},
		Kubestate: Summary{CPUTotal: 80 * time.Second, CPUSteady: 30 * time.Second, RSSSteady: 400 * mb, AnonSteady: 350 * mb}},
		KSMShards: []Summary{
			{CPUTotal: 40 * time.Second, RSSSteady: 600 * mb},
			{CPUTotal: 40 * time.Second, RSSSteady: 560 * mb},
			{CPUTotal: 40 * time.Second, RSSSteady: 580 * mb}},
		KubestateShards: []Summary{
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 180 * mb, AnonSteady: 130 * mb},
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 200 * mb, AnonSteady: 150 * mb},
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 170 * mb, AnonSteady: 120 * mb}}}
	// shard_rss_ratio_max 200/400; shards_cpu_ratio 90/80; ksm_shard_rss_ratio_max 600/1600;
	// vs KSM shards 90/120 CPU and 550/1740 RSS; steady 33/30; shard_anon_ratio_max 150/350.
	want := "bench-sharded: pods=50000 shards=3 shard_rss_ratio_max=0.50 shards_cpu_ratio=1.12 ksm_shard_rss_ratio_max=0.38 kubestate_vs_ksm_shards_cpu=0.75 kubestate_vs_ksm_shards_rss=0.32 shards_cpu_ratio_steady=1.10 shard_anon_ratio_max=0.43"
	if got := s.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	table := s.Table()
	for _, row := range []string{"| kubestate shard 1/3 ", "| kube-state-metrics shard 2/3 ", "| kubestate shards summed ", "largest shard's RSS 0.50 (goal <= 0.5; anonymous memory alone 0.43)", " 150.0 MB | "} {
		if !strings.Contains(table, row) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
}

// Under churn a replaced pod gets a new uid and, likely, another shard: each shard's count moves
// while their sum does not. Shard medians then miss the total; means over the window do not.
func TestShardSumSurvivesDrift(t *testing.T) {
	t0 := time.Unix(1000, 0)
	side := func(points ...int) Summary {
		s := &Side{}
		for i, p := range points {
			at := t0.Add(time.Duration(i+1) * time.Second)
			s.Deliveries = append(s.Deliveries, Delivery{Start: at, End: at, Points: p})
		}
		return Summarize(s, t0, t0.Add(time.Minute), 0, 0)
	}
	// One pod's series move shard 0 -> 1 after the first cycle, then 1 -> 2 after the second.
	unsharded := side(300, 300, 300)
	shards := []Summary{side(100, 90, 90), side(100, 110, 100), side(100, 100, 110)}
	if med := shards[0].PerCycle + shards[1].PerCycle + shards[2].PerCycle; med == unsharded.PerCycle {
		t.Fatalf("the medians add up (%d): the case does not drift", med)
	}
	s := Sharded{Result: Result{KSM: unsharded, Kubestate: unsharded}, KSMShards: shards, KubestateShards: shards}
	if err := s.Check(0.005); err != nil {
		t.Fatal(err)
	}
}
