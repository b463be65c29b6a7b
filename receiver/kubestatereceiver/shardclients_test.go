package kubestatereceiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/receiver/receivertest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
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

// countedWatch answers every request with one protobuf watch stream, counting the reads of it.
type countedWatch struct {
	stream []byte
	reads  int
}

func (c *countedWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	r := bytes.NewReader(c.stream)
	body := readFunc(func(p []byte) (int, error) { c.reads++; return r.Read(p) })
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/vnd.kubernetes.protobuf;stream=watch"}},
		Body: io.NopCloser(body), Request: req}, nil
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }

// The receiver's shared clients (an unsharded engine's) read watch streams ahead in large pieces,
// not frame by frame as client-go reads them: over HTTP/2 each read of 4 KiB or more costs a window
// update written to the apiserver.
func TestSharedClientsReadWatchesAhead(t *testing.T) {
	var stream bytes.Buffer
	enc := streaming.NewEncoder(protobuf.LengthDelimitedFramer.NewFrameWriter(&stream), protobuf.NewRawSerializer(scheme.Scheme, scheme.Scheme))
	podEnc := scheme.Codecs.EncoderForVersion(protobuf.NewSerializer(scheme.Scheme, scheme.Scheme), corev1.SchemeGroupVersion)
	const pods = 300
	for i := range pods {
		var raw bytes.Buffer
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint(i), UID: types.UID(fmt.Sprintf("uid-%d", i)),
			Labels: map[string]string{"app": strings.Repeat("x", 100)}}}
		if err := podEnc.Encode(pod, &raw); err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(&metav1.WatchEvent{Type: string(watch.Added), Object: runtime.RawExtension{Raw: raw.Bytes()}}); err != nil {
			t.Fatal(err)
		}
	}
	server := &countedWatch{stream: stream.Bytes()}
	cfg := &rest.Config{Host: "http://127.0.0.1:1", Transport: server}
	cfg.ContentType, cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf"
	c, err := sharedClients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := c.Kube.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range w.ResultChan() {
		n++
	}
	if n != pods {
		t.Errorf("decoded %d events of %d", n, pods)
	}
	if most := 2*(stream.Len()/(64<<10)+1) + 1; server.reads > most {
		t.Errorf("%d reads of a %d-byte stream of %d events; want at most %d", server.reads, stream.Len(), pods, most)
	}
}
