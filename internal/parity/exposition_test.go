package parity

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const exporterText = `# HELP kube_pod_container_status_restarts_total [STABLE] The number of container restarts per container.
# TYPE kube_pod_container_status_restarts_total counter
kube_pod_container_status_restarts_total{container="c",namespace="shop",pod="web-1",uid="u1"} 3
# HELP kube_pod_created [STABLE] Unix creation timestamp
# TYPE kube_pod_created gauge
kube_pod_created{namespace="shop",pod="web-1",uid="u1"} 1.7e+09
# HELP kube_pod_info [STABLE] Information about pod.
# TYPE kube_pod_info gauge
kube_pod_info{namespace="shop",node="n1",pod="web-1",uid="u1"} 1
kube_pod_info{namespace="shop",node="n1",pod="web-2",uid="u2"} 1
`

func TestCompareExpositionUpToLabelOrder(t *testing.T) {
	r, err := CompareExposition([]byte(ksmText), []byte(exporterText), nil)
	require.NoError(t, err)
	assert.True(t, r.OK(), r.Summary())
	assert.Equal(t, 4, r.Identical)
	assert.Equal(t, 1, r.ByteIdentical) // kube_pod_created: same order on both sides
	assert.Equal(t, 3, r.Reordered)
}

func TestCompareExpositionFindsByteDifferences(t *testing.T) {
	const ksm = `# HELP kube_namespace_annotations Kubernetes annotations converted to Prometheus labels.
# TYPE kube_namespace_annotations gauge
kube_namespace_annotations{namespace="a",annotation_x="q\"b\\n\n",annotation_empty=""} 1
# HELP kube_pod_labels [STABLE] Kubernetes labels converted to Prometheus labels.
# TYPE kube_pod_labels gauge
# HELP kube_node_info [STABLE] Information about a cluster node.
# TYPE kube_node_info gauge
kube_node_info{node="n1"} 1
kube_node_created{node="n1"} 1.7e+09
`
	// The exporter: another escaping of the same value, the empty label dropped, another HELP, a
	// value written differently, an extra target_info.
	const ours = `# HELP kube_namespace_annotations Kubernetes annotations converted to Prometheus labels.
# TYPE kube_namespace_annotations gauge
kube_namespace_annotations{annotation_x="q\u0022b\\n\n",namespace="a"} 1
# HELP kube_node_info Information about a cluster node.
# TYPE kube_node_info gauge
kube_node_info{node="n1"} 1
kube_node_created{node="n1"} 1700000000
target_info{service_name="x"} 1
`
	r, err := CompareExposition([]byte(ksm), []byte(ours), nil)
	require.NoError(t, err)
	assert.False(t, r.OK())
	assert.Equal(t, 1, r.EmptyLabelsKSM)
	assert.Equal(t, 0, r.EmptyLabelsOurs)
	assert.Equal(t, []string{`kube_namespace_annotations{annotation_empty="",annotation_x="q\"b\\n\n",namespace="a"} 1`}, r.KSMOnly)
	assert.Equal(t, []string{`kube_namespace_annotations{annotation_x="q\u0022b\\n\n",namespace="a"} 1`, `target_info{service_name="x"} 1`}, r.OursOnly)
	require.Len(t, r.ValueDiffs, 1)
	assert.True(t, r.ValueDiffs[0].SameNumber)
	assert.False(t, r.ValueDiffs[0].WithinTol)
	assert.Equal(t, []string{"kube_pod_labels"}, r.KSMHeaderOnly)
	require.Len(t, r.HeaderDiffs, 1)
	assert.Contains(t, r.HeaderDiffs[0], "kube_node_info")
	assert.Equal(t, 1, r.Identical)
	details := ExpositionDetails(r)
	assert.Contains(t, details, "target_info")
	assert.Contains(t, details, "the same number, written differently")
}

