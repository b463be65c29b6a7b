package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	sigsjson "sigs.k8s.io/json"
)

// jsonObject is a local Go type for a served resource that k8s.io/api has no type for, at the
// k8s.io release this module requires: E is the struct, *E the object.
type jsonObject[E any] interface {
	*E
	runtime.Object
}

// jsonList is the list of such a resource as the apiserver serves it.
type jsonList[E any, P jsonObject[E]] struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []E `json:"items"`
}

func (l *jsonList[E, P]) DeepCopyObject() runtime.Object {
	out := &jsonList[E, P]{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	if l.Items != nil {
		out.Items = make([]E, len(l.Items))
		for i := range l.Items {
			out.Items[i] = *P(&l.Items[i]).DeepCopyObject().(P)
		}
	}
	return out
}

// jsonListWatch lists and watches one resource in JSON and decodes each object straight into a
// local type that declares only what the families read (the decoder skips every other field).
// It serves resources the apiserver has but this module's k8s.io/api has no type for: the module
// stays on the k8s.io release Grafana Alloy builds with, and so builds inside Alloy without
// upgrading it. Anything but a list or objects of the expected kind is an error, never used.
type jsonListWatch[E any, P jsonObject[E]] struct {
	client        rest.Interface // the resource's group-version client, e.g. AdmissionregistrationV1().RESTClient()
	resource      string         // plural, e.g. "mutatingadmissionpolicies"
	kind          string         // the objects' kind; the list's is kind + "List"
	namespace     string         // "" for all namespaces or a cluster-scoped resource
	fieldSelector string
}

func (lw *jsonListWatch[E, P]) request(opts metav1.ListOptions) *rest.Request {
	opts.FieldSelector = lw.fieldSelector
	return lw.client.Get().
		Namespace(lw.namespace).
		Resource(lw.resource).
		VersionedParams(&opts, scheme.ParameterCodec).
		SetHeader("Accept", "application/json")
}

func (lw *jsonListWatch[E, P]) ListWithContext(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	body, err := lw.request(opts).Do(ctx).Raw()
	if err != nil {
		return nil, err
	}
	l := &jsonList[E, P]{}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(body, l); err != nil {
		return nil, fmt.Errorf("%s: decoding the list: %w", lw.resource, err)
	}
	if err := lw.checkKind(l.TypeMeta, lw.kind+"List"); err != nil {
		return nil, err
	}
	return l, nil
}

func (lw *jsonListWatch[E, P]) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	opts.Watch = true
	return streamWatch(ctx, lw.request(opts), func(body io.ReadCloser) watch.Decoder {
		return &jsonWatchDecoder[E, P]{lw: lw, body: body, dec: sigsjson.NewDecoderCaseSensitivePreserveInts(body)}
	})
}

func (lw *jsonListWatch[E, P]) List(opts metav1.ListOptions) (runtime.Object, error) {
	return lw.ListWithContext(context.Background(), opts)
}

func (lw *jsonListWatch[E, P]) Watch(opts metav1.ListOptions) (watch.Interface, error) {
	return lw.WatchWithContext(context.Background(), opts)
}

var _ cache.ListerWatcherWithContext = (*jsonListWatch[mutatingAdmissionPolicy, *mutatingAdmissionPolicy])(nil)

func (lw *jsonListWatch[E, P]) checkKind(tm metav1.TypeMeta, kind string) error {
	if want := lw.client.APIVersion().String(); tm.Kind != kind || tm.APIVersion != want {
		return fmt.Errorf("%s: the apiserver answered %s %s, not the %s %s asked for", lw.resource, tm.APIVersion, tm.Kind, want, kind)
	}
	return nil
}

// streamWatch opens a watch as client-go's own Watch does (also for tableListWatch).
func streamWatch(ctx context.Context, req *rest.Request, decoder func(body io.ReadCloser) watch.Decoder) (watch.Interface, error) {
	// Watches are not rate limited (each is one long request).
	body, err := req.Throttle(nil).Stream(ctx)
	if err != nil {
		if utilnet.IsProbableEOF(err) || utilnet.IsTimeout(err) {
			// A connection that broke on the way lets the reflector watch again, without relisting.
			return watch.NewEmptyWatch(), nil
		}
		return nil, err
	}
	return watch.NewStreamWatcher(decoder(body),
		apierrors.NewClientErrorReporter(http.StatusInternalServerError, "GET", "ClientWatchDecoding")), nil
}

// jsonWatchEvent is one event of a JSON watch stream, its object still encoded.
type jsonWatchEvent struct {
	Type   watch.EventType `json:"type"`
	Object json.RawMessage `json:"object"`
}

// nextWatchEvent reads the next event of a JSON watch stream of resource. An Error event comes
// back decoded, as its Status; an event of an unknown type is an error naming the resource.
func nextWatchEvent(dec sigsjson.Decoder, resource string) (jsonWatchEvent, *metav1.Status, error) {
	var ev jsonWatchEvent
	if err := dec.Decode(&ev); err != nil {
		return ev, nil, err // io.EOF: the server ended the watch
	}
	switch ev.Type {
	case watch.Error:
		status := &metav1.Status{}
		if err := sigsjson.UnmarshalCaseSensitivePreserveInts(ev.Object, status); err != nil {
			return ev, nil, fmt.Errorf("%s: decoding a watch error: %w", resource, err)
		}
		return ev, status, nil
	case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
		return ev, nil, nil
	}
	return ev, nil, fmt.Errorf("%s: watch event of unknown type %q", resource, ev.Type)
}

// jsonWatchDecoder turns the watch stream's events into local objects.
type jsonWatchDecoder[E any, P jsonObject[E]] struct {
	lw   *jsonListWatch[E, P]
	body io.ReadCloser
	dec  sigsjson.Decoder
}

func (d *jsonWatchDecoder[E, P]) Decode() (watch.EventType, runtime.Object, error) {
	ev, status, err := nextWatchEvent(d.dec, d.lw.resource)
	if err != nil {
		return "", nil, err
	}
	if status != nil {
		return ev.Type, status, nil
	}
	obj := P(new(E))
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(ev.Object, obj); err != nil {
		return "", nil, fmt.Errorf("%s: decoding a watch event's object: %w", d.lw.resource, err)
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if err := d.lw.checkKind(metav1.TypeMeta{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind}, d.lw.kind); err != nil {
		return "", nil, err
	}
	return ev.Type, obj, nil
}

func (d *jsonWatchDecoder[E, P]) Close() { _ = d.body.Close() }
