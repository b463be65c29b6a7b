package parity

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

const ksmText = `# HELP kube_pod_info [STABLE] Information about pod.
# TYPE kube_pod_info gauge
kube_pod_info{namespace="shop",pod="web-1",uid="u1",node="n1"} 1
kube_pod_info{namespace="shop",pod="web-2",uid="u2",node="n1"} 1
# HELP kube_pod_container_status_restarts_total [STABLE] The number of container restarts per container.
# TYPE kube_pod_container_status_restarts_total counter
kube_pod_container_status_restarts_total{namespace="shop",pod="web-1",uid="u1",container="c"} 3
# HELP kube_pod_created [STABLE] Unix creation timestamp
# TYPE kube_pod_created gauge
kube_pod_created{namespace="shop",pod="web-1",uid="u1"} 1.7e+09
`

// ours builds our side of the series above, in pdata as the engine exports it.
func ours(t *testing.T, mutate func(pmetric.MetricSlice)) *Set {
	t.Helper()
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	info := ms.AppendEmpty()
	info.SetName("kube_pod_info")
	info.SetDescription("[STABLE] Information about pod.")
	g := info.SetEmptyGauge()
	for _, p := range [][2]string{{"web-2", "u2"}, {"web-1", "u1"}} { // another order than KSM's
		dp := g.DataPoints().AppendEmpty()
		dp.Attributes().PutStr("node", "n1") // another label order too
		dp.Attributes().PutStr("namespace", "shop")
		dp.Attributes().PutStr("pod", p[0])
		dp.Attributes().PutStr("uid", p[1])
		dp.SetDoubleValue(1)
	}
	restarts := ms.AppendEmpty()
	restarts.SetName("kube_pod_container_status_restarts_total")
	restarts.SetDescription("[STABLE] The number of container restarts per container.")
	sum := restarts.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := sum.DataPoints().AppendEmpty()
	dp.Attributes().PutStr("namespace", "shop")
	dp.Attributes().PutStr("pod", "web-1")
	dp.Attributes().PutStr("uid", "u1")
	dp.Attributes().PutStr("container", "c")
	dp.SetDoubleValue(3)
	created := ms.AppendEmpty()
	created.SetName("kube_pod_created")
	created.SetDescription("[STABLE] Unix creation timestamp")
	dp = created.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("namespace", "shop")
	dp.Attributes().PutStr("pod", "web-1")
	dp.Attributes().PutStr("uid", "u1")
	dp.SetDoubleValue(1.7e9)
	if mutate != nil {
		mutate(ms)
	}
	set := NewSet()
	require.NoError(t, set.AddMetrics(md))
	return set
}

func parseKSM(t *testing.T, text string) *Set {
	t.Helper()
	set, err := ParseText(strings.NewReader(text))
	require.NoError(t, err)
	return set
}

func family(r *Result, name string) FamilyResult {
	for _, f := range r.Families {
		if f.Name == name {
			return f
		}
	}
	return FamilyResult{Name: name}
}

func TestParseText(t *testing.T) {
	set := parseKSM(t, `# HELP kube_x Help with a \\ backslash and a \n newline.
# TYPE kube_x gauge
# a plain comment
kube_x{a="q\"uote",b="back\\slash",c="new\nline",d=""} 1
kube_x{ a = "spaced" , } -Inf 1700000000000
kube_y 2.5e-3
kube_z{} NaN
`)
	require.Len(t, set.Series, 4)
	assert.Equal(t, FamilyMeta{Type: "gauge", Help: "Help with a \\ backslash and a \n newline."}, set.Families["kube_x"])
	assert.Equal(t, []Label{{"a", `q"uote`}, {"b", `back\slash`}, {"c", "new\nline"}, {"d", ""}}, set.Series[0].Labels)
	assert.Equal(t, `kube_x{a="q\"uote",b="back\\slash",c="new\nline",d=""}`, set.Series[0].Key())
	assert.Equal(t, []Label{{"a", "spaced"}}, set.Series[1].Labels)
	assert.True(t, math.IsInf(set.Series[1].Value, -1))
	assert.Equal(t, Series{Name: "kube_y", Value: 0.0025}, set.Series[2])
	assert.True(t, math.IsNaN(set.Series[3].Value))

	for _, bad := range []string{`kube_x{a="1"`, `kube_x{a=1} 1`, `kube_x{a="1"} one`, `kube_x{a="1} 1`, `kube_x`} {
		_, err := ParseText(strings.NewReader(bad + "\n"))
		assert.Error(t, err, bad)
	}
}

