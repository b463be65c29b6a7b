package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// archivePath is the archive `make image` builds (make test builds it first).
func archivePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("KUBESTATE_IMAGE_ARCHIVE")
	if p == "" {
		p = filepath.Join("..", "..", "_build", "otelcol-kubestate-image.tar")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("image archive: %v (run make image; make test builds it)", err)
	}
	return p
}

// ociArchive is an OCI layout tar read with the standard library only, so the checks below do not
// trust the go-containerregistry code that wrote it: every blob is verified against its digest.
type ociArchive struct {
	files map[string][]byte
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

type manifest struct {
	MediaType string       `json:"mediaType"`
	Config    descriptor   `json:"config"`
	Layers    []descriptor `json:"layers"`
}

type imageConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Config       struct {
		User       string   `json:"User"`
		Entrypoint []string `json:"Entrypoint"`
		Cmd        []string `json:"Cmd"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

func readArchive(t *testing.T, path string) *ociArchive {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := &ociArchive{files: map[string][]byte{}}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		a.files[h.Name] = b
	}
	if !strings.Contains(string(a.files["oci-layout"]), `"imageLayoutVersion"`) {
		t.Fatalf("%s: no oci-layout file: not an OCI image layout", path)
	}
	return a
}

// blob returns the blob d names after checking its digest and size.
func (a *ociArchive) blob(t *testing.T, d descriptor) []byte {
	t.Helper()
	hexDigest, ok := strings.CutPrefix(d.Digest, "sha256:")
	if !ok {
		t.Fatalf("digest %q is not sha256", d.Digest)
	}
	b, ok := a.files["blobs/sha256/"+hexDigest]
	if !ok {
		t.Fatalf("blob %s (%s) missing from the archive", d.Digest, d.MediaType)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != hexDigest || int64(len(b)) != d.Size {
		t.Fatalf("blob %s: content does not match its descriptor (size %d, want %d)", d.Digest, len(b), d.Size)
	}
	return b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

type platformImage struct {
	config imageConfig
	layers [][]byte // uncompressed tars, in order
}

// images walks index.json -> image index -> one manifest per platform.
func (a *ociArchive) images(t *testing.T) map[string]platformImage {
	t.Helper()
	top := decode[index](t, a.files["index.json"])
	if len(top.Manifests) != 1 || top.Manifests[0].MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Fatalf("index.json should name one OCI image index, got %+v", top.Manifests)
	}
	ann := top.Manifests[0].Annotations
	if ann["io.containerd.image.name"] == "" || ann["org.opencontainers.image.ref.name"] == "" ||
		!strings.HasSuffix(ann["io.containerd.image.name"], ":"+ann["org.opencontainers.image.ref.name"]) {
		t.Errorf("index.json annotations should name the image and its tag: %v", ann)
	}
	idx := decode[index](t, a.blob(t, top.Manifests[0]))
	out := map[string]platformImage{}
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.MediaType != "application/vnd.oci.image.manifest.v1+json" {
			t.Fatalf("image index entry without platform or not an OCI manifest: %+v", d)
		}
		m := decode[manifest](t, a.blob(t, d))
		cfg := decode[imageConfig](t, a.blob(t, m.Config))
		if cfg.OS != d.Platform.OS || cfg.Architecture != d.Platform.Architecture {
			t.Errorf("config says %s/%s, index says %s/%s", cfg.OS, cfg.Architecture, d.Platform.OS, d.Platform.Architecture)
		}
		if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
			t.Fatalf("%d diff_ids for %d layers", len(cfg.RootFS.DiffIDs), len(m.Layers))
		}
		var layers [][]byte
		for i, l := range m.Layers {
			if l.MediaType != "application/vnd.oci.image.layer.v1.tar+gzip" {
				t.Errorf("layer %d media type %q", i, l.MediaType)
			}
			zr, err := gzip.NewReader(bytes.NewReader(a.blob(t, l)))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if sum := sha256.Sum256(raw); "sha256:"+hex.EncodeToString(sum[:]) != cfg.RootFS.DiffIDs[i] {
				t.Errorf("layer %d: uncompressed digest does not match diff_id %s", i, cfg.RootFS.DiffIDs[i])
			}
			layers = append(layers, raw)
		}
		out[d.Platform.OS+"/"+d.Platform.Architecture] = platformImage{config: cfg, layers: layers}
	}
	return out
}

// unpack extracts the layers in order into dir (no whiteouts: Build writes none).
func unpack(t *testing.T, layers [][]byte, dir string) {
	t.Helper()
	for _, l := range layers {
		tr := tar.NewReader(bytes.NewReader(l))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, h.Name)
			if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
				t.Fatalf("layer entry %q escapes the root", h.Name)
			}
			switch h.Typeflag {
			case tar.TypeDir:
				if err := os.MkdirAll(p, os.FileMode(h.Mode).Perm()); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, os.FileMode(h.Mode).Perm()|modeBits(h.Mode)); err != nil {
					t.Fatal(err)
				}
			case tar.TypeReg:
				b, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, os.FileMode(h.Mode).Perm()); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("unexpected entry type %c for %s", h.Typeflag, h.Name)
			}
			if os.Geteuid() == 0 {
				if err := os.Lchown(p, h.Uid, h.Gid); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func modeBits(m int64) os.FileMode {
	if m&0o1000 != 0 {
		return os.ModeSticky
	}
	return 0
}

// staticELF checks that b is a statically linked executable for machine: no interpreter, no
// dynamic section, so it runs in an image that has no libc.
func staticELF(t *testing.T, what string, b []byte, machine elf.Machine) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not an ELF file: %v", what, err)
	}
	if f.Machine != machine {
		t.Errorf("%s: machine %v, want %v", what, f.Machine, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s: dynamically linked (program header %v)", what, p.Type)
		}
	}
}

func fileIn(t *testing.T, layers [][]byte, path string) []byte {
	t.Helper()
	var found []byte
	for _, l := range layers {
		tr := tar.NewReader(bytes.NewReader(l))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Name == strings.TrimPrefix(path, "/") {
				if found, err = io.ReadAll(tr); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if found == nil {
		t.Fatalf("%s is not in the image", path)
	}
	return found
}

// The archive make image builds: both platforms, static binaries, uid 65532, a CA bundle, and the
// amd64 entrypoint validates the bundled config when run from the unpacked image (chrooted into it
// as uid 65532 when the test runs as root, as a container runtime would).
func TestImageArchive(t *testing.T) {
	a := readArchive(t, archivePath(t))
	imgs := a.images(t)
	var plats []string
	for p := range imgs {
		plats = append(plats, p)
	}
	slices.Sort(plats)
	if !slices.Equal(plats, []string{"linux/amd64", "linux/arm64"}) {
		t.Fatalf("platforms %v, want linux/amd64 and linux/arm64", plats)
	}
	for p, machine := range map[string]elf.Machine{"linux/amd64": elf.EM_X86_64, "linux/arm64": elf.EM_AARCH64} {
		img := imgs[p]
		c := img.config.Config
		if c.User != fmt.Sprintf("%d:%d", UID, UID) {
			t.Errorf("%s: User %q, want %d:%d", p, c.User, UID, UID)
		}
		if !slices.Equal(c.Entrypoint, []string{Entrypoint}) || !slices.Equal(c.Cmd, []string{"--config=" + ConfigPath}) {
			t.Errorf("%s: Entrypoint %q Cmd %q", p, c.Entrypoint, c.Cmd)
		}
		staticELF(t, p+" "+Entrypoint, fileIn(t, img.layers, Entrypoint), machine)
	}

	amd := imgs["linux/amd64"]
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	unpack(t, amd.layers, root)

	pool := x509.NewCertPool()
	if ca, err := os.ReadFile(filepath.Join(root, CAPath)); err != nil || !pool.AppendCertsFromPEM(ca) {
		t.Errorf("CA bundle %s missing or without certificates: %v", CAPath, err)
	}
	passwd, err := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if err != nil || !strings.Contains(string(passwd), fmt.Sprintf(":x:%d:%d:", UID, UID)) {
		t.Errorf("/etc/passwd has no entry for uid %d: %q %v", UID, passwd, err)
	}

	args := append(slices.Clone(amd.config.Config.Entrypoint), "validate", "--config", ConfigPath)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: UID, Gid: UID}}
		cmd.Dir = "/"
	} else {
		t.Logf("not root: running the entrypoint from %s without chroot and as uid %d", root, os.Geteuid())
		cmd = exec.CommandContext(ctx, filepath.Join(root, args[0]), "validate", "--config", filepath.Join(root, ConfigPath))
	}
	cmd.Env = []string{} // the image sets no environment the config needs
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v in the image: %v (%v)\n%s", args, err, ctx.Err(), out)
	}
}

// The archive names the image the way a kubelet looks up deploy/base's image: a pod spec saying
// kubestate/otelcol-kubestate:0.1.0 finds docker.io/kubestate/otelcol-kubestate:0.1.0 in a node's
// containerd after the archive is imported there.
func TestArchiveNamesTheDeployedImage(t *testing.T) {
	deployment, err := os.ReadFile(filepath.Join("..", "..", "deploy", "base", "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+image:\s*(\S+)`).FindSubmatch(deployment)
	if m == nil {
		t.Fatal("deploy/base/deployment.yaml names no image")
	}
	want := dockerNormalized(string(m[1]))
	top := decode[index](t, readArchive(t, archivePath(t)).files["index.json"])
	if got := top.Manifests[0].Annotations["io.containerd.image.name"]; got != want {
		t.Errorf("archive names %q; deploy/base runs %s, which a kubelet looks up as %q (make image IMAGE=… must match deploy/)", got, m[1], want)
	}
	for ref, want := range map[string]string{
		"kubestate/otelcol-kubestate:0.1.0":       "docker.io/kubestate/otelcol-kubestate:0.1.0",
		"busybox:1":                               "docker.io/library/busybox:1",
		"registry.example.com:5000/a/b:2":         "registry.example.com:5000/a/b:2",
		"localhost/kubestate/otelcol-kubestate:3": "localhost/kubestate/otelcol-kubestate:3",
	} {
		tag, err := name.NewTag(ref)
		if err != nil {
			t.Fatal(err)
		}
		if got := containerdName(tag); got != want || dockerNormalized(ref) != want {
			t.Errorf("%s: containerdName %q, test's normalization %q, want %q", ref, got, dockerNormalized(ref), want)
		}
	}
}

