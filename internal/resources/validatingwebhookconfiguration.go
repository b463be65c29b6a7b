package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ValidatingWebhookConfigurations is KSM's validatingwebhookconfigurations resource.
var ValidatingWebhookConfigurations = &Resource[*admissionregistrationv1.ValidatingWebhookConfiguration]{
	Name:    "validatingwebhookconfigurations",
	Default: true,
	Prefix:  []string{"namespace", "validatingwebhookconfiguration"},
	PrefixValues: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) []string {
		return []string{c.Namespace, c.Name}
	},
	New: func() *admissionregistrationv1.ValidatingWebhookConfiguration {
		return &admissionregistrationv1.ValidatingWebhookConfiguration{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.ValidatingWebhookConfigurationList] {
		return c.Kube.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	}),
	Strip: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
		stripMeta(&c.ObjectMeta, metaKept{generation: true})
		for i := range c.Webhooks {
			w := &c.Webhooks[i]
			*w = admissionregistrationv1.ValidatingWebhook{Name: w.Name, ClientConfig: webhookStripClientConfig(w.ClientConfig)}
		}
	},
	Families: []Family[*admissionregistrationv1.ValidatingWebhookConfiguration]{
		{
			Name: "kube_validatingwebhookconfiguration_info", Help: "Information about the ValidatingWebhookConfiguration.", Stability: Alpha,
			Points: func(_ *admissionregistrationv1.ValidatingWebhookConfiguration, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_validatingwebhookconfiguration_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(c *admissionregistrationv1.ValidatingWebhookConfiguration, e *Emitter) {
				e.Timestamp(&c.CreationTimestamp)
			},
		},
		{
			Name: "kube_validatingwebhookconfiguration_metadata_resource_version", Help: "Resource version representing a specific version of the ValidatingWebhookConfiguration.", Stability: Alpha,
			Points: func(c *admissionregistrationv1.ValidatingWebhookConfiguration, e *Emitter) {
				e.ResourceVersion(c.ResourceVersion)
			},
		},
		{
			Name: "kube_validatingwebhookconfiguration_webhook_clientconfig_service", Help: "Service used by the apiserver to connect to a validating webhook.", Stability: Alpha,
			Labels: webhookServiceLabels,
			Points: func(c *admissionregistrationv1.ValidatingWebhookConfiguration, e *Emitter) {
				for _, w := range c.Webhooks {
					webhookServicePoint(e, w.Name, w.ClientConfig.Service)
				}
			},
		},
	},
}
