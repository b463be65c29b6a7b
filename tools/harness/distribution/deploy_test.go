package distribution

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// deployDir is the kustomize tree users apply with `kubectl apply -k deploy/<overlay>`.
const deployDir = "../../../deploy"

// deployImage is the image every workload runs: the Makefile's IMAGE, which make image writes into
// the archive (tools/image checks the archive against deploy/base).
const deployImage = "kubestate/otelcol-kubestate:0.1.0"

// Values for the ${env:…} references in the overlays' configs, as the pods' downward API gives them.
var deployEnv = []string{"POD_NAME=kubestate-2", "POD_NAMESPACE=monitoring", "NODE_NAME=node-a"}

// Every kustomization under deploy/ is accepted by the API server (server-side dry run) and every
// collector config it generates is valid for the built distribution; the workloads run with the
// securityContext, probes and resources the README promises and the RBAC grants only list and watch.
func TestDeployKustomizations(t *testing.T) {
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	kubectl, otelcol := filepath.Join(bin, "kubectl"), collector(t)
	kubeconfig, cs := testenv.Kubeconfig(t), testenv.Clientset(t)

	overlays, err := filepath.Glob(filepath.Join(deployDir, "*", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range overlays {
		names = append(names, filepath.Base(filepath.Dir(k)))
	}
	slices.Sort(names)
	if want := []string{"base", "daemonset", "ha", "namespaced", "sharded"}; !slices.Equal(names, want) {
		t.Fatalf("kustomizations under deploy/: %v, want %v (add a new overlay's checks here)", names, want)
	}

	// A dry run creates nothing, so the namespace the base creates does not exist for the objects in
	// it; create it as the first real apply would.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "monitoring"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(deployDir, name)
			out, err := exec.CommandContext(ctx, kubectl, "kustomize", dir).Output()
			if err != nil {
				t.Fatalf("kubectl kustomize %s: %v", dir, stderrOf(err))
			}
			objs, err := seed.Parse(dir, out)
			if err != nil {
				t.Fatal(err)
			}
			m := manifests(t, objs)
			m.checkWorkloads(t)
			m.checkRBAC(t, name)
			for cmName, cfg := range m.configs {
				if out, err := validateWith(t, otelcol, cfg, deployEnv...); err != nil {
					t.Errorf("ConfigMap %s: otelcol-kubestate validate: %v\n%s", cmName, err, out)
				}
			}
			switch name {
			case "sharded":
				m.checkSharded(t, otelcol)
			case "daemonset":
				m.checkDaemonSet(t, otelcol)
			case "ha":
				m.checkHA(t)
			}

			apply := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubeconfig, "apply", "--dry-run=server", "-k", dir)
			if out, err := apply.CombinedOutput(); err != nil {
				t.Fatalf("kubectl apply --dry-run=server -k %s: %v\n%s", dir, err, out)
			} else if n := strings.Count(string(out), "(server dry run)"); n != len(objs) {
				t.Errorf("dry run applied %d objects, kustomize built %d:\n%s", n, len(objs), out)
			}
		})
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return fmt.Sprintf("%v: %s", err, ee.Stderr)
	}
	return err.Error()
}

