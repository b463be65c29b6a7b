package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	sigsjson "sigs.k8s.io/json"
)

// tableMediaType asks the apiserver for its Table form of a resource: each row holds the printer
// columns and, with includeObject=Metadata, the object's metadata (a PartialObjectMetadata) and
// nothing else of it. list and watch both serve it (a watch sends one single-row Table per event,
// the column definitions with the first event only).
//
// JSON, not protobuf: Table has no protobuf form (its cells are arbitrary JSON values), so JSON is
// the only encoding every apiserver serves it in. Protobuf stays the client's default for every
// other request.
const tableMediaType = "application/json;as=Table;v=v1;g=meta.k8s.io"

// tableListWatch lists and watches one resource in Table form and builds each typed object from a
// row's metadata and printer columns, so fields that are neither (a Secret's values) never leave
// the apiserver. Nothing falls back to the full object: an answer that is not a Table is an error.
type tableListWatch[T runtime.Object] struct {
	client        rest.Interface // the resource's group-version client, e.g. CoreV1().RESTClient()
	resource      string         // plural, e.g. "secrets"
	namespace     string         // "" for all namespaces
	fieldSelector string
	// fromRow builds the typed object; cell returns the JSON value of a column (nil if absent).
	fromRow func(meta metav1.ObjectMeta, cell func(column string) json.RawMessage) (T, error)
	// newList wraps the objects of one list response, keeping its ListMeta (resourceVersion,
	// continue), as the reflector reads it.
	newList func(meta metav1.ListMeta, items []T) runtime.Object
}

// tableResponse is the part of a meta.k8s.io/v1 Table that tableListWatch reads.
type tableResponse struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Columns         []struct {
		Name string `json:"name"`
	} `json:"columnDefinitions"`
	Rows []struct {
		Cells  []json.RawMessage             `json:"cells"`
		Object *metav1.PartialObjectMetadata `json:"object"`
	} `json:"rows"`
}

func (lw *tableListWatch[T]) request(opts metav1.ListOptions) *rest.Request {
	opts.FieldSelector = lw.fieldSelector
	return lw.client.Get().
		Namespace(lw.namespace).
		Resource(lw.resource).
		VersionedParams(&opts, scheme.ParameterCodec).
		Param("includeObject", string(metav1.IncludeMetadata)).
		SetHeader("Accept", tableMediaType)
}

func (lw *tableListWatch[T]) ListWithContext(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	body, err := lw.request(opts).Do(ctx).Raw()
	if err != nil {
		return nil, err
	}
	var t tableResponse
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(body, &t); err != nil {
		return nil, fmt.Errorf("%s: decoding the list's Table: %w", lw.resource, err)
	}
	if err := lw.checkKind(t.TypeMeta); err != nil {
		return nil, err
	}
	cols := columnIndex(t)
	items := make([]T, 0, len(t.Rows))
	for i := range t.Rows {
		obj, err := lw.row(&t, i, cols)
		if err != nil {
			return nil, err
		}
		items = append(items, obj)
	}
	return lw.newList(t.ListMeta, items), nil
}

func (lw *tableListWatch[T]) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	opts.Watch = true
	return streamWatch(ctx, lw.request(opts), func(body io.ReadCloser) watch.Decoder {
		return &tableWatchDecoder[T]{lw: lw, body: body, dec: sigsjson.NewDecoderCaseSensitivePreserveInts(body)}
	})
}

func (lw *tableListWatch[T]) List(opts metav1.ListOptions) (runtime.Object, error) {
	return lw.ListWithContext(context.Background(), opts)
}

func (lw *tableListWatch[T]) Watch(opts metav1.ListOptions) (watch.Interface, error) {
	return lw.WatchWithContext(context.Background(), opts)
}

var _ cache.ListerWatcherWithContext = (*tableListWatch[runtime.Object])(nil)

func (lw *tableListWatch[T]) checkKind(tm metav1.TypeMeta) error {
	if tm.Kind != "Table" || tm.APIVersion != metav1.SchemeGroupVersion.String() {
		return fmt.Errorf("%s: the apiserver answered %s %s, not the meta.k8s.io/v1 Table asked for", lw.resource, tm.APIVersion, tm.Kind)
	}
	return nil
}

func columnIndex(t tableResponse) map[string]int {
	cols := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		cols[c.Name] = i
	}
	return cols
}

func (lw *tableListWatch[T]) row(t *tableResponse, i int, cols map[string]int) (T, error) {
	var zero T
	r := t.Rows[i]
	if r.Object == nil {
		return zero, fmt.Errorf("%s: Table row %d carries no object metadata (includeObject=Metadata ignored?)", lw.resource, i)
	}
	cell := func(column string) json.RawMessage {
		j, ok := cols[column]
		if !ok || j >= len(r.Cells) {
			return nil
		}
		return r.Cells[j]
	}
	obj, err := lw.fromRow(r.Object.ObjectMeta, cell)
	if err != nil {
		return zero, fmt.Errorf("%s %s/%s: %w", lw.resource, r.Object.Namespace, r.Object.Name, err)
	}
	return obj, nil
}

// tableWatchDecoder turns the watch stream's events, each a single-row Table, into typed objects.
// The column definitions come with the first event and hold for the whole stream.
type tableWatchDecoder[T runtime.Object] struct {
	lw   *tableListWatch[T]
	body io.ReadCloser
	dec  sigsjson.Decoder
	cols map[string]int
}

func (d *tableWatchDecoder[T]) Decode() (watch.EventType, runtime.Object, error) {
	ev, status, err := nextWatchEvent(d.dec, d.lw.resource)
	if err != nil {
		return "", nil, err
	}
	if status != nil {
		return ev.Type, status, nil
	}
	var t tableResponse
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(ev.Object, &t); err != nil {
		return "", nil, fmt.Errorf("%s: decoding a watch event's Table: %w", d.lw.resource, err)
	}
	if err := d.lw.checkKind(t.TypeMeta); err != nil {
		return "", nil, err
	}
	if len(t.Columns) > 0 {
		d.cols = columnIndex(t)
	}
	if len(t.Rows) != 1 {
		return "", nil, fmt.Errorf("%s: watch event Table with %d rows, want 1", d.lw.resource, len(t.Rows))
	}
	obj, err := d.lw.row(&t, 0, d.cols)
	if err != nil {
		return "", nil, err
	}
	return ev.Type, obj, nil
}

func (d *tableWatchDecoder[T]) Close() { _ = d.body.Close() }