func TestCompareExpositionTolerance(t *testing.T) {
	const ksm = `kube_lease_renew_time{lease="apiserver-abc",namespace="kube-system"} 1.795760548e+09` + "\n"
	const ours = `kube_lease_renew_time{lease="apiserver-abc",namespace="kube-system"} 1.79576066e+09` + "\n"
	r, err := CompareExposition([]byte(ksm), []byte(ours), TimeDerived)
	require.NoError(t, err)
	assert.True(t, r.OK(), r.Summary())
	require.Len(t, r.ValueDiffs, 1)
	assert.True(t, r.ValueDiffs[0].WithinTol)

	r, err = CompareExposition([]byte(strings.ReplaceAll(ksm, "apiserver-abc", "fixture")), []byte(strings.ReplaceAll(ours, "apiserver-abc", "fixture")), TimeDerived)
	require.NoError(t, err)
	assert.False(t, r.OK(), "fixture leases are compared exactly")
}

// A line KSM serves twice with the same value (a port in two Endpoints subsets) is one sample to a
// Prometheus server and is compared once; the same series twice with different values is not.
func TestCompareExpositionCollapsesKSMDuplicates(t *testing.T) {
	const line = `kube_endpoint_ports{namespace="m",endpoint="p",port_name="web",port_protocol="TCP",port_number="9090"} 1` + "\n"
	head := "# HELP kube_endpoint_ports [STABLE] Information about the Endpoint ports.\n# TYPE kube_endpoint_ports gauge\n"
	r, err := CompareExposition([]byte(head+line+line), []byte(head+line), nil)
	require.NoError(t, err)
	assert.True(t, r.OK(), r.Summary())
	assert.Len(t, r.KSMDuplicates, 1)
	assert.Equal(t, 1, r.KSMSamples)

	other := strings.Replace(line, "} 1", "} 2", 1)
	r, err = CompareExposition([]byte(head+line+other), []byte(head+line), nil)
	require.NoError(t, err)
	assert.False(t, r.OK(), "two values for one series are not a duplicate: %s", r.Summary())

	set, err := ParseText(strings.NewReader(head + line + line + other))
	require.NoError(t, err)
	assert.Equal(t, 1, set.CollapseDuplicates())
	assert.Len(t, set.Series, 2)
}

func TestParseRawRefusesTimestamps(t *testing.T) {
	_, err := ParseRaw([]byte("kube_pod_info{pod=\"a\"} 1 1700000000000\n"))
	assert.ErrorContains(t, err, "timestamp")
	_, err = ParseRaw([]byte("kube_pod_info{pod=\"a} 1\n"))
	assert.Error(t, err)
}

func TestCollectorConfig(t *testing.T) {
	cfg, err := LoadConfig("../../testdata/parity/allowlists.yaml")
	require.NoError(t, err)
	o := CollectorOptions{Kubeconfig: "/k", CollectionInterval: 2 * time.Second, ExportTimeout: time.Second, MetricExpiration: 5 * time.Second}
	data, err := CollectorConfig(cfg, o, 1234, 5678)
	require.NoError(t, err)
	var doc struct {
		Receivers struct {
			Kubestate map[string]any `json:"kubestate"`
		} `json:"receivers"`
		Exporters struct {
			Prometheus map[string]any `json:"prometheus"`
		} `json:"exporters"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	rcv := doc.Receivers.Kubestate
	assert.Equal(t, "kubeConfig", rcv["auth_type"])
	assert.Equal(t, "/k", rcv["kubeconfig"])
	assert.Equal(t, "2s", rcv["collection_interval"])
	assert.Equal(t, "1s", rcv["export_timeout"])
	assert.NotEmpty(t, rcv["metric_labels_allowlist"])
	assert.NotEmpty(t, rcv["metric_denylist"])
	prom := doc.Exporters.Prometheus
	assert.Equal(t, "127.0.0.1:1234", prom["endpoint"])
	assert.Equal(t, "UnderscoreEscapingWithoutSuffixes", prom["translation_strategy"])
	assert.Equal(t, true, prom["without_scope_info"])
	assert.Equal(t, "5s", prom["metric_expiration"])
	assert.Contains(t, string(data), `"port": 5678`)

	assert.Equal(t, 70*time.Second, RecommendedMetricExpiration(30*time.Second, 10*time.Second))
}