func TestAddMetricsTypes(t *testing.T) {
	set := ours(t, nil)
	assert.Equal(t, "gauge", set.Families["kube_pod_info"].Type)
	assert.Equal(t, "counter", set.Families["kube_pod_container_status_restarts_total"].Type)
	assert.Equal(t, "[STABLE] Information about pod.", set.Families["kube_pod_info"].Help)
	// Attributes come out sorted by key, like KSM's labels after parsing.
	assert.Equal(t, `kube_pod_info{namespace="shop",node="n1",pod="web-2",uid="u2"}`, set.Series[0].Key())
}

func TestCompareIdentical(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, nil), nil)
	assert.True(t, r.OK(), "%+v", r)
	assert.Equal(t, 4, r.Total)
	assert.Equal(t, 4, r.Matched)
	assert.Empty(t, r.MetaDiffs)
	assert.Equal(t, "parity: 100.00% of kube-state-metrics series matched (4/4), extra=0", r.Summary())
}

func TestCompareDetectsMissingSeries(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(0).Gauge().DataPoints().RemoveIf(func(dp pmetric.NumberDataPoint) bool {
			v, _ := dp.Attributes().Get("pod")
			return v.Str() == "web-2"
		})
	}), nil)
	assert.False(t, r.OK())
	f := family(r, "kube_pod_info")
	assert.Equal(t, 2, f.Total)
	assert.Equal(t, 1, f.Matched)
	assert.Equal(t, 1, f.Missing)
	assert.Equal(t, 0, f.Extra)
	require.Len(t, f.MissingSeries, 1)
	assert.Equal(t, `kube_pod_info{namespace="shop",node="n1",pod="web-2",uid="u2"} 1`, f.MissingSeries[0].String())
	assert.Equal(t, "parity: 75.00% of kube-state-metrics series matched (3/4), extra=0", r.Summary())
	assert.Len(t, r.Failing(), 1)
}

func TestCompareDetectsExtraSeries(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		dp := ms.At(0).Gauge().DataPoints().AppendEmpty()
		dp.Attributes().PutStr("namespace", "shop")
		dp.Attributes().PutStr("pod", "web-3")
		dp.Attributes().PutStr("uid", "u3")
		dp.Attributes().PutStr("node", "n1")
		dp.SetDoubleValue(1)
		// A family KSM does not have at all is extra too.
		m := ms.AppendEmpty()
		m.SetName("kube_pod_bogus")
		dp = m.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetDoubleValue(1)
	}), nil)
	assert.False(t, r.OK())
	assert.Equal(t, 4, r.Matched)
	assert.Equal(t, 2, r.Extra)
	assert.Equal(t, 1, family(r, "kube_pod_info").Extra)
	assert.Equal(t, 1, family(r, "kube_pod_bogus").Extra)
	assert.Equal(t, "parity: 100.00% of kube-state-metrics series matched (4/4), extra=2", r.Summary())
	require.Len(t, r.MetaDiffs, 1)
	assert.True(t, r.MetaDiffs[0].KSMMissing)
}

func TestCompareDetectsDifferingValue(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(1).Sum().DataPoints().At(0).SetDoubleValue(4)
	}), nil)
	assert.False(t, r.OK())
	f := family(r, "kube_pod_container_status_restarts_total")
	assert.Equal(t, 1, f.Differing)
	assert.Equal(t, 0, f.Missing)
	assert.Equal(t, 0, f.Extra)
	require.Len(t, f.DifferingSeries, 1)
	assert.Equal(t, 3.0, f.DifferingSeries[0].KSM.Value)
	assert.Equal(t, 4.0, f.DifferingSeries[0].Ours.Value)
	assert.Contains(t, FamilyDetails(f), "kube-state-metrics=3 kubestate=4")
}