// dockerNormalized is the Docker/containerd rule for a reference's full name, written out apart
// from go-containerregistry's: no registry host in the first component means docker.io, and a
// single-component name there is in library/.
func dockerNormalized(ref string) string {
	first, rest, ok := strings.Cut(ref, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return ref
	}
	if !ok {
		return "docker.io/library/" + ref
	}
	return "docker.io/" + first + "/" + rest
}

// Building twice from the same inputs gives the same archive, byte for byte (fixed times, sorted
// entries), so an image digest names its sources.
func TestBuildIsReproducible(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.WriteFile(bin, []byte("\x7fELF not really"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Ref:      "example.com/kubestate/otelcol-kubestate:test",
		Config:   []byte("receivers: {}\n"),
		CA:       []byte("-----BEGIN CERTIFICATE-----\n"),
		Binaries: map[string]string{"linux/amd64": bin, "linux/arm64": bin},
		Created:  time.Unix(0, 0).UTC(),
	}
	var archives [2][]byte
	for i := range archives {
		out := filepath.Join(dir, fmt.Sprintf("image-%d.tar", i))
		if err := Build(out, o); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		archives[i] = b
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Fatal("two builds from the same inputs differ")
	}
	o.Config = []byte("receivers: {kubestate: {}}\n")
	if err := Build(filepath.Join(dir, "changed.tar"), o); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "changed.tar")); bytes.Equal(b, archives[0]) {
		t.Fatal("a changed config gave the same archive")
	}
}

// make image-push: the archive's index, every platform, reaches a registry (an in-memory one on
// 127.0.0.1) under the given name, with the digest the archive holds.
func TestPushToRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref, err := name.ParseReference(strings.TrimPrefix(srv.URL, "http://")+"/kubestate/otelcol-kubestate:test", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := Push(archivePath(t), ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := remote.Index(ref)
	if err != nil {
		t.Fatal(err)
	}
	d, err := got.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if d != pushed {
		t.Fatalf("registry serves %s, pushed %s", d, pushed)
	}
	m, err := got.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 2 {
		t.Fatalf("registry's index has %d manifests, want 2 (amd64, arm64)", len(m.Manifests))
	}
	for _, desc := range m.Manifests {
		img, err := got.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range layers {
			rc, err := l.Compressed() // fetched from the registry: every blob was uploaded
			if err != nil {
				t.Fatalf("%s: %v", desc.Platform, err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				t.Fatal(err)
			}
			rc.Close()
		}
	}
}
