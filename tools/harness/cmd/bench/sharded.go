package main

// bench -shards N (make bench-sharded): on one cluster under one churn, the unsharded pair of the
// lean push run (KSM scraped, the distribution exporting to a sink) beside N shards of each side:
// KSM started with --shard=k --total-shards=N and scraped every interval, the distribution with
// shard: k, total_shards: N exporting to a sink of its own. Each side's shards must add up to its
// unsharded instance per cycle (within the bench's tolerance) or the run fails. It ends with
//
//	bench-sharded: pods=<n> shards=<N> shard_rss_ratio_max=<x> shards_cpu_ratio=<x> ksm_shard_rss_ratio_max=<x> kubestate_vs_ksm_shards_cpu=<x> kubestate_vs_ksm_shards_rss=<x> shards_cpu_ratio_steady=<x> shard_anon_ratio_max=<x>

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

// shardPair is one KSM process and one distribution with the same sharding: index 0 the
// unsharded pair, index k+1 shard k of each side.
type shardPair struct {
	label        string // "" (unsharded) or "shard k/N"
	ksm, col     *proc.Process
	ksmSide      *bench.Side
	colSide      *bench.Side
	sink         *bench.Sink
	ksmPort      int
	shard, total int
}

func runShardedBench(ctx context.Context, o options) (_ report, err error) {
	var res bench.Sharded
	if o.pull || o.pipeline || o.schema != "" {
		return res, fmt.Errorf("-shards measures the lean push path under KSM's schema only (not with -pull, -pipeline or -schema)")
	}
	if o.shards < 2 {
		return res, fmt.Errorf("-shards %d: want at least 2", o.shards)
	}
	be, closeEnv, err := setUp(ctx, &o, "kubestate-bench-sharded-", "make tools build", filepath.Join(o.bin, "kube-state-metrics"), o.collector)
	if err != nil {
		return res, err
	}
	defer closeEnv()
	kubeconfig, cs := be.kubeconfig, be.cs
	churn, have, err := seedPods(ctx, cs, o)
	if err != nil {
		return res, err
	}
	res.Pods, res.Interval = have, o.interval

	// One sink per distribution, so each one's cycles are counted apart.
	pairs := make([]*shardPair, o.shards+1)
	for i := range pairs {
		p := &shardPair{}
		if i > 0 {
			p.shard, p.total, p.label = i-1, o.shards, fmt.Sprintf("shard %d/%d", i-1, o.shards)
		}
		var addr string
		var stopSink func()
		if p.sink, addr, stopSink, err = bench.StartSink(); err != nil {
			return res, err
		}
		defer stopSink()
		cfg := collectorConfig(kubeconfig, addr, 0, o)
		cfg.Shard, cfg.TotalShards = p.shard, p.total
		if err := os.WriteFile(filepath.Join(o.workDir, p.file("collector")+".yaml"), []byte(cfg.YAML()), 0o644); err != nil {
			return res, err
		}
		pairs[i] = p
	}

	defer runChurn(ctx, churn)()

	// Every process at about the same moment.
	var sampled []sampledProc
	for _, p := range pairs {
		suffix := p.file("") // "" or "-shard-k"
		if p.ksm, p.col, p.ksmPort, err = startPairNamed(o, kubeconfig, filepath.Join(o.workDir, p.file("collector")+".yaml"), suffix, ksmShardArgs(p.shard, p.total)...); err != nil {
			return res, err
		}
		defer p.ksm.Stop(10 * time.Second)
		defer p.col.Stop(20 * time.Second)
		p.ksmSide = &bench.Side{Name: p.name("kube-state-metrics"), Started: p.ksm.Started}
		p.colSide = &bench.Side{Name: p.name("kubestate"), Started: p.col.Started}
		sampled = append(sampled, sampledProc{p.ksm, p.ksmSide}, sampledProc{p.col, p.colSide})
		progress("%s (pid %d) and %s (pid %d) started", p.ksmSide.Name, p.ksm.PID(), p.colSide.Name, p.col.PID())
	}

	// Every KSM scraped every interval, like a Prometheus server.
	var mu sync.Mutex // guards the KSM sides' deliveries
	scrapeCtx, stopScrapes := context.WithCancel(ctx)
	var scrapes sync.WaitGroup
	for _, p := range pairs {
		scrapeEvery(scrapeCtx, &scrapes, &mu, o.interval, fmt.Sprintf("http://127.0.0.1:%d/metrics", p.ksmPort), o.gzip, p.ksmSide)
	}
	defer func() { stopScrapes(); scrapes.Wait() }()
	theirs := func(p *shardPair) []bench.Delivery {
		mu.Lock()
		defer mu.Unlock()
		return append([]bench.Delivery(nil), p.ksmSide.Deliveries...)
	}

	// Sample every process until all deliver complete data, then for the steady window.
	var steadyFrom, endAt time.Time
	deadline := time.Now().Add(o.timeout)
	sample := time.NewTicker(200 * time.Millisecond)
	defer sample.Stop()
	lastReport := time.Now()
	status := func(now time.Time) string {
		var b strings.Builder
		for _, p := range pairs {
			fmt.Fprintf(&b, "; %s: KSM %v, kubestate %v", orUnsharded(p.label), points(theirs(p)), points(finished(p.sink.Cycles(), now)))
		}
		return strings.TrimPrefix(b.String(), "; ")
	}
	for steadyFrom.IsZero() || !time.Now().After(endAt) {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-sample.C:
		}
		for _, p := range sampled {
			if p.proc.Exited() {
				return res, fmt.Errorf("%s exited; last lines of %s:\n%s", p.proc.Name, p.proc.LogPath, p.proc.Tail(20))
			}
			if s, err := bench.ReadProc(p.proc.PID()); err == nil {
				p.side.Samples = append(p.side.Samples, s)
			}
		}
		now := time.Now()
		if !steadyFrom.IsZero() {
			continue
		}
		var shardScrapes, shardCycles [][]bench.Delivery
		for _, p := range pairs[1:] {
			shardScrapes, shardCycles = append(shardScrapes, theirs(p)), append(shardCycles, finished(p.sink.Cycles(), now))
		}
		switch {
		case shardsComplete(theirs(pairs[0]), finished(pairs[0].sink.Cycles(), now), shardScrapes, shardCycles, have):
			steadyFrom = now
			endAt = now.Add(time.Duration(o.cycles)*o.interval + o.interval/2)
			progress("every process delivers complete data (%s); steady window of %d intervals until %s", status(now), o.cycles, endAt.Format("15:04:05"))
		case now.After(deadline):
			return res, fmt.Errorf("no complete data from every process after %s (%s)", o.timeout, status(now))
		case now.Sub(lastReport) > 15*time.Second:
			progress("waiting for complete data: %s", status(now))
			lastReport = now
		}
	}
	res.SteadyFrom, res.EndedAt = steadyFrom, endAt

	const tol = 0.005
	for i, p := range pairs {
		p.ksmSide.Deliveries = theirs(p)
		// The last cycle may still be arriving when the window ends: a part of it would pass for a
		// short cycle (as in the unsharded run, finished at time zero drops it).
		p.colSide.Deliveries = finished(p.sink.Cycles(), time.Time{})
		want := steadyMedian(p.ksmSide.Deliveries, steadyFrom, endAt)
		ksm := bench.Summarize(p.ksmSide, steadyFrom, endAt, want, tol)
		col := bench.Summarize(p.colSide, steadyFrom, endAt, want, tol)
		if i == 0 {
			res.KSM, res.Kubestate = ksm, col
		} else {
			res.KSMShards, res.KubestateShards = append(res.KSMShards, ksm), append(res.KubestateShards, col)
		}
	}
	for k := range res.KubestateShards {
		ks, ksm := res.KubestateShards[k].MeanPerCycle, res.KSMShards[k].MeanPerCycle
		if math.Abs(ks-ksm) > tol*ksm {
			res.Notes = append(res.Notes, fmt.Sprintf("shard %d: kubestate's mean per cycle differs from KSM's by %.0f (%.2f%%): a replaced pod likely changes shard, and the two read at different moments", k, ks-ksm, 100*(ks-ksm)/math.Max(1, ksm)))
		}
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("%d processes side by side: kube-state-metrics and kubestate unsharded, and %d shards of each (KSM --shard=k --total-shards=%d, kubestate shard: k, total_shards: %d); every KSM scraped every interval, every distribution exporting to a sink of its own (lean push path)",
			2*len(pairs), o.shards, o.shards, o.shards),
		fmt.Sprintf("churn during the run: %g pod status updates/s, %g pod replacements/s; compression: %v", o.updates, o.replacements, o.gzip),
		"checked: each side's shards add up to its unsharded instance per cycle (means over the steady window, within 0.5%)",
		"the machine may be shared: CPU seconds are per process, but other work changes caches and clocks")
	if err := res.Check(tol); err != nil {
		return res, fmt.Errorf("in the steady window (median per cycle): %w\n\n%s", err, res.Table())
	}
	return res, nil
}

