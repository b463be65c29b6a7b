package bench

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

func TestRewriteAccept(t *testing.T) {
	for _, c := range []struct {
		in     string
		toJSON bool
		want   string
	}{
		{"application/vnd.kubernetes.protobuf,application/json", true, "application/json"},
		{"application/vnd.kubernetes.protobuf;stream=watch", true, "application/json"},
		{"application/vnd.kubernetes.protobuf,application/json", false, "application/vnd.kubernetes.protobuf,application/json"},
		// kubestate's Secrets: a Table, JSON already.
		{"application/json;as=Table;v=v1;g=meta.k8s.io,application/json", true, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"},
	} {
		if got := RewriteAccept(c.in, c.toJSON); got != c.want {
			t.Errorf("RewriteAccept(%q, %v) = %q, want %q", c.in, c.toJSON, got, c.want)
		}
	}
}

// TestAPIProxy puts the proxy in front of a TLS server standing in for the apiserver, reached with
// a kubeconfig WriteKubeconfig wrote, as a collector would: the Accept header arrives rewritten,
// the token passes, responses are counted by content type, and a watch's events reach the client
// one by one while the response is still open.
func TestAPIProxy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	next := make(chan struct{})
	upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		ct := protobufMediaType
		if !strings.Contains(r.Header.Get("Accept"), protobufMediaType) {
			ct = jsonMediaType
		}
		w.Header().Set("Content-Type", ct)
		if r.Header.Get("Accept-Encoding") == "gzip" {
			// The body stays plain: only the proxy's count of the header is under test.
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", ct)
			body := "accept=" + r.Header.Get("Accept") + "\n"
			gz := gzip.NewWriter(w)
			_, _ = io.WriteString(gz, body)
			_ = gz.Close()
			return
		}
		if r.URL.Query().Get("watch") != "true" {
			_, _ = io.WriteString(w, "accept="+r.Header.Get("Accept")+"\n")
			return
		}
		_, _ = io.WriteString(w, "event 1\n")
		w.(http.Flusher).Flush()
		select { // the second event only once the client has read the first
		case <-next:
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Second):
			return
		}
		_, _ = io.WriteString(w, "event 2\n")
	}))
	upstream.EnableHTTP2 = true
	upstream.StartTLS()
	defer upstream.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: upstream.Certificate().Raw})

	for _, toJSON := range []bool{true, false} {
		t.Run(fmt.Sprintf("toJSON=%v", toJSON), func(t *testing.T) { testAPIProxy(t, upstream.URL, ca, toJSON, next) })
	}
}

func testAPIProxy(t *testing.T, upstream string, ca []byte, toJSON bool, next chan struct{}) {
	p, err := StartAPIProxy(upstream, ca, toJSON)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := WriteKubeconfig(kubeconfig, p.URL(), p.CAPEM, "s3cret"); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DisableCompression = true // as kubestate: gzip only where a request below asks for it
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	get := func(query, accept string, headers ...string) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+"/api/v1/pods"+query, nil)
		req.Header.Set("Accept", accept)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", query, resp.Status)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("the client reached the proxy over HTTP/%d, want HTTP/2 as client-go does", resp.ProtoMajor)
		}
		return resp
	}
	resp := get("", "application/vnd.kubernetes.protobuf,application/json")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "accept=application/vnd.kubernetes.protobuf,application/json\n"
	if toJSON {
		want = "accept=application/json\n"
	}
	if string(body) != want {
		t.Errorf("toJSON=%v: upstream saw %q, want %q", toJSON, body, want)
	}
	table := "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
	resp = get("?table", table, "Accept-Encoding", "gzip") // the client's own Accept-Encoding passes to the apiserver
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatalf("toJSON=%v: the gzipped answer did not reach the client as sent: %v", toJSON, err)
	}
	body, _ = io.ReadAll(zr)
	resp.Body.Close()
	if string(body) != "accept="+table+"\n" {
		t.Errorf("toJSON=%v: a Table request was changed: upstream saw %q", toJSON, body)
	}

	resp = get("?watch=true", "application/vnd.kubernetes.protobuf;stream=watch")
	lines := bufio.NewReader(resp.Body)
	if l, err := lines.ReadString('\n'); l != "event 1\n" {
		t.Errorf("first event %q (%v)", l, err)
	}
	select { // the first event arrived while the upstream waited: let it send the second
	case next <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream no longer waits for the second event")
	}
	if l, err := lines.ReadString('\n'); l != "event 2\n" {
		t.Errorf("second event %q (%v)", l, err)
	}
	resp.Body.Close()
	cancel()

	pb, js, gz := p.Responses()
	if toJSON && (pb != 0 || js != 3) || !toJSON && (pb != 2 || js != 1) || gz != 1 {
		t.Errorf("toJSON=%v: counted %d protobuf and %d JSON responses, %d gzipped (want 1: the client asked for it once)", toJSON, pb, js, gz)
	}
	client.CloseIdleConnections()
	if err := p.Close(); err != nil {
		t.Error(err)
	}
}
