// Command image builds the distribution's multi-platform OCI image archive without a container engine,
// and pushes such an archive to a registry.
//
//	image build -o ARCHIVE -name REF -config FILE -ca FILE -binary linux/amd64=PATH [-binary linux/arm64=PATH ...]
//	image push [-insecure] ARCHIVE REF
//
// The archive is an OCI image layout in a tar file ("oci-archive"), which `skopeo copy oci-archive:…`,
// `docker load`, `podman load`, `ctr images import` and `kind load image-archive` read. Its index.json
// names the image index by REF (io.containerd.image.name) and by tag (org.opencontainers.image.ref.name).
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Paths and identity inside the image. The uid is distroless' "nonroot", so policies written for
// distroless images (runAsUser: 65532) fit this one too.
const (
	Entrypoint = "/otelcol-kubestate"
	ConfigPath = "/etc/otelcol-kubestate/config.yaml"
	CAPath     = "/etc/ssl/certs/ca-certificates.crt"
	UID        = 65532
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = buildCmd(os.Args[2:])
	case "push":
		err = pushCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: image build -o ARCHIVE -name REF -config FILE -ca FILE -binary OS/ARCH=PATH ...\n       image push [-insecure] ARCHIVE REF")
	os.Exit(2)
}

type binaries map[string]string // "linux/amd64" -> path

func (b binaries) String() string { return fmt.Sprint(map[string]string(b)) }
func (b binaries) Set(v string) error {
	plat, path, ok := strings.Cut(v, "=")
	if !ok || !strings.Contains(plat, "/") {
		return fmt.Errorf("-binary %q: want OS/ARCH=PATH", v)
	}
	b[plat] = path
	return nil
}

// Options are what one archive is built from.
type Options struct {
	Ref      string            // image name with tag, e.g. kubestate/otelcol-kubestate:0.1.0
	Config   []byte            // the default collector config
	CA       []byte            // PEM CA bundle
	Binaries map[string]string // platform "os/arch" -> static binary
	Created  time.Time         // image creation time and every file's mtime (reproducible builds)
}

func buildCmd(args []string) error {
	fl := flag.NewFlagSet("build", flag.ExitOnError)
	out := fl.String("o", "", "archive to write")
	ref := fl.String("name", "", "image reference with tag")
	cfg := fl.String("config", "", "default collector config")
	ca := fl.String("ca", "/etc/ssl/certs/ca-certificates.crt", "PEM CA bundle")
	bins := binaries{}
	fl.Var(bins, "binary", "OS/ARCH=PATH of a static binary (repeat per platform)")
	_ = fl.Parse(args)
	if *out == "" || *ref == "" || *cfg == "" || len(bins) == 0 {
		return errors.New("build needs -o, -name, -config and at least one -binary")
	}
	o := Options{Ref: *ref, Binaries: bins, Created: time.Unix(0, 0).UTC()}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH %q: %v", s, err)
		}
		o.Created = time.Unix(sec, 0).UTC()
	}
	var err error
	if o.Config, err = os.ReadFile(*cfg); err != nil {
		return err
	}
	if o.CA, err = os.ReadFile(*ca); err != nil {
		return fmt.Errorf("CA bundle: %w (Debian: apt-get install ca-certificates)", err)
	}
	if !bytes.Contains(o.CA, []byte("-----BEGIN CERTIFICATE-----")) {
		return fmt.Errorf("CA bundle %s holds no PEM certificate", *ca)
	}
	return Build(*out, o)
}

// Build writes the multi-platform image as an OCI layout tar to out.
func Build(out string, o Options) error {
	tag, err := name.NewTag(o.Ref)
	if err != nil {
		return fmt.Errorf("-name %q: %w", o.Ref, err)
	}
	base, err := layer(o.Created, baseFiles(o))
	if err != nil {
		return err
	}
	platforms := make([]string, 0, len(o.Binaries))
	for p := range o.Binaries {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)

	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		osName, arch, _ := strings.Cut(p, "/")
		bin, err := os.ReadFile(o.Binaries[p])
		if err != nil {
			return err
		}
		binLayer, err := layer(o.Created, []file{{path: strings.TrimPrefix(Entrypoint, "/"), mode: 0o755, data: bin}})
		if err != nil {
			return err
		}
		img, err := image(o, osName, arch, base, binLayer)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: osName, Architecture: arch}},
		})
	}

	dir, err := os.MkdirTemp("", "kubestate-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":          containerdName(tag),
		"org.opencontainers.image.ref.name": tag.TagStr(),
	})); err != nil {
		return err
	}
	return tarDir(dir, out, o.Created)
}

