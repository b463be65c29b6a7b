package resources

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// StorageClasses is KSM's storageclasses resource.
var StorageClasses = &Resource[*storagev1.StorageClass]{
	Name:         "storageclasses",
	Default:      true,
	Prefix:       []string{"storageclass"},
	PrefixValues: func(s *storagev1.StorageClass) []string { return []string{s.Name} },
	New:          func() *storagev1.StorageClass { return &storagev1.StorageClass{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*storagev1.StorageClassList] {
		return c.Kube.StorageV1().StorageClasses()
	}),
	Strip: func(s *storagev1.StorageClass) {
		stripMeta(&s.ObjectMeta, metaKept{labels: true, deletion: true})
		s.Parameters = nil
		s.MountOptions = nil
		s.AllowVolumeExpansion = nil
		s.AllowedTopologies = nil
	},
	Families: []Family[*storagev1.StorageClass]{
		{
			Name: "kube_storageclass_info", Help: "Information about storageclass.", Stability: Stable,
			Labels: []string{"provisioner", "reclaim_policy", "volume_binding_mode"},
			Points: func(s *storagev1.StorageClass, e *Emitter) {
				// Unset fields report the API defaults.
				reclaim, binding := corev1.PersistentVolumeReclaimDelete, storagev1.VolumeBindingImmediate
				if s.ReclaimPolicy != nil {
					reclaim = *s.ReclaimPolicy
				}
				if s.VolumeBindingMode != nil {
					binding = *s.VolumeBindingMode
				}
				e.Add(1, s.Provisioner, string(reclaim), string(binding))
			},
		},
		{
			Name: "kube_storageclass_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(s *storagev1.StorageClass, e *Emitter) { e.Timestamp(&s.CreationTimestamp) },
		},
		{
			Name: "kube_storageclass_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *storagev1.StorageClass, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_storageclass_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(s *storagev1.StorageClass, e *Emitter) { e.Labels(s.Labels) },
		},
	},
}
