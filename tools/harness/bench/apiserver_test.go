package bench

import (
	"math"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseAPIVariants(t *testing.T) {
	vs, err := ParseAPIVariants(DefaultAPIVariants)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	if strings.Join(got, ",") != DefaultAPIVariants {
		t.Fatalf("round trip: %v, want %s", got, DefaultAPIVariants)
	}
	vs, err = ParseAPIVariants(" kubestate/protobuf/on/proxy , ksm/json/off")
	if err != nil {
		t.Fatal(err)
	}
	want := []APIVariant{{Client: "kubestate", Encoding: "protobuf", WatchList: true, Proxied: true}, {Client: "ksm", Encoding: "json"}}
	if len(vs) != 2 || vs[0] != want[0] || vs[1] != want[1] {
		t.Fatalf("got %+v, want %+v", vs, want)
	}
	if !vs[0].ViaProxy() || !vs[1].ViaProxy() {
		t.Error("a proxied protobuf variant and a json variant go through the proxy")
	}
	for in, field := range map[string]string{
		"prom/protobuf/on":             "client",
		"ksm/cbor/on":                  "encoding",
		"ksm/json/yes":                 "watchlist",
		"ksm/json":                     "client/encoding/watchlist",
		"ksm/json/on/direct":           "fourth field",
		"ksm/json/on,ksm/json/on":      "given twice",
		" , ":                          "no variant",
		"kubestate/protobuf/on/proxy/": "client/encoding/watchlist",
	} {
		if _, err := ParseAPIVariants(in); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: error %v, want one naming %q", in, err, field)
		}
	}
}

func TestAPIVariantEnvSwitchesWatchListBothWays(t *testing.T) {
	on := APIVariant{Client: "ksm", Encoding: "protobuf", WatchList: true}.Env()
	off := APIVariant{Client: "ksm", Encoding: "protobuf"}.Env()
	if len(on) != 1 || on[0] != "KUBE_FEATURE_WatchListClient=true" {
		t.Errorf("on: %v", on)
	}
	if len(off) != 1 || off[0] != "KUBE_FEATURE_WatchListClient=false" {
		t.Errorf("off: %v", off)
	}
}

func TestMeasureWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var samples []ProcSample
	for i := range 11 { // one per second, 0.5 s of CPU per second, RSS growing 1 MB per second
		samples = append(samples, ProcSample{At: t0.Add(time.Duration(i) * time.Second), CPU: time.Duration(i) * 500 * time.Millisecond, RSS: uint64(100+i) * 1e6})
	}
	w, err := MeasureWindow(samples, t0.Add(2*time.Second), t0.Add(6*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if w.CPU != 2*time.Second || w.CPURate() != 0.5 || w.Seconds() != 4 {
		t.Errorf("cpu %s rate %g over %g s, want 2s, 0.5, 4", w.CPU, w.CPURate(), w.Seconds())
	}
	if w.RSSMean != 104e6 || w.RSSMax != 106e6 {
		t.Errorf("rss mean %d max %d, want 104 MB and 106 MB", w.RSSMean, w.RSSMax)
	}
	if _, err := MeasureWindow(samples, t0.Add(-time.Second), t0.Add(time.Second)); err == nil {
		t.Error("a window starting before the first sample has no CPU reading at its start")
	}
}

func TestAPIRunSubtractsTheBaseline(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := APIRun{
		Baseline:    APIWindow{From: t0, To: t0.Add(60 * time.Second), CPU: 6 * time.Second, RSSMean: 500e6}, // 0.1 CPU-s/s
		Sync:        APIWindow{From: t0.Add(70 * time.Second), To: t0.Add(90 * time.Second), CPU: 12 * time.Second},
		Steady:      APIWindow{From: t0.Add(90 * time.Second), To: t0.Add(150 * time.Second), CPU: 9 * time.Second, RSSMean: 520e6},
		SyncPeakRSS: 700e6,
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(r.SyncCPU(), 12-0.1*20) {
		t.Errorf("sync cpu %g, want 10", r.SyncCPU())
	}
	if !near(r.SteadyCPUPerMin(), 9-6) {
		t.Errorf("steady cpu per min %g, want 3", r.SteadyCPUPerMin())
	}
	if !near(r.SyncRSSOver(), 200) || !near(r.SteadyRSSOver(), 20) {
		t.Errorf("rss over baseline: sync %g steady %g, want 200 and 20", r.SyncRSSOver(), r.SteadyRSSOver())
	}
	r.BaselineHalves = [2]APIWindow{{From: t0, To: t0.Add(30 * time.Second), CPU: 2 * time.Second}, {From: t0.Add(30 * time.Second), To: t0.Add(60 * time.Second), CPU: 4 * time.Second}}
	if !near(r.BaselineNoisePerMin(), 4) {
		t.Errorf("baseline noise %g, want 4 (halves at 4 and 8 CPU-s/min)", r.BaselineNoisePerMin())
	}
	r.Variant = APIVariant{Client: "kubestate", Encoding: "json", WatchList: true}
	line := APIResult{Pods: 1000, Runs: []APIRun{r}}.Line()
	want := "bench-apiserver: pods=1000 client=kubestate encoding=json watchlist=on sync_cpu_s=10.00 sync_peak_rss_mb=700 steady_cpu_s_per_min=3.00 "
	if !strings.HasPrefix(line, want) {
		t.Errorf("line\n%s\nwant prefix\n%s", line, want)
	}
	if tab := (APIResult{Pods: 1000, Runs: []APIRun{r, r}}).Table(); strings.Count(tab, "| kubestate | json | on |") != 2 {
		t.Errorf("table has no row per run:\n%s", tab)
	}
}

func TestParseAPIRequests(t *testing.T) {
	page := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="LIST",version="v1"} 3
apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="cluster",subresource="",verb="LIST",version="v1"} 2
apiserver_request_total{code="0",component="apiserver",dry_run="",group="",resource="pods",scope="cluster",subresource="",verb="WATCH",version="v1"} 7
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="status",verb="PUT",version="v1"} 900
apiserver_watch_list_duration_seconds_bucket{group="",resource="pods",scope="cluster",version="v1",le="0.05"} 1
apiserver_watch_list_duration_seconds_count{group="",resource="pods",scope="cluster",version="v1"} 4
apiserver_watch_list_duration_seconds_count{group="apps",resource="deployments",scope="cluster",version="v1"} 1
`
	got, err := ParseAPIRequests(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if got != (APIRequests{List: 5, Watch: 7, WatchList: 5}) {
		t.Errorf("got %+v, want LIST 5, WATCH 7, streamed lists 5", got)
	}
	if d := got.Sub(APIRequests{List: 1, Watch: 2, WatchList: 3}); d != (APIRequests{List: 4, Watch: 5, WatchList: 2}) {
		t.Errorf("sub: %+v", d)
	}
	if _, err := ParseAPIRequests(strings.NewReader(`apiserver_request_total{verb="LIST"} x` + "\n")); err == nil {
		t.Error("a counter without a number is an error")
	}
}

func TestKSMSyncedNeedsEveryPodAndAConfirmingScrape(t *testing.T) {
	page := "# HELP kube_pod_info x\nkube_pod_info{pod=\"a\"} 1\nkube_pod_info{pod=\"b\"} 1\nkube_node_info{node=\"n\"} 1\n\n"
	series, pods, err := CountKSMPage(strings.NewReader(page))
	if err != nil || series != 3 || pods != 2 {
		t.Fatalf("CountKSMPage: %d series, %d pods, %v; want 3, 2", series, pods, err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	scrapes := []KSMScrape{
		{Start: at(1), Series: 500, Pods: 0},     // nodes listed, pods not yet: stable but incomplete
		{Start: at(2), Series: 500, Pods: 0},     //
		{Start: at(3), Series: 90000, Pods: 999}, // every pod, but deployments still coming
		{Start: at(4), Series: 95000, Pods: 1000},
		{Start: at(5), Series: 95010, Pods: 1000},
	}
	if _, ok := KSMSynced(scrapes[:4], 1000, 0.005); ok {
		t.Error("synced before a scrape confirmed the series count")
	}
	got, ok := KSMSynced(scrapes, 1000, 0.005)
	if !ok || !got.Equal(at(4)) {
		t.Errorf("synced at %v (%v), want the start of the scrape at 4 s", got, ok)
	}
}

func TestCheckRequests(t *testing.T) {
	on := APIVariant{Client: "kubestate", Encoding: "protobuf", WatchList: true}
	off := APIVariant{Client: "kubestate", Encoding: "protobuf"}
	json := APIVariant{Client: "kubestate", Encoding: "json", WatchList: true}
	for _, c := range []struct {
		run  APIRun
		fail string
	}{
		{APIRun{Variant: on, Requests: APIRequests{List: 1, Watch: 20, WatchList: 19}}, ""},
		{APIRun{Variant: on, Requests: APIRequests{List: 20, Watch: 20}}, "no streamed list"},
		{APIRun{Variant: off, Requests: APIRequests{List: 20, Watch: 20}}, ""},
		{APIRun{Variant: off, Requests: APIRequests{List: 1, Watch: 20, WatchList: 19}}, "WatchList off"},
		{APIRun{Variant: json, Requests: APIRequests{Watch: 20, WatchList: 20}, JSONBody: 20}, ""},
		{APIRun{Variant: json, Requests: APIRequests{Watch: 20, WatchList: 20}, JSONBody: 19, ProtobufBodies: 1}, "1 protobuf"},
	} {
		err := c.run.CheckRequests()
		if (c.fail == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.fail)) {
			t.Errorf("%s %+v: error %v, want %q", c.run.Variant, c.run.Requests, err, c.fail)
		}
	}
}

// TestResetPeakRSS maps and touches 64 MB, unmaps it (VmRSS falls at once, VmHWM keeps the spike),
// then resets: the kernel reports the current RSS as the peak again.
func TestResetPeakRSS(t *testing.T) {
	const size = 64 << 20
	spike, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < size; i += 4096 {
		spike[i] = 1
	}
	if err := syscall.Munmap(spike); err != nil {
		t.Fatal(err)
	}
	before, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if before.HWM < before.RSS+48<<20 {
		t.Fatalf("the spike is not in VmHWM: %d MB, RSS %d MB", before.HWM>>20, before.RSS>>20)
	}
	if err := ResetPeakRSS(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	after, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after.HWM > after.RSS+16<<20 {
		t.Errorf("VmHWM %d MB after the reset, RSS %d MB (before: %d MB)", after.HWM>>20, after.RSS>>20, before.HWM>>20)
	}
}
