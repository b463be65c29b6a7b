package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const ksmText = `# HELP kube_pod_owner [STABLE] Information about the Pod's owner.
# TYPE kube_pod_owner gauge
kube_pod_owner{namespace="shop",pod="web-1",uid="u1",owner_kind="",owner_name="",owner_is_controller=""} 1
kube_pod_owner{namespace="shop",pod="web-2",uid="u2",owner_kind="ReplicaSet",owner_name="web-6d9f8b7c4d",owner_is_controller="true"} 1
# HELP kube_pod_status_phase [STABLE] The pods current phase.
# TYPE kube_pod_status_phase gauge
kube_pod_status_phase{namespace="shop",pod="web-1",uid="u1",phase="Running"} 1
kube_pod_status_phase{namespace="shop",pod="web-2",uid="u2",phase="Running"} 0
kube_pod_status_phase{namespace="shop",pod="web-2",uid="u2",phase="Pending"} 1
`

// TestParseLikeAScrape: the job and instance target labels are added and empty-valued labels
// dropped, as Prometheus' scrape loop does, whatever the format.
func TestParseLikeAScrape(t *testing.T) {
	for _, ct := range []string{"text/plain; version=0.0.4; charset=utf-8", "application/openmetrics-text; version=1.0.0; charset=utf-8"} {
		body := ksmText
		if strings.HasPrefix(ct, "application/openmetrics-text") {
			body += "# EOF\n"
		}
		samples, err := Parse(Exposition{Body: []byte(body), ContentType: ct})
		if err != nil {
			t.Fatalf("%s: %v", ct, err)
		}
		if len(samples) != 5 {
			t.Fatalf("%s: %d samples, want 5", ct, len(samples))
		}
		got := samples[0].Labels.String()
		want := `{__name__="kube_pod_owner", instance="kube-state-metrics:8080", job="kube-state-metrics", namespace="shop", pod="web-1", uid="u1"}`
		if got != want {
			t.Errorf("%s: labels %s, want %s", ct, got, want)
		}
	}
}

// TestCompareRulesFindsDifferences: equal inputs give equal answers; one changed value or one label
// more is found.
func TestCompareRulesFindsDifferences(t *testing.T) {
	rules := []Rule{
		{Kind: "alerts", Name: "Pending", Expr: `kube_pod_status_phase{job="kube-state-metrics", phase="Pending"} == 1`},
		{Kind: "rules", Name: "NoOwner", Expr: `max by (namespace, pod) (kube_pod_owner{job="kube-state-metrics", owner_kind=""})`},
		{Kind: "rules", Name: "Changes", Expr: `changes(kube_pod_status_phase{job="kube-state-metrics"}[10m])`},
	}
	text := Exposition{Body: []byte(ksmText), ContentType: "text/plain; version=0.0.4"}
	at := time.Unix(1_800_000_000, 0)
	ctx := context.Background()

	c, err := CompareRules(ctx, t.TempDir(), rules, "same", []Exposition{text}, []Exposition{text}, at)
	if err != nil {
		t.Fatal(err)
	}
	if c.Equal != 3 || c.NonEmpty != 3 {
		t.Fatalf("%s; want 3 equal, 3 non-empty", c.Summary())
	}

	changed := Exposition{Body: []byte(strings.Replace(ksmText, `phase="Pending"} 1`, `phase="Pending"} 0`, 1)), ContentType: text.ContentType}
	c, err = CompareRules(ctx, t.TempDir(), rules, "value", []Exposition{text}, []Exposition{changed}, at)
	if err != nil {
		t.Fatal(err)
	}
	if c.Outcomes[0].Equal() || !c.Outcomes[1].Equal() {
		var b strings.Builder
		c.Details(&b, true)
		t.Fatalf("a changed value: %s\n%s", c.Summary(), b.String())
	}

	// An owner label with a value where KSM has an empty one: the series no longer matches owner_kind="".
	owned := Exposition{Body: []byte(strings.Replace(ksmText, `owner_kind="",owner_name=""`, `owner_kind="<none>",owner_name=""`, 1)), ContentType: text.ContentType}
	c, err = CompareRules(ctx, t.TempDir(), rules, "label", []Exposition{text}, []Exposition{owned}, at)
	if err != nil {
		t.Fatal(err)
	}
	if c.Outcomes[1].Equal() {
		t.Fatalf("a changed label went unnoticed: %s", c.Summary())
	}
}