// validateWith runs `otelcol-kubestate validate` on a ConfigMap's config.yaml with env added.
func validateWith(t *testing.T, otelcol, cfg string, env ...string) (string, error) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(f, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(otelcol, "validate", "--config", f)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// checkEnvReaches proves that the config reads env (an unset variable would pass validate silently
// as the key's default): a bad value of it is refused, naming field.
func checkEnvReaches(t *testing.T, otelcol, cfg, badEnv, field string) {
	t.Helper()
	out, err := validateWith(t, otelcol, cfg, append(slices.Clone(deployEnv), badEnv)...) // the last value of a variable wins
	if err == nil || !strings.Contains(out, field) {
		t.Errorf("validate with %s: want a refusal naming %s, got %v\n%s", badEnv, field, err, out)
	}
}

// built is one kustomization's output, by kind.
type built struct {
	configs   map[string]string // ConfigMap name -> data["config.yaml"]
	workloads []*unstructured.Unstructured
	rules     map[string][]any // "Kind ns/name" of each Role/ClusterRole -> rules
	bindings  []*unstructured.Unstructured
}

func manifests(t *testing.T, objs []seed.Object) *built {
	t.Helper()
	b := &built{configs: map[string]string{}, rules: map[string][]any{}}
	for _, o := range objs {
		u := o.Obj
		switch u.GetKind() {
		case "ConfigMap":
			cfg, ok, _ := unstructured.NestedString(u.Object, "data", "config.yaml")
			if !ok {
				t.Errorf("ConfigMap %s has no config.yaml", u.GetName())
			}
			b.configs[u.GetName()] = cfg
		case "Deployment", "StatefulSet", "DaemonSet":
			b.workloads = append(b.workloads, u)
		case "Role", "ClusterRole":
			rules, _, _ := unstructured.NestedSlice(u.Object, "rules")
			b.rules[u.GetKind()+" "+u.GetNamespace()+"/"+u.GetName()] = rules
		case "RoleBinding", "ClusterRoleBinding":
			b.bindings = append(b.bindings, u)
		}
	}
	if len(b.workloads) == 0 || len(b.configs) == 0 {
		t.Fatalf("no workload or no ConfigMap built")
	}
	return b
}

// num reads an integer field of a decoded manifest (JSON numbers decode as float64).
func num(u map[string]any, path ...string) int64 {
	v, _, _ := unstructured.NestedFieldNoCopy(u, path...)
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return -1
}

func str(u map[string]any, path ...string) string {
	s, _, _ := unstructured.NestedString(u, path...)
	return s
}

// checkWorkloads: every collector pod runs as uid 65532, non-root, on a read-only root filesystem
// with no capabilities, has requests and a memory limit, both probes, and mounts a ConfigMap built here.
func (b *built) checkWorkloads(t *testing.T) {
	t.Helper()
	for _, w := range b.workloads {
		id := w.GetKind() + " " + w.GetName()
		pod, _, _ := unstructured.NestedMap(w.Object, "spec", "template", "spec")
		if nonRoot, _, _ := unstructured.NestedBool(pod, "securityContext", "runAsNonRoot"); !nonRoot {
			t.Errorf("%s: securityContext.runAsNonRoot is not true", id)
		}
		if uid := num(pod, "securityContext", "runAsUser"); uid != 65532 {
			t.Errorf("%s: runAsUser %d, want 65532 (the image's user)", id, uid)
		}
		containers, _, _ := unstructured.NestedSlice(pod, "containers")
		if len(containers) != 1 {
			t.Fatalf("%s: %d containers, want 1", id, len(containers))
		}
		c := containers[0].(map[string]any)
		if img := str(c, "image"); img != deployImage {
			t.Errorf("%s: image %q, want %q (the name make image gives the archive)", id, img, deployImage)
		}
		if ro, _, _ := unstructured.NestedBool(c, "securityContext", "readOnlyRootFilesystem"); !ro {
			t.Errorf("%s: readOnlyRootFilesystem is not true", id)
		}
		if esc, ok, _ := unstructured.NestedBool(c, "securityContext", "allowPrivilegeEscalation"); !ok || esc {
			t.Errorf("%s: allowPrivilegeEscalation is not false", id)
		}
		if drop, _, _ := unstructured.NestedStringSlice(c, "securityContext", "capabilities", "drop"); !slices.Equal(drop, []string{"ALL"}) {
			t.Errorf("%s: capabilities.drop %v, want [ALL]", id, drop)
		}
		for _, r := range [][]string{{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}} {
			if str(c, append([]string{"resources"}, r...)...) == "" {
				t.Errorf("%s: resources.%s is not set", id, strings.Join(r, "."))
			}
		}
		volumes, _, _ := unstructured.NestedSlice(pod, "volumes")
		mounted := false
		for _, v := range volumes {
			if cm := str(v.(map[string]any), "configMap", "name"); cm != "" {
				cfg, ok := b.configs[cm]
				if !ok {
					t.Errorf("%s: mounts ConfigMap %s, which this kustomization does not build", id, cm)
				}
				mounted = true
				checkProbes(t, id, c, cfg)
			}
		}
		if !mounted {
			t.Errorf("%s: mounts no ConfigMap", id)
		}
	}
}

// checkProbes: readiness reads the receiver's component status (healthcheckv2 with recoverable errors
// counted at once), liveness the collector's lifecycle (healthcheckv2 without component health), each
// probe on the port its extension listens on in the pod's config.
func checkProbes(t *testing.T, id string, c map[string]any, config string) {
	t.Helper()
	var cfg struct {
		Extensions map[string]struct {
			UseV2           bool `json:"use_v2"`
			ComponentHealth *struct {
				IncludeRecoverable bool   `json:"include_recoverable_errors"`
				RecoveryDuration   string `json:"recovery_duration"`
			} `json:"component_health"`
			HTTP struct {
				Endpoint string `json:"endpoint"`
			} `json:"http"`
		} `json:"extensions"`
		Service struct {
			Extensions []string `json:"extensions"`
		} `json:"service"`
	}
	if err := utilyaml.Unmarshal([]byte(config), &cfg); err != nil {
		t.Fatal(err)
	}
	ports := map[string]int64{}
	list, _, _ := unstructured.NestedSlice(c, "ports")
	for _, p := range list {
		ports[str(p.(map[string]any), "name")] = num(p.(map[string]any), "containerPort")
	}
	for _, pr := range []struct{ probe, ext string }{{"readinessProbe", "healthcheckv2/readiness"}, {"livenessProbe", "healthcheckv2/liveness"}} {
		ext, ok := cfg.Extensions[pr.ext]
		if !ok || !ext.UseV2 || !slices.Contains(cfg.Service.Extensions, pr.ext) {
			t.Errorf("%s: config has no %s with use_v2 in service.extensions", id, pr.ext)
			continue
		}
		if path := str(c, pr.probe, "httpGet", "path"); path != "/status" {
			t.Errorf("%s: %s path %q, want /status", id, pr.probe, path)
		}
		port := ports[str(c, pr.probe, "httpGet", "port")]
		if !strings.HasSuffix(ext.HTTP.Endpoint, fmt.Sprintf(":%d", port)) {
			t.Errorf("%s: %s on container port %d, %s listens on %q", id, pr.probe, port, pr.ext, ext.HTTP.Endpoint)
		}
		counted := ext.ComponentHealth != nil && ext.ComponentHealth.IncludeRecoverable
		if want := pr.probe == "readinessProbe"; counted != want {
			t.Errorf("%s: %s counts recoverable errors: %v, want %v", id, pr.ext, counted, want)
		}
		if counted && ext.ComponentHealth.RecoveryDuration != "0s" {
			t.Errorf("%s: %s recovery_duration %q, want 0s (not ready until synced, at once)", id, pr.ext, ext.ComponentHealth.RecoveryDuration)
		}
	}
}

// checkRBAC: only list and watch; the namespaced overlay has no cluster-wide grant and a Role in each
// namespace its config lists.
func (b *built) checkRBAC(t *testing.T, overlay string) {
	t.Helper()
	if len(b.rules) == 0 || len(b.bindings) == 0 {
		t.Fatal("no Role/ClusterRole or no binding built")
	}
	for id, rules := range b.rules {
		for _, r := range rules {
			verbs, _, _ := unstructured.NestedStringSlice(r.(map[string]any), "verbs")
			if slices.Equal(verbs, []string{"list", "watch"}) {
				continue
			}
			// Leader election writes its Lease, and nothing else, in its own namespace.
			groups, _, _ := unstructured.NestedStringSlice(r.(map[string]any), "apiGroups")
			res, _, _ := unstructured.NestedStringSlice(r.(map[string]any), "resources")
			lease := overlay == "ha" && id == "Role monitoring/kubestate-leader-election" &&
				slices.Equal(groups, []string{"coordination.k8s.io"}) && slices.Equal(res, []string{"leases"}) &&
				slices.Equal(verbs, []string{"get", "create", "update"})
			// Auto-sharding reads its own pod and StatefulSet, in its own namespace.
			autoShard := overlay == "sharded" && id == "Role monitoring/kubestate-auto-sharding" &&
				(slices.Equal(groups, []string{""}) && slices.Equal(res, []string{"pods"}) && slices.Equal(verbs, []string{"get"}) ||
					slices.Equal(groups, []string{"apps"}) && slices.Equal(res, []string{"statefulsets"}) && slices.Equal(verbs, []string{"get", "list", "watch"}))
			if !lease && !autoShard {
				t.Errorf("%s grants %v on %v, want exactly [list watch]", id, verbs, res)
			}
		}
	}
	if overlay != "namespaced" {
		return
	}
	if len(b.configs) != 1 {
		t.Fatalf("namespaced: %d ConfigMaps, want 1", len(b.configs))
	}
	var cfg struct {
		Receivers struct {
			Kubestate struct {
				Namespaces []string `json:"namespaces"`
			} `json:"kubestate"`
		} `json:"receivers"`
	}
	for _, c := range b.configs {
		if err := utilyaml.Unmarshal([]byte(c), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	namespaces := cfg.Receivers.Kubestate.Namespaces
	if len(namespaces) == 0 {
		t.Fatal("namespaced: the config lists no namespaces")
	}
	var roles []string
	for id := range b.rules {
		if !strings.HasPrefix(id, "Role ") {
			t.Errorf("namespaced: %s is cluster-wide", id)
		}
		roles = append(roles, strings.Split(strings.TrimPrefix(id, "Role "), "/")[0])
	}
	slices.Sort(roles)
	slices.Sort(namespaces)
	if !slices.Equal(roles, namespaces) {
		t.Errorf("namespaced: Roles in %v, config watches %v", roles, namespaces)
	}
}

// checkSharded: one StatefulSet whose pods take their shard from the StatefulSet (auto_sharding),
// with their name and namespace from the downward API.
func (b *built) checkSharded(t *testing.T, otelcol string) {
	t.Helper()
	if len(b.workloads) != 1 || b.workloads[0].GetKind() != "StatefulSet" {
		t.Fatalf("sharded: want exactly one StatefulSet, got %d workloads", len(b.workloads))
	}
	sts := b.workloads[0]
	var cfg struct {
		Receivers struct {
			Kubestate struct {
				AutoSharding struct {
					Enabled      bool   `json:"enabled"`
					PodName      string `json:"pod_name"`
					PodNamespace string `json:"pod_namespace"`
				} `json:"auto_sharding"`
			} `json:"kubestate"`
		} `json:"receivers"`
	}
	for _, c := range b.configs {
		if err := utilyaml.Unmarshal([]byte(c), &cfg); err != nil {
			t.Fatal(err)
		}
		checkEnvReaches(t, otelcol, c, "POD_NAME=kubestate", "auto_sharding.pod_name")
		checkEnvReaches(t, otelcol, c, "POD_NAMESPACE=Monitoring", "auto_sharding.pod_namespace")
	}
	if a := cfg.Receivers.Kubestate.AutoSharding; !a.Enabled || a.PodName != "${env:POD_NAME}" || a.PodNamespace != "${env:POD_NAMESPACE}" {
		t.Errorf("sharded: auto_sharding %+v, want enabled with ${env:POD_NAME} and ${env:POD_NAMESPACE}", a)
	}
	if got := envFieldPath(t, sts, "POD_NAME"); got != "metadata.name" {
		t.Errorf("sharded: POD_NAME comes from %q, want metadata.name", got)
	}
	if got := envFieldPath(t, sts, "POD_NAMESPACE"); got != "metadata.namespace" {
		t.Errorf("sharded: POD_NAMESPACE comes from %q, want metadata.namespace", got)
	}
}

// checkDaemonSet: the DaemonSet's config reads NODE_NAME, which comes from spec.nodeName.
func (b *built) checkDaemonSet(t *testing.T, otelcol string) {
	t.Helper()
	var ds *unstructured.Unstructured
	for _, w := range b.workloads {
		if w.GetKind() == "DaemonSet" {
			ds = w
		}
	}
	if ds == nil {
		t.Fatal("daemonset: no DaemonSet built")
	}
	if got := envFieldPath(t, ds, "NODE_NAME"); got != "spec.nodeName" {
		t.Errorf("daemonset: NODE_NAME comes from %q, want spec.nodeName", got)
	}
	volumes, _, _ := unstructured.NestedSlice(ds.Object, "spec", "template", "spec", "volumes")
	cm := str(volumes[0].(map[string]any), "configMap", "name")
	checkEnvReaches(t, otelcol, b.configs[cm], "NODE_NAME=Not_A_Node", "node")
}

// checkHA: two replicas, leader election on, each replica named in the Lease by its pod name.
func (b *built) checkHA(t *testing.T) {
	t.Helper()
	if len(b.workloads) != 1 || b.workloads[0].GetKind() != "Deployment" || num(b.workloads[0].Object, "spec", "replicas") != 2 {
		t.Fatalf("ha: want one Deployment of 2 replicas")
	}
	var cfg struct {
		Receivers struct {
			Kubestate struct {
				LeaderElection struct {
					Enabled bool `json:"enabled"`
				} `json:"leader_election"`
			} `json:"kubestate"`
		} `json:"receivers"`
	}
	for _, c := range b.configs {
		if err := utilyaml.Unmarshal([]byte(c), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	if !cfg.Receivers.Kubestate.LeaderElection.Enabled {
		t.Error("ha: leader_election.enabled is not true")
	}
	if got := envFieldPath(t, b.workloads[0], "POD_NAME"); got != "metadata.name" {
		t.Errorf("ha: POD_NAME comes from %q, want metadata.name", got)
	}
}

func envFieldPath(t *testing.T, w *unstructured.Unstructured, name string) string {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(w.Object, "spec", "template", "spec", "containers")
	env, _, _ := unstructured.NestedSlice(containers[0].(map[string]any), "env")
	for _, e := range env {
		if str(e.(map[string]any), "name") == name {
			return str(e.(map[string]any), "valueFrom", "fieldRef", "fieldPath")
		}
	}
	return ""
}

// The examples of the receiver's README are configs the distribution accepts (a receiver-only
// example is completed with a nop pipeline).
func TestReceiverREADMEExamplesValidate(t *testing.T) {
	otelcol := collector(t)
	readme, err := os.ReadFile("../../../receiver/kubestatereceiver/README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(readme), "```yaml\n")[1:]
	if len(blocks) < 4 {
		t.Fatalf("%d yaml examples in the receiver's README, want at least 4", len(blocks))
	}
	for i, b := range blocks {
		cfg, _, ok := strings.Cut(b, "```")
		if !ok {
			t.Fatalf("example %d is not closed", i+1)
		}
		if !strings.Contains(cfg, "\nservice:") {
			cfg += pipeline
		}
		if out, err := validateWith(t, otelcol, cfg, deployEnv...); err != nil {
			t.Errorf("example %d refused: %v\n%s\n%s", i+1, err, cfg, out)
		}
	}
}
