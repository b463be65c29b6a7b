package distribution

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/testenv"
	child "github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// TestPullStuckScrapers is the seed's scenario on the pull path: kube-state-metrics v2.20.0 and the
// distribution serving the receiver's own pull endpoint (pull.endpoint, push: false) run side by
// side on a synthetic cluster; ten clients per side send GET /metrics and never read, for longer
// than the endpoint's write_timeout. While they hang:
//
//   - the collector's RSS grows by at most KSM's growth in the same run plus 50 MiB (each stuck
//     scrape holds the shared page it started on, never a copy);
//   - a normal scraper sees every state change within two collection intervals;
//
// and after the write timeout every stuck scrape has been cut (otelcol_kubestate_pull_scrapes_cut)
// and the collector's goroutines are back to their count before the clients came.
//
// Pods: 1,000 in the short form, 10,000 under -tags reliability; KUBESTATE_PULL_PODS overrides.
func TestPullStuckScrapers(t *testing.T) {
	pods := 1000
	if long {
		pods = 10000
	}
	if v := os.Getenv("KUBESTATE_PULL_PODS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("KUBESTATE_PULL_PODS=%q: want a positive number", v)
		}
		pods = n
	}
	const (
		interval     = 5 * time.Second
		writeTimeout = 10 * time.Second
		stuck        = 10
	)
	kubeconfig, cs := seededCluster(t)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	sz := seed.Size{Pods: pods, Nodes: max(1, pods/100), Namespaces: 20, Deployments: max(20, pods/10)}
	// The tests after this one share the control plane and expect the fixture cluster's size.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := seed.RemoveSynthetic(ctx, cs, sz); err != nil {
			t.Errorf("removing the synthetic cluster: %v", err)
		}
	})
	if err := seed.Synthetic(ctx, cs, sz, logWriter{t}); err != nil {
		t.Fatal(err)
	}

	// kube-state-metrics with its defaults (no gzip, 60 s server write timeout).
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	ksmPort, ksmTel := freePort(t), freePort(t)
	ksm, err := child.Start("kube-state-metrics", filepath.Join(bin, "kube-state-metrics"), filepath.Join(t.TempDir(), "ksm.log"), nil,
		"--kubeconfig="+kubeconfig, "--host=127.0.0.1", "--port="+strconv.Itoa(ksmPort),
		"--telemetry-host=127.0.0.1", "--telemetry-port="+strconv.Itoa(ksmTel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ksm.Stop(10 * time.Second) })
	ksmURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", ksmPort)

	pullAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := startCollector(t, "collector", fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: %s
    pull:
      endpoint: %s
      write_timeout: %s
    push: false
exporters:
  nop:
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [nop]
`, kubeconfig, interval, pullAddr, writeTimeout))
	p.awaitUp(3 * time.Minute)
	pullURL := "http://" + pullAddr + "/metrics"

	// Both serve every synthetic pod.
	var ksmPage, ourPage string
	for _, side := range []struct {
		name, url string
		page      *string
	}{{"kube-state-metrics", ksmURL, &ksmPage}, {"the pull endpoint", pullURL, &ourPage}} {
		waitFor(t, 5*time.Minute, side.name+" serves every synthetic pod", func() (bool, string) {
			if ksm.Exited() {
				t.Fatalf("kube-state-metrics exited: %s", ksm.Tail(20))
			}
			text, err := get(side.url)
			if err != nil {
				return false, err.Error()
			}
			*side.page = text
			n := strings.Count(text, "\nkube_pod_info{")
			return n >= pods, fmt.Sprintf("%d kube_pod_info series", n)
		})
	}
	ksmRSS := func() int { return procStatus(ksm.PID(), "VmRSS") }
	base := p.measure(3)
	ksmBase := ksmRSS()
	t.Logf("figures: %d pods; pages: kube-state-metrics %d bytes, pull endpoint %d bytes; before the stuck clients: collector %s, kube-state-metrics rss=%.1fMiB",
		pods, len(ksmPage), len(ourPage), base, float64(ksmBase)/1024)

	ksmClients := openHungClients(t, fmt.Sprintf("127.0.0.1:%d", ksmPort), stuck)
	ourClients := openHungClients(t, pullAddr, stuck)
	waitFor(t, 30*time.Second, "every client stuck mid-response on both sides", func() (bool, string) {
		k, kd := ksmClients.stuck(len(ksmPage))
		o, od := ourClients.stuck(len(ourPage))
		return k == stuck && o == stuck, fmt.Sprintf("kube-state-metrics %d (%s), pull endpoint %d (%s)", k, kd, o, od)
	})
	held := time.Now()

	// Hold them past the write timeout, sampling both processes' RSS, while the cluster changes.
	sc := newStateChanger(t, cs, fmt.Sprintf("pull-%d", time.Now().UnixNano()%1e6))
	peak, ksmPeak := base.rssKB, ksmBase
	sampleRSS := func() {
		peak, ksmPeak = max(peak, p.rssKB()), max(ksmPeak, ksmRSS())
	}
	changes, maxSeen := 0, time.Duration(0)
	for time.Since(held) < writeTimeout+2*interval {
		check, desc := sc.change(t)
		changes++
		seen := waitFor(t, 2*interval+3*time.Second, "a normal scrape sees "+desc, func() (bool, string) {
			sampleRSS()
			text, err := get(pullURL)
			if err != nil {
				return false, err.Error()
			}
			ok, _ := check(text)
			return ok, "not yet"
		})
		maxSeen = max(maxSeen, seen)
	}
	sampleRSS()
	if n, _ := ksmClients.stuck(len(ksmPage)); n != stuck {
		t.Logf("only %d of %d kube-state-metrics clients still stuck at the end", n, stuck)
	}

	growth, ksmGrowth := peak-base.rssKB, ksmPeak-ksmBase
	t.Logf("figures: %d stuck clients each, held %s: peak RSS growth collector %+.1fMiB, kube-state-metrics %+.1fMiB; %d changes, each seen by a normal scrape within %s (interval %s)",
		stuck, time.Since(held).Round(time.Second), float64(growth)/1024, float64(ksmGrowth)/1024, changes, maxSeen.Round(time.Millisecond), interval)
	if growth > ksmGrowth+50<<10 {
		t.Errorf("the collector's RSS grew by %.1f MiB with %d stuck scrapers, kube-state-metrics' by %.1f MiB: want at most KSM's + 50 MiB",
			float64(growth)/1024, stuck, float64(ksmGrowth)/1024)
	}

	// Every stuck scrape cut by the write timeout, and nothing of them left.
	waitFor(t, writeTimeout+10*time.Second, "the write timeout cuts every stuck scrape", func() (bool, string) {
		text, err := get(p.telemetry)
		if err != nil {
			return false, err.Error()
		}
		cut, _ := sum(text, "otelcol_kubestate_pull_scrapes_cut")
		return cut >= stuck, fmt.Sprintf("otelcol_kubestate_pull_scrapes_cut=%v", cut)
	})
	if text, err := get(p.telemetry); err == nil {
		// The telemetry exporter may add unit suffixes: match the stems.
		stem := func(prefix, suffix string) float64 {
			for line := range strings.SplitSeq(text, "\n") {
				name, rest, _ := strings.Cut(line, " ")
				if strings.HasPrefix(name, prefix) && strings.HasSuffix(strings.Split(name, "{")[0], suffix) {
					v, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
					return v
				}
			}
			return 0
		}
		secs := stem("otelcol_kubestate_pull_render_duration", "_sum")
		n := stem("otelcol_kubestate_pull_render_duration", "_count")
		size := stem("otelcol_kubestate_pull_page_bytes", "")
		t.Logf("figures: %v pages rendered, %.3f s each on average, %.1f MB of text each", n, secs/max(n, 1), size/1e6)
	}
	after := p.measure(3)
	t.Logf("figures: after the write timeout: %s (goroutines %+d vs. before the clients)", after, after.goroutines-base.goroutines)
	if after.goroutines > base.goroutines+5 {
		t.Errorf("goroutines not back to baseline after the write timeout: %d before the stuck clients, %d after", base.goroutines, after.goroutines)
	}
}

// logWriter sends seeding progress to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
