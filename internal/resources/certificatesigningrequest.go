package resources

import (
	certv1 "k8s.io/api/certificates/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// CertificateSigningRequests is KSM's certificatesigningrequests resource.
var CertificateSigningRequests = &Resource[*certv1.CertificateSigningRequest]{
	Name:    "certificatesigningrequests",
	Default: true,
	Prefix:  []string{"certificatesigningrequest", "signer_name"},
	PrefixValues: func(c *certv1.CertificateSigningRequest) []string {
		return []string{c.Name, c.Spec.SignerName}
	},
	New: func() *certv1.CertificateSigningRequest { return &certv1.CertificateSigningRequest{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*certv1.CertificateSigningRequestList] {
		return c.Kube.CertificatesV1().CertificateSigningRequests()
	}),
	Strip: certificateSigningRequestStrip,
	Families: []Family[*certv1.CertificateSigningRequest]{
		{
			Name: "kube_certificatesigningrequest_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(c *certv1.CertificateSigningRequest, e *Emitter) { e.Annotations(c.Annotations) },
		},
		{
			Name: "kube_certificatesigningrequest_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(c *certv1.CertificateSigningRequest, e *Emitter) { e.Labels(c.Labels) },
		},
		{
			Name: "kube_certificatesigningrequest_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(c *certv1.CertificateSigningRequest, e *Emitter) { e.Timestamp(&c.CreationTimestamp) },
		},
		{
			Name: "kube_certificatesigningrequest_condition", Help: "The number of each certificatesigningrequest condition", Stability: Stable,
			Labels: []string{"condition"},
			Points: func(c *certv1.CertificateSigningRequest, e *Emitter) {
				// One point per known type, valued by how many conditions have it (duplicates count).
				var approved, denied, failed int
				for _, cond := range c.Status.Conditions {
					switch cond.Type {
					case certv1.CertificateApproved:
						approved++
					case certv1.CertificateDenied:
						denied++
					case certv1.CertificateFailed:
						failed++
					}
				}
				e.Add(float64(approved), "approved")
				e.Add(float64(denied), "denied")
				e.Add(float64(failed), "failed")
			},
		},
		{
			Name: "kube_certificatesigningrequest_cert_length", Help: "Length of the issued cert", Stability: Stable,
			Points: func(c *certv1.CertificateSigningRequest, e *Emitter) { e.Add(float64(len(c.Status.Certificate))) },
		},
	},
}

// certificateSigningRequestZeros backs the stripped certificates: only their length is read, so a
// certificate up to this size is replaced by a slice of the same length over this shared array.
var certificateSigningRequestZeros [16 << 10]byte

// certificateSigningRequestStrip keeps only the signer name, the conditions' types and the issued
// certificate's length.
func certificateSigningRequestStrip(c *certv1.CertificateSigningRequest) {
	stripMeta(&c.ObjectMeta, metaKept{labels: true, deletion: true})
	c.Spec = certv1.CertificateSigningRequestSpec{SignerName: c.Spec.SignerName}
	conds := c.Status.Conditions
	for i, cond := range conds {
		conds[i] = certv1.CertificateSigningRequestCondition{Type: cond.Type}
	}
	cert := c.Status.Certificate
	if n := len(cert); n <= len(certificateSigningRequestZeros) {
		cert = certificateSigningRequestZeros[:n:n]
	}
	c.Status = certv1.CertificateSigningRequestStatus{Conditions: conds, Certificate: cert}
}
