package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Side is everything measured of one process (KSM or the kubestate distribution) in one run.
type Side struct {
	Name    string
	Started time.Time
	Samples []ProcSample // every sample, in order
	// Deliveries are scrapes (KSM) or export cycles (kubestate), in order.
	Deliveries []Delivery
}

// Summary is what a run says about one side. The steady window is the same for both sides.
type Summary struct {
	CPUTotal          time.Duration // from process start to the end of the window
	CPUSteady         time.Duration // over the steady window only
	SysSteady         time.Duration // kernel share of CPUSteady
	RSSSteady         uint64        // mean VmRSS over the steady window
	RSSSteadyMax      uint64        // max VmRSS over the steady window
	AnonSteady        uint64        // mean RssAnon over the steady window: RSS without the mapped binary
	PeakStartup       uint64        // VmHWM when the steady window starts: the start-up peak
	FirstComplete     time.Duration // from process start to the end of the first complete delivery; <0 if none
	PerCycle          int           // median points (series) per delivery in the steady window
	MeanPerCycle      float64       // mean points per delivery in the steady window (means of shards add up; medians need not)
	BytesPerCycle     int           // median bytes per delivery in the steady window
	WireBytesPerCycle int           // median bytes on the wire per delivery (OTLP, compressed as sent)
	StalePerCycle     int           // median stale markers per delivery (kubestate: series gone since the last cycle)
	Cycles            int           // deliveries in the steady window
	PointsInWindow    int           // points of the steady window's deliveries summed, stale markers included
	CycleCPU          time.Duration // CPUSteady / Cycles: what one cycle of collect+deliver costs, churn included
}

// Result is a whole run.
type Result struct {
	Pods                int
	Interval            time.Duration
	SteadyFrom, EndedAt time.Time
	KSM, Kubestate      Summary
	Notes               []string
	Pull                bool   // kubestate's side is its pull endpoint, scraped like KSM
	Schema              string // the receiver's schema when not KSM's (its points are then not KSM's series)
}

// FirstComplete returns the index of the first delivery holding at least (1-tol)*want points, or -1.
func FirstComplete(ds []Delivery, want int, tol float64) int {
	for i, d := range ds {
		if float64(d.Points) >= (1-tol)*float64(want) {
			return i
		}
	}
	return -1
}

// Summarize computes a side's summary for the steady window [from, to]. want is the number of
// points a complete delivery holds.
func Summarize(s *Side, from, to time.Time, want int, tol float64) Summary {
	var out Summary
	out.FirstComplete = -1
	if i := FirstComplete(s.Deliveries, want, tol); i >= 0 {
		out.FirstComplete = s.Deliveries[i].End.Sub(s.Started)
	}
	startSample, endSample, ok := bracket(s.Samples, from, to)
	if ok {
		out.CPUTotal = endSample.CPU
		out.CPUSteady = endSample.CPU - startSample.CPU
		out.SysSteady = endSample.System - startSample.System
		out.PeakStartup = startSample.HWM
	}
	var sum, anon float64
	var n int
	for _, p := range s.Samples {
		if p.At.Before(from) || p.At.After(to) {
			continue
		}
		sum += float64(p.RSS)
		anon += float64(p.Anon)
		n++
		out.RSSSteadyMax = max(out.RSSSteadyMax, p.RSS)
	}
	if n > 0 {
		out.RSSSteady = uint64(sum / float64(n))
		out.AnonSteady = uint64(anon / float64(n))
	}
	var points, bytes, wire, stale []int
	for _, d := range s.Deliveries {
		if d.Start.Before(from) || d.End.After(to) {
			continue
		}
		points = append(points, d.Points)
		bytes = append(bytes, d.Bytes)
		wire = append(wire, d.WireBytes)
		stale = append(stale, d.Stale)
		out.PointsInWindow += d.Points + d.Stale
	}
	out.Cycles = len(points)
	out.PerCycle = median(points)
	if len(points) > 0 {
		sum := 0
		for _, p := range points {
			sum += p
		}
		out.MeanPerCycle = float64(sum) / float64(len(points))
	}
	out.BytesPerCycle = median(bytes)
	out.WireBytesPerCycle = median(wire)
	out.StalePerCycle = median(stale)
	if out.Cycles > 0 {
		out.CycleCPU = out.CPUSteady / time.Duration(out.Cycles)
	}
	return out
}