func TestCompareDetectsDifferingLabelValue(t *testing.T) {
	// A label value that differs is a missing series plus an extra one.
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(0).Gauge().DataPoints().At(0).Attributes().PutStr("node", "n2")
	}), nil)
	f := family(r, "kube_pod_info")
	assert.Equal(t, 1, f.Missing)
	assert.Equal(t, 1, f.Extra)
	assert.Equal(t, 1, f.Matched)
}

func TestCompareFloatsExactly(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(2).Gauge().DataPoints().At(0).SetDoubleValue(math.Nextafter(1.7e9, 2e9))
	}), nil)
	assert.Equal(t, 1, family(r, "kube_pod_created").Differing)
}

func TestCompareTolerance(t *testing.T) {
	ksm := parseKSM(t, "kube_lease_renew_time{lease=\"a\"} 1000\nkube_lease_renew_time{lease=\"b\"} 1000\n")
	our := parseKSM(t, "kube_lease_renew_time{lease=\"a\"} 1010\nkube_lease_renew_time{lease=\"b\"} 1500\n")
	r := Compare(ksm, our, map[string]Tolerance{"kube_lease_renew_time": {Abs: 60}})
	f := family(r, "kube_lease_renew_time")
	assert.Equal(t, 1, f.Matched)
	assert.Equal(t, 1, f.Differing)
	require.NotNil(t, f.Tolerance)
	// Without a tolerance both differ.
	assert.Equal(t, 2, family(Compare(ksm, our, map[string]Tolerance{}), "kube_lease_renew_time").Differing)

	// The harness's tolerance covers kube-apiserver's own lease only; fixture leases compare exactly.
	ksm = parseKSM(t, `kube_lease_renew_time{lease="apiserver-abc",namespace="kube-system"} 1000
kube_lease_renew_time{lease="kube-scheduler",namespace="kube-system"} 1000
`)
	our = parseKSM(t, `kube_lease_renew_time{lease="apiserver-abc",namespace="kube-system"} 1010
kube_lease_renew_time{lease="kube-scheduler",namespace="kube-system"} 1001
`)
	f = family(Compare(ksm, our, TimeDerived), "kube_lease_renew_time")
	assert.Equal(t, 1, f.Matched)
	require.Len(t, f.DifferingSeries, 1)
	assert.Equal(t, "kube-scheduler", f.DifferingSeries[0].KSM.Label("lease"))
}

func TestCompareDuplicatesAsMultiset(t *testing.T) {
	ksm := parseKSM(t, "kube_x{a=\"1\"} 1\nkube_x{a=\"1\"} 1\nkube_x{a=\"1\"} 2\nkube_y NaN\n")
	our := parseKSM(t, "kube_x{a=\"1\"} 2\nkube_x{a=\"1\"} 1\nkube_y NaN\n")
	r := Compare(ksm, our, nil)
	assert.Equal(t, 2, family(r, "kube_x").Matched)
	assert.Equal(t, 1, family(r, "kube_x").Missing)
	assert.Equal(t, 1, family(r, "kube_y").Matched, "NaN matches NaN")

	our = parseKSM(t, "kube_x{a=\"1\"} 2\nkube_x{a=\"1\"} 1\nkube_x{a=\"1\"} 1\nkube_x{a=\"1\"} 1\n")
	r = Compare(ksm, our, nil)
	assert.Equal(t, 1, family(r, "kube_x").Extra)
}

func TestCompareMetadata(t *testing.T) {
	r := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(2).SetDescription("Unix creation timestamp")
		s := ms.At(1).Sum()
		s.SetIsMonotonic(false)
	}), nil)
	assert.True(t, r.OK(), "metadata does not change the series comparison")
	require.Len(t, r.MetaDiffs, 2)
	assert.Contains(t, r.MetaDiffs[0].String(), `type "gauge", kube-state-metrics "counter"`)
	assert.Contains(t, r.MetaDiffs[1].String(), `help "Unix creation timestamp"`)
}

