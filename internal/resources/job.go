package resources

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// jobFailureReasons are the reasons of a Failed condition that kube_job_status_failed reports one
// point each for.
var jobFailureReasons = []string{"BackoffLimitExceeded", "DeadlineExceeded", "Evicted"}

// Jobs is KSM's jobs resource.
var Jobs = &Resource[*batchv1.Job]{
	Name:         "jobs",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "job_name"},
	PrefixValues: func(j *batchv1.Job) []string { return []string{j.Namespace, j.Name} },
	New:          func() *batchv1.Job { return &batchv1.Job{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*batchv1.JobList] {
		return c.Kube.BatchV1().Jobs(ns)
	}),
	Strip: func(j *batchv1.Job) {
		j.Spec = batchv1.JobSpec{
			Parallelism:           j.Spec.Parallelism,
			Completions:           j.Spec.Completions,
			ActiveDeadlineSeconds: j.Spec.ActiveDeadlineSeconds,
		}
		j.Status = batchv1.JobStatus{
			Conditions:     j.Status.Conditions,
			StartTime:      j.Status.StartTime,
			CompletionTime: j.Status.CompletionTime,
			Active:         j.Status.Active,
			Succeeded:      j.Status.Succeeded,
			Failed:         j.Status.Failed,
			Ready:          j.Status.Ready,
		}
		for i := range j.Status.Conditions {
			c := &j.Status.Conditions[i]
			*c = batchv1.JobCondition{Type: c.Type, Status: c.Status, Reason: c.Reason}
		}
	},
	Families: []Family[*batchv1.Job]{
		{
			Name: "kube_job_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(j *batchv1.Job, e *Emitter) { e.Annotations(j.Annotations) },
		},
		{
			Name: "kube_job_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) { e.Labels(j.Labels) },
		},
		{
			Name: "kube_job_info", Help: "Information about job.", Stability: Stable,
			Points: func(_ *batchv1.Job, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_job_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) { e.Timestamp(&j.CreationTimestamp) },
		},
		{
			Name: "kube_job_spec_parallelism", Help: "The maximum desired number of pods the job should run at any given time.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) {
				if j.Spec.Parallelism != nil {
					e.Add(float64(*j.Spec.Parallelism))
				}
			},
		},
		{
			Name: "kube_job_spec_completions", Help: "The desired number of successfully finished pods the job should be run with.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) {
				if j.Spec.Completions != nil {
					e.Add(float64(*j.Spec.Completions))
				}
			},
		},
		{
			Name: "kube_job_spec_active_deadline_seconds", Help: "The duration in seconds relative to the startTime that the job may be active before the system tries to terminate it.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) {
				if j.Spec.ActiveDeadlineSeconds != nil {
					e.Add(float64(*j.Spec.ActiveDeadlineSeconds))
				}
			},
		},
		{
			Name: "kube_job_status_succeeded", Help: "The number of pods which reached Phase Succeeded.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) { e.Add(float64(j.Status.Succeeded)) },
		},
		{
			Name: "kube_job_status_failed", Help: "The number of pods which reached Phase Failed and the reason for failure.", Stability: Stable,
			Labels: []string{"reason"},
			Points: jobStatusFailed,
		},
		{
			Name: "kube_job_status_active", Help: "The number of actively running pods.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) { e.Add(float64(j.Status.Active)) },
		},
		{
			Name: "kube_job_status_ready", Help: "The number of ready pods that belong to this Job.", Stability: Alpha,
			Points: func(j *batchv1.Job, e *Emitter) {
				var ready float64 // 0 when unset
				if j.Status.Ready != nil {
					ready = float64(*j.Status.Ready)
				}
				e.Add(ready)
			},
		},
		{
			Name: "kube_job_complete", Help: "The job has completed its execution.", Stability: Stable,
			Labels: []string{"condition"},
			Points: func(j *batchv1.Job, e *Emitter) { jobConditions(j, e, batchv1.JobComplete) },
		},
		{
			Name: "kube_job_failed", Help: "The job has failed its execution.", Stability: Stable,
			Labels: []string{"condition"},
			Points: func(j *batchv1.Job, e *Emitter) { jobConditions(j, e, batchv1.JobFailed) },
		},
		{
			Name: "kube_job_status_start_time", Help: "StartTime represents time when the job was acknowledged by the Job Manager.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) {
				if j.Status.StartTime != nil {
					e.Add(float64(j.Status.StartTime.Unix()))
				}
			},
		},
		{
			Name: "kube_job_status_completion_time", Help: "CompletionTime represents time when the job was completed.", Stability: Stable,
			Points: func(j *batchv1.Job, e *Emitter) {
				if j.Status.CompletionTime != nil {
					e.Add(float64(j.Status.CompletionTime.Unix()))
				}
			},
		},
		{
			Name: "kube_job_status_suspended", Help: "The number of pods which reached Phase Suspended.", Stability: Alpha,
			Points: func(j *batchv1.Job, e *Emitter) {
				for _, c := range j.Status.Conditions {
					if c.Type == batchv1.JobSuspended {
						e.Add(BoolFloat(c.Status == corev1.ConditionTrue))
					}
				}
			},
		},
		{
			Name: "kube_job_owner", Help: "Information about the Job's owner.", Stability: Stable,
			Labels: []string{"owner_kind", "owner_name", "owner_is_controller"},
			Points: func(j *batchv1.Job, e *Emitter) { ownerPoints(e, j.OwnerReferences) },
		},
	},
}

// jobStatusFailed is KSM's kube_job_status_failed: with no failed pods, a single point without the
// reason label; otherwise, for every Failed condition, one point per known failure reason (1 for
// the condition's reason), and, when no Failed condition has a known reason, a point with an empty
// reason valued the number of failed pods.
func jobStatusFailed(j *batchv1.Job, e *Emitter) {
	if j.Status.Failed == 0 {
		e.AddKV(0, nil)
		return
	}
	known := false
	for _, c := range j.Status.Conditions {
		if c.Type != batchv1.JobFailed {
			continue
		}
		for _, reason := range jobFailureReasons {
			known = known || c.Reason == reason
			e.Add(BoolFloat(c.Reason == reason), reason)
		}
	}
	if !known {
		e.Add(float64(j.Status.Failed), "")
	}
}

// jobConditions emits the three status points (label "condition": true, false, unknown) of every
// condition of type t.
func jobConditions(j *batchv1.Job, e *Emitter, t batchv1.JobConditionType) {
	for _, c := range j.Status.Conditions {
		if c.Type == t {
			e.Conditions(c.Status)
		}
	}
}
