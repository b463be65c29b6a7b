package resources

import (
	"encoding/json"
	"errors"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Secrets is KSM's secrets resource. Its families read only metadata and the type, so it is listed
// and watched in the apiserver's Table form (rows of metadata and printer columns, one of them the
// type): a Secret's values never leave the apiserver, and the objects built here have none.
var Secrets = &Resource[*corev1.Secret]{
	Name:         "secrets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "secret"},
	PrefixValues: func(s *corev1.Secret) []string { return []string{s.Namespace, s.Name} },
	New:          func() *corev1.Secret { return &corev1.Secret{} },
	ListWatch: func(c engine.Clients, ns, fieldSelector string) cache.ListerWatcher {
		return &tableListWatch[*corev1.Secret]{
			client: c.Kube.CoreV1().RESTClient(), resource: "secrets", namespace: ns, fieldSelector: fieldSelector,
			fromRow: secretFromRow, newList: secretList,
		}
	},
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

// secretFromRow is a Secret as its Table row shows it: metadata and the "Type" column, which the
// apiserver prints as the type itself.
func secretFromRow(m metav1.ObjectMeta, cell func(string) json.RawMessage) (*corev1.Secret, error) {
	var typ string
	if raw := cell("Type"); raw == nil || json.Unmarshal(raw, &typ) != nil {
		return nil, errors.New(`the apiserver's Table of secrets has no "Type" column holding a string`)
	}
	return &corev1.Secret{ObjectMeta: m, Type: corev1.SecretType(typ)}, nil
}

func secretList(m metav1.ListMeta, items []*corev1.Secret) runtime.Object {
	l := &corev1.SecretList{ListMeta: m, Items: make([]corev1.Secret, len(items))}
	for i, s := range items {
		l.Items[i] = *s
	}
	return l
}