func TestPercent(t *testing.T) {
	assert.Equal(t, "100.00", Percent(5, 5))
	assert.Equal(t, "100.00", Percent(0, 0))
	assert.Equal(t, "99.99", Percent(99999, 100000), "never rounded up to 100")
	assert.Equal(t, "33.33", Percent(1, 3))
	assert.Equal(t, "parity: 50.00% of kube-state-metrics series matched (1/2), extra=3", SummaryLine(1, 2, 3))
}

func TestWriteReport(t *testing.T) {
	ok := Compare(parseKSM(t, ksmText), ours(t, nil), nil)
	bad := Compare(parseKSM(t, ksmText), ours(t, func(ms pmetric.MetricSlice) {
		ms.At(1).Sum().DataPoints().At(0).SetDoubleValue(4)
	}), nil)
	var b bytes.Buffer
	require.NoError(t, WriteReport(&b, ReportHeader{Fixtures: "testdata/fixtures"}, []Run{
		{Name: "default", KSMArgs: nil, Result: ok},
		{Name: "allowlists", KSMArgs: []string{"--metric-opt-in-list=x"}, Result: bad},
	}))
	out := b.String()
	assert.Contains(t, out, "| kube_pod_info | 2 | 2 | 0 | 0 | 0 | ok |")
	assert.Contains(t, out, "| kube_pod_container_status_restarts_total | 1 | 0 | 0 | 0 | 1 | **DIFF** |")
	assert.Contains(t, out, "| kube_lease_renew_time | `namespace=\"kube-system\", lease=\"apiserver-*\"` (others exactly) | ±120s |")
	assert.Contains(t, out, "- kube-state-metrics flags: none (its defaults)")
	assert.Contains(t, out, "`--metric-opt-in-list=x`")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	assert.Equal(t, "parity: 87.50% of kube-state-metrics series matched (7/8), extra=0", lines[len(lines)-1])
}

func TestKSMArgs(t *testing.T) {
	cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
	args, err := KSMArgs(cfg)
	require.NoError(t, err)
	assert.Empty(t, args, "the default config is KSM without flags")

	cfg.Resources = []string{"pods", "nodes"}
	cfg.Namespaces = []string{"a", "b"}
	cfg.NamespacesDenylist = []string{"b"}
	cfg.MetricDenylist = []string{"^kube_secret_.*", "kube_.*_created$"}
	cfg.MetricOptInList = []string{"kube_pod_nodeselectors"}
	cfg.MetricLabelsAllowlist = map[string][]string{"pods": {"app", "app.kubernetes.io/*"}, "*": {"team"}, "nodes": {}}
	cfg.MetricAnnotationsAllowlist = map[string][]string{"pods": {"*"}}
	args, err = KSMArgs(cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"--resources=pods,nodes",
		"--namespaces=a,b",
		"--namespaces-denylist=b",
		"--metric-denylist=^kube_secret_.*,kube_.*_created$",
		"--metric-opt-in-list=kube_pod_nodeselectors",
		"--metric-labels-allowlist=*=[team],nodes=[],pods=[app,app.kubernetes.io/*]",
		"--metric-annotations-allowlist=pods=[*]",
	}, args)

	cfg.MetricDenylist = []string{"kube_pod_(a|b){1,2}"}
	_, err = KSMArgs(cfg)
	assert.ErrorContains(t, err, "comma")
	cfg.MetricDenylist = nil
	cfg.MetricLabelsAllowlist = map[string][]string{"pods": {"a]b"}}
	_, err = KSMArgs(cfg)
	assert.ErrorContains(t, err, "flag syntax")
}

