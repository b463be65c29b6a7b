package resources

import (
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	. "github.com/kubestate/kubestate/internal/family"
)

// Helpers the resource tables share. Each table file holds only what is its own.

// metaKept says which optional object metadata a resource's families read; stripMeta clears the
// rest before the object is recorded. Name, namespace, uid, resourceVersion and creationTimestamp
// always stay.
type metaKept struct {
	labels     bool // labels and annotations: *_labels / *_annotations families
	deletion   bool // deletionTimestamp: *_deletion_timestamp families
	owners     bool // owner references (kind, name, controller flag): *_owner families
	generation bool // metadata.generation: *_metadata_generation families
}

// stripMeta clears the object metadata none of the resource's families reads.
func stripMeta(m *metav1.ObjectMeta, keep metaKept) {
	m.GenerateName, m.SelfLink = "", ""
	m.Finalizers, m.DeletionGracePeriodSeconds = nil, nil
	if !keep.generation {
		m.Generation = 0
	}
	if !keep.deletion {
		m.DeletionTimestamp = nil
	}
	if !keep.labels {
		m.Labels, m.Annotations = nil, nil
	}
	if !keep.owners {
		m.OwnerReferences = nil
		return
	}
	for i, o := range m.OwnerReferences {
		m.OwnerReferences[i] = metav1.OwnerReference{Kind: o.Kind, Name: o.Name, Controller: o.Controller}
	}
}

// ownerPoints emits KSM's owner points with keys owner_kind, owner_name, owner_is_controller: one
// per owner reference (owner_is_controller "false" when the reference leaves Controller unset), or
// a single point with three empty values when there is none (replica sets, replication
// controllers, jobs).
func ownerPoints(e *Emitter, owners []metav1.OwnerReference) {
	if len(owners) == 0 {
		e.Add(1, "", "", "")
		return
	}
	for _, o := range owners {
		isController := "false"
		if o.Controller != nil {
			isController = strconv.FormatBool(*o.Controller)
		}
		e.Add(1, o.Kind, o.Name, isController)
	}
}
