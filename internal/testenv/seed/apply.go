// Package seed fills a cluster with objects: a fixture folder of multi-document YAML (Apply), or a
// synthetic cluster of a given size (Synthetic). Without a controller-manager nothing fills in what
// controllers normally would, so the seeder writes each object's status through the status subresource,
// creates each namespace's default ServiceAccount, and resolves owner references given without a uid.
package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// Object is one document of a fixture file, with where it came from for error messages.
type Object struct {
	File  string
	Index int // 1-based document number in File
	Obj   *unstructured.Unstructured
}

func (o Object) String() string {
	name := o.Obj.GetName()
	if ns := o.Obj.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return fmt.Sprintf("%s (document %d): %s %s", o.File, o.Index, o.Obj.GetKind(), name)
}

// ReadDir parses every *.yaml and *.yml file of dir, in name order, into objects.
func ReadDir(dir string) ([]Object, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("fixture folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("fixture folder %s holds no .yaml files", dir)
	}
	var out []Object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		objs, err := Parse(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// Parse splits multi-document YAML into objects, skipping empty documents.
func Parse(file string, data []byte) ([]Object, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []Object
	for i := 1; ; i++ {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("%s (document %d): %w", file, i, err)
		}
		if len(m) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetAPIVersion() == "" || u.GetKind() == "" || u.GetName() == "" {
			return nil, fmt.Errorf("%s (document %d): every object needs apiVersion, kind and metadata.name", file, i)
		}
		out = append(out, Object{File: file, Index: i, Obj: u})
	}
}

// Applier creates fixture objects and writes their status.
type Applier struct {
	dyn      dynamic.Interface
	disc     discovery.CachedDiscoveryInterface
	mapper   *restmapper.DeferredDiscoveryRESTMapper
	log      io.Writer
	accounts map[string]bool // namespaces whose default ServiceAccount exists
}

// NewApplier returns an Applier for the cluster cfg points at; log gets one line per file.
func NewApplier(cfg *rest.Config, log io.Writer) (*Applier, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = io.Discard
	}
	cached := memory.NewMemCacheClient(dc)
	return &Applier{dyn: dyn, disc: cached, mapper: restmapper.NewDeferredDiscoveryRESTMapper(cached), log: log, accounts: map[string]bool{}}, nil
}

// ApplyDir applies every object of a fixture folder in order.
func (a *Applier) ApplyDir(ctx context.Context, dir string) (int, error) {
	objs, err := ReadDir(dir)
	if err != nil {
		return 0, err
	}
	return len(objs), a.Apply(ctx, objs)
}

// Apply creates (or replaces) each object, then writes its status where the kind has a status
// subresource. It stops at the first object the apiserver refuses and names it in the error.
func (a *Applier) Apply(ctx context.Context, objs []Object) error {
	lastFile := ""
	for _, o := range objs {
		if o.File != lastFile {
			fmt.Fprintf(a.log, "seed: applying %s\n", o.File)
			lastFile = o.File
		}
		if err := a.applyOne(ctx, o.Obj.DeepCopy()); err != nil {
			return fmt.Errorf("%s: %w", o, err)
		}
	}
	return nil
}

func (a *Applier) applyOne(ctx context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		a.mapper.Reset()
		if mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return fmt.Errorf("kind not served by this apiserver: %w", err)
		}
	}
	var ri dynamic.ResourceInterface = a.dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := obj.GetNamespace()
		if ns == "" {
			ns = metav1.NamespaceDefault
			obj.SetNamespace(ns)
		}
		if err := a.ensureServiceAccount(ctx, ns); err != nil {
			return err
		}
		ri = a.dyn.Resource(mapping.Resource).Namespace(ns)
	}
	if err := a.resolveOwners(ctx, obj); err != nil {
		return err
	}
	status, hasStatus := obj.Object["status"]
	// Re-seeding an existing cluster replaces the object with the fixture's version. Look first:
	// a refused Create would still be charged to a ResourceQuota that no controller gives back.
	var created *unstructured.Unstructured
	existing, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	switch {
	case err == nil:
		obj.SetResourceVersion(existing.GetResourceVersion())
		created, err = ri.Update(ctx, obj, metav1.UpdateOptions{})
	case apierrors.IsNotFound(err):
		created, err = ri.Create(ctx, obj, metav1.CreateOptions{})
	}
	if err != nil {
		return err
	}
	if gvk.Kind == "Namespace" {
		if err := a.ensureServiceAccount(ctx, obj.GetName()); err != nil {
			return err
		}
	}
	if !hasStatus || !a.hasStatusSubresource(mapping.Resource) {
		return nil
	}
	if gvk.Group == "certificates.k8s.io" && gvk.Kind == "CertificateSigningRequest" {
		if created, err = approve(ctx, ri, created, status); err != nil {
			return err
		}
	}
	created.Object["status"] = status
	if _, err := ri.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("writing status: %w", err)
	}
	return nil
}

