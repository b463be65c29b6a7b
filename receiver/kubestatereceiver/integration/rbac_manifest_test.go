package integration

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// The deployment's RBAC manifest (deploy/base/rbac.yaml) is enough: the receiver, running as the ServiceAccount it binds, lists
// and watches all 39 resources without a single permission error.
func TestREADMEClusterRoleCoversEveryResource(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := testenv.RESTConfig(t)
	cs := testenv.Clientset(t)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "monitoring"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "kubestate", Namespace: "monitoring"}}
	if _, err := cs.CoreV1().ServiceAccounts("monitoring").Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	a, err := seed.NewApplier(admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	rbacFile := filepath.Join("..", "..", "..", "deploy", "base", "rbac.yaml")
	data, err := os.ReadFile(rbacFile)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := seed.Parse(rbacFile, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx, objs); err != nil {
		t.Fatal(err)
	}
	tok, err := cs.CoreV1().ServiceAccounts("monitoring").CreateToken(ctx, "kubestate",
		&authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: ptrTo(int64(3600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["c"] = &clientcmdapi.Cluster{Server: admin.Host, CertificateAuthorityData: admin.CAData}
	kc.AuthInfos["sa"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	kc.Contexts["sa"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "sa"}
	kc.CurrentContext = "sa"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}

	cfg := newConfig()
	cfg.AuthType, cfg.Kubeconfig = kubestatereceiver.AuthKubeConfig, path
	cfg.CollectionInterval, cfg.ExportTimeout = 300*time.Millisecond, 200*time.Millisecond
	cfg.Resources = resources.Names()
	core, logs := observer.New(zap.WarnLevel)
	set := receivertest.NewNopSettings(typ)
	set.Logger = zap.New(core)
	sink := new(consumertest.MetricsSink)
	r, err := kubestatereceiver.NewFactory().CreateMetrics(ctx, set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	host := &statusHost{}
	if err := r.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	}()
	waitForPoint(t, sink, "kube_clusterrole_info", map[string]string{"clusterrole": "kubestate"}, 1)
	deadline := time.Now().Add(30 * time.Second)
	for ev := host.last(); ev == nil || ev.Status() != componentstatus.StatusOK; ev = host.last() {
		if time.Now().After(deadline) {
			t.Fatalf("status never OK: %+v", ev)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, e := range logs.All() {
		t.Errorf("warning or error while running as the README's ServiceAccount: %s %v", e.Message, e.ContextMap())
	}
}

func ptrTo[T any](v T) *T { return &v }
