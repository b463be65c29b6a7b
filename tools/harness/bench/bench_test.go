package bench

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a parenthesis; utime=1234, stime=56 ticks.
	stat := "4242 (otelcol (kube) x) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 56 0 0 20 0 14 0 100 2000000 30000 18446744073709551615\n"
	total, sys, err := ParseStatCPU([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if total != 12900*time.Millisecond || sys != 560*time.Millisecond {
		t.Fatalf("total %s system %s, want 12.9s and 560ms", total, sys)
	}
	for _, bad := range []string{"", "12 (x) S 1 2", "12 (x) S 1 2 3 4 5 6 7 8 9 10 u s"} {
		if _, _, err := ParseStatCPU([]byte(bad)); err == nil {
			t.Errorf("ParseStatCPU(%q) accepted", bad)
		}
	}
}

func TestParseStatusMemory(t *testing.T) {
	status := "Name:\totelcol\nVmPeak:\t 2000000 kB\nVmHWM:\t  250000 kB\nVmRSS:\t  160000 kB\nRssAnon:\t  110000 kB\nRssFile:\t   50000 kB\nThreads:\t14\n"
	rss, hwm, anon, err := ParseStatusMemory([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if rss != 160000*1024 || hwm != 250000*1024 || anon != 110000*1024 {
		t.Fatalf("rss %d hwm %d anon %d", rss, hwm, anon)
	}
	if _, _, _, err := ParseStatusMemory([]byte("Name:\tx\nVmRSS:\t 1 kB\nRssAnon:\t 1 kB\n")); err == nil {
		t.Fatal("a status without VmHWM was accepted")
	}
	if _, _, _, err := ParseStatusMemory([]byte("Name:\tx\nVmRSS:\t 1 kB\nVmHWM:\t 1 kB\n")); err == nil {
		t.Fatal("a status without RssAnon was accepted")
	}
	if _, _, _, err := ParseStatusMemory([]byte("VmRSS:\t 1 MB\nVmHWM:\t 1 kB\nRssAnon:\t 1 kB\n")); err == nil {
		t.Fatal("a unit other than kB was accepted")
	}
}

func TestReadProcSelf(t *testing.T) {
	s, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS == 0 || s.HWM < s.RSS {
		t.Fatalf("implausible sample %+v", s)
	}
}

func TestCountSeries(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than the reader's buffer
	text := "# HELP a h\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 0\n\nb{l=\"" + long + "\"} 1\n# a comment\nc 3"
	series, n, err := CountSeries(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if series != 4 || n != len(text) {
		t.Fatalf("series %d bytes %d, want 4 and %d", series, n, len(text))
	}
}

func TestSummarizeAndLine(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	side := func(cpu []float64, rss []uint64, hwm uint64, points []int) *Side {
		s := &Side{Started: t0}
		for i := range cpu {
			s.Samples = append(s.Samples, ProcSample{At: at(float64(i * 10)), CPU: time.Duration(cpu[i] * float64(time.Second)), RSS: rss[i], HWM: hwm})
		}
		for i, p := range points {
			s.Deliveries = append(s.Deliveries, Delivery{Start: at(float64(i*10) + 5), End: at(float64(i*10) + 6), Points: p})
		}
		return s
	}
	// Samples at 0,10,...,40 s; deliveries at 5,15,25,35 s; steady window 10..40 s.
	ksm := side([]float64{0, 2, 4, 6, 8}, []uint64{100, 400, 400, 400, 400}, 500, []int{10, 1000, 1000, 1000})
	ks := side([]float64{0, 1, 2, 3.5, 5}, []uint64{50, 150, 200, 150, 200}, 180, []int{1000, 1000, 999, 1001})
	from, to := at(10), at(40)
	r := Result{Pods: 7, Interval: 10 * time.Second, SteadyFrom: from, EndedAt: to}
	r.KSM = Summarize(ksm, from, to, 1000, 0.005)
	r.Kubestate = Summarize(ks, from, to, 1000, 0.005)
	if r.KSM.CPUTotal != 8*time.Second || r.KSM.CPUSteady != 6*time.Second || r.KSM.Cycles != 3 || r.KSM.PerCycle != 1000 {
		t.Fatalf("ksm summary %+v", r.KSM)
	}
	if r.KSM.FirstComplete != 16*time.Second || r.Kubestate.FirstComplete != 6*time.Second {
		t.Fatalf("first complete: ksm %s kubestate %s", r.KSM.FirstComplete, r.Kubestate.FirstComplete)
	}
	if r.Kubestate.RSSSteady != 175 || r.Kubestate.RSSSteadyMax != 200 || r.Kubestate.PeakStartup != 180 {
		t.Fatalf("kubestate memory %+v", r.Kubestate)
	}
	want := "bench: pods=7 series_ksm=1000 points_kubestate=1000 cpu_ratio=0.62 rss_ratio=0.44 peak_rss_ratio=0.36 first_export_s=6.0"
	if got := r.Line(); got != want {
		t.Fatalf("line\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(r.Table(), "| CPU total") {
		t.Fatal("table lacks the CPU row")
	}
}
