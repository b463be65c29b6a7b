// Package controlplane runs a real etcd and kube-apiserver on loopback, built from Go modules into bin/
// by `make tools`. `make cluster-up`, the test helper (package testenv), the demo, the parity harness and
// the benchmarks all start Kubernetes through it, so they all see the same apiserver configuration.
package controlplane

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestate/kubestate/internal/testenv/proc"
)

// Identity is a bearer token the apiserver accepts, for tests that need a user other than the admin.
type Identity struct {
	User   string
	Token  string
	Groups []string
}

// Options says where the binaries are, where state goes, and how the processes live.
type Options struct {
	BinDir   string // holds etcd and kube-apiserver
	StateDir string // certificates, etcd data, logs, kubeconfig; created if missing
	// Detach makes the processes outlive the calling program (make cluster-up); otherwise they are
	// killed when it exits, even if it crashes.
	Detach     bool
	Identities []Identity
	Progress   io.Writer // one line per step; nil for silence
	// ReadyTimeout bounds the wait for /readyz; zero means 90s.
	ReadyTimeout time.Duration
}

// Cluster is a running control plane. Its fields are persisted to StateDir/cluster.json so that a
// later process (make cluster-down) can find and stop it.
type Cluster struct {
	StateDir     string     `json:"state_dir"`
	Server       string     `json:"server"`
	EtcdURL      string     `json:"etcd_url"`
	EtcdPID      int        `json:"etcd_pid"`
	APIServerPID int        `json:"apiserver_pid"`
	AdminToken   string     `json:"admin_token"`
	Identities   []Identity `json:"identities"`
	CAData       []byte     `json:"ca_data"`

	opts  Options
	procs map[string]*exec.Cmd // only for processes this program started and waits on
	exits map[string]chan struct{}
}

// ErrMissingBinary tells the caller to build the tools first.
var ErrMissingBinary = errors.New("run make tools")

const stateFile = "cluster.json"

// KubeconfigPath is where Start writes an admin kubeconfig.
func (c *Cluster) KubeconfigPath() string { return filepath.Join(c.StateDir, "kubeconfig") }

// Start launches etcd and kube-apiserver on free loopback ports and waits until /readyz answers ok.
// On any failure it stops what it started and returns an error quoting the failing process's log.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 90 * time.Second
	}
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(opts.BinDir, b)); err != nil {
			return nil, fmt.Errorf("%s not found in %s: %w", b, opts.BinDir, ErrMissingBinary)
		}
	}
	dir, err := filepath.Abs(opts.StateDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{StateDir: dir, opts: opts, procs: map[string]*exec.Cmd{}, exits: map[string]chan struct{}{}}
	c.progress("generating certificates and keys in %s", dir)
	if c.CAData, err = writePKI(dir); err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	c.AdminToken = randomToken()
	c.Identities = opts.Identities
	if err := c.writeTokenFile(); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = c.Stop()
		}
	}()
	if err := c.StartEtcd(ctx); err != nil {
		return nil, err
	}
	if err := c.StartAPIServer(ctx); err != nil {
		return nil, err
	}
	if err := c.writeKubeconfig(); err != nil {
		return nil, err
	}
	if err := c.save(); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// StartEtcd starts etcd on a fresh loopback port (again, after StopEtcd) and waits until it serves.
func (c *Cluster) StartEtcd(ctx context.Context) error {
	clientPort, err := proc.FreePort()
	if err != nil {
		return err
	}
	peerPort, err := proc.FreePort()
	if err != nil {
		return err
	}
	if c.EtcdURL == "" {
		c.EtcdURL = fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	}
	peer := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	c.progress("starting etcd on %s", c.EtcdURL)
	pid, err := c.launch("etcd",
		"--name=kubestate-local",
		"--data-dir="+filepath.Join(c.StateDir, "etcd-data"),
		"--listen-client-urls="+c.EtcdURL,
		"--advertise-client-urls="+c.EtcdURL,
		"--listen-peer-urls="+peer,
		"--initial-advertise-peer-urls="+peer,
		"--initial-cluster=kubestate-local="+peer,
		"--unsafe-no-fsync=true",
		"--quota-backend-bytes=8589934592",
		"--log-level=warn",
	)
	if err != nil {
		return err
	}
	c.EtcdPID = pid
	return c.waitReady(ctx, "etcd", c.EtcdURL+"/health", nil)
}

