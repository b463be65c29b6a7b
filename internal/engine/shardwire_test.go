package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// wirePods are pods as the apiserver would send them, with fields on both sides of the uid.
func wirePods(n int) []corev1.Pod {
	pods := make([]corev1.Pod, n)
	for i := range pods {
		pods[i] = corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: "ns", UID: types.UID(fmt.Sprintf("%08x-1111-4222-8333-%012x", i*7, i)),
				ResourceVersion: fmt.Sprint(100 + i), Labels: map[string]string{"app": "a"}},
			Spec:   corev1.PodSpec{NodeName: "n", Containers: []corev1.Container{{Name: "c", Image: "i"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning},
		}
	}
	return pods
}

var wireCodec = scheme.Codecs.EncoderForVersion(protobuf.NewSerializer(scheme.Scheme, scheme.Scheme), corev1.SchemeGroupVersion)

func encode(t *testing.T, obj runtime.Object) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := wireCodec.Encode(obj, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// watchStream encodes events as a protobuf watch stream: length-prefixed WatchEvents, each object in
// its own envelope, as the apiserver writes them.
func watchStream(t *testing.T, events []watch.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := streaming.NewEncoder(protobuf.LengthDelimitedFramer.NewFrameWriter(&b), protobuf.NewRawSerializer(scheme.Scheme, scheme.Scheme))
	for _, ev := range events {
		if err := enc.Encode(&metav1.WatchEvent{Type: string(ev.Type), Object: runtime.RawExtension{Raw: encode(t, ev.Object)}}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// serve answers every request with one response, like an apiserver that has only it.
type serve struct {
	list, watch []byte
	header      http.Header
}

func (s serve) RoundTrip(req *http.Request) (*http.Response, error) {
	body, ct := s.list, protobufMediaType
	if req.URL.Query().Get("watch") != "" {
		body, ct = s.watch, protobufMediaType+";stream=watch"
	}
	h := http.Header{"Content-Type": {ct}}
	for k, v := range s.header {
		h[k] = v
	}
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

func shardClient(t *testing.T, shard Shard, rt http.RoundTripper) kubernetes.Interface {
	t.Helper()
	cfg := &rest.Config{Host: "http://127.0.0.1:1", Transport: shard.Transport(rt)}
	cfg.ContentType, cfg.AcceptContentTypes = protobufMediaType, protobufMediaType
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A shard's client decodes exactly its own objects of a list and of a watch stream, keeps the
// list's metadata, and lets every bookmark and error event through, in order; the shards together
// get every object once.
func TestShardTransportCutsOtherShardsFromListsAndWatches(t *testing.T) {
	pods := wirePods(300)
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "999", Continue: "next-page"}, Items: pods}
	var events []watch.Event
	events = append(events, watch.Event{Type: watch.Bookmark, Object: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "1000"}}})
	for i := range pods {
		events = append(events, watch.Event{Type: []watch.EventType{watch.Added, watch.Modified, watch.Deleted}[i%3], Object: &pods[i]})
		if i == 150 {
			events = append(events, watch.Event{Type: watch.Error, Object: &metav1.Status{Status: metav1.StatusFailure, Message: "too old", Code: 410}})
		}
	}
	events = append(events, watch.Event{Type: watch.Bookmark, Object: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "2000",
		Annotations: map[string]string{metav1.InitialEventsAnnotationKey: "true"}}}})
	rt := serve{list: encode(t, list), watch: watchStream(t, events)}

	const total = 3
	seen := map[types.UID]int{}
	for index := range total {
		shard := Shard{Index: index, Total: total}
		cs := shardClient(t, shard, rt)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		got, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.ResourceVersion != "999" || got.Continue != "next-page" {
			t.Errorf("shard %d: list metadata %+v; want resourceVersion 999, continue next-page", index, got.ListMeta)
		}
		var want []string
		for _, p := range pods {
			if shard.Owns(p.UID) {
				want = append(want, p.Name)
			}
		}
		var names []string
		for _, p := range got.Items {
			names = append(names, p.Name)
			seen[p.UID]++
			if !shard.Owns(p.UID) {
				t.Errorf("shard %d decoded pod %s of another shard", index, p.Name)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("shard %d listed %d pods, owns %d: %v", index, len(names), len(want), names)
		}
		if len(want) < 50 {
			t.Fatalf("shard %d owns only %d of 300 pods: the test's uids do not spread", index, len(want))
		}

		w, err := cs.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var gotEvents, wantEvents []string
		for _, ev := range events {
			if m, err := objectMeta(ev.Object); err == nil && ev.Type != watch.Bookmark && ev.Type != watch.Error && !shard.Owns(m.GetUID()) {
				continue
			}
			wantEvents = append(wantEvents, describe(ev))
		}
		for ev := range w.ResultChan() {
			gotEvents = append(gotEvents, describe(ev))
		}
		cancel()
		if !slices.Equal(gotEvents, wantEvents) {
			t.Errorf("shard %d watch:\n got %d events %v\nwant %d events %v", index, len(gotEvents), gotEvents, len(wantEvents), wantEvents)
		}
	}
	for _, p := range pods {
		if seen[p.UID] != 1 {
			t.Errorf("pod %s listed by %d shards", p.Name, seen[p.UID])
		}
	}
}

func objectMeta(obj runtime.Object) (metav1.Object, error) {
	if m, ok := obj.(metav1.Object); ok {
		return m, nil
	}
	return nil, fmt.Errorf("%T has no metadata", obj)
}

func describe(ev watch.Event) string {
	switch o := ev.Object.(type) {
	case *corev1.Pod:
		return fmt.Sprintf("%s %s@%s", ev.Type, o.Name, o.ResourceVersion)
	case *metav1.Status:
		return fmt.Sprintf("%s %d", ev.Type, o.Code)
	}
	return fmt.Sprintf("%s %T", ev.Type, ev.Object)
}

// What the cut cannot read as a protobuf list or watch stream reaches client-go byte for byte: it
// may only ever leave objects in.
func TestShardTransportPassesWhatItCannotRead(t *testing.T) {
	shard := Shard{Index: 0, Total: 3}
	pods := wirePods(30)
	var other corev1.Pod // a pod shard 0 does not own
	for _, p := range pods {
		if !shard.Owns(p.UID) {
			other = p
			break
		}
	}
	noUID := other
	noUID.UID = ""
	listBody := encode(t, &corev1.PodList{Items: pods})
	for _, tc := range []struct {
		name   string
		body   []byte
		header http.Header
	}{
		// A single object is no list: a Pod's field 2 is its spec, not an item.
		{"a single object", encode(t, &other), nil},
		{"an item without uid", encode(t, &corev1.PodList{Items: []corev1.Pod{noUID}}), nil},
		{"a truncated list", listBody[:len(listBody)-7], nil},
		{"no envelope", listBody[4:], nil},
		{"a compressed body", listBody, http.Header{"Content-Encoding": {"gzip"}}},
		{"JSON", []byte(`{"kind":"PodList","items":[{"metadata":{"uid":"` + string(other.UID) + `"}}]}`), http.Header{"Content-Type": {"application/json"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := shard.Transport(serve{list: tc.body, header: tc.header})
			req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/api/v1/pods", nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.body) {
				t.Errorf("body changed: %d bytes in, %d out", len(tc.body), len(got))
			}
		})
	}
	// A watch frame whose object cannot be read passes too.
	stream := watchStream(t, []watch.Event{{Type: watch.Added, Object: &noUID}, {Type: watch.Modified, Object: &other}})
	resp, err := shard.Transport(serve{watch: stream}).RoundTrip(mustRequest(t, "http://127.0.0.1:1/api/v1/pods?watch=true"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	first := watchStream(t, []watch.Event{{Type: watch.Added, Object: &noUID}})
	if !bytes.Equal(got, first) {
		t.Errorf("watch passed %d bytes; want the uid-less event's %d and not the other shard's", len(got), len(first))
	}
	// A stream cut mid-frame is an error, not a short event.
	resp, err = shard.Transport(serve{watch: first[:len(first)-3]}).RoundTrip(mustRequest(t, "http://127.0.0.1:1/api/v1/pods?watch=1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("a frame cut short read as %v; want unexpected EOF", err)
	}
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Reading the uid and copying what is kept costs a fraction of decoding the items it drops.
func BenchmarkShardCutList(b *testing.B) {
	pods := wirePods(5000)
	var buf bytes.Buffer
	if err := wireCodec.Encode(&corev1.PodList{Items: pods}, &buf); err != nil {
		b.Fatal(err)
	}
	body := buf.Bytes()
	owns := Shard{Index: 1, Total: 3}.owns
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		cutList(body, owns)
	}
}

// What the cut saves: client-go decoding the whole list.
func BenchmarkDecodeList(b *testing.B) {
	pods := wirePods(5000)
	var buf bytes.Buffer
	if err := wireCodec.Encode(&corev1.PodList{Items: pods}, &buf); err != nil {
		b.Fatal(err)
	}
	body := buf.Bytes()
	dec := scheme.Codecs.UniversalDeserializer()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := dec.Decode(body, nil, &corev1.PodList{}); err != nil {
			b.Fatal(err)
		}
	}
}

// countingBody counts the reads made of it.
type countingBody struct {
	io.Reader
	reads int
}

func (b *countingBody) Read(p []byte) (int, error) { b.reads++; return b.Reader.Read(p) }
func (b *countingBody) Close() error               { return nil }

// A shard reads a watch stream ahead in large pieces, not frame by frame: over HTTP/2 each read
// that consumes 4 KiB or more costs a WINDOW_UPDATE frame written to the apiserver.
func TestWatchCutReadsAheadInLargePieces(t *testing.T) {
	pods := wirePods(400)
	var events []watch.Event
	for i := range pods {
		events = append(events, watch.Event{Type: watch.Added, Object: &pods[i]})
	}
	stream := watchStream(t, events)
	body := &countingBody{Reader: bytes.NewReader(stream)}
	w := newWatchCut(Shard{Index: 0, Total: 3}.owns, body)
	if _, err := io.Copy(io.Discard, w); err != nil {
		t.Fatal(err)
	}
	// A read-ahead may follow a read of a frame's length prefix (a drained stream waiting between
	// events, holding no buffer), and the last read finds the end.
	if most := 2*(len(stream)/watchReadSize+1) + 1; body.reads > most {
		t.Errorf("%d reads of a %d-byte stream of %d events; want at most %d", body.reads, len(stream), len(events), most)
	}
}

// trickleBody returns its bytes a few at a time, in pieces of varying length, so frames straddle
// every kind of read boundary; then, with hold, it waits in Read (telling waiting) until closed.
type trickleBody struct {
	data    []byte
	n       int
	hold    bool
	waiting chan struct{}
	closed  chan struct{}
}

func (b *trickleBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		if !b.hold {
			return 0, io.EOF
		}
		b.waiting <- struct{}{}
		<-b.closed
		return 0, io.EOF
	}
	b.n++
	piece := min(len(p), len(b.data), 1+(b.n*7919)%9000)
	copy(p, b.data[:piece])
	b.data = b.data[piece:]
	return piece, nil
}

func (b *trickleBody) Close() error { return nil }

// Whatever the pieces a stream arrives in, the cut passes exactly the frames of the shard's own
// objects, whole and in order.
func TestWatchCutFramesAcrossReadBoundaries(t *testing.T) {
	pods := wirePods(300)
	owns := Shard{Index: 2, Total: 3}.owns
	var all, own []watch.Event
	for i := range pods {
		ev := watch.Event{Type: watch.Modified, Object: &pods[i]}
		all = append(all, ev)
		if owns([]byte(pods[i].UID)) {
			own = append(own, ev)
		}
	}
	got, err := io.ReadAll(newWatchCut(owns, &trickleBody{data: watchStream(t, all)}))
	if err != nil {
		t.Fatal(err)
	}
	if want := watchStream(t, own); !bytes.Equal(got, want) {
		t.Errorf("passed %d bytes; want the %d bytes of the %d frames of shard 2's own pods", len(got), len(want), len(own))
	}
}

// An idle watch (nearly every watch, once synced) waits for its next event holding no read-ahead
// buffer: an instance runs some thirty watches, and 64 KiB each stays in the heap for its life.
// Both readers are read as client-go reads a watch: frame by frame, length prefix first.
func TestWatchCutHoldsNoBufferWhileIdle(t *testing.T) {
	pods := wirePods(100)
	var events []watch.Event
	for i := range pods {
		events = append(events, watch.Event{Type: watch.Added, Object: &pods[i]})
	}
	for _, c := range []struct {
		name   string
		reader func(io.ReadCloser) (io.ReadCloser, func() int)
	}{
		{"shard", func(body io.ReadCloser) (io.ReadCloser, func() int) {
			w := newWatchCut(Shard{Index: 0, Total: 3}.owns, body)
			return w, w.held
		}},
		{"unsharded", func(body io.ReadCloser) (io.ReadCloser, func() int) {
			r := &readAhead{body: body}
			return r, r.held
		}},
	} {
		body := &trickleBody{data: watchStream(t, events), hold: true, waiting: make(chan struct{}), closed: make(chan struct{})}
		r, held := c.reader(body)
		frames := protobuf.LengthDelimitedFramer.NewFrameReader(r)
		done := make(chan error, 1)
		go func() {
			buf := make([]byte, 64<<10)
			for {
				if _, err := frames.Read(buf); err != nil {
					done <- err
					return
				}
			}
		}()
		select {
		case <-body.waiting:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: never read to the end of the stream's bytes", c.name)
		}
		if n := held(); n != 0 {
			t.Errorf("%s: an idle watch holds %d bytes of read-ahead buffer; want 0", c.name, n)
		}
		close(body.closed)
		select {
		case err := <-done:
			if err != io.EOF {
				t.Fatalf("%s: %v", c.name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: did not return after its body ended", c.name)
		}
	}
}

// roundTripFunc answers requests with a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// An unsharded client reads watch streams ahead too: client-go decodes every event, in order, from
// a stream read in large pieces rather than frame by frame.
func TestReadAheadWatchDecodesEveryEventInLargeReads(t *testing.T) {
	pods := wirePods(400)
	var events []watch.Event
	for i := range pods {
		events = append(events, watch.Event{Type: []watch.EventType{watch.Added, watch.Modified, watch.Deleted}[i%3], Object: &pods[i]})
		if i == 200 {
			events = append(events, watch.Event{Type: watch.Bookmark, Object: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "1000"}}})
		}
	}
	stream := watchStream(t, events)
	body := &countingBody{Reader: bytes.NewReader(stream)}
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {protobufMediaType + ";stream=watch"}},
			Body: body, Request: req}, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := shardClient(t, Shard{Index: 0, Total: 1}, rt).CoreV1().Pods("").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, ev := range events {
		want = append(want, describe(ev))
	}
	for ev := range w.ResultChan() {
		got = append(got, describe(ev))
	}
	if !slices.Equal(got, want) {
		t.Errorf("watch:\n got %d events %v\nwant %d events %v", len(got), got, len(want), want)
	}
	if most := 2*(len(stream)/watchReadSize+1) + 1; body.reads > most {
		t.Errorf("%d reads of a %d-byte stream of %d events; want at most %d", body.reads, len(stream), len(events), most)
	}
}
