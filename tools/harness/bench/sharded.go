package bench

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Sharded is a run of N shards of each side (kubestate with shard/total_shards, KSM with
// --shard/--total-shards) beside one unsharded instance of each, all on one cluster under one
// churn. Result holds the unsharded pair; the shards are indexed by their ordinal.
type Sharded struct {
	Result
	KSMShards, KubestateShards []Summary
}

// CheckShardSum fails unless the shards' points (series) per cycle add up to the unsharded
// instance's within tol (a fraction): every object belongs to exactly one shard, so a larger
// difference means a shard dropped or duplicated objects, or was not complete. The figures are
// means over the steady window: a replaced pod has a new uid and so, likely, another shard, so each
// shard's count drifts under churn while the sum does not, and only means add up.
func CheckShardSum(side string, unsharded float64, shards []float64, tol float64) error {
	if len(shards) == 0 {
		return fmt.Errorf("%s: no shards", side)
	}
	sum := 0.0
	parts := make([]string, len(shards))
	for i, n := range shards {
		sum += n
		parts[i] = fmt.Sprintf("%.0f", n)
	}
	diff := math.Abs(sum - unsharded)
	if unsharded > 0 && diff <= tol*unsharded {
		return nil
	}
	return fmt.Errorf("%s: the %d shards deliver %s = %.0f per cycle, the unsharded instance %.0f (means over the steady window; differ by %.2f%%, tolerance %.2f%%)",
		side, len(shards), strings.Join(parts, " + "), sum, unsharded, 100*diff/math.Max(1, unsharded), 100*tol)
}

// Check runs CheckShardSum on both sides.
func (s Sharded) Check(tol float64) error {
	means := func(ss []Summary) []float64 {
		out := make([]float64, len(ss))
		for i, x := range ss {
			out[i] = x.MeanPerCycle
		}
		return out
	}
	if err := CheckShardSum("kubestate", s.Kubestate.MeanPerCycle, means(s.KubestateShards), tol); err != nil {
		return err
	}
	return CheckShardSum("kube-state-metrics", s.KSM.MeanPerCycle, means(s.KSMShards), tol)
}

func sumSummaries(ss []Summary) (cpu, cpuSteady time.Duration, rss uint64, perCycle float64) {
	for _, s := range ss {
		cpu += s.CPUTotal
		cpuSteady += s.CPUSteady
		rss += s.RSSSteady
		perCycle += s.MeanPerCycle
	}
	return cpu, cpuSteady, rss, perCycle
}

// maxMemoryRatio is the largest of the shards' mem over the unsharded instance's.
func maxMemoryRatio(shards []Summary, unsharded Summary, mem func(Summary) uint64) float64 {
	m := math.NaN()
	for _, s := range shards {
		r := ratio(float64(mem(s)), float64(mem(unsharded)))
		if math.IsNaN(m) || r > m {
			m = r
		}
	}
	return m
}

// ShardRSSRatioMax is the largest kubestate shard's mean steady RSS over the unsharded kubestate's.
func (s Sharded) ShardRSSRatioMax() float64 {
	return maxMemoryRatio(s.KubestateShards, s.Kubestate, func(s Summary) uint64 { return s.RSSSteady })
}

// ShardAnonRatioMax is ShardRSSRatioMax of anonymous memory (RssAnon): without the pages of the
// binary every process maps, which do not shrink with a shard's share.
func (s Sharded) ShardAnonRatioMax() float64 {
	return maxMemoryRatio(s.KubestateShards, s.Kubestate, func(s Summary) uint64 { return s.AnonSteady })
}

// KSMShardRSSRatioMax is the same for KSM's shards against the unsharded KSM.
func (s Sharded) KSMShardRSSRatioMax() float64 {
	return maxMemoryRatio(s.KSMShards, s.KSM, func(s Summary) uint64 { return s.RSSSteady })
}

// ShardsCPURatio is the kubestate shards' CPU from start to the end of the window, summed, over
// the unsharded kubestate's.
func (s Sharded) ShardsCPURatio() float64 {
	cpu, _, _, _ := sumSummaries(s.KubestateShards)
	return ratio(cpu.Seconds(), s.Kubestate.CPUTotal.Seconds())
}

// ShardsSteadyCPURatio is ShardsCPURatio over the steady window only.
func (s Sharded) ShardsSteadyCPURatio() float64 {
	_, steady, _, _ := sumSummaries(s.KubestateShards)
	return ratio(steady.Seconds(), s.Kubestate.CPUSteady.Seconds())
}

// VsKSMShardsCPU is the kubestate shards' summed CPU (start to window end) over KSM's shards'.
func (s Sharded) VsKSMShardsCPU() float64 {
	ks, _, _, _ := sumSummaries(s.KubestateShards)
	ksm, _, _, _ := sumSummaries(s.KSMShards)
	return ratio(ks.Seconds(), ksm.Seconds())
}

// VsKSMShardsRSS is the kubestate shards' summed mean steady RSS over KSM's shards'.
func (s Sharded) VsKSMShardsRSS() float64 {
	_, _, ks, _ := sumSummaries(s.KubestateShards)
	_, _, ksm, _ := sumSummaries(s.KSMShards)
	return ratio(float64(ks), float64(ksm))
}

// Line is the contract's line of a sharded run.
func (s Sharded) Line() string {
	return fmt.Sprintf("bench-sharded: pods=%d shards=%d shard_rss_ratio_max=%.2f shards_cpu_ratio=%.2f ksm_shard_rss_ratio_max=%.2f kubestate_vs_ksm_shards_cpu=%.2f kubestate_vs_ksm_shards_rss=%.2f shards_cpu_ratio_steady=%.2f shard_anon_ratio_max=%.2f",
		s.Pods, len(s.KubestateShards), s.ShardRSSRatioMax(), s.ShardsCPURatio(), s.KSMShardRSSRatioMax(),
		s.VsKSMShardsCPU(), s.VsKSMShardsRSS(), s.ShardsSteadyCPURatio(), s.ShardAnonRatioMax())
}

// Table renders every process, each side's shards summed, and each process's RSS and CPU over
// its side's unsharded instance.
func (s Sharded) Table() string {
	var b strings.Builder
	n := len(s.KubestateShards)
	fmt.Fprintf(&b, "pods=%d  shards=%d  collection interval %s  steady window %s (%d KSM scrapes, %d kubestate cycles, unsharded)\n\n",
		s.Pods, n, s.Interval, s.EndedAt.Sub(s.SteadyFrom).Round(time.Second), s.KSM.Cycles, s.Kubestate.Cycles)
	row := func(cells ...string) {
		fmt.Fprintf(&b, "| %-32s | %11s | %11s | %11s | %11s | %11s | %11s | %10s | %13s | %14s | %13s |\n", any2(cells)...)
	}
	row("process", "CPU total", "CPU steady", "RSS steady", "anon steady", "RSS max", "start peak", "mean/cycle", "RSS/unsharded", "anon/unsharded", "CPU/unsharded")
	b.WriteString("|----------------------------------|-------------|-------------|-------------|-------------|-------------|-------------|------------|---------------|----------------|---------------|\n")
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	mb := func(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	rt := func(a, b float64) string { return fmt.Sprintf("%.2f", ratio(a, b)) }
	side := func(name string, unsharded Summary, shards []Summary) {
		row(name+" (unsharded)", secs(unsharded.CPUTotal), secs(unsharded.CPUSteady), mb(unsharded.RSSSteady), mb(unsharded.AnonSteady),
			mb(unsharded.RSSSteadyMax), mb(unsharded.PeakStartup), fmt.Sprintf("%.0f", unsharded.MeanPerCycle), "1.00", "1.00", "1.00")
		for k, sh := range shards {
			row(fmt.Sprintf("%s shard %d/%d", name, k, n), secs(sh.CPUTotal), secs(sh.CPUSteady), mb(sh.RSSSteady), mb(sh.AnonSteady),
				mb(sh.RSSSteadyMax), mb(sh.PeakStartup), fmt.Sprintf("%.0f", sh.MeanPerCycle),
				rt(float64(sh.RSSSteady), float64(unsharded.RSSSteady)), rt(float64(sh.AnonSteady), float64(unsharded.AnonSteady)),
				rt(sh.CPUTotal.Seconds(), unsharded.CPUTotal.Seconds()))
		}
		cpu, steady, rss, per := sumSummaries(shards)
		row(name+" shards summed", secs(cpu), secs(steady), mb(rss), "", "", "", fmt.Sprintf("%.0f", per),
			rt(float64(rss), float64(unsharded.RSSSteady)), "", rt(cpu.Seconds(), unsharded.CPUTotal.Seconds()))
	}
	side("kube-state-metrics", s.KSM, s.KSMShards)
	side("kubestate", s.Kubestate, s.KubestateShards)
	fmt.Fprintf(&b, "\nkubestate shards against KSM shards (summed): CPU total %.2f, CPU steady %.2f, RSS steady %.2f\n",
		s.VsKSMShardsCPU(), func() float64 {
			_, a, _, _ := sumSummaries(s.KubestateShards)
			_, c, _, _ := sumSummaries(s.KSMShards)
			return ratio(a.Seconds(), c.Seconds())
		}(), s.VsKSMShardsRSS())
	fmt.Fprintf(&b, "kubestate shards against the unsharded kubestate: largest shard's RSS %.2f (goal <= 0.5; anonymous memory alone %.2f), CPU summed %.2f total, %.2f steady (goal <= 1.1)\n",
		s.ShardRSSRatioMax(), s.ShardAnonRatioMax(), s.ShardsCPURatio(), s.ShardsSteadyCPURatio())
	for _, note := range s.Notes {
		fmt.Fprintf(&b, "note: %s\n", note)
	}
	return b.String()
}