// StartAPIServer starts kube-apiserver against the running etcd, keeping its port across restarts so
// clients built before a restart reconnect to the same address.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	port := 0
	if c.Server != "" {
		u := strings.TrimPrefix(c.Server, "https://127.0.0.1:")
		port, _ = strconv.Atoi(u)
	}
	if port == 0 {
		p, err := proc.FreePort()
		if err != nil {
			return err
		}
		port = p
		c.Server = fmt.Sprintf("https://127.0.0.1:%d", port)
	}
	c.progress("starting kube-apiserver on %s", c.Server)
	d := c.StateDir
	pid, err := c.launch("kube-apiserver",
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(port),
		"--etcd-servers="+c.EtcdURL,
		"--cert-dir="+filepath.Join(d, "apiserver-certs"),
		"--tls-cert-file="+filepath.Join(d, "apiserver.crt"),
		"--tls-private-key-file="+filepath.Join(d, "apiserver.key"),
		"--client-ca-file="+filepath.Join(d, "ca.crt"),
		"--token-auth-file="+filepath.Join(d, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+filepath.Join(d, "sa.key"),
		"--service-account-signing-key-file="+filepath.Join(d, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true",
		"--endpoint-reconciler-type=none", // loopback advertise address; nothing routes to it anyway
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	)
	if err != nil {
		return err
	}
	c.APIServerPID = pid
	return c.waitReady(ctx, "kube-apiserver", c.Server+"/readyz", c.httpClient())
}

// StopAPIServer kills kube-apiserver (for fault-injection tests); StartAPIServer brings it back.
func (c *Cluster) StopAPIServer() error { return c.kill("kube-apiserver", &c.APIServerPID) }

// StopEtcd kills etcd, keeping its data; StartEtcd brings it back.
func (c *Cluster) StopEtcd() error { return c.kill("etcd", &c.EtcdPID) }

// Stop kills both processes. It does not remove state; Remove does.
func (c *Cluster) Stop() error {
	return errors.Join(c.kill("kube-apiserver", &c.APIServerPID), c.kill("etcd", &c.EtcdPID))
}

// Remove stops the cluster and deletes its state directory.
func (c *Cluster) Remove() error {
	return errors.Join(c.Stop(), os.RemoveAll(c.StateDir))
}

// RESTConfig returns an admin client configuration.
func (c *Cluster) RESTConfig() *rest.Config { return c.RESTConfigFor(c.AdminToken) }

// RESTConfigFor returns a client configuration authenticating with the given token.
func (c *Cluster) RESTConfigFor(token string) *rest.Config {
	return &rest.Config{
		Host:            c.Server,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CAData},
		QPS:             1000,
		Burst:           2000,
	}
}

// Load finds the cluster recorded in stateDir. It returns an error if none is recorded, and
// reports whether both processes are still alive.
func Load(stateDir string) (*Cluster, bool, error) {
	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, false, err
	}
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, false, err
	}
	c := &Cluster{procs: map[string]*exec.Cmd{}, exits: map[string]chan struct{}{}}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, false, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	c.opts.Progress = io.Discard
	alive := processAlive(c.EtcdPID) && processAlive(c.APIServerPID)
	return c, alive, nil
}

// Ready reports whether the apiserver answers /readyz with ok.
func (c *Cluster) Ready(ctx context.Context) bool {
	return probe(ctx, c.httpClient(), c.Server+"/readyz", c.AdminToken) == nil
}

func (c *Cluster) progress(format string, args ...any) {
	if c.opts.Progress != nil {
		fmt.Fprintf(c.opts.Progress, "controlplane: "+format+"\n", args...)
	}
}

func (c *Cluster) logPath(name string) string { return filepath.Join(c.StateDir, name+".log") }

