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
	CPUTotal      time.Duration // from process start to the end of the window
	CPUSteady     time.Duration // over the steady window only
	SysSteady     time.Duration // kernel share of CPUSteady
	RSSSteady     uint64        // mean VmRSS over the steady window
	RSSSteadyMax  uint64        // max VmRSS over the steady window
	PeakStartup   uint64        // VmHWM when the steady window starts: the start-up peak
	FirstComplete time.Duration // from process start to the end of the first complete delivery; <0 if none
	PerCycle      int           // median points (series) per delivery in the steady window
	BytesPerCycle int           // median bytes per delivery in the steady window
	StalePerCycle int           // median stale markers per delivery (kubestate: series gone since the last cycle)
	Cycles        int           // deliveries in the steady window
	CycleCPU      time.Duration // CPUSteady / Cycles: what one cycle of collect+deliver costs, churn included
}

// Result is a whole run.
type Result struct {
	Pods                int
	Interval            time.Duration
	SteadyFrom, EndedAt time.Time
	KSM, Kubestate      Summary
	Notes               []string
	Pull                bool // kubestate's side is its pull endpoint, scraped like KSM
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
	var sum float64
	var n int
	for _, p := range s.Samples {
		if p.At.Before(from) || p.At.After(to) {
			continue
		}
		sum += float64(p.RSS)
		n++
		out.RSSSteadyMax = max(out.RSSSteadyMax, p.RSS)
	}
	if n > 0 {
		out.RSSSteady = uint64(sum / float64(n))
	}
	var points, bytes, stale []int
	for _, d := range s.Deliveries {
		if d.Start.Before(from) || d.End.After(to) {
			continue
		}
		points = append(points, d.Points)
		bytes = append(bytes, d.Bytes)
		stale = append(stale, d.Stale)
	}
	out.Cycles = len(points)
	out.PerCycle = median(points)
	out.BytesPerCycle = median(bytes)
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
	return fmt.Sprintf("bench: pods=%d series_ksm=%d points_kubestate=%d cpu_ratio=%.2f rss_ratio=%.2f peak_rss_ratio=%.2f first_export_s=%.1f",
		r.Pods, r.KSM.PerCycle, r.Kubestate.PerCycle, r.CPURatio(), r.RSSRatio(), r.PeakRSSRatio(), first)
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
	row("bytes per cycle (text / OTLP)", mb(uint64(r.KSM.BytesPerCycle)), mb(uint64(r.Kubestate.BytesPerCycle)), rt(ratio(float64(r.Kubestate.BytesPerCycle), float64(r.KSM.BytesPerCycle))))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(r.Notes) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}
