package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// APIVariant is one way a collector reads the apiserver in `bench -apiserver`: which collector,
// in which encoding, and whether its informers stream their initial list (WatchList) or LIST it.
type APIVariant struct {
	Client    string // "ksm" or "kubestate"
	Encoding  string // "protobuf" (what both ask for) or "json" (Accept rewritten by an APIProxy)
	WatchList bool
	// Proxied passes a protobuf variant through the APIProxy unchanged, to show what the proxy
	// itself changes for the apiserver. A json variant is always proxied.
	Proxied bool
}

// DefaultAPIVariants are the runs of `make bench-apiserver`: each collector as deployed, then
// kubestate's client with WatchList off, through the JSON proxy unchanged (what the proxy itself
// costs), and in JSON.
const DefaultAPIVariants = "ksm/protobuf/on,ksm/protobuf/off,kubestate/protobuf/on,kubestate/protobuf/off,kubestate/protobuf/on/proxy,kubestate/json/on,kubestate/json/off"

func (v APIVariant) String() string {
	s := v.Client + "/" + v.Encoding + "/" + onOff(v.WatchList)
	if v.Proxied && v.Encoding != "json" {
		s += "/proxy"
	}
	return s
}

// ViaProxy reports whether the collector reaches the apiserver through the APIProxy.
func (v APIVariant) ViaProxy() bool { return v.Proxied || v.Encoding == "json" }

// Env switches client-go's WatchListClient feature gate in the collector's process: client-go
// reads KUBE_FEATURE_<gate> from the environment (on by default since v0.35, in KSM v2.20.0's
// client-go v0.36 and the distribution's alike). Set both ways, so the harness's own environment
// cannot leak in.
func (v APIVariant) Env() []string {
	return []string{"KUBE_FEATURE_WatchListClient=" + strconv.FormatBool(v.WatchList)}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ParseAPIVariants reads a comma-separated list of client/encoding/watchlist[/proxy], e.g.
// "ksm/protobuf/on,kubestate/json/off".
func ParseAPIVariants(s string) ([]APIVariant, error) {
	var out []APIVariant
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		f := strings.Split(item, "/")
		if len(f) != 3 && len(f) != 4 {
			return nil, fmt.Errorf("-apiserver-variants %q: want client/encoding/watchlist[/proxy], e.g. kubestate/json/off", item)
		}
		var v APIVariant
		switch f[0] {
		case "ksm", "kubestate":
			v.Client = f[0]
		default:
			return nil, fmt.Errorf("-apiserver-variants %q: client %q: want ksm or kubestate", item, f[0])
		}
		switch f[1] {
		case "protobuf", "json":
			v.Encoding = f[1]
		default:
			return nil, fmt.Errorf("-apiserver-variants %q: encoding %q: want protobuf or json", item, f[1])
		}
		switch f[2] {
		case "on":
			v.WatchList = true
		case "off":
		default:
			return nil, fmt.Errorf("-apiserver-variants %q: watchlist %q: want on or off", item, f[2])
		}
		if len(f) == 4 {
			if f[3] != "proxy" {
				return nil, fmt.Errorf("-apiserver-variants %q: %q: the fourth field can only be proxy", item, f[3])
			}
			v.Proxied = true
		}
		if seen[v.String()] {
			return nil, fmt.Errorf("-apiserver-variants: %s given twice", v)
		}
		seen[v.String()] = true
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-apiserver-variants %q: no variant", s)
	}
	return out, nil
}

// APIWindow is the apiserver process over one window: CPU spent and resident memory.
type APIWindow struct {
	From, To time.Time
	CPU      time.Duration // user + system over the window
	RSSMean  uint64
	RSSMax   uint64 // of the samples (VmRSS)
}

// Seconds is the window's length.
func (w APIWindow) Seconds() float64 { return w.To.Sub(w.From).Seconds() }

// CPURate is CPU seconds per second of the window.
func (w APIWindow) CPURate() float64 {
	if s := w.Seconds(); s > 0 {
		return w.CPU.Seconds() / s
	}
	return 0
}

// MeasureWindow summarizes samples over [from, to]: CPU between the last sample at or before from
// and the last at or before to, RSS of the samples inside. It fails if the samples do not cover
// the window.
func MeasureWindow(samples []ProcSample, from, to time.Time) (APIWindow, error) {
	w := APIWindow{From: from, To: to}
	a, b, ok := bracket(samples, from, to)
	if !ok || !to.After(from) {
		return w, fmt.Errorf("no apiserver samples bracket %s–%s", from.Format("15:04:05.0"), to.Format("15:04:05.0"))
	}
	w.CPU = b.CPU - a.CPU
	var sum float64
	var n int
	for _, s := range samples {
		if s.At.Before(from) || s.At.After(to) {
			continue
		}
		sum += float64(s.RSS)
		n++
		w.RSSMax = max(w.RSSMax, s.RSS)
	}
	if n == 0 {
		w.RSSMean, w.RSSMax = a.RSS, a.RSS
	} else {
		w.RSSMean = uint64(sum / float64(n))
	}
	return w, nil
}