func TestLoadConfig(t *testing.T) {
	dir := testenv.RepoPath(t, "testdata", "parity")
	def, err := LoadConfig(filepath.Join(dir, "default.yaml"))
	require.NoError(t, err)
	assert.Equal(t, kubestatereceiver.NewFactory().CreateDefaultConfig(), def)

	al, err := LoadConfig(filepath.Join(dir, "allowlists.yaml"))
	require.NoError(t, err)
	assert.Contains(t, al.MetricLabelsAllowlist, "*")
	assert.Contains(t, al.MetricLabelsAllowlist["*"], "app.kubernetes.io/*")
	assert.NotEmpty(t, al.MetricAnnotationsAllowlist)
	assert.NotEmpty(t, al.MetricDenylist)
	assert.ElementsMatch(t, []string{"kube_pod_nodeselectors", "kube_persistentvolume_csi_attributes"}, al.MetricOptInList)
	al.AuthType = kubestatereceiver.AuthKubeConfig
	require.NoError(t, al.Validate())
	_, err = KSMArgs(al)
	require.NoError(t, err)

	all, err := LoadConfig(filepath.Join(dir, "all-resources.yaml"))
	require.NoError(t, err)
	assert.ElementsMatch(t, resources.Names(), all.Resources, "all-resources.yaml names every resource")
	assert.Equal(t, map[string][]string{"*": {"*"}}, all.MetricLabelsAllowlist)
	assert.Equal(t, map[string][]string{"*": {"*"}}, all.MetricAnnotationsAllowlist)
	all.AuthType = kubestatereceiver.AuthKubeConfig
	require.NoError(t, all.Validate())
	args, err := KSMArgs(all)
	require.NoError(t, err)
	assert.Contains(t, args, "--metric-labels-allowlist=*=[*]")
	assert.Contains(t, args, "--metric-annotations-allowlist=*=[*]")

	tmp := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(tmp, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	c, err := LoadConfig(write("wrapped.yaml", "kubestate:\n  namespaces: [a]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, c.Namespaces)
	c, err = LoadConfig(write("collector.yaml", "receivers:\n  kubestate:\n    namespaces: [b]\nexporters: {}\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, c.Namespaces)
	_, err = LoadConfig(write("typo.yaml", "namespace: [a]\n"))
	assert.Error(t, err, "unknown keys are refused")
}

func TestResourcesWithoutSeries(t *testing.T) {
	r := &Result{Families: []FamilyResult{
		{Name: "kube_pod_info", Total: 2, Matched: 2},
		{Name: "kube_node_info", Total: 0, Extra: 1}, // only our side: not covered
	}}
	missing := ResourcesWithoutSeries(r)
	assert.NotContains(t, missing, "pods")
	assert.Contains(t, missing, "nodes")
	assert.Len(t, missing, len(resources.All)-1)
}

// TestKSMArgsCustomResourceState: a file is passed by absolute path as
// --custom-resource-state-config-file, an inline config (string or mapping) as
// --custom-resource-state-config, and custom_resource_state_only as --custom-resource-state-only.
func TestKSMArgsCustomResourceState(t *testing.T) {
	cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
	cfg.CustomResourceStateFile, cfg.CustomResourceStateOnly = "crs.yaml", true
	args, err := KSMArgs(cfg)
	require.NoError(t, err)
	abs, _ := filepath.Abs("crs.yaml")
	assert.Equal(t, []string{"--custom-resource-state-config-file=" + abs, "--custom-resource-state-only"}, args)

	cfg.CustomResourceStateFile, cfg.CustomResourceStateOnly = "", false
	cfg.CustomResourceState = map[string]any{"spec": map[string]any{"resources": []any{}}}
	args, err = KSMArgs(cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{"--custom-resource-state-config=spec:\n    resources: []\n"}, args)
}

// TestCompareMetadataHelpTrailingBlank: a help text's trailing blank, which a text page loses, is
// no metadata difference; a type difference is.
func TestCompareMetadataHelpTrailingBlank(t *testing.T) {
	ksm, err := ParseText(strings.NewReader("# HELP b y \n# TYPE b gauge\nb{s=\"x\"} 1\n# HELP c z\n# TYPE c counter\nc 1\n"))
	require.NoError(t, err)
	ours := NewSet()
	for _, s := range ksm.Series {
		ours.add(s.Name, s.Labels, s.Value)
	}
	ours.Families["b"] = FamilyMeta{Type: "gauge", Help: "y "}
	ours.Families["c"] = FamilyMeta{Type: "gauge", Help: "z"}
	r := Compare(ksm, ours, nil)
	require.Len(t, r.MetaDiffs, 1, "only the counter shown as a gauge differs")
	assert.Equal(t, "c", r.MetaDiffs[0].Family)
}
