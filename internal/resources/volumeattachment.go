package resources

import (
	storagev1 "k8s.io/api/storage/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// VolumeAttachments is KSM's volumeattachments resource.
var VolumeAttachments = &Resource[*storagev1.VolumeAttachment]{
	Name:         "volumeattachments",
	Default:      true,
	Prefix:       []string{"volumeattachment"},
	PrefixValues: func(v *storagev1.VolumeAttachment) []string { return []string{v.Name} },
	New:          func() *storagev1.VolumeAttachment { return &storagev1.VolumeAttachment{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*storagev1.VolumeAttachmentList] {
		return c.Kube.StorageV1().VolumeAttachments()
	}),
	Strip: func(v *storagev1.VolumeAttachment) {
		stripMeta(&v.ObjectMeta, metaKept{labels: true, deletion: true})
		v.Annotations = nil // no annotations family, and labels ignore the allowlists
		v.Spec.Source.InlineVolumeSpec = nil
		v.Status.AttachError = nil
		v.Status.DetachError = nil
	},
	Families: []Family[*storagev1.VolumeAttachment]{
		{
			// KSM exports every label of a volume attachment, whatever the labels allowlist says.
			Name: "kube_volumeattachment_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) {
				e.KubeLabels("label", v.Labels, volumeAttachmentAllKeys)
			},
		},
		{
			Name: "kube_volumeattachment_info", Help: "Information about volumeattachment.", Stability: Alpha,
			Labels: []string{"attacher", "node"},
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) { e.Add(1, v.Spec.Attacher, v.Spec.NodeName) },
		},
		{
			Name: "kube_volumeattachment_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) { e.Timestamp(&v.CreationTimestamp) },
		},
		{
			Name: "kube_volumeattachment_spec_source_persistentvolume", Help: "PersistentVolume source reference.", Stability: Alpha,
			Labels: []string{"volumename"},
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) {
				if pv := v.Spec.Source.PersistentVolumeName; pv != nil {
					e.Add(1, *pv)
				}
			},
		},
		{
			Name: "kube_volumeattachment_status_attached", Help: "Information about volumeattachment.", Stability: Alpha,
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) { e.Add(BoolFloat(v.Status.Attached)) },
		},
		{
			Name: "kube_volumeattachment_status_attachment_metadata", Help: "volumeattachment metadata.", Stability: Alpha,
			Points: func(v *storagev1.VolumeAttachment, e *Emitter) {
				e.KubeLabels("metadata", v.Status.AttachmentMetadata, volumeAttachmentAllKeys)
			},
		},
	},
}

// volumeAttachmentAllKeys selects every key: KSM converts all of a volume attachment's labels and
// attachment metadata into Prometheus labels.
var volumeAttachmentAllKeys = func() *Allowlist {
	a, err := ParseAllowlist([]string{"*"})
	if err != nil {
		panic(err)
	}
	return a
}()