// APIRequests are apiserver_request_total counts by verb, summed over resources, and completed
// streamed lists (apiserver_watch_list_duration_seconds_count), from the apiserver's /metrics.
type APIRequests struct {
	List, Watch, WatchList float64
}

// Sub is r - o: the requests made between two readings.
func (r APIRequests) Sub(o APIRequests) APIRequests {
	return APIRequests{List: r.List - o.List, Watch: r.Watch - o.Watch, WatchList: r.WatchList - o.WatchList}
}

// ParseAPIRequests reads the apiserver's Prometheus text exposition.
func ParseAPIRequests(r io.Reader) (APIRequests, error) {
	var out APIRequests
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var dst *float64
		switch {
		case bytes.HasPrefix(line, []byte("apiserver_request_total{")):
			switch {
			case bytes.Contains(line, []byte(`verb="LIST"`)):
				dst = &out.List
			case bytes.Contains(line, []byte(`verb="WATCH"`)):
				dst = &out.Watch
			default:
				continue
			}
		case bytes.HasPrefix(line, []byte("apiserver_watch_list_duration_seconds_count{")):
			dst = &out.WatchList
		default:
			continue
		}
		i := bytes.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(string(line[i+1:]), 64)
		if i < 0 || err != nil {
			return out, fmt.Errorf("apiserver metrics: no value in %q", line)
		}
		*dst += v
	}
	return out, sc.Err()
}

// KSMScrape counts a kube-state-metrics page: all series, and kube_pod_info's (one per pod it has
// listed).
type KSMScrape struct {
	Start, End time.Time
	Series     int
	Pods       int
}

// CountKSMPage reads a Prometheus text exposition to its end.
func CountKSMPage(r io.Reader) (series, pods int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		series++
		if bytes.HasPrefix(line, []byte("kube_pod_info{")) {
			pods++
		}
	}
	return series, pods, sc.Err()
}

// KSMSynced reports when KSM had listed everything, from its scrapes so far: the start of the
// first scrape that holds a kube_pod_info for at least (1-tol) of pods and whose series count the
// next scrape confirms within tol (the other resources listed too). Its page is rendered from its
// stores, so a scrape that starts after the last store filled holds everything.
func KSMSynced(scrapes []KSMScrape, pods int, tol float64) (time.Time, bool) {
	near := func(a, b int) bool { return math.Abs(float64(a-b)) <= tol*float64(max(a, b)) }
	for i := 0; i+1 < len(scrapes); i++ {
		s, next := scrapes[i], scrapes[i+1]
		if s.Series > 0 && float64(s.Pods) >= (1-tol)*float64(pods) && near(s.Series, next.Series) {
			return s.Start, true
		}
	}
	return time.Time{}, false
}

// ResetPeakRSS resets the kernel's high-water mark of a process's resident memory (VmHWM) to its
// current RSS, so the next VmHWM is the peak since now.
func ResetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// APIRun is one variant's cost to the apiserver: the apiserver alone just before (Baseline), then
// from the collector's start to its sync (Sync), then a steady window of watching (Steady).
type APIRun struct {
	Variant                  APIVariant
	Baseline, Sync, Steady   APIWindow
	BaselineHalves           [2]APIWindow // the baseline's two halves: how much the apiserver's own rate wanders
	SyncPeakRSS              uint64       // VmHWM at sync, reset at the collector's start
	Requests                 APIRequests
	ProtobufBodies, JSONBody int // responses through the proxy, by content type
	GzipBodies               int // responses through the proxy the apiserver gzipped
}

// SyncCPU is the apiserver's CPU over the sync beyond its baseline rate.
func (r APIRun) SyncCPU() float64 {
	return r.Sync.CPU.Seconds() - r.Baseline.CPURate()*r.Sync.Seconds()
}

// SteadyCPUPerMin is the apiserver's CPU per minute of steady watching beyond its baseline rate.
func (r APIRun) SteadyCPUPerMin() float64 { return 60 * (r.Steady.CPURate() - r.Baseline.CPURate()) }

// BaselineNoisePerMin is how far apart the baseline's two halves are, in CPU seconds per minute:
// a steady figure smaller than this is not told apart from the apiserver's own work.
func (r APIRun) BaselineNoisePerMin() float64 {
	return 60 * math.Abs(r.BaselineHalves[0].CPURate()-r.BaselineHalves[1].CPURate())
}

