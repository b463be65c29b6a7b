package bench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	protobufMediaType = "application/vnd.kubernetes.protobuf"
	jsonMediaType     = "application/json"
)

// APIProxy is a TLS reverse proxy in front of the apiserver. With JSON set it makes a collector read
// JSON without any change to the collector: an Accept header that names protobuf becomes
// application/json, the apiserver answers JSON, and client-go decodes by the response's
// Content-Type. Requests that ask for JSON already (kubestate's Table reads of Secrets) pass
// unchanged, as does everything else (Authorization, Accept-Encoding), and responses are streamed
// (watches). It counts the responses it passes by content type, so a run can show what was read.
type APIProxy struct {
	JSON  bool
	CAPEM []byte // the proxy's own self-signed certificate, for the collector's kubeconfig

	ln       net.Listener
	srv      *http.Server
	upstream *http.Transport
	served   chan struct{}
	protobuf atomic.Int64
	json     atomic.Int64
	gzip     atomic.Int64
	once     sync.Once
}

// RewriteAccept is the Accept header the proxy sends upstream.
func RewriteAccept(accept string, toJSON bool) string {
	if toJSON && strings.Contains(accept, protobufMediaType) {
		return jsonMediaType
	}
	return accept
}

// StartAPIProxy listens on a free loopback port and forwards to upstream (https://host:port),
// trusting upstreamCA (PEM).
func StartAPIProxy(upstream string, upstreamCA []byte, toJSON bool) (*APIProxy, error) {
	target, err := url.Parse(upstream)
	if err != nil || target.Scheme != "https" || target.Host == "" {
		return nil, fmt.Errorf("apiserver proxy: upstream %q is not an https URL", upstream)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(upstreamCA) {
		return nil, errors.New("apiserver proxy: no certificate in the upstream CA data")
	}
	cert, caPEM, err := selfSignedLoopback()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &APIProxy{JSON: toJSON, CAPEM: caPEM, ln: ln, served: make(chan struct{}), upstream: &http.Transport{
		TLSClientConfig:    &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:  true,
		DisableCompression: true, // the client's Accept-Encoding passes as it is
		IdleConnTimeout:    90 * time.Second,
	}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			if a := r.In.Header.Get("Accept"); a != "" {
				r.Out.Header.Set("Accept", RewriteAccept(a, p.JSON))
			}
		},
		Transport:     p.upstream,
		FlushInterval: -1, // watches: every write reaches the client at once
		ModifyResponse: func(resp *http.Response) error {
			if resp.Header.Get("Content-Encoding") == "gzip" {
				p.gzip.Add(1)
			}
			switch ct := resp.Header.Get("Content-Type"); {
			case strings.HasPrefix(ct, protobufMediaType):
				p.protobuf.Add(1)
			case strings.HasPrefix(ct, jsonMediaType):
				p.json.Add(1)
			}
			return nil
		},
	}
	p.srv = &http.Server{
		Handler:           rp,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		defer close(p.served)
		_ = p.srv.ServeTLS(ln, "", "")
	}()
	return p, nil
}

// URL is where the proxy serves.
func (p *APIProxy) URL() string { return "https://" + p.ln.Addr().String() }

// Responses are the responses passed so far, by content type, and those gzipped (a client that
// does not disable compression gets gzip from the apiserver, lists and watches alike).
func (p *APIProxy) Responses() (protobuf, json, gzip int) {
	return int(p.protobuf.Load()), int(p.json.Load()), int(p.gzip.Load())
}

// Close stops the proxy and its connections (watches included) and waits for it.
func (p *APIProxy) Close() error {
	var err error
	p.once.Do(func() {
		err = p.srv.Close()
		<-p.served
		p.upstream.CloseIdleConnections()
	})
	return err
}

// selfSignedLoopback makes a certificate for 127.0.0.1 that is its own CA.
func selfSignedLoopback() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "kubestate bench apiserver proxy"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, nil
}

// WriteKubeconfig writes a kubeconfig for server, trusting caPEM, authenticating with token.
func WriteKubeconfig(path, server string, caPEM []byte, token string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["bench"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos["bench"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["bench"] = &clientcmdapi.Context{Cluster: "bench", AuthInfo: "bench"}
	cfg.CurrentContext = "bench"
	return clientcmd.WriteToFile(*cfg, path)
}
