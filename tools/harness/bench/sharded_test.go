package bench

import (
	"strings"
	"testing"
	"time"
)

func TestCheckShardSum(t *testing.T) {
	for _, c := range []struct {
		name      string
		unsharded int
		shards    []int
		wantErr   string
	}{
		{"exact", 1000, []int{300, 330, 370}, ""},
		{"within 0.5%", 100000, []int{33000, 33000, 33600}, ""},
		{"one shard short", 100000, []int{33000, 33000, 30000}, "33000 + 33000 + 30000 = 96000 per cycle, the unsharded instance 100000 (differ by 4.00%"},
		{"duplicates", 1000, []int{500, 500, 500}, "= 1500 per cycle"},
		{"nothing unsharded", 0, []int{0, 0, 0}, "the unsharded instance 0"},
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
	s := Sharded{Result: Result{KSM: Summary{PerCycle: 900}, Kubestate: Summary{PerCycle: 900}},
		KSMShards:       []Summary{{PerCycle: 300}, {PerCycle: 300}, {PerCycle: 200}},
		KubestateShards: []Summary{{PerCycle: 300}, {PerCycle: 300}, {PerCycle: 300}}}
	if err := s.Check(0.005); err == nil || !strings.HasPrefix(err.Error(), "kube-state-metrics: ") {
		t.Fatalf("KSM's shards short: error %v, want one naming kube-state-metrics", err)
	}
	s.KSMShards[2].PerCycle = 300
	if err := s.Check(0.005); err != nil {
		t.Fatal(err)
	}
	s.KubestateShards[0].PerCycle = 0
	if err := s.Check(0.005); err == nil || !strings.HasPrefix(err.Error(), "kubestate: ") {
		t.Fatalf("kubestate shard empty: error %v, want one naming kubestate", err)
	}
}

func TestShardedLine(t *testing.T) {
	mb := uint64(1e6)
	s := Sharded{Result: Result{Pods: 50000,
		KSM:       Summary{CPUTotal: 100 * time.Second, CPUSteady: 40 * time.Second, RSSSteady: 1600 * mb},
		Kubestate: Summary{CPUTotal: 80 * time.Second, CPUSteady: 30 * time.Second, RSSSteady: 400 * mb}},
		KSMShards: []Summary{
			{CPUTotal: 40 * time.Second, RSSSteady: 600 * mb},
			{CPUTotal: 40 * time.Second, RSSSteady: 560 * mb},
			{CPUTotal: 40 * time.Second, RSSSteady: 580 * mb}},
		KubestateShards: []Summary{
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 180 * mb},
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 200 * mb},
			{CPUTotal: 30 * time.Second, CPUSteady: 11 * time.Second, RSSSteady: 170 * mb}}}
	// shard_rss_ratio_max 200/400; shards_cpu_ratio 90/80; ksm_shard_rss_ratio_max 600/1600;
	// vs KSM shards 90/120 CPU and 550/1740 RSS; steady 33/30.
	want := "bench-sharded: pods=50000 shards=3 shard_rss_ratio_max=0.50 shards_cpu_ratio=1.12 ksm_shard_rss_ratio_max=0.38 kubestate_vs_ksm_shards_cpu=0.75 kubestate_vs_ksm_shards_rss=0.32 shards_cpu_ratio_steady=1.10"
	if got := s.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	table := s.Table()
	for _, row := range []string{"| kubestate shard 1/3 ", "| kube-state-metrics shard 2/3 ", "| kubestate shards summed ", "largest shard's RSS 0.50"} {
		if !strings.Contains(table, row) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
}