// TestCompareRulesSeesTime: over a timeline of scrapes, a series that ends late (no staleness at
// the scrape that lost it on KSM's side), a counter that does not grow and a change seen one scrape
// late are each found; an expression empty on both sides is counted apart from those with answers.
func TestCompareRulesSeesTime(t *testing.T) {
	const ct = "text/plain; version=0.0.4"
	scrape := func(restarts int, pods ...string) Exposition {
		var b strings.Builder
		for _, p := range pods {
			fmt.Fprintf(&b, "kube_pod_info{namespace=\"shop\",pod=%q} 1\n", p)
		}
		fmt.Fprintf(&b, "kube_pod_container_status_restarts_total{namespace=\"shop\",pod=\"web-1\",container=\"c\"} %d\n", restarts)
		return Exposition{Body: []byte(b.String()), ContentType: ct}
	}
	rules := []Rule{
		{Kind: "probe", Name: "pods", Expr: `count(kube_pod_info{job="kube-state-metrics"})`},
		{Kind: "probe", Name: "increase", Expr: `increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[5m])`},
		{Kind: "probe", Name: "changes", Expr: `changes(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[10m])`},
		{Kind: "probe", Name: "nothing", Expr: `kube_node_info{job="kube-state-metrics"}`},
	}
	ksm := []Exposition{scrape(0, "web-1", "web-2"), scrape(1, "web-1"), scrape(2, "web-1")}
	at := time.Unix(1_800_000_000, 0)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		ours      []Exposition
		different []string
	}{
		{"same", ksm, nil},
		{"late end", []Exposition{ksm[0], scrape(1, "web-1", "web-2"), ksm[2]}, []string{"pods"}},
		{"flat counter", []Exposition{ksm[0], scrape(0, "web-1"), scrape(0, "web-1")}, []string{"increase", "changes"}},
		{"late change", []Exposition{ksm[0], scrape(0, "web-1"), ksm[2]}, []string{"increase", "changes"}},
	} {
		c, err := CompareRules(ctx, t.TempDir(), rules, tc.name, ksm, tc.ours, at)
		if err != nil {
			t.Fatal(err)
		}
		var different []string
		for _, o := range c.Outcomes {
			if !o.Equal() {
				different = append(different, o.Rule.Name)
			}
		}
		if !slices.Equal(different, tc.different) {
			var b strings.Builder
			c.Details(&b, true)
			t.Errorf("%s: different %v, want %v\n%s", tc.name, different, tc.different, b.String())
		}
		if c.Times != 3 || c.EmptyBoth != 1 || !c.Outcomes[3].EmptyBoth() || c.Outcomes[0].EmptyBoth() {
			t.Errorf("%s: %s; want 3 scrapes and only %q empty on both sides", tc.name, c.Summary(), "nothing")
		}
		if tc.name == "same" {
			if c.StaleKSM != 1 || c.Changing != 3 {
				t.Errorf("same: %s; want 1 staleness marker (web-2) and 3 expressions changing", c.Summary())
			}
		}
	}
}

// TestMixin evaluates every kubernetes-mixin expression of the rules file over kube-state-metrics
// v2.20.0 and over kubestate's Prometheus exporter, both on this test binary's control plane with the
// demo fixtures, and requires equal answers under both scrape protocol sets.
func TestMixin(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	rulesPath := RulesPath(root)
	rules, err := LoadRules(rulesPath)
	if err != nil {
		t.Fatalf("the kubernetes-mixin rules (part of the repository, see testdata/reference/README.md): %v", err)
	}
	bins, err := FindBinaries(root)
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	rc := testenv.RESTConfig(t)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := parity.WriteKubeconfig(rc, kubeconfig); err != nil {
		t.Fatal(err)
	}
	a, err := seed.NewApplier(rc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ApplyDir(ctx, filepath.Join(root, "testdata", "fixtures")); err != nil {
		t.Fatalf("applying the fixtures: %v", err)
	}
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := parity.EnsureEscapingProbe(ctx, kube); err != nil {
		t.Fatal(err)
	}

	// KUBESTATE_MIXIN_VIA=pull runs kubestate's side through the receiver's pull endpoint, =otlp
	// pushed over OTLP into Prometheus' OTLP write handler (make test runs the test all three ways,
	// each in its own process and so on its own control plane).
	via := os.Getenv("KUBESTATE_MIXIN_VIA")
	switch via {
	case "":
		via = parity.ViaPrometheus
	case parity.ViaPrometheus, parity.ViaPull, ViaOTLP:
	default:
		t.Fatalf("KUBESTATE_MIXIN_VIA=%q: want %q, %q or %q", via, parity.ViaPrometheus, parity.ViaPull, ViaOTLP)
	}
	// KUBESTATE_MIXIN_RESEND sets the receiver's resend_interval (make test runs it with 6s, three
	// cycles): the answers must not change when unchanged series are sent only on their heartbeat.
	opts := CaptureOptions{Via: via}
	if v := os.Getenv("KUBESTATE_MIXIN_RESEND"); v != "" {
		if opts.ResendInterval, err = time.ParseDuration(v); err != nil {
			t.Fatalf("KUBESTATE_MIXIN_RESEND=%q: %v", v, err)
		}
	}
	scrapes, err := CaptureScrapes(ctx, root, kubeconfig, dir, bins, kube, Timeline, opts, logWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if r := scrapes.Parity.Result; !r.OK() {
		t.Errorf("%s path: %s", scrapes.Parity.Via, r.Summary())
	}
	res, err := Evaluate(ctx, filepath.Join(dir, "tsdb"), append(rules.Rules, TimeProbes...), scrapes)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Comparisons {
		var b strings.Builder
		c.Details(&b, false)
		if c.Equal != c.Compared {
			t.Errorf("%s\n%s", c.Summary(), b.String())
		} else {
			t.Logf("%s\n%s", c.Summary(), b.String())
		}
		// The time probes exist to see the timeline: each must have answered differently over it.
		for _, o := range c.Outcomes {
			if o.Rule.Kind == "probe" && !o.Changing() {
				t.Errorf("%s: time probe %q gave the same answer at all %d scrapes: the timeline did not reach it", c.Protocols, o.Rule.Name, c.Times)
			}
		}
	}
	t.Log(res.Summary())
	if len(res.Unsettled) > 0 {
		t.Errorf("the two sides did not agree within %s after: %s", SettleLimit, strings.Join(res.Unsettled, "; "))
	}
	if !res.OK() {
		t.Fail()
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
