package resources

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Secrets is KSM's secrets resource. Its families read only metadata and the type: Strip drops
// the secret's data before the informer caches it.
var Secrets = &Resource[*corev1.Secret]{
	Name:         "secrets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "secret"},
	PrefixValues: func(s *corev1.Secret) []string { return []string{s.Namespace, s.Name} },
	New:          func() *corev1.Secret { return &corev1.Secret{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.SecretList] {
		return c.Kube.CoreV1().Secrets(ns)
	}),
	Strip: func(s *corev1.Secret) {
		storageStripMeta(&s.ObjectMeta, true)
		s.Immutable = nil
		s.Data = nil
		s.StringData = nil
	},
	Families: []Family[*corev1.Secret]{
		{
			Name: "kube_secret_info", Help: "Information about secret.", Stability: Stable,
			Points: func(_ *corev1.Secret, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_secret_type", Help: "Type about secret.", Stability: Stable,
			Labels: []string{"type"},
			Points: func(s *corev1.Secret, e *Emitter) { e.Add(1, string(s.Type)) },
		},
		{
			Name: "kube_secret_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *corev1.Secret, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_secret_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(s *corev1.Secret, e *Emitter) { e.Labels(s.Labels) },
		},
		{
			Name: "kube_secret_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(s *corev1.Secret, e *Emitter) {
				if !s.CreationTimestamp.IsZero() {
					e.Add(float64(s.CreationTimestamp.Unix()))
				}
			},
		},
		{
			Name: "kube_secret_metadata_resource_version", Help: "Resource version representing a specific version of secret.", Stability: Alpha,
			Points: func(s *corev1.Secret, e *Emitter) { e.ResourceVersion(s.ResourceVersion) },
		},
		{
			Name: "kube_secret_owner", Help: "Information about the Secret's owner.", Stability: Alpha,
			Labels: []string{"owner_kind", "owner_name", "owner_is_controller"},
			Points: func(s *corev1.Secret, e *Emitter) {
				if len(s.OwnerReferences) == 0 {
					e.Add(1, "", "", "")
					return
				}
				for _, o := range s.OwnerReferences {
					e.Add(1, o.Kind, o.Name, strconv.FormatBool(o.Controller != nil && *o.Controller))
				}
			},
		},
	},
}
