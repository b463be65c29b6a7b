package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// PersistentVolumeClaims is KSM's persistentvolumeclaims resource.
var PersistentVolumeClaims = &Resource[*corev1.PersistentVolumeClaim]{
	Name:         "persistentvolumeclaims",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "persistentvolumeclaim"},
	PrefixValues: func(p *corev1.PersistentVolumeClaim) []string { return []string{p.Namespace, p.Name} },
	New:          func() *corev1.PersistentVolumeClaim { return &corev1.PersistentVolumeClaim{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.PersistentVolumeClaimList] {
		return c.Kube.CoreV1().PersistentVolumeClaims(ns)
	}),
	Strip: persistentVolumeClaimStrip,
	Families: []Family[*corev1.PersistentVolumeClaim]{
		{
			Name: "kube_persistentvolumeclaim_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) { e.Labels(p.Labels) },
		},
		{
			Name: "kube_persistentvolumeclaim_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) { e.Annotations(p.Annotations) },
		},
		{
			Name: "kube_persistentvolumeclaim_info", Help: "Information about persistent volume claim.", Stability: Stable,
			Labels: []string{"storageclass", "volumename", "volumemode"},
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) {
				var mode string
				if p.Spec.VolumeMode != nil {
					mode = string(*p.Spec.VolumeMode)
				}
				e.Add(1, persistentVolumeClaimClass(p), p.Spec.VolumeName, mode)
			},
		},
		{
			Name: "kube_persistentvolumeclaim_status_phase", Help: "The phase the persistent volume claim is currently in.", Stability: Stable,
			Labels: []string{"phase"},
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) {
				if p.Status.Phase == "" {
					return
				}
				for _, ph := range [...]corev1.PersistentVolumeClaimPhase{corev1.ClaimLost, corev1.ClaimBound, corev1.ClaimPending} {
					e.Add(BoolFloat(p.Status.Phase == ph), string(ph))
				}
			},
		},
		{
			Name: "kube_persistentvolumeclaim_resource_requests_storage_bytes", Help: "The capacity of storage requested by the persistent volume claim.", Stability: Stable,
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) {
				if q, ok := p.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
					e.Add(float64(q.Value()))
				}
			},
		},
		{
			Name: "kube_persistentvolumeclaim_access_mode", Help: "The access mode(s) specified by the persistent volume claim.", Stability: Stable,
			Labels: []string{"access_mode"},
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) {
				for _, m := range p.Spec.AccessModes {
					e.Add(1, string(m))
				}
			},
		},
		{
			Name: "kube_persistentvolumeclaim_status_condition", Help: "Information about status of different conditions of persistent volume claim.", Stability: Alpha,
			Labels: []string{"condition", "status"},
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) {
				for _, c := range p.Status.Conditions {
					e.Conditions(c.Status, string(c.Type))
				}
			},
		},
		{
			Name: "kube_persistentvolumeclaim_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) { e.Timestamp(&p.CreationTimestamp) },
		},
		{
			Name: "kube_persistentvolumeclaim_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(p *corev1.PersistentVolumeClaim, e *Emitter) { e.Timestamp(p.DeletionTimestamp) },
		},
	},
}

// persistentVolumeClaimClass is KSM's storage class of a claim: the beta annotation wins over
// spec.storageClassName; "" when neither is set.
func persistentVolumeClaimClass(p *corev1.PersistentVolumeClaim) string {
	if class, ok := p.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return class
	}
	if p.Spec.StorageClassName != nil {
		return *p.Spec.StorageClassName
	}
	return ""
}

// persistentVolumeClaimStrip keeps only what the families read: access and volume modes, the
// storage request, volume and class names, the phase and the conditions' types and statuses.
func persistentVolumeClaimStrip(p *corev1.PersistentVolumeClaim) {
	stripMeta(&p.ObjectMeta, metaKept{labels: true, deletion: true})
	spec := corev1.PersistentVolumeClaimSpec{
		AccessModes:      p.Spec.AccessModes,
		VolumeName:       p.Spec.VolumeName,
		StorageClassName: p.Spec.StorageClassName,
		VolumeMode:       p.Spec.VolumeMode,
	}
	if q, ok := p.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
		spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: q}
	}
	p.Spec = spec
	conds := p.Status.Conditions
	for i, c := range conds {
		conds[i] = corev1.PersistentVolumeClaimCondition{Type: c.Type, Status: c.Status}
	}
	p.Status = corev1.PersistentVolumeClaimStatus{Phase: p.Status.Phase, Conditions: conds}
}
