package resources

import (
	// Named time zones in spec.timeZone must resolve on images without a tz database, as in KSM.
	_ "time/tzdata"

	cron "github.com/netresearch/go-cron"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// CronJobs is KSM's cronjobs resource.
var CronJobs = &Resource[*batchv1.CronJob]{
	Name:         "cronjobs",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "cronjob"},
	PrefixValues: func(c *batchv1.CronJob) []string { return []string{c.Namespace, c.Name} },
	New:          func() *batchv1.CronJob { return &batchv1.CronJob{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*batchv1.CronJobList] {
		return c.Kube.BatchV1().CronJobs(ns)
	}),
	Strip: func(c *batchv1.CronJob) {
		c.Spec.JobTemplate = batchv1.JobTemplateSpec{}
		if n := len(c.Status.Active); n > 0 { // only the count is read
			c.Status.Active = make([]corev1.ObjectReference, n)
		}
	},
	Families: []Family[*batchv1.CronJob]{
		{
			Name: "kube_cronjob_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(c *batchv1.CronJob, e *Emitter) { e.Annotations(c.Annotations) },
		},
		{
			Name: "kube_cronjob_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) { e.Labels(c.Labels) },
		},
		{
			Name: "kube_cronjob_info", Help: "Info about cronjob.", Stability: Stable,
			Labels: []string{"schedule", "concurrency_policy", "timezone"},
			Points: func(c *batchv1.CronJob, e *Emitter) {
				tz := "local"
				if c.Spec.TimeZone != nil {
					tz = *c.Spec.TimeZone
				}
				e.Add(1, c.Spec.Schedule, string(c.Spec.ConcurrencyPolicy), tz)
			},
		},
		{
			Name: "kube_cronjob_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) { e.Timestamp(&c.CreationTimestamp) },
		},
		{
			Name: "kube_cronjob_status_active", Help: "Active holds pointers to currently running jobs.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) { e.Add(float64(len(c.Status.Active))) },
		},
		{
			Name: "kube_cronjob_status_last_schedule_time", Help: "LastScheduleTime keeps information of when was the last time the job was successfully scheduled.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if c.Status.LastScheduleTime != nil {
					e.Add(float64(c.Status.LastScheduleTime.Unix()))
				}
			},
		},
		{
			Name: "kube_cronjob_status_last_successful_time", Help: "LastSuccessfulTime keeps information of when was the last time the job was completed successfully.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if c.Status.LastSuccessfulTime != nil {
					e.Add(float64(c.Status.LastSuccessfulTime.Unix()))
				}
			},
		},
		{
			Name: "kube_cronjob_spec_suspend", Help: "Suspend flag tells the controller to suspend subsequent executions.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) { e.Add(BoolFloat(cronJobSuspended(c))) },
		},
		{
			Name: "kube_cronjob_spec_starting_deadline_seconds", Help: "Deadline in seconds for starting the job if it misses scheduled time for any reason.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if c.Spec.StartingDeadlineSeconds != nil {
					e.Add(float64(*c.Spec.StartingDeadlineSeconds))
				}
			},
		},
		{
			Name: "kube_cronjob_next_schedule_time", Help: "Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job's creation time if it's never been scheduled. Use this to determine if the job is delayed.", Stability: Stable,
			Points: cronJobNextScheduleTime,
		},
		{
			Name: "kube_cronjob_schedule_invalid", Help: "Emitted with value 1 for cronjobs whose schedule, in its configured timezone, cannot be parsed.", Stability: Alpha,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if _, err := cronJobSchedule(c); err != nil {
					e.Add(1)
				}
			},
		},
		{
			Name: "kube_cronjob_metadata_resource_version", Help: "Resource version representing a specific version of the cronjob.", Stability: Stable,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				// KSM emits the resource version only when it parses as a float.
				e.ResourceVersion(c.ResourceVersion)
			},
		},
		{
			Name: "kube_cronjob_spec_successful_job_history_limit", Help: "Successful job history limit tells the controller how many completed jobs should be preserved.", Stability: Alpha,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if c.Spec.SuccessfulJobsHistoryLimit != nil {
					e.Add(float64(*c.Spec.SuccessfulJobsHistoryLimit))
				}
			},
		},
		{
			Name: "kube_cronjob_spec_failed_job_history_limit", Help: "Failed job history limit tells the controller how many failed jobs should be preserved.", Stability: Alpha,
			Points: func(c *batchv1.CronJob, e *Emitter) {
				if c.Spec.FailedJobsHistoryLimit != nil {
					e.Add(float64(*c.Spec.FailedJobsHistoryLimit))
				}
			},
		},
	},
}

func cronJobSuspended(c *batchv1.CronJob) bool { return c.Spec.Suspend != nil && *c.Spec.Suspend }

// cronJobSchedule parses the schedule as KSM does: standard cron syntax (with descriptors such as
// @hourly), in spec.timeZone when set, else in the location of the time it is applied to.
func cronJobSchedule(c *batchv1.CronJob) (cron.Schedule, error) {
	spec := c.Spec.Schedule
	if c.Spec.TimeZone != nil {
		spec = "CRON_TZ=" + *c.Spec.TimeZone + " " + spec
	}
	return cron.ParseStandard(spec)
}

// cronJobNextScheduleTime emits the schedule's next activation after lastScheduleTime, or after
// the creation time if it never ran. Like KSM it emits nothing for a suspended cron job, an
// unparseable schedule, or when both times are unset.
func cronJobNextScheduleTime(c *batchv1.CronJob, e *Emitter) {
	if cronJobSuspended(c) {
		return
	}
	sched, err := cronJobSchedule(c)
	if err != nil {
		return
	}
	switch {
	case !c.Status.LastScheduleTime.IsZero(): // IsZero is nil-safe
		e.Add(float64(sched.Next(c.Status.LastScheduleTime.Time).Unix()))
	case !c.CreationTimestamp.IsZero():
		e.Add(float64(sched.Next(c.CreationTimestamp.Time).Unix()))
	}
}
