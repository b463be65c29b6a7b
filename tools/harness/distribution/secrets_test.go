package distribution

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	child "github.com/kubestate/kubestate/internal/testenv/proc"
)

// TestSecretValuesNeverReachTheCollector: Secret values never leave the apiserver for kubestate.
// Secrets of every common type hold a random marker in data and stringData. Two collectors run
// against them, one that streams its initial list over a watch (client-go's default with this
// apiserver) and one that LISTs (client-go's WatchListClient gate off), through:
//
//   - the initial list, which holds every Secret at once;
//   - watch events: every Secret updated with new marked values;
//   - a relist: kube-apiserver killed, one Secret deleted and etcd compacted behind its back, the
//     server restarted (the watches' resourceVersion is gone: 410, relist); only a relist can
//     drop the deleted Secret from the output, so its absence shows the relist happened;
//   - watch events again.
//
// Each collector exports every Secret's type and resourceVersion as the apiserver has them at
// each step. Then the whole address space of each collector process (every readable mapping,
// through /proc/PID/mem) holds the marker zero times, raw or base64-encoded. The same search in
// kube-state-metrics, which decodes Secrets normally, run against the same Secrets, finds it:
// the search works.
func TestSecretValuesNeverReachTheCollector(t *testing.T) {
	cluster := testenv.Cluster(t) // restarts kube-apiserver: needs this binary's own control plane
	kubeconfig, cs := testenv.Kubeconfig(t), testenv.Clientset(t)
	ctx := context.Background()
	marker := "kubestate-secret-marker-" + randomHex(t, 16)
	forms := markerForms(marker)

	ns := "secret-values-" + randomHex(t, 4)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	want := createMarkedSecrets(t, cs, ns, marker, 20)

	before := secretRequests(t, cs)
	type collectorRun struct {
		name    string
		p       *proc
		promURL string
	}
	var runs []collectorRun
	for _, mode := range []struct{ name, env string }{
		{"watchlist", ""},
		{"list", "KUBE_FEATURE_WatchListClient=false"},
	} {
		promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		cfg := fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: 1s
    export_timeout: 1s
exporters:
  prometheus:
    endpoint: %s
    translation_strategy: UnderscoreEscapingWithoutSuffixes
    without_scope_info: true
    metric_expiration: 5m
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [prometheus]
`, kubeconfig, promAddr)
		var env []string
		if mode.env != "" {
			env = append(env, mode.env)
		}
		p := startCollector(t, "collector-"+mode.name, cfg, env...)
		runs = append(runs, collectorRun{mode.name, p, "http://" + promAddr + "/metrics"})
	}
	exported := func(what string) {
		t.Helper()
		for _, r := range runs {
			waitFor(t, 90*time.Second, r.name+" collector: "+what, func() (bool, string) {
				if r.p.exited() {
					t.Fatalf("%s collector exited: %v\n%s", r.name, r.p.waitErr, tailFile(r.p.logPath, 40))
				}
				page, err := get(r.promURL)
				if err != nil {
					return false, err.Error()
				}
				return secretsExported(page, ns, want)
			})
		}
	}
	for _, r := range runs {
		r.p.awaitUp(90 * time.Second)
	}
	exported("every Secret after the initial list")
	// Both paths are taken: one LIST, the list collector's; the other streams its list over a
	// watch (watches count when they end).
	if reqs := diffCounts(secretRequests(t, cs), before); reqs["LIST"] != 1 {
		t.Errorf("kube-apiserver counted %v requests on secrets for the initial lists, want LIST:1 (the list collector's)", reqs)
	}

	// Watch events.
	updateMarkedSecrets(t, cs, ns, marker, want, "update-1")
	exported("every Secret after the updates")

	// A relist.
	gone := relistBehindTheirBack(t, cluster, ns, want)
	delete(want, gone)
	exported(fmt.Sprintf("every Secret after the relist, without %s (deleted in etcd)", gone))
	updateMarkedSecrets(t, cs, ns, marker, want, "update-2")
	exported("every Secret after updates following the relist")

	for _, r := range runs {
		res, err := scanMemory(r.p.pid, forms)
		if err != nil {
			t.Fatalf("%s collector: %v", r.name, err)
		}
		t.Logf("figures: %s collector (pid %d, RSS %.1f MiB): %s", r.name, r.p.pid, float64(r.p.rssKB())/1024, res)
		if res.total() != 0 {
			t.Errorf("%s collector: the Secrets' marker is in its memory %d times %v: Secret values reached it", r.name, res.total(), res.hits)
		}
		if res.bytes < int64(r.p.rssKB())*1024/2 {
			t.Errorf("%s collector: the search read %d bytes, less than half its RSS: it cannot have seen its memory", r.name, res.bytes)
		}
	}

	// The control: the same search in a process that decodes Secrets finds the marker.
	ksm := startKSMOnSecrets(t, kubeconfig)
	waitFor(t, 90*time.Second, "kube-state-metrics serves every Secret", func() (bool, string) {
		if ksm.Exited() {
			t.Fatalf("kube-state-metrics exited:\n%s", ksm.Tail(40))
		}
		page, err := get(ksm.metricsURL)
		if err != nil {
			return false, err.Error()
		}
		return secretsExported(page, ns, want)
	})
	updateMarkedSecrets(t, cs, ns, marker, want, "update-3")
	waitFor(t, 90*time.Second, "kube-state-metrics serves the updated Secrets", func() (bool, string) {
		page, err := get(ksm.metricsURL)
		if err != nil {
			return false, err.Error()
		}
		return secretsExported(page, ns, want)
	})
	res, err := scanMemory(ksm.PID(), forms)
	if err != nil {
		t.Fatalf("kube-state-metrics: %v", err)
	}
	t.Logf("figures: kube-state-metrics (pid %d, RSS %.1f MiB): %s", ksm.PID(), float64(procStatus(ksm.PID(), "VmRSS"))/1024, res)
	if res.total() == 0 {
		t.Errorf("kube-state-metrics: the marker was not found in its memory, yet it decodes the Secrets: the search does not work")
	}
}

// secretState is what the apiserver says of one Secret, and so what its series must say.
type secretState struct {
	typ string
	rv  string
}

// createMarkedSecrets creates n Secrets of the common types whose values (data and stringData)
// all contain marker, each at another byte offset so its base64 form varies.
func createMarkedSecrets(t *testing.T, cs kubernetes.Interface, ns, marker string, n int) map[string]secretState {
	t.Helper()
	out := map[string]secretState{}
	for i := range n {
		v := func(key string) string { return fmt.Sprintf("%s%s-%d-%s", strings.Repeat("x", i%3), key, i, marker) }
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("marked-%02d", i), Namespace: ns}}
		switch i % 6 {
		case 0:
			s.Type, s.Data, s.StringData = corev1.SecretTypeOpaque, map[string][]byte{"a": []byte(v("a"))}, map[string]string{"b": v("b")}
		case 1:
			s.Type, s.StringData = corev1.SecretTypeBasicAuth, map[string]string{"username": "u", "password": v("password")}
		case 2:
			s.Type, s.Data = corev1.SecretTypeTLS, map[string][]byte{"tls.crt": []byte(v("crt")), "tls.key": []byte(v("key"))}
		case 3:
			s.Type, s.StringData = corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": fmt.Sprintf(`{"auths":{"registry.invalid":{"auth":%q}}}`, v("auth"))}
		case 4:
			s.Type, s.Data = corev1.SecretTypeSSHAuth, map[string][]byte{"ssh-privatekey": []byte(v("ssh"))}
		default:
			s.Type, s.StringData = "example.com/custom", map[string]string{"token": v("token")}
		}
		got, err := cs.CoreV1().Secrets(ns).Create(context.Background(), s, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("creating Secret %s: %v", s.Name, err)
		}
		out[got.Name] = secretState{typ: string(got.Type), rv: got.ResourceVersion}
	}
	return out
}

// updateMarkedSecrets gives every Secret in want a new marked value, and records the new versions.
func updateMarkedSecrets(t *testing.T, cs kubernetes.Interface, ns, marker string, want map[string]secretState, round string) {
	t.Helper()
	ctx := context.Background()
	for name := range want {
		s, err := cs.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Data == nil {
			s.Data = map[string][]byte{}
		}
		s.Data["rotated"] = []byte(round + "-" + marker)
		got, err := cs.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating Secret %s: %v", name, err)
		}
		want[name] = secretState{typ: string(got.Type), rv: got.ResourceVersion}
	}
}

// secretsExported says whether a Prometheus page holds exactly the Secrets of want in namespace
// ns, each with its type and resourceVersion.
func secretsExported(page, ns string, want map[string]secretState) (bool, string) {
	nsLabel := `namespace="` + ns + `"`
	seen := 0
	for _, s := range series(page, "kube_secret_info") {
		if strings.Contains(","+s.labels+",", ","+nsLabel+",") {
			seen++
		}
	}
	if seen != len(want) {
		return false, fmt.Sprintf("%d Secrets of %s exported, want %d", seen, ns, len(want))
	}
	for name, st := range want {
		secret := `secret="` + name + `"`
		if _, ok := find(page, "kube_secret_type", 1, nsLabel, secret, `type="`+st.typ+`"`); !ok {
			return false, fmt.Sprintf("no kube_secret_type{secret=%q,type=%q}", name, st.typ)
		}
		rv, _ := strconv.ParseFloat(st.rv, 64)
		if _, ok := find(page, "kube_secret_metadata_resource_version", rv, nsLabel, secret); !ok {
			return false, fmt.Sprintf("kube_secret_metadata_resource_version{secret=%q} is not %s yet", name, st.rv)
		}
	}
	return true, ""
}

// relistBehindTheirBack kills kube-apiserver, deletes one of the Secrets in etcd and compacts
// etcd, and starts the server again: every watch's resourceVersion is then too old (410 Gone), so
// every client relists; and only a relist can tell a client that the Secret is gone. It returns
// the deleted Secret's name.
func relistBehindTheirBack(t *testing.T, c *controlplane.Cluster, ns string, want map[string]secretState) string {
	t.Helper()
	if err := syscall.Kill(-c.APIServerPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	var gone string
	for name := range want {
		gone = name
		break
	}
	etcd := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	var del struct {
		Header  struct{ Revision string }
		Deleted string
	}
	key := base64.StdEncoding.EncodeToString([]byte("/registry/secrets/" + ns + "/" + gone))
	if err := etcdPost(etcd, c.EtcdURL+"/v3/kv/deleterange", map[string]string{"key": key}, &del); err != nil || del.Deleted != "1" {
		t.Fatalf("deleting Secret %s in etcd: deleted=%q err=%v", gone, del.Deleted, err)
	}
	if err := etcdPost(etcd, c.EtcdURL+"/v3/kv/compaction", map[string]any{"revision": del.Header.Revision, "physical": true}, nil); err != nil {
		t.Fatalf("compacting etcd: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	return gone
}

func etcdPost(hc *http.Client, url string, body, out any) error {
	b, _ := json.Marshal(body)
	resp, err := hc.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type ksmProcess struct {
	*child.Process
	metricsURL string
}

// startKSMOnSecrets runs bin/kube-state-metrics on the secrets resource; it is stopped when the
// test ends.
func startKSMOnSecrets(t *testing.T, kubeconfig string) *ksmProcess {
	t.Helper()
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	port, tport := freePort(t), freePort(t)
	p, err := child.Start("kube-state-metrics", filepath.Join(bin, "kube-state-metrics"), filepath.Join(t.TempDir(), "ksm.log"), nil,
		"--kubeconfig="+kubeconfig, "--resources=secrets",
		"--host=127.0.0.1", "--port="+strconv.Itoa(port),
		"--telemetry-host=127.0.0.1", "--telemetry-port="+strconv.Itoa(tport))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(10 * time.Second) })
	return &ksmProcess{Process: p, metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", port)}
}

// secretRequests are kube-apiserver's request counts on secrets by verb.
func secretRequests(t *testing.T, cs kubernetes.Interface) map[string]float64 {
	t.Helper()
	b, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatalf("kube-apiserver /metrics: %v", err)
	}
	out := map[string]float64{}
	for _, s := range series(string(b), "apiserver_request_total") {
		if !strings.Contains(s.labels, `resource="secrets"`) || !strings.Contains(s.labels, `subresource=""`) {
			continue
		}
		_, verb, _ := strings.Cut(s.labels, `verb="`)
		verb, _, _ = strings.Cut(verb, `"`)
		out[verb] += s.value
	}
	return out
}

func diffCounts(after, before map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