// bracket returns the last sample at or before from and the last sample at or before to.
func bracket(samples []ProcSample, from, to time.Time) (ProcSample, ProcSample, bool) {
	var a, b ProcSample
	var haveA, haveB bool
	for _, p := range samples {
		if !p.At.After(from) {
			a, haveA = p, true
		}
		if !p.At.After(to) {
			b, haveB = p, true
		}
	}
	return a, b, haveA && haveB
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// CPURatio is kubestate's total CPU over KSM's, same window.
func (r Result) CPURatio() float64 {
	return ratio(r.Kubestate.CPUTotal.Seconds(), r.KSM.CPUTotal.Seconds())
}

// SteadyCPURatio compares the steady window only (start-up excluded).
func (r Result) SteadyCPURatio() float64 {
	return ratio(r.Kubestate.CPUSteady.Seconds(), r.KSM.CPUSteady.Seconds())
}

// RSSRatio compares mean steady RSS.
func (r Result) RSSRatio() float64 {
	return ratio(float64(r.Kubestate.RSSSteady), float64(r.KSM.RSSSteady))
}

// PeakRSSRatio compares the start-up peaks.
func (r Result) PeakRSSRatio() float64 {
	return ratio(float64(r.Kubestate.PeakStartup), float64(r.KSM.PeakStartup))
}

// Line is the contract's last line of `make bench`.
func (r Result) Line() string {
	first := math.NaN()
	if r.Kubestate.FirstComplete >= 0 {
		first = r.Kubestate.FirstComplete.Seconds()
	}
	if r.Pull {
		return fmt.Sprintf("bench-pull: pods=%d series_ksm=%d series_kubestate=%d cpu_ratio=%.2f rss_ratio=%.2f peak_rss_ratio=%.2f first_page_s=%.1f",
			r.Pods, r.KSM.PerCycle, r.Kubestate.PerCycle, r.CPURatio(), r.RSSRatio(), r.PeakRSSRatio(), first)
	}
	line := fmt.Sprintf("bench: pods=%d series_ksm=%d points_kubestate=%d cpu_ratio=%.2f rss_ratio=%.2f peak_rss_ratio=%.2f first_export_s=%.1f",
		r.Pods, r.KSM.PerCycle, r.Kubestate.PerCycle, r.CPURatio(), r.RSSRatio(), r.PeakRSSRatio(), first)
	if r.Schema != "" {
		line += " schema=" + r.Schema
	}
	return line
}

// Table renders both sides and their ratios.
func (r Result) Table() string {
	var b strings.Builder
	window := r.EndedAt.Sub(r.SteadyFrom)
	fmt.Fprintf(&b, "pods=%d  collection interval %s  steady window %s (%d KSM scrapes, %d kubestate cycles)\n\n",
		r.Pods, r.Interval, window.Round(time.Second), r.KSM.Cycles, r.Kubestate.Cycles)
	row := func(name, ksm, ks, ratio string) {
		fmt.Fprintf(&b, "| %-34s | %14s | %14s | %7s |\n", name, ksm, ks, ratio)
	}
	row("measure", "kube-state-metrics", "kubestate", "ratio")
	b.WriteString("|------------------------------------|----------------|----------------|---------|\n")
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	mb := func(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	rt := func(x float64) string { return fmt.Sprintf("%.2f", x) }
	first := func(d time.Duration) string {
		if d < 0 {
			return "never"
		}
		return secs(d)
	}
	row("CPU total (start to end of window)", secs(r.KSM.CPUTotal), secs(r.Kubestate.CPUTotal), rt(r.CPURatio()))
	row("CPU in the steady window", secs(r.KSM.CPUSteady), secs(r.Kubestate.CPUSteady), rt(r.SteadyCPURatio()))
	row("  of which kernel (system time)", secs(r.KSM.SysSteady), secs(r.Kubestate.SysSteady),
		rt(ratio(r.Kubestate.SysSteady.Seconds(), r.KSM.SysSteady.Seconds())))
	row("CPU per cycle (steady, churn incl.)", secs(r.KSM.CycleCPU), secs(r.Kubestate.CycleCPU),
		rt(ratio(r.Kubestate.CycleCPU.Seconds(), r.KSM.CycleCPU.Seconds())))
	row("start-up CPU (to window start)", secs(r.KSM.CPUTotal-r.KSM.CPUSteady), secs(r.Kubestate.CPUTotal-r.Kubestate.CPUSteady),
		rt(ratio((r.Kubestate.CPUTotal-r.Kubestate.CPUSteady).Seconds(), (r.KSM.CPUTotal-r.KSM.CPUSteady).Seconds())))
	row("RSS steady (mean)", mb(r.KSM.RSSSteady), mb(r.Kubestate.RSSSteady), rt(r.RSSRatio()))
	row("RSS steady (max)", mb(r.KSM.RSSSteadyMax), mb(r.Kubestate.RSSSteadyMax), rt(ratio(float64(r.Kubestate.RSSSteadyMax), float64(r.KSM.RSSSteadyMax))))
	row("RSS peak during start-up (VmHWM)", mb(r.KSM.PeakStartup), mb(r.Kubestate.PeakStartup), rt(r.PeakRSSRatio()))
	row("first complete scrape / export", first(r.KSM.FirstComplete), first(r.Kubestate.FirstComplete), "")
	row("series / points per cycle", fmt.Sprint(r.KSM.PerCycle), fmt.Sprint(r.Kubestate.PerCycle), rt(ratio(float64(r.Kubestate.PerCycle), float64(r.KSM.PerCycle))))
	row("stale markers per cycle", "-", fmt.Sprint(r.Kubestate.StalePerCycle), "")
	if !r.Pull {
		row("data points per minute (sink)", "-", fmt.Sprintf("%.0f", r.Kubestate.PointsPerMin(r.Interval)), "")
	}
	row("bytes per cycle (text / OTLP)", mb(uint64(r.KSM.BytesPerCycle)), mb(uint64(r.Kubestate.BytesPerCycle)), rt(ratio(float64(r.Kubestate.BytesPerCycle), float64(r.KSM.BytesPerCycle))))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(r.Notes) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}

// Pipeline is a run of kubestate's recommended pipeline against the pipeline OTel users run with
// KSM: kube-state-metrics scraped by a Collector's Prometheus receiver that exports OTLP. Result's
// KSM side is the KSM process, its deliveries the scraper's exports; Scraper is that collector.
type Pipeline struct {
	Result
	Scraper Summary
	// Freshness of each path: object change to the first point with the new value at its sink.
	FreshKubestate, FreshPeer Freshness
	Churn                     string        // light or heavy, with its rates in Notes
	Compression               string        // kubestate's otlp exporter
	Resend                    time.Duration // kubestate's resend_interval
	Defaults                  bool          // kubestate ran every setting at its default, not the README's pipeline
	// K8sCluster is the contrib k8s_cluster receiver run beside both (-k8scluster), or nil.
	K8sCluster *K8sClusterRun
}

// K8sClusterRun is the contrib k8s_cluster receiver deployed as a further peer of a pipeline run:
// one process exporting OTLP to a sink of its own, on the same cluster, interval and steady window.
type K8sClusterRun struct {
	Summary
	Fresh       Freshness // its restart count (k8s.container.restarts) at its sink
	Compression string    // its otlp exporter's: kubestate's in the run, "" for the exporter's default (gzip)
}

// CPURatioVsK8sCluster is kubestate's total CPU over the k8s_cluster receiver's; NaN without it.
func (p Pipeline) CPURatioVsK8sCluster() float64 {
	if p.K8sCluster == nil {
		return math.NaN()
	}
	return ratio(p.Kubestate.CPUTotal.Seconds(), p.K8sCluster.CPUTotal.Seconds())
}

// RSSRatioVsK8sCluster is kubestate's mean steady RSS over the k8s_cluster receiver's; NaN without it.
func (p Pipeline) RSSRatioVsK8sCluster() float64 {
	if p.K8sCluster == nil {
		return math.NaN()
	}
	return ratio(float64(p.Kubestate.RSSSteady), float64(p.K8sCluster.RSSSteady))
}

// CPURatioVsPeer is kubestate's total CPU over KSM's and the scraper's together.
func (p Pipeline) CPURatioVsPeer() float64 {
	return ratio(p.Kubestate.CPUTotal.Seconds(), (p.KSM.CPUTotal + p.Scraper.CPUTotal).Seconds())
}

// RSSRatioVsPeer is kubestate's mean steady RSS over KSM's and the scraper's together.
func (p Pipeline) RSSRatioVsPeer() float64 {
	return ratio(float64(p.Kubestate.RSSSteady), float64(p.KSM.RSSSteady+p.Scraper.RSSSteady))
}

func seconds(d time.Duration) float64 {
	if d < 0 {
		return math.NaN()
	}
	return d.Seconds()
}

// Line is the contract's line of a pipeline run.
func (p Pipeline) Line() string {
	compression := p.Compression
	if compression == "" {
		compression = "default"
	}
	return fmt.Sprintf("bench-pipeline: pods=%d cpu_ratio_vs_ksm_plus_scraper=%.2f rss_ratio_vs_ksm_plus_scraper=%.2f freshness_s=%.1f/%.1f cpu_ratio_vs_ksm=%.2f rss_ratio_vs_ksm=%.2f points_per_min=%.0f/%.0f churn=%s compression=%s resend_interval=%s",
		p.Pods, p.CPURatioVsPeer(), p.RSSRatioVsPeer(), seconds(p.FreshKubestate.Median()), seconds(p.FreshPeer.Median()),
		p.CPURatio(), p.RSSRatio(), p.Kubestate.PointsPerMin(p.Interval), p.KSM.PointsPerMin(p.Interval), p.Churn, compression, p.Resend) +
		map[bool]string{true: " config=defaults"}[p.Defaults] + p.k8sClusterFields()
}

// k8sClusterFields extend the line when the k8s_cluster receiver ran beside: kubestate's ratios to
// it (as every ratio of the line, kubestate over the peer), its points per minute and freshness.
func (p Pipeline) k8sClusterFields() string {
	k := p.K8sCluster
	if k == nil {
		return ""
	}
	return fmt.Sprintf(" cpu_ratio_vs_k8s_cluster=%.2f rss_ratio_vs_k8s_cluster=%.2f points_per_min_k8s_cluster=%.0f freshness_k8s_cluster_s=%.1f",
		p.CPURatioVsK8sCluster(), p.RSSRatioVsK8sCluster(), k.PointsPerMin(p.Interval), seconds(k.Fresh.Median()))
}

// Table renders the three processes, the peer's sum and kubestate's ratios to KSM and to the sum.
func (p Pipeline) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pods=%d  interval %s  churn %s  steady window %s (%d scraper exports, %d kubestate cycles)\n\n",
		p.Pods, p.Interval, p.Churn, p.EndedAt.Sub(p.SteadyFrom).Round(time.Second), p.KSM.Cycles, p.Kubestate.Cycles)
	row := func(cells ...string) {
		fmt.Fprintf(&b, "| %-30s | %10s | %10s | %12s | %10s | %6s | %14s |\n", any2(cells)...)
	}
	row("measure", "KSM", "scraper", "KSM+scraper", "kubestate", "vs KSM", "vs KSM+scraper")
	b.WriteString("|--------------------------------|------------|------------|--------------|------------|--------|----------------|\n")
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	mb := func(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	rt := func(a, b float64) string { return fmt.Sprintf("%.2f", ratio(a, b)) }
	cpu := func(name string, f func(Summary) time.Duration) {
		k, s, c := f(p.KSM), f(p.Scraper), f(p.Kubestate)
		row(name, secs(k), secs(s), secs(k+s), secs(c), rt(c.Seconds(), k.Seconds()), rt(c.Seconds(), (k+s).Seconds()))
	}
	mem := func(name string, f func(Summary) uint64) {
		k, s, c := f(p.KSM), f(p.Scraper), f(p.Kubestate)
		row(name, mb(k), mb(s), mb(k+s), mb(c), rt(float64(c), float64(k)), rt(float64(c), float64(k+s)))
	}
	cpu("CPU total (start to window end)", func(s Summary) time.Duration { return s.CPUTotal })
	cpu("CPU in the steady window", func(s Summary) time.Duration { return s.CPUSteady })
	cpu("  of which kernel", func(s Summary) time.Duration { return s.SysSteady })
	mem("RSS steady (mean)", func(s Summary) uint64 { return s.RSSSteady })
	mem("RSS steady (max)", func(s Summary) uint64 { return s.RSSSteadyMax })
	mem("RSS peak during start-up", func(s Summary) uint64 { return s.PeakStartup })
	row("points per cycle at the sink", "", fmt.Sprint(p.KSM.PerCycle), "", fmt.Sprint(p.Kubestate.PerCycle), "", "")
	row("OTLP bytes per cycle (decoded)", "", mb(uint64(p.KSM.BytesPerCycle)), "", mb(uint64(p.Kubestate.BytesPerCycle)), "", "")
	row("OTLP bytes per cycle (wire)", "", mb(uint64(p.KSM.WireBytesPerCycle)), "", mb(uint64(p.Kubestate.WireBytesPerCycle)), "", "")
	row("data points per minute at sink", "", fmt.Sprintf("%.0f", p.KSM.PointsPerMin(p.Interval)), "", fmt.Sprintf("%.0f", p.Kubestate.PointsPerMin(p.Interval)), "", "")
	fresh := func(f Freshness) string {
		return fmt.Sprintf("%.1f s (%d/%d)", seconds(f.Median()), len(f.Delays), len(f.Delays)+f.Missed)
	}
	fmt.Fprintf(&b, "\nfreshness (change -> point at the sink, median, trials arrived/run): kubestate %s, KSM + scraper %s\n",
		fresh(p.FreshKubestate), fresh(p.FreshPeer))
	fmt.Fprintf(&b, "  kubestate %v\n  KSM + scraper %v\n", roundAll(p.FreshKubestate.Delays), roundAll(p.FreshPeer.Delays))
	if p.K8sCluster != nil {
		b.WriteString(p.k8sClusterTable())
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

func any2(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Millisecond)
	}
	return out
}

// k8sClusterTable sets the k8s_cluster receiver beside kubestate, ratios kubestate over it.
func (p Pipeline) k8sClusterTable() string {
	k := p.K8sCluster
	var b strings.Builder
	fmt.Fprintf(&b, "\nthe contrib k8s_cluster receiver beside (%d exports in the window):\n\n", k.Cycles)
	row := func(cells ...string) { fmt.Fprintf(&b, "| %-30s | %11s | %10s | %15s |\n", any2(cells)...) }
	row("measure", "k8s_cluster", "kubestate", "vs k8s_cluster")
	b.WriteString("|--------------------------------|-------------|------------|-----------------|\n")
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	mb := func(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
	rt := func(a, b float64) string { return fmt.Sprintf("%.2f", ratio(a, b)) }
	cpu := func(name string, f func(Summary) time.Duration) {
		x, c := f(k.Summary), f(p.Kubestate)
		row(name, secs(x), secs(c), rt(c.Seconds(), x.Seconds()))
	}
	mem := func(name string, f func(Summary) uint64) {
		x, c := f(k.Summary), f(p.Kubestate)
		row(name, mb(x), mb(c), rt(float64(c), float64(x)))
	}
	count := func(name string, x, c float64, f func(float64) string) { row(name, f(x), f(c), rt(c, x)) }
	cpu("CPU total (start to window end)", func(s Summary) time.Duration { return s.CPUTotal })
	cpu("CPU in the steady window", func(s Summary) time.Duration { return s.CPUSteady })
	cpu("  of which kernel", func(s Summary) time.Duration { return s.SysSteady })
	mem("RSS steady (mean)", func(s Summary) uint64 { return s.RSSSteady })
	mem("RSS steady (max)", func(s Summary) uint64 { return s.RSSSteadyMax })
	mem("RSS peak during start-up", func(s Summary) uint64 { return s.PeakStartup })
	n := func(x float64) string { return fmt.Sprintf("%.0f", x) }
	mbf := func(x float64) string { return fmt.Sprintf("%.2f MB", x/1e6) } // a cycle at 1,000 pods is 0.1 MB on the wire
	count("points per cycle at the sink", float64(k.PerCycle), float64(p.Kubestate.PerCycle), n)
	count("OTLP bytes per cycle (decoded)", float64(k.BytesPerCycle), float64(p.Kubestate.BytesPerCycle), mbf)
	count("OTLP bytes per cycle (wire)", float64(k.WireBytesPerCycle), float64(p.Kubestate.WireBytesPerCycle), mbf)
	count("data points per minute at sink", k.PointsPerMin(p.Interval), p.Kubestate.PointsPerMin(p.Interval), n)
	fmt.Fprintf(&b, "freshness (median, trials arrived/run): k8s_cluster %.1f s (%d/%d) %v\n",
		seconds(k.Fresh.Median()), len(k.Fresh.Delays), len(k.Fresh.Delays)+k.Fresh.Missed, roundAll(k.Fresh.Delays))
	return b.String()
}