// SyncRSSOver is the sync's peak RSS above the baseline's mean (MB).
func (r APIRun) SyncRSSOver() float64 { return mbSigned(r.SyncPeakRSS, r.Baseline.RSSMean) }

// SteadyRSSOver is the steady window's mean RSS above the baseline's mean (MB).
func (r APIRun) SteadyRSSOver() float64 { return mbSigned(r.Steady.RSSMean, r.Baseline.RSSMean) }

func mbSigned(a, b uint64) float64 { return (float64(a) - float64(b)) / 1e6 }

// APIResult is a whole `bench -apiserver` run.
type APIResult struct {
	Pods     int
	Interval time.Duration
	Runs     []APIRun
	Notes    []string
}

// Line is one line per variant.
func (r APIResult) Line() string {
	lines := make([]string, 0, len(r.Runs))
	for _, run := range r.Runs {
		v := run.Variant
		client := v.Client
		if v.Proxied && v.Encoding != "json" {
			client += "(proxied)"
		}
		lines = append(lines, fmt.Sprintf("bench-apiserver: pods=%d client=%s encoding=%s watchlist=%s sync_cpu_s=%.2f sync_peak_rss_mb=%.0f steady_cpu_s_per_min=%.2f sync_s=%.1f sync_rss_over_baseline_mb=%.0f steady_rss_over_baseline_mb=%.0f baseline_noise_cpu_s_per_min=%.2f",
			r.Pods, client, v.Encoding, onOff(v.WatchList), run.SyncCPU(), float64(run.SyncPeakRSS)/1e6, run.SteadyCPUPerMin(),
			run.Sync.Seconds(), run.SyncRSSOver(), run.SteadyRSSOver(), run.BaselineNoisePerMin()))
	}
	return strings.Join(lines, "\n")
}

// Table renders every variant in one table.
func (r APIResult) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kube-apiserver's cost per collector, pods=%d, collection interval %s; CPU beyond the apiserver's baseline rate measured just before each run\n\n", r.Pods, r.Interval)
	b.WriteString("| collector | encoding | watchlist | sync s | sync CPU s | sync peak RSS MB (over baseline) | steady CPU s/min | steady RSS over baseline MB | baseline CPU s/min (its halves differ by), RSS MB | LIST / WATCH / streamed lists | responses protobuf / json, gzipped (proxy) |\n")
	b.WriteString("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range r.Runs {
		v := run.Variant
		client := v.Client
		if v.Proxied && v.Encoding != "json" {
			client += " (proxied)"
		}
		bodies := "-"
		if v.ViaProxy() {
			bodies = fmt.Sprintf("%d / %d, %d", run.ProtobufBodies, run.JSONBody, run.GzipBodies)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.1f | %.2f | %.0f (%+.0f) | %.2f | %+.0f | %.2f (%.2f), %.0f | %.0f / %.0f / %.0f | %s |\n",
			client, v.Encoding, onOff(v.WatchList), run.Sync.Seconds(), run.SyncCPU(), float64(run.SyncPeakRSS)/1e6, run.SyncRSSOver(),
			run.SteadyCPUPerMin(), run.SteadyRSSOver(), 60*run.Baseline.CPURate(), run.BaselineNoisePerMin(), float64(run.Baseline.RSSMean)/1e6,
			run.Requests.List, run.Requests.Watch, run.Requests.WatchList, bodies)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nnote: %s", n)
	}
	if len(r.Notes) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}

// CheckRequests says whether the apiserver saw what the variant asked for: with WatchList off every
// initial list is a LIST and none is streamed; with it on, some are streamed.
func (r APIRun) CheckRequests() error {
	switch {
	case !r.Variant.WatchList && r.Requests.WatchList > 0:
		return fmt.Errorf("%s: the apiserver served %.0f streamed lists with WatchList off", r.Variant, r.Requests.WatchList)
	case !r.Variant.WatchList && r.Requests.List == 0:
		return fmt.Errorf("%s: the apiserver served no LIST with WatchList off", r.Variant)
	case r.Variant.WatchList && r.Requests.WatchList == 0:
		return fmt.Errorf("%s: the apiserver served no streamed list with WatchList on", r.Variant)
	}
	if r.Variant.ViaProxy() {
		want, got := "json", r.JSONBody
		wrong := r.ProtobufBodies
		if r.Variant.Encoding == "protobuf" {
			want, got, wrong = "protobuf", r.ProtobufBodies, r.JSONBody
		}
		if got == 0 || (want == "json" && wrong > 0) {
			return fmt.Errorf("%s: the proxy passed %d protobuf and %d JSON responses", r.Variant, r.ProtobufBodies, r.JSONBody)
		}
	}
	return nil
}
