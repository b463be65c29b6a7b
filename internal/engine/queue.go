package engine

import (
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

// queue is where one reflector delivers what it lists and watches (it is the reflector's store). It
// turns each object into its record as it arrives and publishes the record to a Store, in the
// reflector's own goroutine: no delta FIFO, no handler goroutines, no cache of objects, and nothing
// is ever queued.
//
// Every write comes from the reflector's goroutine, one call at a time, which makes it the Store's
// single writer (invariant 2). Nothing here waits on a reader (invariant 1).
type queue struct {
	src    Source
	shard  Shard // objects of other shards are dropped before a record is built
	st     *Store
	isSync atomic.Bool // set by the first Replace: the initial list is published
}

func newQueue(src Source, st *Store, shard Shard) *queue {
	return &queue{src: src, st: st, shard: shard}
}

var _ cache.TransformingStore = (*queue)(nil)

// Transformer makes the reflector's watch-list buffer hold entries, not objects, until the initial
// list is complete: the start-up peak holds records, never a whole list of objects.
func (q *queue) Transformer() cache.TransformFunc {
	return func(obj any) (any, error) { return toEntry(q.src, q.shard, obj) }
}

func (q *queue) Add(obj any) error    { return q.put(obj) }
func (q *queue) Update(obj any) error { return q.put(obj) }

func (q *queue) put(obj any) error {
	o, err := toEntry(q.src, q.shard, obj)
	if err != nil {
		return err
	}
	if en, ok := o.(*entry); ok && en.rec != nil {
		q.st.Put(en.key, en.rec)
	}
	return nil
}

func (q *queue) Delete(obj any) error {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return err
	}
	q.st.Delete(key)
	return nil
}

// Replace publishes a whole list (the initial one, or a relist) and forgets every object not in it.
func (q *queue) Replace(list []any, _ string) error {
	keep := make(map[string]struct{}, len(list))
	for _, obj := range list {
		o, err := toEntry(q.src, q.shard, obj)
		if err != nil {
			return err
		}
		en, ok := o.(*entry)
		if !ok || en.rec == nil {
			continue
		}
		keep[en.key] = struct{}{}
		q.st.Put(en.key, en.rec)
	}
	q.st.Retain(keep)
	q.isSync.Store(true)
	return nil
}

func (q *queue) Resync() error { return nil }

// HasSynced reports whether the initial list has been published.
func (q *queue) HasSynced() bool { return q.isSync.Load() }

// entry is an object reduced to its key and its record, as soon as it is decoded. It carries just
// enough metadata for client-go's key functions (namespace, name, resource version).
type entry struct {
	key, namespace, name, resourceVersion string
	rec                                   *Record // nil if the source does not take the object
}

// GetObjectMeta lets client-go's meta.Accessor, and so its key functions, read an entry.
func (en *entry) GetObjectMeta() metav1.Object {
	return &metav1.ObjectMeta{Namespace: en.namespace, Name: en.name, ResourceVersion: en.resourceVersion}
}

// toEntry has the source strip a decoded object and build its record, and keeps only that; an
// object of another shard gets no record (nothing is built or stored for it). Entries and
// tombstones pass through unchanged, as client-go may hand transformed objects back.
func toEntry(src Source, shard Shard, obj any) (any, error) {
	switch obj.(type) {
	case *entry, cache.DeletedFinalStateUnknown:
		return obj, nil
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil // not an object of ours; ignored
	}
	en := &entry{namespace: m.GetNamespace(), name: m.GetName(), resourceVersion: m.GetResourceVersion()}
	en.key = en.name
	if en.namespace != "" {
		en.key = en.namespace + "/" + en.name
	}
	if !shard.Owns(m.GetUID()) {
		return en, nil
	}
	stripped, err := src.Transform(obj)
	if err != nil {
		return nil, err
	}
	en.rec = src.Record(stripped)
	return en, nil
}