// shardsComplete reports whether every process delivers complete data: the unsharded pair as in
// the unsharded run (complete), and each side's shards' latest deliveries adding up to the
// unsharded KSM's latest scrape. Shards are judged by their sum: under churn a replaced pod moves
// to another shard, so one shard's count keeps moving from scrape to scrape while the sum does not,
// and a shard still listing leaves the sum short.
func shardsComplete(scrapes, cycles []bench.Delivery, shardScrapes, shardCycles [][]bench.Delivery, pods int) bool {
	if !complete(scrapes, cycles, true, pods) {
		return false
	}
	want := scrapes[len(scrapes)-1].Points
	sumLast := func(sides [][]bench.Delivery) (int, bool) {
		sum := 0
		for _, ds := range sides {
			if len(ds) == 0 {
				return 0, false
			}
			sum += ds[len(ds)-1].Points
		}
		return sum, len(sides) > 0
	}
	near := func(x int) bool { return math.Abs(float64(x-want)) <= 0.005*float64(want) }
	ksm, ok1 := sumLast(shardScrapes)
	ks, ok2 := sumLast(shardCycles)
	return ok1 && ok2 && near(ksm) && near(ks)
}

// ksmShardArgs are KSM's flags for shard of total; none when unsharded.
func ksmShardArgs(shard, total int) []string {
	if total < 2 {
		return nil
	}
	return []string{"--shard=" + strconv.Itoa(shard), "--total-shards=" + strconv.Itoa(total)}
}

// file is the base name of this pair's files for what: what itself unsharded, what-shard-k.
func (p *shardPair) file(what string) string {
	if p.total < 2 {
		return what
	}
	return fmt.Sprintf("%s-shard-%d", what, p.shard)
}

// name is how tables and progress lines call one side of this pair.
func (p *shardPair) name(side string) string {
	if p.label == "" {
		return side
	}
	return side + " " + p.label
}

func orUnsharded(label string) string {
	if label == "" {
		return "unsharded"
	}
	return label
}