func image(o Options, osName, arch string, layers ...v1.Layer) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err := mutate.AppendLayers(img, layers...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = osName, arch
	cf.Created = v1.Time{Time: o.Created}
	cf.Config = v1.Config{
		Entrypoint:   []string{Entrypoint},
		Cmd:          []string{"--config=" + ConfigPath},
		User:         fmt.Sprintf("%d:%d", UID, UID),
		WorkingDir:   "/",
		Env:          []string{"SSL_CERT_FILE=" + CAPath},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "13133/tcp": {}, "13134/tcp": {}},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "otelcol-kubestate",
			"org.opencontainers.image.description": "OpenTelemetry Collector with the kubestate receiver (kube-state-metrics v2.20.0 metrics)",
			"org.opencontainers.image.licenses":    "Apache-2.0",
			"org.opencontainers.image.version":     tagOf(o.Ref),
		},
	}
	return mutate.ConfigFile(img, cf)
}

// containerdName is the fully qualified name a kubelet looks an image up by: Docker Hub is
// "docker.io" there (go-containerregistry says "index.docker.io"), so that an archive built as
// kubestate/otelcol-kubestate:0.1.0 and imported into a node's containerd is found by a pod spec
// naming it that way.
func containerdName(t name.Tag) string {
	reg := t.RegistryStr()
	if reg == name.DefaultRegistry {
		reg = "docker.io"
	}
	return reg + "/" + t.RepositoryStr() + ":" + t.TagStr()
}

func tagOf(ref string) string {
	if t, err := name.NewTag(ref); err == nil {
		return t.TagStr()
	}
	return ""
}

type file struct {
	path string // relative, no leading slash; a trailing slash makes a directory
	mode int64
	uid  int
	data []byte
}

// baseFiles is what every platform shares: distroless' passwd/group entries for uid 65532, the CA
// bundle, the default config, a home and /tmp.
func baseFiles(o Options) []file {
	return []file{
		{path: "etc/", mode: 0o755},
		{path: "etc/passwd", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", UID, UID)},
		{path: "etc/group", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:\nnonroot:x:%d:\n", UID)},
		{path: "etc/ssl/", mode: 0o755},
		{path: "etc/ssl/certs/", mode: 0o755},
		{path: strings.TrimPrefix(CAPath, "/"), mode: 0o644, data: o.CA},
		{path: "etc/otelcol-kubestate/", mode: 0o755},
		{path: strings.TrimPrefix(ConfigPath, "/"), mode: 0o644, data: o.Config},
		{path: "home/", mode: 0o755},
		{path: "home/nonroot/", mode: 0o700, uid: UID},
		{path: "tmp/", mode: 0o1777},
	}
}

// layer is an OCI layer (gzip tar) of files, in order, with fixed times and root or uid ownership.
func layer(mtime time.Time, files []file) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.path, Mode: f.mode, Uid: f.uid, Gid: f.uid, ModTime: mtime, Format: tar.FormatPAX}
		if strings.HasSuffix(f.path, "/") {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		tarball.WithMediaType(types.OCILayer))
}

// tarDir packs an OCI layout directory into out, in a fixed order with fixed times, via a temp file so a
// failed build leaves no half archive.
func tarDir(dir, out string, mtime time.Time) error {
	var paths []string
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			paths = append(paths, p)
		}
		return nil
	}); err != nil {
		return err
	}
	sort.Strings(paths)
	tmp, err := os.CreateTemp(filepath.Dir(out), ".image-*.tar")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	tw := tar.NewWriter(tmp)
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: mtime, Mode: 0o644, Format: tar.FormatPAX}
		if st.IsDir() {
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, h.Name+"/", 0o755
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			continue
		}
		h.Typeflag, h.Size = tar.TypeReg, st.Size()
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp's 0600 would hide it from other users
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func pushCmd(args []string) error {
	fl := flag.NewFlagSet("push", flag.ExitOnError)
	insecure := fl.Bool("insecure", false, "plain HTTP registry (e.g. a local one at localhost:5000)")
	_ = fl.Parse(args)
	if fl.NArg() != 2 {
		return errors.New("push needs ARCHIVE and REF")
	}
	var opts []name.Option
	if *insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.ParseReference(fl.Arg(1), opts...)
	if err != nil {
		return err
	}
	d, err := Push(fl.Arg(0), ref, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return err
	}
	fmt.Printf("pushed %s@%s\n", ref.Context().Name(), d)
	return nil
}

// Push uploads the archive's image index (every platform) to ref and returns its digest.
func Push(archive string, ref name.Reference, opts ...remote.Option) (v1.Hash, error) {
	dir, err := os.MkdirTemp("", "kubestate-image-")
	if err != nil {
		return v1.Hash{}, err
	}
	defer os.RemoveAll(dir)
	idx, err := ReadArchive(archive, dir)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}

// ReadArchive unpacks an archive Build wrote into dir and returns its image index.
func ReadArchive(archive, dir string) (v1.ImageIndex, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", archive, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s: entry %q leaves the archive", archive, h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			var w *os.File
			if w, err = os.Create(p); err == nil {
				_, err = io.Copy(w, tr)
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	root, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	m, err := root.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) != 1 || !m.Manifests[0].MediaType.IsIndex() {
		return nil, fmt.Errorf("%s: index.json should name exactly one image index", archive)
	}
	return root.ImageIndex(m.Manifests[0].Digest)
}