func (c *Cluster) launch(name string, args ...string) (int, error) {
	logf, err := os.OpenFile(c.logPath(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(c.opts.BinDir, name), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if !c.opts.Detach {
		// Tied to this process: a crashed test binary leaves no control plane behind.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s: %w", name, err)
	}
	done := make(chan struct{})
	c.procs[name], c.exits[name] = cmd, done
	go func() { _ = cmd.Wait(); close(done) }()
	return cmd.Process.Pid, nil
}

func (c *Cluster) exited(name string, pid int) bool {
	if done, ok := c.exits[name]; ok {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	return !processAlive(pid)
}

func (c *Cluster) waitReady(ctx context.Context, name, url string, client *http.Client) error {
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	}
	pid := c.EtcdPID
	if name == "kube-apiserver" {
		pid = c.APIServerPID
	}
	deadline := time.Now().Add(c.opts.ReadyTimeout)
	start := time.Now()
	lastReport := start
	var lastErr error
	for {
		if c.exited(name, pid) {
			return fmt.Errorf("%s exited during start-up; last lines of %s:\n%s", name, c.logPath(name), proc.Tail(c.logPath(name), 15))
		}
		if lastErr = probe(ctx, client, url, c.AdminToken); lastErr == nil {
			c.progress("%s ready after %.1fs", name, time.Since(start).Seconds())
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s (%v); last lines of %s:\n%s", name, c.opts.ReadyTimeout, lastErr, c.logPath(name), proc.Tail(c.logPath(name), 15))
		}
		if time.Since(lastReport) > 10*time.Second {
			c.progress("waiting for %s (%.0fs): %v", name, time.Since(start).Seconds(), lastErr)
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *Cluster) kill(name string, pid *int) error {
	if *pid == 0 {
		return nil
	}
	p := *pid
	*pid = 0
	_ = syscall.Kill(-p, syscall.SIGTERM) // process group: the binary and anything it spawned
	deadline := time.Now().Add(15 * time.Second)
	for !c.exited(name, p) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-p, syscall.SIGKILL)
			deadline = time.Now().Add(5 * time.Second)
		}
		if done, ok := c.exits[name]; ok {
			select {
			case <-done:
			case <-time.After(100 * time.Millisecond):
			}
		} else {
			time.Sleep(100 * time.Millisecond) // another program's child: no handle to wait on
		}
	}
	delete(c.procs, name)
	delete(c.exits, name)
	return nil
}

func (c *Cluster) httpClient() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CAData)
	// No keep-alives: each probe client is dropped after use, and an idle connection it kept would
	// hold two goroutines until the apiserver closes it (goleak in the restart tests).
	return &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true},
	}
}

func (c *Cluster) writeTokenFile() error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s,kubestate-admin,kubestate-admin,\"system:masters\"\n", c.AdminToken)
	for _, id := range c.Identities {
		fmt.Fprintf(&b, "%s,%s,%s,\"%s\"\n", id.Token, id.User, id.User, strings.Join(id.Groups, ","))
	}
	return os.WriteFile(filepath.Join(c.StateDir, "tokens.csv"), b.Bytes(), 0o600)
}

func (c *Cluster) writeKubeconfig() error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubestate-local"] = &clientcmdapi.Cluster{Server: c.Server, CertificateAuthorityData: c.CAData}
	cfg.AuthInfos["kubestate-admin"] = &clientcmdapi.AuthInfo{Token: c.AdminToken}
	cfg.Contexts["kubestate-local"] = &clientcmdapi.Context{Cluster: "kubestate-local", AuthInfo: "kubestate-admin"}
	cfg.CurrentContext = "kubestate-local"
	return clientcmd.WriteToFile(*cfg, c.KubeconfigPath())
}

func (c *Cluster) save() error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.StateDir, stateFile), data, 0o600)
}

func probe(ctx context.Context, client *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" && strings.HasPrefix(url, "https") {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(lastLine(string(body))))
	}
	return nil
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	// A zombie still answers kill(0); it is dead for our purposes.
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Up returns the cluster recorded in opts.StateDir if it is alive and ready (running reports
// true), and otherwise cleans up any stale record and starts a new one.
func Up(ctx context.Context, opts Options) (c *Cluster, running bool, err error) {
	if c, alive, err := Load(opts.StateDir); err == nil {
		if alive && c.Ready(ctx) {
			return c, true, nil
		}
		if opts.Progress != nil {
			fmt.Fprintln(opts.Progress, "controlplane: found a stale cluster record; cleaning it up")
		}
		if err := c.Remove(); err != nil {
			return nil, false, err
		}
	}
	c, err = Start(ctx, opts)
	return c, false, err
}
