package kubestatereceiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"go.opentelemetry.io/collector/receiver/receivertest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver/internal/metadata"
)

// podListServer answers every request with one protobuf PodList.
type podListServer []byte

func (b podListServer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/vnd.kubernetes.protobuf"}},
		Body: io.NopCloser(bytes.NewReader(b)), ContentLength: int64(len(b)), Request: req}, nil
}

// A sharded engine's clients cut other shards' objects before client-go decodes them; an unsharded
// engine's are the receiver's own.
func TestShardEngineClientsCutOtherShards(t *testing.T) {
	list := &corev1.PodList{}
	for i := range 90 {
		list.Items = append(list.Items, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint(i), UID: types.UID(fmt.Sprintf("uid-%d", i))}})
	}
	var body bytes.Buffer
	enc := scheme.Codecs.EncoderForVersion(protobuf.NewSerializer(scheme.Scheme, scheme.Scheme), corev1.SchemeGroupVersion)
	if err := enc.Encode(list, &body); err != nil {
		t.Fatal(err)
	}
	cfg := &rest.Config{Host: "http://127.0.0.1:1", Transport: podListServer(body.Bytes())}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	r := &kubestateReceiver{set: receivertest.NewNopSettings(metadata.Type), restCfg: cfg}

	if c := r.clientsFor(engine.Shard{Index: 0, Total: 1}); c != r.clients {
		t.Errorf("an unsharded engine got clients of its own")
	}
	seen := 0
	for index := range 3 {
		shard := engine.Shard{Index: index, Total: 3}
		c := r.clientsFor(shard)
		if c.Kube == nil || c.Dynamic == nil {
			t.Fatalf("shard %d: clients %+v", index, c)
		}
		got, err := c.Kube.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got.Items {
			if !shard.Owns(p.UID) {
				t.Errorf("shard %d decoded pod %s of another shard", index, p.Name)
			}
		}
		seen += len(got.Items)
	}
	if seen != len(list.Items) {
		t.Errorf("the 3 shards decoded %d pods of %d", seen, len(list.Items))
	}
}
