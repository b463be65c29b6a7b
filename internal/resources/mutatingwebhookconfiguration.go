package resources

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// MutatingWebhookConfigurations is KSM's mutatingwebhookconfigurations resource.
var MutatingWebhookConfigurations = &Resource[*admissionregistrationv1.MutatingWebhookConfiguration]{
	Name:    "mutatingwebhookconfigurations",
	Default: true,
	Prefix:  []string{"namespace", "mutatingwebhookconfiguration"},
	PrefixValues: func(c *admissionregistrationv1.MutatingWebhookConfiguration) []string {
		return []string{c.Namespace, c.Name}
	},
	New: func() *admissionregistrationv1.MutatingWebhookConfiguration {
		return &admissionregistrationv1.MutatingWebhookConfiguration{}
	},
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*admissionregistrationv1.MutatingWebhookConfigurationList] {
		return c.Kube.AdmissionregistrationV1().MutatingWebhookConfigurations()
	}),
	Strip: func(c *admissionregistrationv1.MutatingWebhookConfiguration) {
		stripMeta(&c.ObjectMeta, metaKept{generation: true})
		for i := range c.Webhooks {
			w := &c.Webhooks[i]
			*w = admissionregistrationv1.MutatingWebhook{Name: w.Name, ClientConfig: webhookStripClientConfig(w.ClientConfig)}
		}
	},
	Families: []Family[*admissionregistrationv1.MutatingWebhookConfiguration]{
		{
			Name: "kube_mutatingwebhookconfiguration_info", Help: "Information about the MutatingWebhookConfiguration.", Stability: Alpha,
			Points: func(_ *admissionregistrationv1.MutatingWebhookConfiguration, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_mutatingwebhookconfiguration_created", Help: "Unix creation timestamp.", Stability: Alpha,
			Points: func(c *admissionregistrationv1.MutatingWebhookConfiguration, e *Emitter) {
				e.Timestamp(&c.CreationTimestamp)
			},
		},
		{
			Name: "kube_mutatingwebhookconfiguration_metadata_resource_version", Help: "Resource version representing a specific version of the MutatingWebhookConfiguration.", Stability: Alpha,
			Points: func(c *admissionregistrationv1.MutatingWebhookConfiguration, e *Emitter) {
				e.ResourceVersion(c.ResourceVersion)
			},
		},
		{
			Name: "kube_mutatingwebhookconfiguration_webhook_clientconfig_service", Help: "Service used by the apiserver to connect to a mutating webhook.", Stability: Alpha,
			Labels: webhookServiceLabels,
			Points: func(c *admissionregistrationv1.MutatingWebhookConfiguration, e *Emitter) {
				for _, w := range c.Webhooks {
					webhookServicePoint(e, w.Name, w.ClientConfig.Service)
				}
			},
		},
	},
}

// webhookServiceLabels are the keys of both *_webhook_clientconfig_service families.
var webhookServiceLabels = []string{"webhook_name", "service_name", "service_namespace"}

// webhookServicePoint emits one webhook's service; a URL webhook (no service) gets empty labels.
func webhookServicePoint(e *Emitter, webhook string, svc *admissionregistrationv1.ServiceReference) {
	var name, namespace string
	if svc != nil {
		name, namespace = svc.Name, svc.Namespace
	}
	e.Add(1, webhook, name, namespace)
}

// webhookStripClientConfig keeps only the service's name and namespace (the CA bundle and URL go).
func webhookStripClientConfig(cc admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
	if cc.Service != nil {
		cc.Service.Path = nil
		cc.Service.Port = nil
	}
	return admissionregistrationv1.WebhookClientConfig{Service: cc.Service}
}