// approve writes a CertificateSigningRequest's Approved and Denied conditions, as an approver
// would: through the approval subresource, the only one that takes them (/status refuses them).
func approve(ctx context.Context, ri dynamic.ResourceInterface, csr *unstructured.Unstructured, status any) (*unstructured.Unstructured, error) {
	st, _ := status.(map[string]any)
	conds, _ := st["conditions"].([]any)
	var decisions []any
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && (m["type"] == "Approved" || m["type"] == "Denied") {
			decisions = append(decisions, c)
		}
	}
	if len(decisions) == 0 {
		return csr, nil
	}
	// The approval subresource may change only the decisions: keep every other condition the
	// object has now (re-seeding finds the signer's Failed condition there).
	cur, _ := csr.Object["status"].(map[string]any)
	curConds, _ := cur["conditions"].([]any)
	for _, c := range curConds {
		if m, ok := c.(map[string]any); ok && m["type"] != "Approved" && m["type"] != "Denied" {
			decisions = append(decisions, c)
		}
	}
	csr.Object["status"] = map[string]any{"conditions": decisions}
	approved, err := ri.Update(ctx, csr, metav1.UpdateOptions{}, "approval")
	if err != nil {
		return nil, fmt.Errorf("writing the Approved/Denied conditions through the approval subresource: %w", err)
	}
	return approved, nil
}

// resolveOwners fills the uid of owner references that name their owner by kind and name only, which
// fixtures must do because uids are assigned at creation.
func (a *Applier) resolveOwners(ctx context.Context, obj *unstructured.Unstructured) error {
	refs := obj.GetOwnerReferences()
	changed := false
	for i, ref := range refs {
		if ref.UID != "" {
			continue
		}
		gv, err := schema.ParseGroupVersion(ref.APIVersion)
		if err != nil {
			return fmt.Errorf("ownerReferences[%d].apiVersion: %w", i, err)
		}
		mapping, err := a.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: ref.Kind}, gv.Version)
		if err != nil {
			return fmt.Errorf("ownerReferences[%d]: %w", i, err)
		}
		var ri dynamic.ResourceInterface = a.dyn.Resource(mapping.Resource)
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			ri = a.dyn.Resource(mapping.Resource).Namespace(obj.GetNamespace())
		}
		owner, err := ri.Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("ownerReferences[%d] %s %s without a uid must name an object created earlier: %w", i, ref.Kind, ref.Name, err)
		}
		refs[i].UID = owner.GetUID()
		changed = true
	}
	if changed {
		obj.SetOwnerReferences(refs)
	}
	return nil
}

// ensureServiceAccount creates the namespace's default ServiceAccount, which a controller-manager
// would; the ServiceAccount admission plugin refuses pods without it.
func (a *Applier) ensureServiceAccount(ctx context.Context, ns string) error {
	if a.accounts[ns] {
		return nil
	}
	sa := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ServiceAccount",
		"metadata": map[string]any{"name": "default", "namespace": ns},
	}}
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	if _, err := a.dyn.Resource(gvr).Namespace(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("namespace %q does not exist; create it earlier in the fixture folder", ns)
		}
		return fmt.Errorf("creating default ServiceAccount in %s: %w", ns, err)
	}
	a.accounts[ns] = true
	return nil
}

func (a *Applier) hasStatusSubresource(gvr schema.GroupVersionResource) bool {
	_, err := a.statusResource(gvr)
	return err == nil
}

// statusResource finds the status subresource of gvr in discovery.
func (a *Applier) statusResource(gvr schema.GroupVersionResource) (string, error) {
	list, err := a.disc.ServerResourcesForGroupVersion(gvr.GroupVersion().String())
	if err != nil {
		return "", err
	}
	for _, r := range list.APIResources {
		if r.Name == gvr.Resource+"/status" {
			return r.Name, nil
		}
	}
	return "", fmt.Errorf("%s has no status subresource", gvr.Resource)
}
